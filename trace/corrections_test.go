package trace

import (
	"testing"

	"github.com/agritrace/agritrace/domain"
)

func TestDeclaredErroneousStep(t *testing.T) {
	tr := &domain.Trail{Batch: "LOT-1", Batches: []domain.Batch{{ID: "LOT-1", Status: domain.Active}}, Events: []domain.Event{
		{ID: "sell-1", Type: domain.Sell, EventTime: "2026-10-01T08:00:00+08:00", Batches: []string{"LOT-1"}},
		{ID: "store-1", Type: domain.Store, EventTime: "2026-10-01T09:00:00+08:00", Batches: []string{"LOT-1"}},
		{ID: "decl-1", Type: domain.DeclareError, EventTime: "2026-10-02T08:00:00+08:00", Batches: []string{"LOT-1"},
			Declaration: &domain.ErrorDeclaration{Event: "sell-1", Reason: "录入错误：并未售出"}},
	}}
	p := Public(tr, "zh")
	got := map[string]PublicStep{}
	for _, s := range p.Steps {
		got[s.Event] = s
	}
	if got["sell-1"].DeclaredErroneous != "decl-1" || got["store-1"].DeclaredErroneous != "" {
		t.Fatalf("declared = %q / %q", got["sell-1"].DeclaredErroneous, got["store-1"].DeclaredErroneous)
	}
	if got["decl-1"].Summary != "录入错误：并未售出" {
		t.Fatalf("declaration summary = %q", got["decl-1"].Summary)
	}
}
