package chaincode

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/domain"
)

// TestReserveTransactions: each reserve function decodes its argument, applies the rule as the
// caller and emits the records with the lots they changed; a replay emits nothing, a refusal is a
// domain error.
func TestReserveTransactions(t *testing.T) {
	h := newHarness(t)
	g, _ := json.Marshal([]domain.Granary{{ID: "G1", Name: "库", Owner: domain.Party{Enterprise: "E1"}, Region: "410122",
		Type: domain.CentralDepot, Bins: []domain.Bin{{ID: "P1", CapacityT: 1000}}}})
	if _, err := h.cc.RegisterGranaries(h.ctx("HenanMSP", nil, nil), string(g)); err != nil {
		t.Fatal(err)
	}
	m, _ := json.Marshal([]domain.StockMovement{{ID: "m1", Kind: domain.StoreIn, Time: "2026-06-01T08:00:00+08:00", Granary: "G1", Bin: "P1",
		Grain: domain.Wheat, HarvestYear: 2026, Category: domain.CentralReserve, Tonnes: 600}})
	ctx := h.ctx("HenanMSP", nil, nil)
	if _, err := h.cc.RecordStockMovements(ctx, string(m)); err != nil {
		t.Fatal(err)
	}
	rec, err := domain.UnpackRecorded(ctx.stub.events[EventName])
	if err != nil || rec.Reserve == nil ||
		len(rec.Reserve.Movements) != 1 || len(rec.Reserve.Lots) != 1 || rec.Reserve.Lots[0].Tonnes != 600 || rec.Reserve.Movements[0].Platform != "HenanMSP" {
		t.Fatalf("chaincode event = %s", ctx.stub.events[EventName])
	}
	replay := h.ctx("HenanMSP", nil, nil)
	if out, err := h.cc.RecordStockMovements(replay, string(m)); err != nil || !strings.Contains(out, `"duplicate":true`) || len(replay.stub.events) != 0 {
		t.Fatalf("replay: %s %v, %d events", out, err, len(replay.stub.events))
	}
	tests := []struct {
		name string
		run  func() error
		rule string
	}{
		{"not JSON", func() error { _, err := h.cc.RecordStockCheck(h.ctx("RegulatorMSP", nil, nil), "{"); return err }, "validation"},
		{"a platform counts", func() error {
			_, err := h.cc.RecordStockCheck(h.ctx("HenanMSP", nil, nil), `{"id":"c1"}`)
			return err
		}, "regulator-only"},
		{"the regulator publishes prices", func() error {
			_, err := h.cc.PublishMarketAggregates(h.ctx("RegulatorMSP", nil, nil), `{"id":"p1"}`)
			return err
		}, "regulator-role"},
		{"a platform closes an alert", func() error {
			_, err := h.cc.CloseReserveAlert(h.ctx("HenanMSP", nil, nil), `{"alert":"variance:c1","reason":"无问题","time":"2026-06-01T08:00:00+08:00"}`)
			return err
		}, "regulator-only"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			de, ok := domain.AsError(tc.run())
			if !ok || de.Rule != tc.rule {
				t.Fatalf("got %v, want rule %s", de, tc.rule)
			}
		})
	}
}
