package ledger

import (
	"testing"

	"github.com/agritrace/agritrace/domain"
)

func aggregation(t *testing.T, id, action, parent string, children ...string) domain.Event {
	return captured(t, "WAREHOUSE-1", map[string]any{"type": "AggregationEvent", "eventID": id, "action": action,
		"bizStep": "packing", "parentID": parent, "childEPCs": children})
}

func TestPackingFormsLineage(t *testing.T) {
	w := newWorld(t)
	w.ok(hlj, produce("p1", "LOT-1", 500), produce("p2", "LOT-2", 500), produce("p3", "LOT-3", 500))
	w.ok(hlj, aggregation(t, "pack", "ADD", "PALLET-1", "LOT-1", "LOT-2"))
	w.ok(hlj, aggregation(t, "unpack", "DELETE", "PALLET-1", "LOT-3"))
	w.ok(hlj, aggregation(t, "seen", "OBSERVE", "PALLET-1", "LOT-3"))
	if p := w.batch("PALLET-1"); len(p.Children) != 2 || p.Status != domain.Active {
		t.Fatalf("pallet after packing: %+v", p)
	}
	if l := w.batch("LOT-1"); len(l.Parents) != 1 || l.Parents[0] != "PALLET-1" || l.Status != domain.Active {
		t.Fatalf("packed lot: %+v", l)
	}
	recall := on(ev("recall", domain.Recall, "SAMR"), "PALLET-1")
	recall.Reason = "托盘受潮"
	w.ok(reg, recall)
	for id, want := range map[string]domain.Status{"PALLET-1": domain.Recalled, "LOT-1": domain.Recalled, "LOT-2": domain.Recalled, "LOT-3": domain.Active} {
		if b := w.batch(id); b.Status != want {
			t.Errorf("%s after recalling the pallet: %s, want %s", id, b.Status, want)
		}
	}
}
