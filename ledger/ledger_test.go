package ledger

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
)

var (
	hlj = Caller{MSPID: "HeilongjiangMSP"}
	ha  = Caller{MSPID: "HenanMSP"}
	reg = Caller{MSPID: "RegulatorMSP", Regulator: true}
	t0  = time.Date(2026, 10, 8, 9, 0, 0, 0, time.UTC)
)

type world struct {
	t  *testing.T
	s  *MemState
	tx int
}

func newWorld(t *testing.T) *world { return &world{t: t, s: NewMemState()} }

func (w *world) record(c Caller, events ...domain.Event) ([]domain.RecordResult, error) {
	w.tx++
	id := fmt.Sprintf("tx%03d", w.tx)
	w.s.Begin(id)
	r := NewRecorder(w.s, c, Tx{ID: id, Time: t0.Add(time.Duration(w.tx) * time.Minute)})
	return r.Record(events)
}

func (w *world) ok(c Caller, events ...domain.Event) []domain.RecordResult {
	w.t.Helper()
	res, err := w.record(c, events...)
	if err != nil {
		w.t.Fatalf("record %s: %v", events[0].ID, err)
	}
	return res
}

func (w *world) batch(id string) domain.Batch {
	w.t.Helper()
	b, err := NewReader(w.s).Batch(id)
	if err != nil {
		w.t.Fatalf("batch %s: %v", id, err)
	}
	return *b
}

func ev(id string, typ domain.EventType, enterprise string) domain.Event {
	return domain.Event{ID: id, Type: typ, EventTime: "2026-10-08T08:30:00+08:00", Actor: domain.Party{Enterprise: enterprise}}
}

func produce(id, batch string, kg float64) domain.Event {
	e := ev(id, domain.Produce, "COOP-1")
	e.Outputs = []domain.Output{{Batch: batch, Product: domain.Product{Name: "稻谷", Category: "grain", Variety: "稻花香2号"},
		Quantity: domain.Quantity{Value: kg, Unit: "kg"}, Origin: &domain.Origin{Region: "230184", HarvestDate: "2026-10-01"}}}
	return e
}

func on(e domain.Event, batches ...string) domain.Event { e.Batches = batches; return e }

func process(id string, ins []domain.Portion, outs ...domain.Output) domain.Event {
	e := ev(id, domain.Process, "MILL-1")
	e.Inputs, e.Outputs = ins, outs
	return e
}

func out(batch, name string, v float64, unit string) domain.Output {
	return domain.Output{Batch: batch, Product: domain.Product{Name: name}, Quantity: domain.Quantity{Value: v, Unit: unit}}
}

func wantRule(t *testing.T, err error, status int, rule string) {
	t.Helper()
	de, ok := domain.AsError(err)
	if !ok {
		t.Fatalf("want %d %s, got %v", status, rule, err)
	}
	if de.Status != status || de.Rule != rule {
		t.Fatalf("want %d %s, got %d %s: %s", status, rule, de.Status, de.Rule, de.Detail)
	}
}

func TestProduceAndIdempotency(t *testing.T) {
	w := newWorld(t)
	first := w.ok(hlj, produce("e1", "LOT-1", 1000))
	b := w.batch("LOT-1")
	if b.Custodian.Platform != "HeilongjiangMSP" || b.Status != domain.Active || b.Quantity.Value != 1000 {
		t.Fatalf("batch = %+v", b)
	}
	again := w.ok(hlj, produce("e1", "LOT-1", 1000))
	if !again[0].Duplicate || again[0].TxID != first[0].TxID {
		t.Fatalf("replay = %+v, want duplicate of %s", again[0], first[0].TxID)
	}
	_, err := w.record(hlj, produce("e1", "LOT-1", 999))
	wantRule(t, err, 409, "idempotency")
	_, err = w.record(hlj, produce("e2", "LOT-2", 1), produce("e2", "LOT-3", 1))
	wantRule(t, err, 409, "idempotency")
	_, err = w.record(hlj, produce("e3", "LOT-1", 5))
	wantRule(t, err, 409, "unique-batch")
}

func TestRules(t *testing.T) {
	pending := func(w *world) {
		w.ok(hlj, produce("p", "LOT-1", 1000))
		e := on(ev("buy", domain.Purchase, "COOP-1"), "LOT-1")
		e.To = &domain.Party{Enterprise: "MARKET-1", Platform: "HenanMSP"}
		w.ok(hlj, e)
	}
	tests := []struct {
		name   string
		setup  func(w *world)
		caller Caller
		event  domain.Event
		status int
		rule   string
	}{
		{"store by another platform", func(w *world) { w.ok(hlj, produce("p", "LOT-1", 1000)) }, ha,
			on(ev("s", domain.Store, "WH-1"), "LOT-1"), 403, "custody"},
		{"vouching for another platform", nil, hlj,
			func() domain.Event { e := produce("p", "LOT-1", 1); e.Actor.Platform = "HenanMSP"; return e }(), 403, "vouching"},
		{"accept by the regulator", pending, reg, on(ev("a", domain.Accept, "X"), "LOT-1"), 403, "regulator-role"},
		{"regulator recording commerce", nil, reg, produce("p", "LOT-1", 1), 403, "regulator-role"},
		{"accept with nothing offered", func(w *world) { w.ok(hlj, produce("p", "LOT-1", 1000)) }, hlj,
			on(ev("a", domain.Accept, "X"), "LOT-1"), 409, "custody-accept"},
		{"process while handing over", pending, hlj,
			process("m", []domain.Portion{{Batch: "LOT-1"}}, out("RICE-1", "大米", 600, "kg")), 409, "pending-transfer"},
		{"offer twice", pending, hlj,
			func() domain.Event {
				e := on(ev("o", domain.Offer, "COOP-1"), "LOT-1")
				e.To = &domain.Party{Enterprise: "M", Platform: "HenanMSP"}
				return e
			}(), 409, "pending-transfer"},
		{"outputs exceed inputs", func(w *world) { w.ok(hlj, produce("p", "LOT-1", 1000)) }, hlj,
			process("m", []domain.Portion{{Batch: "LOT-1"}}, out("RICE-1", "大米", 1200, "kg")), 422, "conservation"},
		{"outputs plus loss exceed inputs", func(w *world) { w.ok(hlj, produce("p", "LOT-1", 1000)) }, hlj,
			func() domain.Event {
				e := process("m", []domain.Portion{{Batch: "LOT-1"}}, out("RICE-1", "大米", 900, "kg"))
				e.Loss = &domain.Quantity{Value: 0.2, Unit: "t"}
				return e
			}(), 422, "conservation"},
		{"take more than the batch holds", func(w *world) { w.ok(hlj, produce("p", "LOT-1", 1000)) }, hlj,
			process("m", []domain.Portion{{Batch: "LOT-1", Quantity: &domain.Quantity{Value: 2, Unit: "t"}}}, out("RICE-1", "大米", 1, "kg")), 409, "quantity"},
		{"process a consumed batch", func(w *world) {
			w.ok(hlj, produce("p", "LOT-1", 1000))
			w.ok(hlj, process("m", []domain.Portion{{Batch: "LOT-1"}}, out("RICE-1", "大米", 600, "kg")))
		}, hlj, process("m2", []domain.Portion{{Batch: "LOT-1"}}, out("RICE-2", "大米", 1, "kg")), 409, "batch-status"},
		{"sell twice", func(w *world) {
			w.ok(hlj, produce("p", "LOT-1", 1000))
			w.ok(hlj, on(ev("s1", domain.Sell, "SHOP"), "LOT-1"))
		}, hlj, on(ev("s2", domain.Sell, "SHOP"), "LOT-1"), 409, "batch-status"},
		{"recall by a platform", func(w *world) { w.ok(hlj, produce("p", "LOT-1", 1000)) }, hlj,
			func() domain.Event { e := on(ev("r", domain.Recall, "X"), "LOT-1"); e.Reason = "镉超标"; return e }(), 403, "regulator-only"},
		{"revoke a certificate never issued", func(w *world) { w.ok(hlj, produce("p", "LOT-1", 1000)) }, reg,
			func() domain.Event {
				e := ev("r", domain.Revoke, "X")
				e.Certificate, e.Reason = &domain.Certificate{ID: "C-1"}, "伪造"
				return e
			}(), 404, "not-found"},
		{"sell a recalled batch", func(w *world) {
			w.ok(hlj, produce("p", "LOT-1", 1000))
			e := on(ev("r", domain.Recall, "SAMR"), "LOT-1")
			e.Reason = "test"
			w.ok(reg, e)
		}, hlj, on(ev("s", domain.Sell, "SHOP"), "LOT-1"), 409, "batch-status"},
		{"stage not permitted by certificate attribute", nil, Caller{MSPID: "HeilongjiangMSP", Stages: []string{"store"}},
			produce("p", "LOT-1", 1), 403, "stage-permission"},
		{"event time too far ahead", nil, hlj,
			func() domain.Event {
				e := produce("p", "LOT-1", 1)
				e.EventTime = "2027-01-01T00:00:00+08:00"
				return e
			}(), 400, "validation"},
		{"private terms without a salt", func(w *world) { w.ok(hlj, produce("p", "LOT-1", 1000)) }, hlj,
			func() domain.Event {
				e := on(ev("s", domain.Sell, "SHOP"), "LOT-1")
				e.Private = &domain.Private{Price: 1}
				return e
			}(), 400, "validation"},
		{"private terms on a store event", func(w *world) { w.ok(hlj, produce("p", "LOT-1", 1000)) }, hlj,
			func() domain.Event {
				e := on(ev("s", domain.Store, "WH"), "LOT-1")
				e.Private = &domain.Private{Price: 1}
				return e
			}(), 400, "validation"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			if tc.setup != nil {
				tc.setup(w)
			}
			_, err := w.record(tc.caller, tc.event)
			wantRule(t, err, tc.status, tc.rule)
		})
	}
}

func TestConservationUncheckedWithoutConversion(t *testing.T) {
	w := newWorld(t)
	w.ok(hlj, produce("p", "LOT-1", 1000))
	w.ok(hlj, process("m", []domain.Portion{{Batch: "LOT-1"}}, out("BAG-1", "大米", 100, "bag")))
	e, _ := NewReader(w.s).Event("m")
	if !strings.HasPrefix(e.Conservation, "unchecked") || e.Yield != 0 {
		t.Fatalf("mixed units: conservation %q yield %v", e.Conservation, e.Yield)
	}
}

func TestHandOverAcrossPlatforms(t *testing.T) {
	w := newWorld(t)
	w.ok(hlj, produce("p", "LOT-1", 1000))
	buy := on(ev("buy", domain.Purchase, "COOP-1"), "LOT-1")
	buy.To = &domain.Party{Enterprise: "MARKET-1", Name: "郑州丹尼斯", Platform: "HenanMSP"}
	buy.Private = &domain.Private{Price: 6.2, Currency: "CNY", ContractTerms: "货到付款", Salt: strings.Repeat("5a", 16)}
	w.ok(hlj, buy)
	b := w.batch("LOT-1")
	if b.Pending == nil || b.Custodian.Platform != "HeilongjiangMSP" {
		t.Fatalf("after offer: %+v", b)
	}
	w.ok(ha, on(ev("acc", domain.Accept, "MARKET-1"), "LOT-1"))
	b = w.batch("LOT-1")
	if b.Pending != nil || b.Owner.Enterprise != "MARKET-1" || b.Custodian.Platform != "HenanMSP" {
		t.Fatalf("after accept: %+v", b)
	}
	// private terms are in the parties' collection, only their hash is public
	stored := w.s.Privates[domain.CollectionName("HeilongjiangMSP", "HenanMSP")]["terms/buy"]
	if !strings.Contains(string(stored), "货到付款") {
		t.Fatalf("private terms not stored: %q", stored)
	}
	e, _ := NewReader(w.s).Event("buy")
	if e.PrivateHash == "" || e.Private != nil {
		t.Fatalf("public event leaks or lacks hash: %+v", e)
	}
	for k, v := range w.s.KV {
		if strings.Contains(string(v), "货到付款") {
			t.Fatalf("private terms in public state under %q", k)
		}
	}
	// same-platform purchase is immediate
	w.ok(ha, produce("p2", "LOT-2", 10))
	buy2 := on(ev("buy2", domain.Purchase, "COOP-1"), "LOT-2")
	buy2.To = &domain.Party{Enterprise: "SHOP-2"}
	w.ok(ha, buy2)
	if b := w.batch("LOT-2"); b.Owner.Enterprise != "SHOP-2" || b.Pending != nil {
		t.Fatalf("same-platform purchase: %+v", b)
	}
}

func TestTransformationLineageAndRecall(t *testing.T) {
	w := newWorld(t)
	w.ok(hlj, produce("p1", "WHEAT-1", 3000), produce("p2", "WHEAT-2", 2000))
	merge := ev("merge", domain.Merge, "SILO")
	merge.Inputs = []domain.Portion{{Batch: "WHEAT-1"}, {Batch: "WHEAT-2"}}
	merge.Outputs = []domain.Output{out("SILO-1", "小麦", 5, "t")}
	w.ok(hlj, merge)
	mill := process("mill", []domain.Portion{{Batch: "SILO-1", Quantity: &domain.Quantity{Value: 4000, Unit: "kg"}}},
		out("FLOUR-1", "面粉", 3000, "kg"))
	res := w.ok(hlj, mill)
	if w.batch("SILO-1").Quantity.Value != 1 || w.batch("SILO-1").Status != domain.Active {
		t.Fatalf("partial take left %+v", w.batch("SILO-1"))
	}
	e, _ := NewReader(w.s).Event("mill")
	if e.Yield != 0.75 || e.Loss == nil || e.Loss.Value != 1000 || e.TxID != res[0].TxID {
		t.Fatalf("yield/loss = %v %+v", e.Yield, e.Loss)
	}
	split := ev("split", domain.Split, "MILL-1")
	split.Inputs = []domain.Portion{{Batch: "FLOUR-1"}}
	bag := func(id string) domain.Output {
		o := out(id, "挂面", 200, "bag")
		o.Quantity.NetContent = &domain.Quantity{Value: 5, Unit: "kg"}
		return o
	}
	split.Outputs = []domain.Output{bag("NOODLE-1"), bag("NOODLE-2")}
	w.ok(hlj, split)
	if w.batch("FLOUR-1").Status != domain.Consumed {
		t.Fatal("split input not consumed")
	}
	if o := w.batch("NOODLE-1").Origin; o == nil || o.Region != "230184" {
		t.Fatalf("single-origin lot lost its origin: %+v", o)
	}

	// lineage lives on the batches themselves (the read model walks it; the ledger keeps no index)
	if p := w.batch("NOODLE-1").Parents; len(p) != 1 || p[0] != "FLOUR-1" {
		t.Errorf("NOODLE-1 parents = %v", p)
	}
	if c := w.batch("FLOUR-1").Children; len(c) != 2 {
		t.Errorf("FLOUR-1 children = %v", c)
	}

	recall := on(ev("recall", domain.Recall, "SAMR"), "WHEAT-1")
	recall.Reason = "呕吐毒素超标"
	w.ok(reg, recall)
	for _, id := range []string{"WHEAT-1", "SILO-1", "FLOUR-1", "NOODLE-1", "NOODLE-2"} {
		if b := w.batch(id); b.Status != domain.Recalled || b.RecalledBy != "recall" {
			t.Errorf("%s after recall: %s %s", id, b.Status, b.RecalledBy)
		}
	}
	if b := w.batch("WHEAT-2"); b.Status == domain.Recalled {
		t.Error("recall reached a co-input that is not a descendant")
	}
}

func TestExternalOriginNeverClaimedByObservers(t *testing.T) {
	w := newWorld(t)
	lot := "https://id.gs1.org/01/06901234567892/10/IMPORT-7"
	// a batch first seen here (imported, or from a platform not on the ledger) still traces
	w.ok(ha, on(ev("in", domain.Store, "WH-9"), lot))
	b := w.batch(lot)
	if !b.External || b.Custodian.Platform != "HenanMSP" {
		t.Fatalf("external batch = %+v", b)
	}
	// the EPC URN form names the same batch; the regulator may spot-check any batch
	insp := on(ev("insp", domain.Inspect, "LAB-1"), "urn:epc:class:lgtin:690123.0456789.IMPORT-7")
	insp.Inspection = &domain.Inspection{Item: "aflatoxin B1", Value: 2, Unit: "μg/kg", Limit: 10, Result: "pass"}
	w.ok(reg, insp)
	// the producer's platform may claim an external batch it holds
	w.ok(ha, produce("claim", lot, 50))
	if b := w.batch(lot); b.External || b.Quantity.Value != 50 {
		t.Fatalf("claimed batch = %+v", b)
	}

	// inspecting or observing a lot nobody has recorded yet never claims it: the producer can still
	// commission it afterwards
	unseen := "https://id.gs1.org/01/06901234567892/10/NEXT-1"
	spot := on(ev("spot", domain.Inspect, "LAB-1"), unseen)
	spot.Inspection = &domain.Inspection{Item: "水分", Result: "pass"}
	w.ok(reg, spot)
	if b := w.batch(unseen); b.Custodian.Platform != "" {
		t.Fatalf("an inspection claimed the lot: %+v", b)
	}
	_, err := w.record(hlj, on(ev("peek", domain.Observe, "X"), "https://id.gs1.org/01/06901234567892/10/NEXT-2"))
	wantRule(t, err, 403, "custody")
	w.ok(hlj, produce("real", unseen, 10))
	if b := w.batch(unseen); b.Custodian.Platform != "HeilongjiangMSP" || b.External {
		t.Fatalf("producer could not commission an inspected lot: %+v", b)
	}
}

func TestQueriesAndHistory(t *testing.T) {
	w := newWorld(t)
	for i := 0; i < 5; i++ {
		w.ok(hlj, produce(fmt.Sprintf("p%d", i), fmt.Sprintf("LOT-%d", i), 100))
	}
	w.ok(hlj, on(ev("s", domain.Store, "WH"), "LOT-1"))
	h, err := NewReader(w.s).History("LOT-1")
	if err != nil || len(h) != 2 || h[1].Batch.LastEvent != "s" {
		t.Fatalf("history = %+v, %v", h, err)
	}
	r := NewReader(w.s)
	_, err = r.Batch("NOPE")
	wantRule(t, err, 404, "not-found")
	_, err = r.Event("NOPE")
	wantRule(t, err, 404, "not-found")
	_, err = r.History("NOPE")
	wantRule(t, err, 404, "not-found")
}

func TestBulkLimitsAndEmitted(t *testing.T) {
	w := newWorld(t)
	_, err := w.record(hlj)
	wantRule(t, err, 400, "validation")
	var many []domain.Event
	for i := 0; i <= MaxAtomicEvents; i++ {
		many = append(many, produce(fmt.Sprintf("b%d", i), fmt.Sprintf("B-%d", i), 1))
	}
	_, err = w.record(hlj, many...)
	wantRule(t, err, 400, "validation")

	w.tx++
	r := NewRecorder(w.s, hlj, Tx{ID: "txE", Time: t0.Add(time.Hour)})
	if _, err := r.Record([]domain.Event{produce("x1", "X-1", 5), on(ev("x2", domain.Store, "WH"), "X-1")}); err != nil {
		t.Fatal(err)
	}
	em := r.Emitted()
	if len(em.Events) != 2 || len(em.Batches) != 1 || em.Batches[0].LastEvent != "x2" {
		t.Fatalf("emitted = %d events, %d batches: %+v", len(em.Events), len(em.Batches), em.Batches)
	}
	// an error in a bulk names the index of the failing event
	_, err = w.record(hlj, produce("y1", "Y-1", 1), on(ev("y2", domain.Sell, "S"), "X-1"), on(ev("y3", domain.Sell, "S"), "X-1"))
	de, _ := domain.AsError(err)
	if de == nil || de.Index == nil || *de.Index != 2 || !strings.HasPrefix(de.Pointer, "/events/2") {
		t.Fatalf("bulk error = %+v", de)
	}
}

// TestLedgerKeysPerEvent pins the state layout the rules need: an event writes its own key and the
// keys of the batches it changes, nothing else (query indexes live in the read model).
func TestLedgerKeysPerEvent(t *testing.T) {
	tests := []struct {
		name   string
		setup  []domain.Event
		event  domain.Event
		writes []string
	}{
		{"harvest", nil, produce("p", "LOT-1", 100), []string{CompositeKey(objEvent, "p"), CompositeKey(objBatch, "LOT-1")}},
		{"store", []domain.Event{produce("p", "LOT-1", 100)}, on(ev("s", domain.Store, "WH"), "LOT-1"),
			[]string{CompositeKey(objEvent, "s"), CompositeKey(objBatch, "LOT-1")}},
		{"mill", []domain.Event{produce("p", "LOT-1", 100)}, process("m", []domain.Portion{{Batch: "LOT-1"}}, out("RICE-1", "大米", 60, "kg")),
			[]string{CompositeKey(objEvent, "m"), CompositeKey(objBatch, "LOT-1"), CompositeKey(objBatch, "RICE-1")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			if len(tc.setup) > 0 {
				w.ok(hlj, tc.setup...)
			}
			before := map[string]string{}
			for k, v := range w.s.KV {
				before[k] = string(v)
			}
			w.ok(hlj, tc.event)
			var got []string
			for k, v := range w.s.KV {
				if old, ok := before[k]; !ok || old != string(v) {
					got = append(got, k)
				}
			}
			sort.Strings(got)
			want := append([]string(nil), tc.writes...)
			sort.Strings(want)
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Fatalf("keys written = %q, want %q", got, want)
			}
		})
	}
}

// TestPrefetch checks that a transaction asks for the keys it reads in one call and that what it
// prefetched (present or absent) answers the rules the same as single reads.
func TestPrefetch(t *testing.T) {
	w := newWorld(t)
	w.ok(hlj, produce("p1", "LOT-1", 100), produce("p2", "https://id.gs1.org/01/06901234567892/10/L2", 100))
	fetches := w.s.Fetches
	// the URN form of L2 is prefetched under its canonical key
	w.ok(hlj, process("m", []domain.Portion{{Batch: "LOT-1"}, {Batch: "urn:epc:class:lgtin:690123.0456789.L2"}}, out("RICE-1", "大米", 150, "kg")),
		on(ev("s", domain.Store, "WH"), "RICE-1"))
	if got := w.s.Fetches - fetches; got != 1 {
		t.Fatalf("%d prefetch calls for one transaction, want 1", got)
	}
	if b := w.batch("https://id.gs1.org/01/06901234567892/10/L2"); b.Status != domain.Consumed {
		t.Fatalf("prefetched input not consumed: %+v", b)
	}
	// a prefetched absent event key must not hide the idempotency check of a repeat in the same tx
	_, err := w.record(hlj, produce("p1", "LOT-9", 1))
	wantRule(t, err, 409, "idempotency")
}

func TestRecordWithoutPrefetcher(t *testing.T) {
	s := NewMemState()
	var st State = struct{ State }{s} // hides GetMany
	if _, ok := st.(Prefetcher); ok {
		t.Fatal("wrapper still a Prefetcher")
	}
	r := NewRecorder(st, hlj, Tx{ID: "tx1", Time: t0})
	if _, err := r.Record([]domain.Event{produce("p", "LOT-1", 1)}); err != nil {
		t.Fatal(err)
	}
	if s.Fetches != 0 || s.KV[CompositeKey(objBatch, "LOT-1")] == nil {
		t.Fatalf("fetches %d, batch %q", s.Fetches, s.KV[CompositeKey(objBatch, "LOT-1")])
	}
}
