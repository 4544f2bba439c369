package gateway_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/wire"
)

// checkFabricLimitsE2E runs on TestE2EGateway's network: a 2 MB bulk — which, packed by count
// alone, made transactions over Fabric's 4 MiB message limit and failed as 502 on every retry —
// commits whole, cut into transactions that fit; an event no transaction can carry is refused
// with 413 before Fabric is asked.
func checkFabricLimitsE2E(t *testing.T, url, key string) {
	t.Helper()
	attrs := map[string]any{}
	for i := 0; i < 10; i++ {
		attrs[fmt.Sprintf("note%d", i)] = strings.Repeat("n", 1000)
	}
	events := make([]domain.Event, 200)
	for i := range events {
		events[i] = harvest(fmt.Sprintf("e2e-big-%d", i), fmt.Sprintf("E2E-BIG-%d", i))
		events[i].Actor.Enterprise = "COOP-LIMITS"
		events[i].Attributes = attrs
	}
	body, _ := json.Marshal(map[string]any{"events": events})
	if len(body) < 2_000_000 {
		t.Fatalf("bulk of %d bytes, want ≥ 2 MB", len(body))
	}
	status, resp := call(t, "POST", url+"/v1/events", key, "application/json", body)
	var bulk gateway.BulkResponse
	if json.Unmarshal(resp, &bulk); status != 200 || bulk.Accepted != len(events) {
		t.Fatalf("2 MB bulk: %d, %d accepted: %.600s", status, bulk.Accepted, resp)
	}
	txs := map[string]bool{}
	for _, r := range bulk.Results {
		txs[r.TxID] = true
	}
	if min := len(body) / wire.MaxTxEventBytes; len(txs) < min {
		t.Fatalf("2 MB bulk committed in %d transactions, want at least %d", len(txs), min)
	}
	t.Logf("2 MB bulk (%d bytes): %d events in %d transactions", len(body), bulk.Accepted, len(txs))

	huge := harvest("e2e-huge", "E2E-HUGE")
	huge.Actor.Enterprise = "COOP-LIMITS"
	huge.Attributes = map[string]any{}
	for i := 0; i < 100; i++ {
		huge.Attributes[fmt.Sprintf("k%03d", i)] = strings.Repeat("x", 999)
	}
	status, resp = call(t, "POST", url+"/v1/events", key, "application/json", mustJSON(huge))
	if status != 413 || !strings.Contains(string(resp), "event-too-large") {
		t.Fatalf("100 KB event: %d %s", status, resp)
	}
}
