package gateway_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/agritrace/agritrace/wire"

	_ "modernc.org/sqlite"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/internal/testnet"
)

func call(t *testing.T, method, u, key, ctype string, body []byte) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, u, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func harvest(id, batch string) domain.Event {
	return domain.Event{ID: id, Type: domain.Produce, EventTime: "2026-10-01T08:00:00+08:00", Actor: domain.Party{Enterprise: "COOP-E2E"},
		Outputs: []domain.Output{{Batch: batch, Product: domain.Product{Name: "稻谷"}, Quantity: domain.Quantity{Value: 100, Unit: "kg"},
			Origin: &domain.Origin{Region: "230184"}}}}
}

// TestE2EGateway runs the gateway binary on a real network: EPCIS capture of a transformation,
// idempotent replays, a gateway crash while the ledger moves on, read-model catch-up and audit.
func TestE2EGateway(t *testing.T) {
	c := testnet.Start(t, 27450)
	g := testnet.StartGateway(t, c, 18450)
	key, reg := g.Env["AGRITRACE_PLATFORM_KEY"], g.Env["AGRITRACE_REGULATOR_KEY"]

	doc, err := os.ReadFile("testdata/epcis/transformation.jsonld")
	if err != nil {
		t.Fatal(err)
	}
	status, body := call(t, "POST", g.URL+"/v1/epcis/capture", key, "application/ld+json", doc)
	var bulk gateway.BulkResponse
	if json.Unmarshal(body, &bulk); status != 200 || bulk.Accepted != 1 || bulk.Results[0].Block == 0 {
		t.Fatalf("EPCIS capture: %d %s", status, body)
	}
	out := url.PathEscape("urn:epc:id:sgtin:6901234.077889.27")
	status, body = call(t, "GET", g.URL+"/v1/batches/"+out+"/trail", key, "", nil)
	if status != 200 || !strings.Contains(string(body), "https://id.gs1.org/01/06901234111118/10/WHEAT44") {
		t.Fatalf("trail of the output lacks its inputs: %d %s", status, body)
	}

	ev, _ := json.Marshal(harvest("e2e-gw-1", "E2E-GW-LOT-1"))
	status, body = call(t, "POST", g.URL+"/v1/events", key, "application/json", ev)
	var first gateway.EventResult
	if json.Unmarshal(body, &first); status != 201 {
		t.Fatalf("record: %d %s", status, body)
	}
	status, body = call(t, "POST", g.URL+"/v1/events", key, "application/json", ev)
	var again gateway.EventResult
	if json.Unmarshal(body, &again); status != 200 || again.TxID != first.TxID {
		t.Fatalf("replay: %d %s (first tx %s)", status, body, first.TxID)
	}
	changed := harvest("e2e-gw-1", "E2E-GW-LOT-1")
	changed.Outputs[0].Quantity.Value = 99
	ev2, _ := json.Marshal(changed)
	if status, body = call(t, "POST", g.URL+"/v1/events", key, "application/json", ev2); status != 409 {
		t.Fatalf("conflicting replay: %d %s", status, body)
	}
	checkFabricLimitsE2E(t, g.URL, key)

	// the regulator's gateway crashes; the ledger moves on without it (another platform's client
	// records directly), and on restart its read model catches up from its checkpoint
	regGW := g.Org("reg")
	regGW.Stop(true)
	cl := testnet.Connect(t, c, "ha")
	var direct []domain.Event
	for i := 0; i < 12; i++ {
		direct = append(direct, harvest(fmt.Sprintf("e2e-direct-%d", i), fmt.Sprintf("E2E-DIRECT-%d", i)))
	}
	args, _ := json.Marshal(direct)
	if _, err := cl.Submit(context.Background(), wire.RecordEvents, []string{string(args)}, nil); err != nil {
		t.Fatal(err)
	}
	regGW.Start()
	status, body = call(t, "POST", g.URL+"/v1/events", key, "application/json", mustJSON(harvest("e2e-gw-2", "E2E-GW-LOT-2")))
	if status != 201 {
		t.Fatalf("after restart: %d %s", status, body)
	}
	// events committed while the gateway was down are in its read model (no gap); the event just
	// recorded through 黑龙江's gateway too, once the regulator's follower has seen its block
	var page struct{ Events []domain.Event }
	deadline := time.Now().Add(20 * time.Second)
	for {
		status, body = call(t, "GET", regGW.URL+"/v1/events?enterprise=COOP-E2E&page_size=100", reg, "", nil)
		page.Events = nil
		if json.Unmarshal(body, &page); (status == 200 && len(page.Events) == 14) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if status != 200 || len(page.Events) != 14 {
		t.Fatalf("after catch-up: %d events (want 14): %s", len(page.Events), body)
	}

	outAudit, err := testnet.Run(t, "audit", "--state", c.StateDir, "--org", "reg", "--db", regGW.DB)
	if err != nil || !strings.Contains(outAudit, "0 mismatches") {
		t.Fatalf("audit of a clean read model: %v\n%s", err, outAudit)
	}
	if status, body = call(t, "GET", regGW.URL+"/v1/audit", reg, "", nil); status != 200 {
		t.Fatalf("GET /v1/audit: %d %s", status, body)
	}

	// a deliberately tampered row is caught
	db, err := sql.Open("sqlite", "file:"+regGW.DB+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE batches SET doc = replace(doc, '"value":100', '"value":1000') WHERE id = 'E2E-DIRECT-3'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	outAudit, err = testnet.Run(t, "audit", "--state", c.StateDir, "--org", "reg", "--db", regGW.DB)
	if err == nil || !strings.Contains(outAudit, "MISMATCH batch E2E-DIRECT-3") {
		t.Fatalf("audit did not catch the tampered row (err %v):\n%s", err, outAudit)
	}
	if status, _ = call(t, "GET", regGW.URL+"/v1/audit", reg, "", nil); status != 409 {
		t.Fatalf("GET /v1/audit after tampering: %d", status)
	}
}

func mustJSON(v any) []byte { b, _ := json.Marshal(v); return b }
