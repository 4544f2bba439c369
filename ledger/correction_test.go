package ledger

import (
	"testing"

	"github.com/agritrace/agritrace/domain"
)

func declare(id, declared string) domain.Event {
	e := ev(id, domain.DeclareError, "MILL-1")
	e.Declaration = &domain.ErrorDeclaration{Event: declared, Reason: "incorrect_data"}
	return e
}

func TestErrorDeclarations(t *testing.T) {
	mill := func(w *world) {
		w.ok(hlj, produce("p", "LOT-1", 1000))
		w.ok(hlj, process("m", []domain.Portion{{Batch: "LOT-1", Quantity: &domain.Quantity{Value: 0.4, Unit: "t"}}}, out("RICE-1", "大米", 300, "kg")))
	}
	tests := []struct {
		name   string
		setup  func(w *world)
		caller Caller
		event  domain.Event
		status int
		rule   string
		check  func(t *testing.T, w *world)
	}{
		{"a mistaken milling is undone: input back, output void", mill, hlj, declare("d", "m"), 0, "", func(t *testing.T, w *world) {
			if b := w.batch("LOT-1"); b.Quantity.Value != 1000 || b.Status != domain.Active || len(b.Children) != 0 {
				t.Fatalf("input after the declaration = %+v", b)
			}
			if b := w.batch("RICE-1"); b.Status != domain.Void {
				t.Fatalf("output after the declaration = %+v", b)
			}
			// conservation no longer counts the void milling: all 1000 kg can be milled again
			w.ok(hlj, process("m2", []domain.Portion{{Batch: "LOT-1"}}, out("RICE-2", "大米", 700, "kg")))
			_, err := w.record(hlj, on(ev("s", domain.Sell, "SHOP"), "RICE-1"))
			wantRule(t, err, 409, "batch-status")
		}},
		{"a mistaken sale is undone", func(w *world) {
			w.ok(hlj, produce("p", "LOT-1", 1000))
			e := on(ev("s", domain.Sell, "SHOP"), "LOT-1")
			e.To = &domain.Party{Enterprise: "CONSUMER"}
			w.ok(hlj, e)
		}, hlj, declare("d", "s"), 0, "", func(t *testing.T, w *world) {
			if b := w.batch("LOT-1"); b.Status != domain.Active || b.Owner.Enterprise != "COOP-1" || b.LastEvent != "d" {
				t.Fatalf("batch after the declaration = %+v", b)
			}
		}},
		{"a mistaken offer is withdrawn", func(w *world) {
			w.ok(hlj, produce("p", "LOT-1", 1000))
			e := on(ev("o", domain.Offer, "COOP-1"), "LOT-1")
			e.To = &domain.Party{Enterprise: "M", Platform: "HenanMSP"}
			w.ok(hlj, e)
		}, hlj, declare("d", "o"), 0, "", func(t *testing.T, w *world) {
			if b := w.batch("LOT-1"); b.Pending != nil {
				t.Fatalf("batch after the declaration = %+v", b)
			}
			if o, _ := NewReader(w.s).Offers("HenanMSP", "in", t0); len(o) != 0 {
				t.Fatalf("offer still listed: %+v", o)
			}
		}},
		{"another platform's event", mill, ha, declare("d", "m"), 403, "correction-owner", nil},
		{"an unknown event", mill, hlj, declare("d", "nope"), 404, "not-found", nil},
		{"an event something was built on", mill, hlj, declare("d", "p"), 409, "correction-order", nil},
		{"twice", func(w *world) { mill(w); w.ok(hlj, declare("d", "m")) }, hlj, declare("d2", "m"), 409, "already-declared", nil},
		{"a registry change", func(w *world) { w.ok(hlj, registerEnterprise("ENT-1", "x", []string{"加工"}, nil, nil)) }, hlj,
			declare("d", "reg-ENT-1"), 409, "correction-type", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			tc.setup(w)
			_, err := w.record(tc.caller, tc.event)
			if tc.rule != "" {
				wantRule(t, err, tc.status, tc.rule)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, w)
			d, _ := NewReader(w.s).Event(tc.event.ID)
			if len(d.Batches) == 0 {
				t.Fatal("the declaration names no batch: trails would not show it")
			}
		})
	}
}
