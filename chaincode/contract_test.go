package chaincode

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/ledger"
)

type harness struct {
	t   *testing.T
	cc  *Contract
	mem *ledger.MemState
	n   int
}

func newHarness(t *testing.T) *harness {
	t.Setenv("AGRITRACE_REGULATOR_MSP", "")
	return &harness{t: t, cc: New(), mem: ledger.NewMemState()}
}

func (h *harness) ctx(msp string, transient map[string][]byte, attrs map[string]string) fakeCtx {
	h.n++
	txID := fmt.Sprintf("tx-%d", h.n)
	h.mem.Begin(txID)
	return fakeCtx{
		stub: &fakeStub{mem: h.mem, txID: txID, ts: timestamppb.New(time.Date(2026, 10, 8, 4, 0, h.n, 0, time.UTC)),
			transient: transient, events: map[string][]byte{}},
		id: fakeIdentity{msp: msp, attrs: attrs},
	}
}

func eventsJSON(events ...domain.Event) string {
	b, _ := json.Marshal(events)
	return string(b)
}

func harvest(id, batch string) domain.Event {
	return domain.Event{ID: id, Type: domain.Produce, EventTime: "2026-10-08T08:00:00+08:00",
		Actor: domain.Party{Enterprise: "COOP-1"},
		Outputs: []domain.Output{{Batch: batch, Product: domain.Product{Name: "稻谷"}, Quantity: domain.Quantity{Value: 100, Unit: "kg"},
			Origin: &domain.Origin{Region: "230184"}}}}
}

func TestRecordEventsEmitsAndIsIdempotent(t *testing.T) {
	h := newHarness(t)
	ctx := h.ctx("HeilongjiangMSP", nil, nil)
	out, err := h.cc.RecordEvents(ctx, eventsJSON(harvest("e1", "LOT-1"), harvest("e2", "LOT-2")))
	if err != nil {
		t.Fatal(err)
	}
	var res []domain.RecordResult
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 2 || res[0].TxID != "" || res[0].EventID != "e1" {
		t.Fatalf("results = %s", out)
	}
	rec, err := domain.UnpackRecorded(ctx.stub.events[EventName])
	if err != nil || len(rec.Events) != 2 || len(rec.Batches) != 2 {
		t.Fatalf("chaincode event = %s", ctx.stub.events[EventName])
	}
	// a pure replay changes nothing and emits nothing
	ctx2 := h.ctx("HeilongjiangMSP", nil, nil)
	out, err = h.cc.RecordEvents(ctx2, eventsJSON(harvest("e1", "LOT-1")))
	if err != nil || !strings.Contains(out, `"duplicate":true`) || !strings.Contains(out, `"txId":"tx-1"`) {
		t.Fatalf("replay = %s, %v", out, err)
	}
	if len(ctx2.stub.events) != 0 {
		t.Fatal("replay emitted an event")
	}
}

func TestContractRefusals(t *testing.T) {
	h := newHarness(t)
	if _, err := h.cc.RecordEvents(h.ctx("HeilongjiangMSP", nil, nil), eventsJSON(harvest("e1", "LOT-1"))); err != nil {
		t.Fatal(err)
	}
	recall := domain.Event{ID: "r1", Type: domain.Recall, EventTime: "2026-10-08T09:00:00+08:00",
		Actor: domain.Party{Enterprise: "SAMR"}, Batches: []string{"LOT-1"}, Reason: "镉超标"}
	withPrivate := harvest("e9", "LOT-9")
	withPrivate.Private = &domain.Private{Price: 1}
	tests := []struct {
		name      string
		msp       string
		args      string
		transient map[string][]byte
		attrs     map[string]string
		rule      string
	}{
		{"not JSON", "HeilongjiangMSP", "{", nil, nil, "validation"},
		{"recall by a platform", "HenanMSP", eventsJSON(recall), nil, nil, "regulator-only"},
		{"private terms in public args", "HeilongjiangMSP", eventsJSON(withPrivate), nil, nil, "validation"},
		{"bad transient", "HeilongjiangMSP", eventsJSON(harvest("e3", "LOT-3")), map[string][]byte{TransientPrivate: []byte("[")}, nil, "validation"},
		{"stage attribute", "HeilongjiangMSP", eventsJSON(harvest("e4", "LOT-4")), nil, map[string]string{"agritrace.stages": "store,transport"}, "stage-permission"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := h.cc.RecordEvents(h.ctx(tc.msp, tc.transient, tc.attrs), tc.args)
			de, ok := domain.AsError(err)
			if !ok || de.Rule != tc.rule {
				t.Fatalf("got %v, want rule %s", err, tc.rule)
			}
		})
	}
	if _, err := h.cc.RecordEvents(h.ctx("RegulatorMSP", nil, nil), eventsJSON(recall)); err != nil {
		t.Fatalf("regulator recall: %v", err)
	}
}

func TestPrivateTermsViaTransient(t *testing.T) {
	h := newHarness(t)
	if _, err := h.cc.RecordEvents(h.ctx("HeilongjiangMSP", nil, nil), eventsJSON(harvest("e1", "LOT-1"))); err != nil {
		t.Fatal(err)
	}
	buy := domain.Event{ID: "buy", Type: domain.Purchase, EventTime: "2026-10-08T09:00:00+08:00",
		Actor: domain.Party{Enterprise: "COOP-1"}, Batches: []string{"LOT-1"},
		To: &domain.Party{Enterprise: "MARKET", Platform: "HenanMSP"}}
	priv, _ := json.Marshal(map[string]domain.Private{"buy": {Price: 3.1, Currency: "CNY", ContractTerms: "秘密条款", Salt: strings.Repeat("c3", 16)}})
	ctx := h.ctx("HeilongjiangMSP", map[string][]byte{TransientPrivate: priv}, nil)
	if _, err := h.cc.RecordEvents(ctx, eventsJSON(buy)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(ctx.stub.events[EventName]), "秘密条款") {
		t.Fatal("private terms in the public chaincode event")
	}
	coll := domain.CollectionName("HeilongjiangMSP", "HenanMSP")
	got, err := h.cc.GetPrivateTerms(h.ctx("HenanMSP", nil, nil), coll, "buy")
	if err != nil || !strings.Contains(got, "秘密条款") {
		t.Fatalf("private terms = %q, %v", got, err)
	}
	if _, err := h.cc.GetPrivateTerms(h.ctx("HenanMSP", nil, nil), coll, "nope"); err == nil {
		t.Fatal("missing terms found")
	}
}

func TestQueries(t *testing.T) {
	h := newHarness(t)
	mill := domain.Event{ID: "mill", Type: domain.Process, EventTime: "2026-10-08T10:00:00+08:00",
		Actor: domain.Party{Enterprise: "MILL"}, Inputs: []domain.Portion{{Batch: "LOT-1"}},
		Outputs: []domain.Output{{Batch: "RICE-1", Product: domain.Product{Name: "大米"}, Quantity: domain.Quantity{Value: 60, Unit: "kg"}}}}
	if _, err := h.cc.RecordEvents(h.ctx("HeilongjiangMSP", nil, nil), eventsJSON(harvest("e1", "LOT-1"), mill)); err != nil {
		t.Fatal(err)
	}
	ctx := h.ctx("RegulatorMSP", nil, nil)
	if s, err := h.cc.GetBatch(ctx, "RICE-1"); err != nil || !strings.Contains(s, `"parents":["LOT-1"]`) {
		t.Fatalf("GetBatch = %s, %v", s, err)
	}
	if _, err := h.cc.GetBatch(ctx, "bad id!"); err == nil {
		t.Fatal("bad id accepted")
	}
	if s, err := h.cc.GetEvent(ctx, "mill"); err != nil || !strings.Contains(s, `"yield":0.6`) {
		t.Fatalf("GetEvent = %s, %v", s, err)
	}
	if s, err := h.cc.GetHistory(ctx, "LOT-1"); err != nil || strings.Count(s, "txId") != 2 {
		t.Fatalf("GetHistory = %s, %v", s, err)
	}
	if _, err := h.cc.GetHistory(ctx, "%%"); err == nil {
		t.Fatal("bad history id accepted")
	}
}

func TestServeNeedsEnvironment(t *testing.T) {
	t.Setenv("CHAINCODE_ID", "")
	if err := Serve(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "CHAINCODE_ID") {
		t.Fatalf("Serve without env = %v", err)
	}
}

func FuzzRecordEventsArgs(f *testing.F) {
	f.Add(eventsJSON(harvest("e1", "LOT-1")))
	f.Add(`[{"id":"x","type":"split","inputs":[{"batch":"A"}],"outputs":[]}]`)
	f.Add(`[{}]`)
	f.Add(string(domain.PackJSON([]byte(eventsJSON(harvest("e2", "LOT-2"))))))
	f.Add("\x00\xff\xff\xff\xff\x0f") // packed, claiming a 4 GiB decoded length
	f.Fuzz(func(t *testing.T, args string) {
		h := &harness{t: t, cc: &Contract{RegulatorMSP: "RegulatorMSP"}, mem: ledger.NewMemState()}
		_, err := h.cc.RecordEvents(h.ctx("HeilongjiangMSP", nil, nil), args)
		if err != nil {
			if _, ok := domain.AsError(err); !ok {
				t.Fatalf("refusal without a named rule: %v", err)
			}
		}
	})
}

func TestBaselinePut(t *testing.T) {
	h := newHarness(t)
	ctx := h.ctx("HeilongjiangMSP", nil, nil)
	if err := NewBaseline().Put(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	if string(h.mem.KV["baseline/k"]) != "v" || string(ctx.stub.events["baseline.put"]) != "k" {
		t.Fatal("baseline put")
	}
}

func TestServeStopsWithContext(t *testing.T) {
	t.Setenv("CHAINCODE_ID", "agritrace_1.0:test")
	t.Setenv("CHAINCODE_SERVER_ADDRESS", "127.0.0.1:0")
	t.Setenv("AGRITRACE_CHAINCODE_PROFILE", t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after its context ended")
	}
}

// TestRecordEventsBatchesRoundTrips: the keys a transaction reads go to the peer in one
// GetMultipleStates call and its writes in one write batch.
func TestRecordEventsBatchesRoundTrips(t *testing.T) {
	h := newHarness(t)
	if _, err := h.cc.RecordEvents(h.ctx("HeilongjiangMSP", nil, nil), eventsJSON(harvest("e1", "LOT-1"))); err != nil {
		t.Fatal(err)
	}
	store := domain.Event{ID: "s1", Type: domain.Store, EventTime: "2026-10-08T09:00:00+08:00", Actor: domain.Party{Enterprise: "WH"}, Batches: []string{"LOT-1"}}
	ctx := h.ctx("HeilongjiangMSP", nil, nil)
	if _, err := h.cc.RecordEvents(ctx, eventsJSON(store, harvest("e2", "LOT-2"))); err != nil {
		t.Fatal(err)
	}
	if ctx.stub.multiGets != 1 || ctx.stub.gets != 0 || ctx.stub.batches != 1 {
		t.Fatalf("GetMultipleStates %d, GetState %d, write batches %d; want 1, 0, 1", ctx.stub.multiGets, ctx.stub.gets, ctx.stub.batches)
	}
	if ctx.stub.multiKeys < 4 { // at least s1, LOT-1, e2, LOT-2 (plus the registry keys the rules read)
		t.Fatalf("prefetched %d keys, want every key the events read", ctx.stub.multiKeys)
	}
}

// The gateway packs RecordEvents' argument (domain.PackJSON); the contract records from it what it
// records from plain JSON, and refuses a damaged one as bad input.
func TestRecordEventsReadsAPackedArgument(t *testing.T) {
	h := newHarness(t)
	packed := string(domain.PackJSON([]byte(eventsJSON(harvest("p1", "LOT-P1"), harvest("p2", "LOT-P2")))))
	ctx := h.ctx("HeilongjiangMSP", nil, nil)
	out, err := h.cc.RecordEvents(ctx, packed)
	if err != nil {
		t.Fatal(err)
	}
	var res []domain.RecordResult
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res) != 2 || res[1].EventID != "p2" {
		t.Fatalf("results = %s", out)
	}
	if s, err := h.cc.GetBatch(h.ctx("HeilongjiangMSP", nil, nil), "LOT-P2"); err != nil || !strings.Contains(s, `"createdBy":"p2"`) {
		t.Fatalf("GetBatch = %s, %v", s, err)
	}
	_, err = h.cc.RecordEvents(h.ctx("HeilongjiangMSP", nil, nil), packed[:len(packed)/2])
	if de, ok := domain.AsError(err); !ok || de.Status != 400 {
		t.Fatalf("damaged argument: %v; want a 400 refusal", err)
	}
}

// Public state values are stored packed; the rules read them back, and values written plain (by
// the contract before packing) still read.
func TestStateValuesArePackedAndPlainOnesStillRead(t *testing.T) {
	h := newHarness(t)
	if _, err := h.cc.RecordEvents(h.ctx("HeilongjiangMSP", nil, nil), eventsJSON(harvest("e1", "LOT-1"))); err != nil {
		t.Fatal(err)
	}
	raw := h.mem.KV[ledger.CompositeKey("batch", "LOT-1")]
	plain, err := domain.UnpackJSON(raw)
	if err != nil || len(raw) == 0 || raw[0] != 0 || !json.Valid(plain) {
		t.Fatalf("stored batch %q (%v): want packed JSON", raw, err)
	}
	h.mem.KV[ledger.CompositeKey("batch", "LOT-OLD")] = bytes.ReplaceAll(plain, []byte(`"LOT-1"`), []byte(`"LOT-OLD"`))
	for _, lot := range []string{"LOT-1", "LOT-OLD"} {
		store := domain.Event{ID: "store-" + lot, Type: domain.Store, EventTime: "2026-10-08T09:00:00+08:00",
			Actor: domain.Party{Enterprise: "COOP-1"}, Batches: []string{lot}, Location: &domain.Location{ID: "WH-1"}}
		if _, err := h.cc.RecordEvents(h.ctx("HeilongjiangMSP", nil, nil), eventsJSON(store)); err != nil {
			t.Fatalf("store %s: %v", lot, err)
		}
		s, err := h.cc.GetBatch(h.ctx("HeilongjiangMSP", nil, nil), lot)
		if err != nil || !strings.Contains(s, `"lastEvent":"store-`+lot+`"`) {
			t.Fatalf("GetBatch(%s) = %s, %v", lot, s, err)
		}
	}
}
