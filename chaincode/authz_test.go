package chaincode

import (
	"fmt"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/internal/authz"
)

// TestAuthorizationMatrix invokes the contract with each org's identity for every operation on
// batches held by each platform: the rules hold even for a caller that bypasses the gateway.
func TestAuthorizationMatrix(t *testing.T) {
	h := newHarness(t)
	if _, err := h.cc.RecordEvents(h.ctx("RegulatorMSP", nil, nil), eventsJSON(authz.Bootstrap()...)); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	for i, c := range authz.Cases() {
		t.Run(c.Name(), func(t *testing.T) {
			batch := fmt.Sprintf("AZ-%d", i)
			if _, err := h.cc.RecordEvents(h.ctx(c.Owner, nil, nil), eventsJSON(authz.Setup(c, batch)...)); err != nil {
				t.Fatalf("setup: %v", err)
			}
			if evs := authz.RegulatorSetup(c, batch); evs != nil {
				if _, err := h.cc.RecordEvents(h.ctx("RegulatorMSP", nil, nil), eventsJSON(evs...)); err != nil {
					t.Fatalf("regulator setup: %v", err)
				}
			}
			_, err := h.cc.RecordEvents(h.ctx(c.Caller, nil, nil), eventsJSON(authz.Attempt(c, batch)))
			if c.Allowed && err != nil {
				t.Fatalf("refused, want allowed: %v", err)
			}
			if !c.Allowed {
				de, ok := domain.AsError(err)
				if !ok || de.Status != 403 {
					t.Fatalf("got %v, want a 403 naming the rule", err)
				}
				t.Logf("refused by rule %q", de.Rule)
			}
		})
	}
}
