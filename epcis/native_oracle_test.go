package epcis

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gs1"
	"github.com/agritrace/agritrace/seeds"
)

// The map-based rendering nativeJSON replaced, kept as the tests' oracle: for any event, the new
// renderer must write exactly the bytes json.Marshal writes for this map (the read models stored
// them, and EPCIS clients compare them).
func nativeMap(e domain.Event) map[string]any {
	m := map[string]any{"eventID": EventID(e), "eventTime": e.EventTime, "bizStep": domain.ExportBizStep(e.Type)}
	if t, err := domain.ParseEventTime(e.EventTime); err == nil {
		m["eventTimeZoneOffset"] = t.Format("-07:00")
	}
	if e.RecordTime != "" {
		m["recordTime"] = e.RecordTime
	}
	qty := func(id string, q *domain.Quantity) map[string]any {
		out := map[string]any{"epcClass": gs1.AsURI(id)}
		if q != nil {
			out["quantity"], out["uom"] = domain.UNECE(*q)
		}
		return out
	}
	switch e.Type {
	case domain.Process, domain.Split, domain.Merge:
		m["type"] = "TransformationEvent"
		var in, out []map[string]any
		for _, p := range e.Inputs {
			in = append(in, qty(p.Batch, p.Quantity))
		}
		for _, o := range e.Outputs {
			q := o.Quantity
			out = append(out, qty(o.Batch, &q))
		}
		m["inputQuantityList"], m["outputQuantityList"] = in, out
	case domain.Aggregate:
		m["type"], m["action"] = "AggregationEvent", "ADD"
		if len(e.Batches) > 0 {
			kids := make([]string, 0, len(e.Batches)-1)
			for _, b := range e.Batches[1:] {
				kids = append(kids, gs1.AsURI(b))
			}
			m["parentID"], m["childEPCs"] = gs1.AsURI(e.Batches[0]), kids
		}
	default:
		m["type"], m["action"] = "ObjectEvent", "OBSERVE"
		var ql []map[string]any
		if e.Type == domain.Produce {
			m["action"] = "ADD"
			for _, o := range e.Outputs {
				q := o.Quantity
				ql = append(ql, qty(o.Batch, &q))
			}
		}
		for _, b := range e.Batches {
			ql = append(ql, qty(b, nil))
		}
		m["quantityList"] = ql
		if e.Type == domain.Purchase {
			m["bizTransactionList"] = []map[string]string{{"type": "po", "bizTransaction": EventID(e)}}
		}
	}
	if e.Location != nil && e.Location.ID != "" {
		m["bizLocation"] = map[string]string{"id": gs1.AsURI(e.Location.ID)}
	}
	m["agritrace:type"] = string(e.Type)
	m["agritrace:actor"] = e.Actor
	if e.Platform != "" {
		m["agritrace:platform"] = e.Platform
	}
	if e.TxID != "" {
		m["agritrace:txId"] = e.TxID
	}
	if e.Block != 0 {
		m["agritrace:block"] = e.Block
	}
	if e.To != nil {
		m["agritrace:to"] = e.To
	}
	if e.Inspection != nil {
		m["agritrace:inspection"] = e.Inspection
	}
	if e.Certificate != nil {
		m["agritrace:certificate"] = e.Certificate
	}
	if len(e.Attributes) > 0 {
		m["agritrace:attributes"] = e.Attributes
	}
	if e.Reason != "" {
		m["agritrace:reason"] = e.Reason
	}
	if len(e.Extensions) > 0 {
		var ext map[string]json.RawMessage
		if json.Unmarshal(e.Extensions, &ext) == nil {
			for k, v := range ext {
				if _, taken := m[k]; !taken {
					m[k] = v
				}
			}
		}
	}
	return m
}

// nativeCases are native events of every type and every optional member, with the values that
// json.Marshal escapes or formats specially.
func nativeCases() []domain.Event {
	q := func(v float64, u string) domain.Quantity { return domain.Quantity{Value: v, Unit: u} }
	qp := func(v float64, u string) *domain.Quantity { x := q(v, u); return &x }
	actor := domain.Party{Enterprise: "COOP-1", Name: "五常 <合作社> & Co", Platform: "HeilongjiangMSP"}
	var out []domain.Event
	for _, c := range seeds.Chains() {
		for _, s := range c.Steps {
			out = append(out, s.Events...)
		}
	}
	out = append(out,
		domain.Event{ID: "h1", Type: domain.Produce, EventTime: "2026-10-01T08:00:00+08:00", Actor: actor,
			Outputs: []domain.Output{{Batch: "LOT 1/稻", Quantity: q(1000, "kg")}, {Batch: "0106901234100037", Quantity: q(2.5, "t")}},
			Batches: []string{"LOT 1/稻"}, Platform: "HeilongjiangMSP", TxID: "tx1", Block: 42, RecordTime: "2026-10-01T00:00:01.5Z"},
		domain.Event{ID: "p1", Type: domain.Process, EventTime: "not a time", Actor: actor,
			Inputs:  []domain.Portion{{Batch: "A", Quantity: qp(1e-7, "kg")}, {Batch: "B"}},
			Outputs: []domain.Output{{Batch: "C", Quantity: q(1e21, "bag")}}, Location: &domain.Location{ID: "mill\u2028west"}},
		domain.Event{ID: "s1", Type: domain.Split, EventTime: "2026-10-01T08:00:00Z", Inputs: []domain.Portion{}, Outputs: nil},
		domain.Event{ID: "m1", Type: domain.Merge, EventTime: "2026-10-01T08:00:00-05:30"},
		domain.Event{ID: "a1", Type: domain.Aggregate, EventTime: "2026-10-01T08:00:00+08:00", Batches: []string{"00069012340000000017", "K1", "K2"}},
		domain.Event{ID: "a2", Type: domain.Aggregate, Batches: []string{"ONLY-PARENT"}},
		domain.Event{ID: "a3", Type: domain.Aggregate},
		domain.Event{ID: "b1", Type: domain.Purchase, EventTime: "2026-10-02T08:00:00+08:00", Batches: []string{"L1"},
			To: &domain.Party{Enterprise: "MILL-9", Platform: "HenanMSP"}, Reason: `"quoted" \ reason`},
		domain.Event{ID: "i1", Type: domain.Inspect, Batches: []string{"L1"}, Inspection: &domain.Inspection{}, Certificate: &domain.Certificate{},
			Attributes: map[string]any{"moisture": 14.5, "note": "<ok>", "n": nil}},
		domain.Event{ID: "x1", Type: domain.Store, Batches: []string{"L2"}, EPCIS: nil,
			Extensions: json.RawMessage(`{"ext:grade":"<A>","type":"must not override","disposition":"in_progress","ext:n":{"b":1, "a":[1,2]}}`)},
		domain.Event{ID: "x2", Type: domain.Sell, Extensions: json.RawMessage(`not json`)},
		domain.Event{ID: "u1", Type: domain.Transport, Actor: domain.Party{Name: "\xff\x00bad"}, Reason: "\b\f\t\n\r"},
	)
	return out
}

func TestNativeJSONMatchesOracle(t *testing.T) {
	for _, e := range nativeCases() {
		want, werr := json.Marshal(nativeMap(e))
		got, gerr := nativeJSON(e)
		if (werr != nil) != (gerr != nil) || !bytes.Equal(got, want) {
			t.Errorf("event %s (%s):\n got %s (%v)\nwant %s (%v)", e.ID, e.Type, got, gerr, want, werr)
		}
	}
	// a quantity json.Marshal cannot write fails both ways
	nan := domain.Event{ID: "n1", Type: domain.Produce, Outputs: []domain.Output{{Batch: "L", Quantity: domain.Quantity{Value: math.NaN(), Unit: "kg"}}}}
	if _, err := nativeJSON(nan); err == nil {
		t.Error("a NaN quantity rendered")
	}
}

// FuzzNativeJSONMatchesOracle: for any event that decodes from JSON, the renderer writes the
// oracle's bytes (or both fail).
func FuzzNativeJSONMatchesOracle(f *testing.F) {
	for _, e := range nativeCases() {
		b, _ := json.Marshal(e)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var e domain.Event
		if json.Unmarshal(raw, &e) != nil {
			return
		}
		e.EPCIS = nil
		want, werr := json.Marshal(nativeMap(e))
		got, gerr := nativeJSON(e)
		if (werr != nil) != (gerr != nil) || !bytes.Equal(got, want) {
			t.Fatalf("event %s:\n got %s (%v)\nwant %s (%v)", raw, got, gerr, want, werr)
		}
	})
}

// BenchmarkNativeJSON: a bulk harvest as a read model renders it, by the oracle and by the renderer.
func BenchmarkNativeJSON(b *testing.B) {
	e := domain.Event{ID: "run-b-1", Type: domain.Produce, EventTime: "2026-10-01T08:00:00+08:00", Actor: domain.Party{Enterprise: "BENCH-COOP"},
		Outputs: []domain.Output{{Batch: "BENCH-run-b-1", Product: domain.Product{Name: "稻谷"}, Quantity: domain.Quantity{Value: 1000, Unit: "kg"}}},
		Batches: []string{"BENCH-run-b-1"}, Platform: "HeilongjiangMSP", TxID: "0123456789abcdef0123456789abcdef", Block: 7,
		RecordTime: "2026-11-26T01:02:03.123456789Z"}
	b.Run("map+json.Marshal", func(b *testing.B) {
		for b.Loop() {
			if _, err := json.Marshal(nativeMap(e)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("nativeJSON", func(b *testing.B) {
		for b.Loop() {
			if _, err := nativeJSON(e); err != nil {
				b.Fatal(err)
			}
		}
	})
}
