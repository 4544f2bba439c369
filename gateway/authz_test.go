package gateway

import (
	"fmt"
	"testing"

	"github.com/agritrace/agritrace/internal/authz"
)

// TestAuthorizationMatrixHTTP runs the same matrix through the gateway with each org's API key.
func TestAuthorizationMatrixHTTP(t *testing.T) {
	e := newEnv(t)
	keyOf := map[string]string{"HeilongjiangMSP": "hlj", "HenanMSP": "ha", "RegulatorMSP": "reg"}
	if r := e.post("/v1/events", "reg", map[string]any{"events": authz.Bootstrap()}); r.status != 200 {
		t.Fatalf("bootstrap: %d %s", r.status, r.body)
	}
	for i, c := range authz.Cases() {
		t.Run(c.Name(), func(t *testing.T) {
			batch := fmt.Sprintf("AZH-%d", i)
			r := e.post("/v1/events", keyOf[c.Owner], map[string]any{"events": authz.Setup(c, batch)})
			if r.status != 200 {
				t.Fatalf("setup: %d %s", r.status, r.body)
			}
			if evs := authz.RegulatorSetup(c, batch); evs != nil {
				if r := e.post("/v1/events", "reg", map[string]any{"events": evs}); r.status != 200 {
					t.Fatalf("regulator setup: %d %s", r.status, r.body)
				}
			}
			r = e.post("/v1/events", keyOf[c.Caller], authz.Attempt(c, batch))
			switch {
			case c.Allowed && r.status != 201:
				t.Fatalf("refused, want allowed: %d %s", r.status, r.body)
			case !c.Allowed && r.status != 403:
				t.Fatalf("got %d, want 403: %s", r.status, r.body)
			case !c.Allowed:
				t.Logf("refused: %s", r.problem(t).Detail)
			}
		})
	}
}
