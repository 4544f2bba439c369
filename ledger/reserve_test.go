package ledger

import (
	"fmt"
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
)

const (
	mspHA  = "HenanMSP"
	mspHLJ = "HeilongjiangMSP"
	mspReg = "RegulatorMSP"
)

type reserveWorld struct {
	t   *testing.T
	s   *MemState
	n   int
	now time.Time
}

func newReserveWorld(t *testing.T) *reserveWorld {
	w := &reserveWorld{t: t, s: NewMemState(), now: time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)}
	w.do(mspHA, func(r *ReserveRecorder) error {
		_, err := r.RegisterGranaries([]domain.Granary{{ID: "zcl-zz", Name: "中储粮郑州直属库", Owner: domain.Party{Enterprise: "ZCL-ZZ"},
			Region: "410100", Type: domain.CentralDepot, Bins: []domain.Bin{{ID: "P1", Type: "平房仓", CapacityT: 5000}, {ID: "P2", Type: "平房仓", CapacityT: 1000}}}})
		return err
	})
	return w
}

// do runs f as org in a fresh transaction; a failing transaction writes nothing.
func (w *reserveWorld) do(msp string, f func(*ReserveRecorder) error) (domain.Recorded, error) {
	w.n++
	tx := fmt.Sprintf("tx%d", w.n)
	w.s.Begin(tx)
	snapshot := map[string][]byte{}
	for k, v := range w.s.KV {
		snapshot[k] = v
	}
	r := NewReserveRecorder(w.s, Caller{MSPID: msp, Regulator: msp == mspReg}, Tx{ID: tx, Time: w.now})
	if err := f(r); err != nil {
		w.s.KV = snapshot
		return domain.Recorded{}, err
	}
	return r.Emitted(), nil
}

func mv(id string, kind domain.MovementKind, bin string, tonnes float64) domain.StockMovement {
	return domain.StockMovement{ID: id, Kind: kind, Time: "2026-06-20T09:00:00+08:00", Granary: "zcl-zz", Bin: bin,
		Grain: domain.Wheat, HarvestYear: 2026, Category: domain.CentralReserve, Tonnes: tonnes}
}

func (w *reserveWorld) move(msp string, ms ...domain.StockMovement) error {
	_, err := w.do(msp, func(r *ReserveRecorder) error { _, err := r.RecordMovements(ms); return err })
	return err
}

func (w *reserveWorld) book(bin string) float64 {
	lots, err := NewReader(w.s).GranaryLots("zcl-zz")
	if err != nil {
		w.t.Fatal(err)
	}
	t := 0.0
	for _, l := range lots {
		if l.Bin == bin {
			t += l.Tonnes
		}
	}
	return t
}

func rule(err error) string {
	if de, ok := domain.AsError(err); ok {
		return de.Rule
	}
	if err != nil {
		return "other: " + err.Error()
	}
	return ""
}

func TestReserveStockFollowsMovements(t *testing.T) {
	moveP1ToP2 := mv("m-move", domain.MoveBins, "P1", 300)
	moveP1ToP2.ToBin = "P2"
	tests := []struct {
		name           string
		ms             []domain.StockMovement
		wantP1, wantP2 float64
	}{
		{"store adds", []domain.StockMovement{mv("m1", domain.StoreIn, "P1", 4000)}, 4000, 0},
		{"rotate out then in", []domain.StockMovement{mv("m1", domain.StoreIn, "P1", 4000), mv("m2", domain.RotateOut, "P1", 1200), mv("m3", domain.RotateIn, "P1", 1000)}, 3800, 0},
		{"sell and process take out", []domain.StockMovement{mv("m1", domain.StoreIn, "P1", 4000), mv("m2", domain.SellOut, "P1", 500), mv("m3", domain.ProcessOut, "P1", 250)}, 3250, 0},
		{"move between bins keeps the total", []domain.StockMovement{mv("m1", domain.StoreIn, "P1", 4000), moveP1ToP2}, 3700, 300},
		{"same movement twice counts once", []domain.StockMovement{mv("m1", domain.StoreIn, "P1", 4000), mv("m1", domain.StoreIn, "P1", 4000)}, 4000, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newReserveWorld(t)
			for _, m := range tc.ms { // one transaction each, like separate requests
				if err := w.move(mspHA, m); err != nil {
					t.Fatalf("%s: %v", m.ID, err)
				}
			}
			if got := w.book("P1"); got != tc.wantP1 {
				t.Errorf("P1 book = %v t, want %v", got, tc.wantP1)
			}
			if got := w.book("P2"); got != tc.wantP2 {
				t.Errorf("P2 book = %v t, want %v", got, tc.wantP2)
			}
		})
	}
}

func TestReserveRefusals(t *testing.T) {
	stored := mv("m1", domain.StoreIn, "P1", 4000)
	otherYear := mv("m2", domain.RotateOut, "P1", 10)
	otherYear.HarvestYear = 2025
	changed := stored
	changed.Tonnes = 3999
	tests := []struct {
		name string
		msp  string
		f    func(*ReserveRecorder) error
		want string
	}{
		{"more out than the lot holds", mspHA, func(r *ReserveRecorder) error {
			_, err := r.RecordMovements([]domain.StockMovement{mv("m2", domain.RotateOut, "P1", 4000.5)})
			return err
		}, "reserve-stock"},
		{"out of a harvest year the bin does not hold", mspHA, func(r *ReserveRecorder) error {
			_, err := r.RecordMovements([]domain.StockMovement{otherYear})
			return err
		}, "reserve-stock"},
		{"beyond design capacity", mspHA, func(r *ReserveRecorder) error {
			_, err := r.RecordMovements([]domain.StockMovement{mv("m2", domain.StoreIn, "P1", 1001)})
			return err
		}, "bin-capacity"},
		{"another platform moves the stock", mspHLJ, func(r *ReserveRecorder) error {
			_, err := r.RecordMovements([]domain.StockMovement{mv("m2", domain.SellOut, "P1", 1)})
			return err
		}, "granary-owner"},
		{"the regulator moves stock", mspReg, func(r *ReserveRecorder) error {
			_, err := r.RecordMovements([]domain.StockMovement{mv("m2", domain.SellOut, "P1", 1)})
			return err
		}, "regulator-role"},
		{"same id other content", mspHA, func(r *ReserveRecorder) error {
			_, err := r.RecordMovements([]domain.StockMovement{changed})
			return err
		}, "idempotency"},
		{"unknown bin", mspHA, func(r *ReserveRecorder) error {
			_, err := r.RecordMovements([]domain.StockMovement{mv("m2", domain.StoreIn, "P9", 1)})
			return err
		}, "unknown-bin"},
		{"a platform records a stock check", mspHA, func(r *ReserveRecorder) error {
			_, err := r.RecordCheck(check("c1", 3900))
			return err
		}, "regulator-only"},
		{"a platform closes an alert", mspHA, func(r *ReserveRecorder) error {
			_, err := r.CloseAlert(domain.AlertClosure{Alert: "variance:c1", Reason: "复核无误", Time: "2026-11-20T10:00:00+08:00"})
			return err
		}, "regulator-only"},
		{"removing a bin that holds stock", mspHA, func(r *ReserveRecorder) error {
			_, err := r.RegisterGranaries([]domain.Granary{{ID: "zcl-zz", Name: "中储粮郑州直属库", Owner: domain.Party{Enterprise: "ZCL-ZZ"},
				Region: "410100", Type: domain.CentralDepot, Bins: []domain.Bin{{ID: "P2", Type: "平房仓", CapacityT: 1000}}}})
			return err
		}, "bin-in-use"},
		{"a market cell under k", mspHA, func(r *ReserveRecorder) error {
			_, err := r.PublishMarket(domain.MarketPublication{ID: "p1", Time: "2026-11-20T10:00:00+08:00", K: 3,
				Cells: []domain.MarketCell{{Region: "410000", Grain: domain.Wheat, Week: "2026-W40", Deals: 5, Buyers: 2, Sellers: 4, VolumeTonnes: 10, AvgPrice: 2.4}}})
			return err
		}, "market-k"},
		{"k below the national floor", mspHA, func(r *ReserveRecorder) error {
			_, err := r.PublishMarket(domain.MarketPublication{ID: "p1", Time: "2026-11-20T10:00:00+08:00", K: 2,
				Cells: []domain.MarketCell{{Region: "410000", Grain: domain.Wheat, Week: "2026-W40", Deals: 2, Buyers: 2, Sellers: 2, VolumeTonnes: 10, AvgPrice: 2.4}}})
			return err
		}, "market-k"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newReserveWorld(t)
			if err := w.move(mspHA, stored); err != nil {
				t.Fatal(err)
			}
			_, err := w.do(tc.msp, tc.f)
			if got := rule(err); got != tc.want {
				t.Fatalf("rule = %q (%v), want %q", got, err, tc.want)
			}
			if w.book("P1") != 4000 {
				t.Fatalf("a refused transaction changed the book: %v", w.book("P1"))
			}
		})
	}
}

func check(id string, counted float64) domain.StockCheck {
	return domain.StockCheck{ID: id, Time: "2026-11-20T09:00:00+08:00", Granary: "zcl-zz", Bin: "P1", Method: domain.Weighbridge,
		CountedTonnes: counted, Inspector: domain.Party{Enterprise: "国家粮食和物资储备局河南局"},
		Document: domain.Document{Name: "count.pdf", SHA256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}}
}

func TestStockCheckSnapshotsTheBook(t *testing.T) {
	w := newReserveWorld(t)
	if err := w.move(mspHA, mv("m1", domain.StoreIn, "P1", 4000), mv("m2", domain.RotateOut, "P1", 500)); err != nil {
		t.Fatal(err)
	}
	out, err := w.do(mspReg, func(r *ReserveRecorder) error { _, err := r.RecordCheck(check("c1", 3300)); return err })
	if err != nil {
		t.Fatal(err)
	}
	c := out.Reserve.Checks[0]
	if len(c.Book) != 1 || c.Book[0].Tonnes != 3500 || c.Book[0].FirstIn != "2026-06-20T01:00:00Z" {
		t.Fatalf("book at check = %+v, want one lot of 3500 t stored 2026-06-20T01:00:00Z", c.Book)
	}
	// a later movement does not change what the check compared against
	if err := w.move(mspHA, mv("m3", domain.SellOut, "P1", 200)); err != nil {
		t.Fatal(err)
	}
	again, err := w.do(mspReg, func(r *ReserveRecorder) error { _, err := r.RecordCheck(check("c1", 3300)); return err })
	if err != nil || len(again.Reserve.Checks) != 0 {
		t.Fatalf("replayed check: err %v, emitted %d checks; want a silent duplicate", err, len(again.Reserve.Checks))
	}
}

func TestMeasuredCountFollowsVolume(t *testing.T) {
	tests := []struct {
		name    string
		counted float64
		want    float64
		rule    string
	}{
		{"filled in when omitted", 0, 3900 * 780 * 1.02 / 1000, ""},
		{"accepted when it matches", 3103, 3900 * 780 * 1.02 / 1000, ""},
		{"refused when it does not", 3500, 0, "validation"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := check("c1", tc.counted)
			c.Method, c.VolumeM3, c.BulkDensity, c.Correction = domain.MeasuredVolume, 3900, 780, 1.02
			err := domain.ValidateCheck(&c, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
			if rule(err) != tc.rule {
				t.Fatalf("rule = %q, want %q (%v)", rule(err), tc.rule, err)
			}
			if err == nil && (c.CountedTonnes-tc.want > 0.01*tc.want || tc.want-c.CountedTonnes > 0.01*tc.want) {
				t.Fatalf("counted = %v, want ≈ %v", c.CountedTonnes, tc.want)
			}
		})
	}
}
