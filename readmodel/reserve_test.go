package readmodel

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/internal/pgcluster/pgtest"
	"github.com/agritrace/agritrace/ledger"
	"github.com/agritrace/agritrace/reserve"
)

// reserveFeed runs the real reserve rules over an in-memory state and applies what each
// transaction emits to the store, block by block, as the block listener does.
type reserveFeed struct {
	t     testing.TB
	state *ledger.MemState
	store *Store
	block uint64
	now   time.Time
	txs   []TxRecord // every transaction applied, to rebuild another store from
	at    []uint64
}

func (f *reserveFeed) tx(msp string, run func(*ledger.ReserveRecorder) error) {
	f.t.Helper()
	f.block++
	id := fmt.Sprintf("tx%d", f.block)
	r := ledger.NewReserveRecorder(f.state, ledger.Caller{MSPID: msp, Regulator: msp == "RegulatorMSP"}, ledger.Tx{ID: id, Time: f.now})
	if err := run(r); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.store.Apply(context.Background(), f.block, id, r.Emitted()); err != nil {
		f.t.Fatal(err)
	}
	f.txs, f.at = append(f.txs, TxRecord{TxID: id, Recorded: r.Emitted()}), append(f.at, f.block)
}

func openStore(t testing.TB) *Store {
	s, err := Open(filepath.Join(t.TempDir(), "rm.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestReserveAlertsStayUntilClosed runs on both stores, and audits each against a SQLite read model
// re-derived from the same transactions, as `agritrace audit` does (its fresh model is SQLite
// whatever the live one is): numbers must compare equal across the two databases.
func TestReserveAlertsStayUntilClosed(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, _ string) { reserveAlertsStayUntilClosed(t, s) })
}

func reserveAlertsStayUntilClosed(t *testing.T, s *Store) {
	ctx := context.Background()
	f := &reserveFeed{t: t, state: ledger.NewMemState(), store: s, now: time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)}
	f.tx("HenanMSP", func(r *ledger.ReserveRecorder) error {
		_, err := r.RegisterGranaries([]domain.Granary{{ID: "g1", Name: "库", Owner: domain.Party{Enterprise: "E1"}, Region: "410100",
			Type: domain.CentralDepot, Bins: []domain.Bin{{ID: "P1", CapacityT: 5000}}}})
		return err
	})
	f.tx("HenanMSP", func(r *ledger.ReserveRecorder) error {
		_, err := r.RecordMovements([]domain.StockMovement{{ID: "m1", Kind: domain.StoreIn, Time: "2025-07-01T08:00:00+08:00", Granary: "g1", Bin: "P1",
			Grain: domain.Wheat, HarvestYear: 2025, Category: domain.CentralReserve, Tonnes: 4000}})
		return err
	})
	f.tx("RegulatorMSP", func(r *ledger.ReserveRecorder) error {
		_, err := r.RecordCheck(domain.StockCheck{ID: "c1", Time: "2026-11-20T09:00:00+08:00", Granary: "g1", Bin: "P1", Method: domain.Weighbridge,
			CountedTonnes: 3800, Inspector: domain.Party{Enterprise: "REG"}, Document: domain.Document{Name: "d", SHA256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}})
		return err
	})
	cfg := reserve.Default()
	if _, err := f.store.SweepReserveAlerts(ctx, cfg, f.now); err != nil {
		t.Fatal(err)
	}
	open := func() []string {
		as, err := f.store.Alerts(ctx, AlertFilter{Open: true})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range as {
			ids = append(ids, a.ID)
		}
		return ids
	}
	if got := open(); len(got) != 1 || got[0] != "variance:c1" {
		t.Fatalf("open alerts = %v, want the shortfall", got)
	}
	// what the granary list reads, set-at-a-time: open alerts and book stock per granary
	for _, c := range []struct {
		platform string
		kinds    []string
		want     map[string]int
	}{
		{"", []string{"variance", "storage-age"}, map[string]int{"g1": 1}},
		{"HenanMSP", nil, map[string]int{"g1": 1}},
		{"HeilongjiangMSP", nil, map[string]int{}},
		{"", []string{"storage-age"}, map[string]int{}},
	} {
		if got, err := f.store.OpenAlertCounts(ctx, c.platform, c.kinds); err != nil || fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Fatalf("open alerts per granary (%q, %v) = %v %v, want %v", c.platform, c.kinds, got, err, c.want)
		}
	}
	if books, err := f.store.BookTotals(ctx, ""); err != nil || len(books) != 1 || books[0] != (BookTotal{"g1", domain.CentralReserve, domain.CentralAuthority, 4000}) {
		t.Fatalf("book totals = %+v %v", books, err)
	}
	if books, err := f.store.BookTotals(ctx, "HeilongjiangMSP"); err != nil || len(books) != 0 {
		t.Fatalf("another platform's book totals = %+v %v", books, err)
	}
	// the granary sells the rest: the bin is empty, the shortfall is not forgotten
	f.tx("HenanMSP", func(r *ledger.ReserveRecorder) error {
		_, err := r.RecordMovements([]domain.StockMovement{{ID: "m2", Kind: domain.SellOut, Time: "2026-11-20T09:30:00+08:00", Granary: "g1", Bin: "P1",
			Grain: domain.Wheat, HarvestYear: 2025, Category: domain.CentralReserve, Tonnes: 4000}})
		return err
	})
	if _, err := f.store.SweepReserveAlerts(ctx, cfg, f.now); err != nil {
		t.Fatal(err)
	}
	if got := open(); len(got) != 1 {
		t.Fatalf("after the sale, open alerts = %v; the shortfall must stay", got)
	}
	if lots, _ := f.store.Lots(ctx, "g1", ""); len(lots) != 0 {
		t.Fatalf("book after selling everything = %+v", lots)
	}
	f.tx("RegulatorMSP", func(r *ledger.ReserveRecorder) error {
		_, err := r.CloseAlert(domain.AlertClosure{Alert: "variance:c1", Reason: "复核：出库单据漏记，已追责", Time: "2026-11-20T10:00:00+08:00"})
		return err
	})
	if got := open(); len(got) != 0 {
		t.Fatalf("after closing, open alerts = %v", got)
	}
	all, _ := f.store.Alerts(ctx, AlertFilter{})
	if len(all) != 1 || all[0].Closed == nil || all[0].Closed.Reason == "" {
		t.Fatalf("closed alert = %+v", all)
	}

	// the audit re-derives the reserve tables from the same transactions and finds them equal;
	// a book changed behind the ledger's back is caught
	rebuilt, err := Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer rebuilt.Close()
	for i, tx := range f.txs {
		if _, err := rebuilt.ApplyBlock(ctx, f.at[i], []TxRecord{tx}); err != nil {
			t.Fatal(err)
		}
	}
	if ms, err := Compare(ctx, rebuilt, f.store, f.block); err != nil || len(ms) != 0 {
		t.Fatalf("audit of an untouched read model: %v %v", ms, err)
	}
	if _, err := f.store.DB().Exec(`UPDATE reserve_lots SET tonnes = 4000 WHERE granary = 'g1'`); err != nil {
		t.Fatal(err)
	}
	ms, err := Compare(ctx, rebuilt, f.store, f.block)
	if err != nil || len(ms) != 1 || ms[0].Kind != "lot" {
		t.Fatalf("audit of a tampered book: %v %v", ms, err)
	}
}

// BenchmarkReserveReconciliation: reconcile the latest count of 1,000 granaries × 20 bins from the
// read model and keep the alerts it raises (target ≤ 1 s per run).
func BenchmarkReserveReconciliation(b *testing.B) {
	ctx := context.Background()
	f := &reserveFeed{t: b, state: ledger.NewMemState(), store: openStore(b), now: time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)}
	const granaries, bins = 1000, 20
	doc := domain.Document{Name: "d", SHA256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}
	for g := 0; g < granaries; g++ {
		gid := fmt.Sprintf("g%04d", g)
		f.state = ledger.NewMemState() // granaries share no keys; a small state keeps the setup quick
		gr := domain.Granary{ID: gid, Name: gid, Owner: domain.Party{Enterprise: "E" + gid}, Region: "410100", Type: domain.CentralDepot,
			Plans: []domain.RotationPlan{{Year: 2026, Grain: domain.Wheat, Tonnes: 10000}}}
		var ms []domain.StockMovement
		for i := 0; i < bins; i++ {
			bin := fmt.Sprintf("P%02d", i)
			gr.Bins = append(gr.Bins, domain.Bin{ID: bin, CapacityT: 5000})
			ms = append(ms, domain.StockMovement{ID: gid + "-in-" + bin, Kind: domain.StoreIn, Time: "2024-07-01T08:00:00+08:00", Granary: gid, Bin: bin,
				Grain: domain.Wheat, HarvestYear: 2020 + i%6, Category: domain.CentralReserve, Tonnes: 4000})
		}
		f.tx("HenanMSP", func(r *ledger.ReserveRecorder) error { _, err := r.RegisterGranaries([]domain.Granary{gr}); return err })
		f.tx("HenanMSP", func(r *ledger.ReserveRecorder) error { _, err := r.RecordMovements(ms); return err })
		f.tx("RegulatorMSP", func(r *ledger.ReserveRecorder) error {
			for i := 0; i < bins; i++ {
				counted := 3990.0
				if i == 0 {
					counted = 3700 // one shortfall per granary
				}
				c := domain.StockCheck{ID: fmt.Sprintf("%s-c%02d", gid, i), Time: "2026-11-10T09:00:00+08:00", Granary: gid, Bin: fmt.Sprintf("P%02d", i),
					Method: domain.Weighbridge, CountedTonnes: counted, Inspector: domain.Party{Enterprise: "REG"}, Document: doc}
				if _, err := r.RecordCheck(c); err != nil {
					return err
				}
			}
			return nil
		})
	}
	cfg := reserve.Default()
	for b.Loop() {
		if _, err := f.store.SweepReserveAlerts(ctx, cfg, f.now); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	as, _ := f.store.Alerts(ctx, AlertFilter{Kinds: []string{"variance"}})
	if len(as) != granaries {
		b.Fatalf("%d variance alerts, want %d", len(as), granaries)
	}
}

// TestReserveRedeliveryKeepsTheLatestBook: a reserve transaction delivered again after a later one
// (a reconnect) does not put the older book back.
func TestReserveRedeliveryKeepsTheLatestBook(t *testing.T) {
	ctx := context.Background()
	f := &reserveFeed{t: t, state: ledger.NewMemState(), store: openStore(t), now: time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)}
	f.tx("HenanMSP", func(r *ledger.ReserveRecorder) error {
		_, err := r.RegisterGranaries([]domain.Granary{{ID: "g1", Name: "库", Owner: domain.Party{Enterprise: "E1"}, Region: "410100",
			Type: domain.CentralDepot, Bins: []domain.Bin{{ID: "P1", CapacityT: 5000}}}})
		return err
	})
	for i, tonnes := range []float64{4000, 1000} {
		kind := domain.StoreIn
		if i == 1 {
			kind = domain.SellOut
		}
		f.tx("HenanMSP", func(r *ledger.ReserveRecorder) error {
			_, err := r.RecordMovements([]domain.StockMovement{{ID: fmt.Sprintf("m%d", i), Kind: kind, Time: "2026-07-01T08:00:00+08:00", Granary: "g1", Bin: "P1",
				Grain: domain.Wheat, HarvestYear: 2026, Category: domain.CentralReserve, Tonnes: tonnes}})
			return err
		})
	}
	// the store-in transaction (block 2) arrives again
	if _, err := f.store.ApplyBlock(ctx, f.at[1], []TxRecord{f.txs[1]}); err != nil {
		t.Fatal(err)
	}
	lots, err := f.store.Lots(ctx, "g1", "")
	if err != nil || len(lots) != 1 || lots[0].Tonnes != 3000 {
		t.Fatalf("book after a redelivery = %+v %v, want 3000 t", lots, err)
	}
}

// TestCheckBooksSeesEveryCheckOnce: the kept checks grow with later blocks, and a check of the
// checkpoint's own block applied after a read (the follower applies a block in batches) is not
// lost; none is listed twice. On both stores.
func TestCheckBooksSeesEveryCheckOnce(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, _ string) {
		ctx := context.Background()
		rec := func(id string, lots ...domain.StockLot) TxRecord {
			return TxRecord{TxID: "tx-" + id, Recorded: domain.Recorded{Reserve: &domain.ReserveRecorded{Checks: []domain.StockCheck{{ID: id,
				Time: "2026-11-10T09:00:00+08:00", Granary: "g1", Bin: "P1", Method: domain.Weighbridge, CountedTonnes: 100, Book: lots}}}}}
		}
		lot := func(year int, tonnes float64) domain.StockLot {
			return domain.StockLot{Granary: "g1", Bin: "P1", Grain: domain.Wheat, HarvestYear: year, Category: domain.CentralReserve, Tonnes: tonnes}
		}
		steps := []struct {
			block uint64
			tx    TxRecord
			want  []string
		}{
			{1, rec("c1", lot(2025, 60), lot(2024, 40)), []string{"c1"}},
			{1, rec("c2", lot(2025, 100)), []string{"c1", "c2"}}, // same block, applied after the first read
			{2, rec("c3"), []string{"c1", "c2", "c3"}},
			{2, rec("c3"), []string{"c1", "c2", "c3"}}, // delivered again
			{3, rec("c4", lot(2026, 10)), []string{"c1", "c2", "c3", "c4"}},
		}
		for i, st := range steps {
			if _, err := s.ApplyBlock(ctx, st.block, []TxRecord{st.tx}); err != nil {
				t.Fatal(err)
			}
			got, err := s.CheckBooks(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, c := range got {
				ids = append(ids, c.ID)
				if c.ID == "c1" && (len(c.Book) != 2 || c.Book[0].HarvestYear != 2024 || c.Book[0].Tonnes != 40 || c.Book[1].Granary != "g1") {
					t.Fatalf("step %d: book of c1 = %+v", i, c.Book)
				}
			}
			sort.Strings(ids)
			if fmt.Sprint(ids) != fmt.Sprint(st.want) {
				t.Fatalf("step %d: checks %v, want %v", i, ids, st.want)
			}
		}
	})
}

// TestSweepReadsOnlyLotsTheAgeRuleCanFlag: the read model hands the rules only lots harvested
// before the cutoff, and those raise exactly the alerts the rule raises over every lot.
func TestSweepReadsOnlyLotsTheAgeRuleCanFlag(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	f := &reserveFeed{t: t, state: ledger.NewMemState(), store: openStore(t), now: now}
	f.tx("HenanMSP", func(r *ledger.ReserveRecorder) error {
		_, err := r.RegisterGranaries([]domain.Granary{{ID: "g1", Name: "库", Owner: domain.Party{Enterprise: "E1"}, Region: "410100",
			Type: domain.CentralDepot, Bins: []domain.Bin{{ID: "P1", CapacityT: 50000}}}})
		return err
	})
	var ms []domain.StockMovement
	for i, l := range []struct {
		grain domain.Grain
		year  int
	}{{domain.Wheat, 2021}, {domain.Wheat, 2022}, {domain.Paddy, 2023}, {domain.Paddy, 2024}, {domain.Corn, 2020}, {domain.Soybean, 2024}, {domain.Soybean, 2025}} {
		ms = append(ms, domain.StockMovement{ID: fmt.Sprintf("m%d", i), Kind: domain.StoreIn, Time: "2026-07-01T08:00:00+08:00", Granary: "g1", Bin: "P1",
			Grain: l.grain, HarvestYear: l.year, Category: domain.CentralReserve, Tonnes: 100})
	}
	f.tx("HenanMSP", func(r *ledger.ReserveRecorder) error { _, err := r.RecordMovements(ms); return err })
	cfg := reserve.Default()
	facts, err := f.store.ReserveFacts(ctx, cfg.AgeCutoffs(now))
	if err != nil {
		t.Fatal(err)
	}
	all, err := f.store.Lots(ctx, "", "")
	if err != nil {
		t.Fatal(err)
	}
	ids := func(lots []domain.StockLot) []string {
		var out []string
		for _, a := range cfg.Evaluate(reserve.Facts{Lots: lots}, now) {
			out = append(out, a.ID)
		}
		return out
	}
	if len(facts.Lots) >= len(all) {
		t.Fatalf("read %d of %d lots: the young ones need not be read", len(facts.Lots), len(all))
	}
	want := []string{"storage-age:g1/P1/corn/2020/central", "storage-age:g1/P1/paddy/2023/central", "storage-age:g1/P1/soybean/2024/central", "storage-age:g1/P1/wheat/2021/central"}
	if got := ids(facts.Lots); fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(ids(all)) != fmt.Sprint(want) {
		t.Fatalf("age alerts from the read lots %v, from every lot %v, want %v", got, ids(all), want)
	}
}

// BenchmarkGranaryListReads: what the regulator's granary list reads from each store (the alert
// sweep's facts, book totals and open alerts per granary) over 1,000 granaries × 20 bins, each
// granary's counts in a block of their own. The first iteration reads every count; later ones
// only the checkpoint's block.
func BenchmarkGranaryListReads(b *testing.B) {
	for _, backend := range []struct {
		name   string
		target func() string
	}{
		{"sqlite", func() string { return filepath.Join(b.TempDir(), "rm.db") }},
		{"postgres", func() string { return pgtest.URL(b) }},
	} {
		b.Run(backend.name, func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(backend.target())
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			const granaries, bins = 1000, 20
			stock := &domain.ReserveRecorded{}
			var counts []*domain.ReserveRecorded
			for g := 0; g < granaries; g++ {
				gr := domain.Granary{ID: fmt.Sprintf("G%04d", g), Name: "库", Region: "410100", Type: domain.CentralDepot, Platform: "HenanMSP"}
				c := &domain.ReserveRecorded{}
				for i := 0; i < bins; i++ {
					bin := fmt.Sprintf("P%02d", i)
					gr.Bins = append(gr.Bins, domain.Bin{ID: bin, CapacityT: 5000})
					lot := domain.StockLot{Granary: gr.ID, Bin: bin, Grain: domain.Wheat, HarvestYear: 2020 + i%6, Category: domain.CentralReserve,
						Authority: domain.CentralAuthority, Tonnes: 4000, FirstIn: "2024-07-01T00:00:00Z", Platform: "HenanMSP"}
					stock.Lots = append(stock.Lots, lot)
					c.Checks = append(c.Checks, domain.StockCheck{ID: fmt.Sprintf("%s-%s", gr.ID, bin), Time: "2026-11-10T09:00:00+08:00", Granary: gr.ID, Bin: bin,
						Method: domain.Weighbridge, CountedTonnes: 3990 - 300*float64(i%20/19), Book: []domain.StockLot{lot}})
				}
				stock.Granaries = append(stock.Granaries, gr)
				counts = append(counts, c)
			}
			for i, rec := range append([]*domain.ReserveRecorded{stock}, counts...) {
				if _, err := s.ApplyBlock(ctx, uint64(i+1), []TxRecord{{TxID: fmt.Sprintf("tx%d", i), Recorded: domain.Recorded{Reserve: rec}}}); err != nil {
					b.Fatal(err)
				}
			}
			cfg, now := reserve.Default(), time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
			b.ResetTimer()
			for b.Loop() {
				f, err := s.SweepReserveAlerts(ctx, cfg, now)
				if err != nil || len(f.Checks) != granaries*bins {
					b.Fatalf("sweep: %d checks, %v", len(f.Checks), err)
				}
				if _, err := s.BookTotals(ctx, ""); err != nil {
					b.Fatal(err)
				}
				if _, err := s.OpenAlertCounts(ctx, "", []string{"variance", "storage-age"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestKeepManyAlerts: a first sweep over a large reserve keeps thousands of alerts, several
// statements' worth, each once; a later sweep adds only the new ones. On both stores.
func TestKeepManyAlerts(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, _ string) {
		ctx := context.Background()
		now := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
		alerts := func(from, to int) []reserve.Alert {
			var out []reserve.Alert
			for i := from; i < to; i++ {
				out = append(out, reserve.Alert{ID: fmt.Sprintf("storage-age:g%04d/P1/wheat/2020/central", i), Kind: reserve.AgeAlert, Granary: fmt.Sprintf("g%04d", i),
					Platform: "HenanMSP", Region: "410100", Since: "2026-01-01"})
			}
			return out
		}
		for _, step := range []struct{ from, to, want int }{{0, 1203, 1203}, {1000, 1501, 1501}} {
			if err := s.saveAlerts(ctx, alerts(step.from, step.to), now); err != nil {
				t.Fatal(err)
			}
			got, err := s.Alerts(ctx, AlertFilter{})
			if err != nil || len(got) != step.want {
				t.Fatalf("after keeping alerts %d..%d: %d kept (%v), want %d", step.from, step.to, len(got), err, step.want)
			}
		}
	})
}
