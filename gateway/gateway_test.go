package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/agritrace/agritrace/bench"
	"github.com/agritrace/agritrace/domain"
)

func harvest(id, batch string, kg float64) domain.Event {
	return domain.Event{ID: id, Type: domain.Produce, EventTime: "2026-10-01T08:00:00+08:00",
		Actor: domain.Party{Enterprise: "COOP-1", Name: "五常市民乐乡稻谷种植专业合作社"},
		Outputs: []domain.Output{{Batch: batch, Product: domain.Product{Name: "稻谷", Category: "grain"},
			Quantity: domain.Quantity{Value: kg, Unit: "kg"}, Origin: &domain.Origin{Region: "230184", HarvestDate: "2026-09-28"}}}}
}

func TestAuthentication(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		name, key string
		status    int
	}{
		{"no key", "", 401},
		{"unknown key", "at_nope", 401},
	} {
		r := e.do("GET", "/v1/batches", tc.key, "", nil)
		if r.status != tc.status {
			t.Errorf("%s: status %d", tc.name, r.status)
		}
		r.problem(t)
	}
	r := e.post("/v1/batches/LOT-1/recall", "hlj", `{"reason":"x"}`)
	if p := r.problem(t); r.status != 403 || p.Type != problemBase+"regulator-only" {
		t.Fatalf("platform recall: %d %s", r.status, r.body)
	}
	// a key limited to storage events cannot record a harvest
	r = e.post("/v1/events", "hlj-store", harvest("h1", "LOT-1", 10))
	if p := r.problem(t); r.status != 403 || p.Rule != "stage-permission" {
		t.Fatalf("restricted key: %d %s", r.status, r.body)
	}
}

func TestSingleEventIdempotency(t *testing.T) {
	e := newEnv(t)
	r := e.post("/v1/events", "hlj", harvest("h1", "LOT-1", 1000))
	var first EventResult
	r.json(t, &first)
	if r.status != 201 || first.Status != "committed" || first.TxID == "" || first.Block == 0 {
		t.Fatalf("first: %d %s", r.status, r.body)
	}
	r = e.post("/v1/events", "hlj", harvest("h1", "LOT-1", 1000))
	var again EventResult
	r.json(t, &again)
	if r.status != 200 || again.Status != "duplicate" || again.TxID != first.TxID || again.Block != first.Block {
		t.Fatalf("replay: %d %s", r.status, r.body)
	}
	calls := e.ledger.Calls
	r = e.post("/v1/events", "hlj", harvest("h1", "LOT-1", 999))
	if p := r.problem(t); r.status != 409 || p.Rule != "idempotency" || p.Pointer != "/id" {
		t.Fatalf("conflicting replay: %d %s", r.status, r.body)
	}
	if e.ledger.Calls != calls {
		t.Fatal("a replay answered from the read model still went to the ledger")
	}
	// a replay the read model has not seen yet is caught by the contract and still returns the original tx
	if _, err := e.srv.store.DB().Exec(`DELETE FROM events WHERE id = 'h1'`); err != nil {
		t.Fatal(err)
	}
	r = e.post("/v1/events", "hlj", harvest("h1", "LOT-1", 1000))
	r.json(t, &again)
	if r.status != 200 || again.TxID != first.TxID {
		t.Fatalf("replay through the contract: %d %s", r.status, r.body)
	}
}

func TestBulkPerEventResults(t *testing.T) {
	e := newEnv(t)
	e.post("/v1/events", "ha", harvest("ha-1", "HA-LOT", 10))
	bad := harvest("b2", "LOT-B", 10)
	bad.Outputs[0].Quantity.Unit = "bushel"
	store := domain.Event{ID: "b3", Type: domain.Store, EventTime: "2026-10-02T08:00:00+08:00",
		Actor: domain.Party{Enterprise: "WH-1"}, Batches: []string{"HA-LOT"}} // held by another platform
	var events []domain.Event
	events = append(events, harvest("b1", "LOT-A", 10), bad, store)
	for i := 0; i < 250; i++ { // more than one transaction's worth
		events = append(events, harvest(fmt.Sprintf("m%d", i), fmt.Sprintf("LOT-M%d", i), 1))
	}
	r := e.post("/v1/events", "hlj", map[string]any{"events": events})
	var resp BulkResponse
	r.json(t, &resp)
	if r.status != 207 || resp.Accepted != 251 || resp.Rejected != 2 || len(resp.Results) != 253 {
		t.Fatalf("bulk: %d accepted %d rejected %d", r.status, resp.Accepted, resp.Rejected)
	}
	if p := resp.Results[1].Problem; p == nil || p.Pointer != "/events/1/outputs/0/quantity/unit" || *p.Index != 1 {
		t.Fatalf("invalid event result: %+v", resp.Results[1])
	}
	if p := resp.Results[2].Problem; p == nil || p.Status != 403 || p.Rule != "custody" || p.Pointer != "/events/2/batches/0" {
		t.Fatalf("custody result: %+v", p)
	}
	if e.ledger.Calls > 6 {
		t.Fatalf("%d ledger transactions for 251 events: events are not packed", e.ledger.Calls)
	}
	// the same bulk again: all duplicates, nothing new
	r = e.post("/v1/events", "hlj", map[string]any{"events": events[3:]})
	r.json(t, &resp)
	if r.status != 200 || resp.Duplicates != 250 || resp.Accepted != 0 {
		t.Fatalf("replayed bulk: %d %+v", r.status, resp.Accepted)
	}
}

func TestDependentEventsStayInOrder(t *testing.T) {
	e := newEnv(t)
	var events []domain.Event
	events = append(events, harvest("p", "LOT-1", 1000))
	for i := 0; i < 150; i++ { // one lane longer than a transaction: order must hold across its chunks
		events = append(events, domain.Event{ID: fmt.Sprintf("s%d", i), Type: domain.Store, EventTime: "2026-10-02T08:00:00+08:00",
			Actor: domain.Party{Enterprise: "WH"}, Batches: []string{"LOT-1"}, Attributes: map[string]any{"moisture": 14.1}})
	}
	events = append(events, domain.Event{ID: "mill", Type: domain.Process, EventTime: "2026-10-03T08:00:00+08:00",
		Actor: domain.Party{Enterprise: "MILL"}, Inputs: []domain.Portion{{Batch: "LOT-1"}},
		Outputs: []domain.Output{{Batch: "RICE-1", Product: domain.Product{Name: "大米"}, Quantity: domain.Quantity{Value: 650, Unit: "kg"}}}})
	r := e.post("/v1/events", "hlj", map[string]any{"events": events})
	var resp BulkResponse
	r.json(t, &resp)
	if r.status != 200 || resp.Accepted != len(events) {
		t.Fatalf("dependent bulk: %d %s", r.status, r.body[:min(len(r.body), 400)])
	}
	r = e.get("/v1/batches/RICE-1/trail", "reg")
	var tr domain.Trail
	r.json(t, &tr)
	if len(tr.Batches) != 2 || len(tr.Events) != len(events) {
		t.Fatalf("trail: %d batches %d events", len(tr.Batches), len(tr.Events))
	}
}

func TestBadInput(t *testing.T) {
	e := newEnv(t)
	e.post("/v1/events", "hlj", harvest("h1", "LOT-1", 100))
	deep := strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000)
	ev := func(mut func(m map[string]any)) string {
		b, _ := json.Marshal(harvest("x1", "LOT-X", 5))
		var m map[string]any
		json.Unmarshal(b, &m)
		mut(m)
		out, _ := json.Marshal(m)
		return string(out)
	}
	tests := []struct {
		name, ctype, body string
		status            int
		pointer           string
		detail            string
	}{
		{"malformed JSON", "application/json", "{\"id\": \"x\",\n \"type\": }", 400, "", "line 2"},
		{"empty body", "application/json", "", 400, "", "want a JSON object"},
		{"array instead of object", "application/json", "[1]", 400, "", "JSON object"},
		{"wrong content type", "text/plain", "{}", 415, "", "Content-Type"},
		{"no content type", "", "{}", 415, "", "Content-Type"},
		{"unknown field", "application/json", ev(func(m map[string]any) { m["colour"] = "red" }), 400, "/colour", "unknown field"},
		{"wrong type", "application/json", ev(func(m map[string]any) { m["eventTime"] = 5 }), 400, "/eventTime", "must be a string"},
		{"unknown event type", "application/json", ev(func(m map[string]any) { m["type"] = "harvest" }), 400, "/type", "unknown event type"},
		{"time without zone", "application/json", ev(func(m map[string]any) { m["eventTime"] = "2026-10-01T08:00:00" }), 400, "/eventTime", "zone"},
		{"invalid zone", "application/json", ev(func(m map[string]any) { m["eventTime"] = "2026-10-01T08:00:00+25:00" }), 400, "/eventTime", ""},
		{"future time", "application/json", ev(func(m map[string]any) { m["eventTime"] = time.Now().Add(24 * time.Hour).Format(time.RFC3339) }), 400, "/eventTime", "ahead"},
		{"bad EPC URN", "application/json", ev(func(m map[string]any) {
			m["outputs"].([]any)[0].(map[string]any)["batch"] = "urn:epc:id:sgtin:12.34"
		}), 400, "/outputs/0/batch", "want CompanyPrefix"},
		{"bad check digit", "application/json", ev(func(m map[string]any) {
			m["outputs"].([]any)[0].(map[string]any)["batch"] = "https://id.gs1.org/01/09506000134353/10/L1"
		}), 400, "/outputs/0/batch", "check digit"},
		{"negative quantity", "application/json", ev(func(m map[string]any) {
			m["outputs"].([]any)[0].(map[string]any)["quantity"] = map[string]any{"value": -3, "unit": "kg"}
		}), 400, "/outputs/0/quantity/value", "positive"},
		{"huge number", "application/json", ev(func(m map[string]any) {
			m["outputs"].([]any)[0].(map[string]any)["quantity"] = map[string]any{"value": 1e300, "unit": "kg"}
		}), 400, "/outputs/0/quantity/value", "exceeds"},
		{"number overflow", "application/json", strings.Replace(ev(func(m map[string]any) {}), `"value":5`, `"value":1e999`, 1), 400, "", "number"},
		{"unknown unit", "application/json", ev(func(m map[string]any) {
			m["outputs"].([]any)[0].(map[string]any)["quantity"] = map[string]any{"value": 3, "unit": "担"}
		}), 400, "/outputs/0/quantity/unit", "unknown unit"},
		{"bidi override in id", "application/json", ev(func(m map[string]any) { m["id"] = "x\u202e1" }), 400, "/id", "printable"},
		{"invalid UTF-8", "application/json", "{\"id\":\"x\xff\",\"type\":\"produce\"}", 400, "", ""},
		{"deep nesting", "application/json", deep, 400, "", "depth"},
		{"empty bulk", "application/json", `{"events":[]}`, 400, "/events", "1 to 1000"},
		{"ledger fields", "application/json", ev(func(m map[string]any) { m["txId"] = "forged" }), 400, "", "set by the ledger"},
		{"other platform vouching", "application/json", ev(func(m map[string]any) {
			m["actor"] = map[string]any{"enterprise": "X", "platform": "HenanMSP"}
		}), 403, "/actor/platform", "vouch"},
		{"id too long", "application/json", ev(func(m map[string]any) { m["id"] = strings.Repeat("x", 201) }), 400, "/id", "1–200"},
		{"type as number", "application/json", ev(func(m map[string]any) { m["type"] = 3 }), 400, "/type", "must be"},
		{"empty type", "application/json", ev(func(m map[string]any) { m["type"] = "" }), 400, "/type", "unknown event type"},
		{"no actor", "application/json", ev(func(m map[string]any) { delete(m, "actor") }), 400, "/actor/enterprise", "required"},
		{"actor too long", "application/json", ev(func(m map[string]any) { m["actor"] = map[string]any{"enterprise": strings.Repeat("企", 30)} }), 400, "/actor/enterprise", "64 bytes"},
		{"bad USCC", "application/json", ev(func(m map[string]any) { m["actor"] = map[string]any{"enterprise": "91230184MA1BXR5N80"} }), 400, "/actor/enterprise", "check character"},
		{"empty time", "application/json", ev(func(m map[string]any) { m["eventTime"] = "" }), 400, "/eventTime", "RFC 3339"},
		{"date only", "application/json", ev(func(m map[string]any) { m["eventTime"] = "2026-10-01" }), 400, "/eventTime", "zone"},
		{"before 1990", "application/json", ev(func(m map[string]any) { m["eventTime"] = "1970-01-01T00:00:00Z" }), 400, "/eventTime", "1990"},
		{"bad location region", "application/json", ev(func(m map[string]any) { m["location"] = map[string]any{"region": "0000"} }), 400, "/location/region", "6-digit"},
		{"bad SGLN", "application/json", ev(func(m map[string]any) { m["location"] = map[string]any{"id": "urn:epc:id:sgln:1.2.3"} }), 400, "/location/id", "digits"},
		{"produce without outputs", "application/json", ev(func(m map[string]any) { delete(m, "outputs") }), 400, "/outputs", "at least one"},
		{"output without product name", "application/json", ev(func(m map[string]any) {
			m["outputs"].([]any)[0].(map[string]any)["product"] = map[string]any{}
		}), 400, "/outputs/0/product/name", "required"},
		{"bad category", "application/json", ev(func(m map[string]any) {
			m["outputs"].([]any)[0].(map[string]any)["product"] = map[string]any{"name": "x", "category": "fish"}
		}), 400, "/outputs/0/product/category", "grain or produce"},
		{"bad GTIN", "application/json", ev(func(m map[string]any) {
			m["outputs"].([]any)[0].(map[string]any)["product"] = map[string]any{"name": "x", "gtin": "12345"}
		}), 400, "/outputs/0/product/gtin", "8, 12, 13 or 14"},
		{"zero quantity", "application/json", ev(func(m map[string]any) {
			m["outputs"].([]any)[0].(map[string]any)["quantity"] = map[string]any{"value": 0, "unit": "kg"}
		}), 400, "/outputs/0/quantity/value", "positive"},
		{"quantity as string", "application/json", ev(func(m map[string]any) {
			m["outputs"].([]any)[0].(map[string]any)["quantity"] = map[string]any{"value": "12", "unit": "kg"}
		}), 400, "/outputs/0/quantity/value", "must be a number"},
		{"counted net content", "application/json", ev(func(m map[string]any) {
			m["outputs"].([]any)[0].(map[string]any)["quantity"] = map[string]any{"value": 2, "unit": "bag", "netContent": map[string]any{"value": 1, "unit": "box"}}
		}), 400, "/outputs/0/quantity/netContent", "mass or volume"},
		{"bad harvest date", "application/json", ev(func(m map[string]any) {
			m["outputs"].([]any)[0].(map[string]any)["origin"] = map[string]any{"harvestDate": "2026-02-30"}
		}), 400, "/outputs/0/origin/harvestDate", "YYYY-MM-DD"},
		{"5-digit origin region", "application/json", ev(func(m map[string]any) {
			m["outputs"].([]any)[0].(map[string]any)["origin"] = map[string]any{"region": "23018"}
		}), 400, "/outputs/0/origin/region", "6-digit"},
		{"short document hash", "application/json", ev(func(m map[string]any) { m["documents"] = []any{map[string]any{"name": "a.pdf", "sha256": "abc"}} }), 400, "/documents/0/sha256", "64"},
		{"document without name", "application/json", ev(func(m map[string]any) { m["documents"] = []any{map[string]any{"sha256": strings.Repeat("a", 64)}} }), 400, "/documents/0/name", "required"},
		{"private terms on a harvest", "application/json", ev(func(m map[string]any) { m["private"] = map[string]any{"price": 1} }), 400, "/private", "purchase, sell or offer"},
		{"split with one output", "application/json", ev(func(m map[string]any) {
			m["type"], m["inputs"] = "split", []any{map[string]any{"batch": "LOT-1"}}
		}), 400, "/outputs", "at least two"},
		{"merge with one input", "application/json", ev(func(m map[string]any) {
			m["type"], m["inputs"] = "merge", []any{map[string]any{"batch": "LOT-1"}}
		}), 400, "/inputs", "at least two"},
		{"process without inputs", "application/json", ev(func(m map[string]any) { m["type"] = "process" }), 400, "/inputs", "at least one"},
		{"purchase without buyer", "application/json", ev(func(m map[string]any) { m["type"], m["batches"] = "purchase", []any{"LOT-1"} }), 400, "/to", "receiving party"},
		{"inspection without result", "application/json", ev(func(m map[string]any) {
			m["type"], m["batches"], m["inspection"] = "inspect", []any{"LOT-1"}, map[string]any{"item": "水分"}
		}), 400, "/inspection/result", "pass or fail"},
		{"certificate without id", "application/json", ev(func(m map[string]any) {
			m["type"], m["batches"], m["certificate"] = "certify", []any{"LOT-1"}, map[string]any{"type": "organic"}
		}), 400, "/certificate/id", "required"},
		{"recall by a platform", "application/json", ev(func(m map[string]any) {
			m["type"], m["batches"], m["reason"] = "recall", []any{"LOT-1"}, "x"
		}), 403, "/type", "only the regulator recalls"},
		{"negative input quantity", "application/json", ev(func(m map[string]any) {
			m["type"], m["inputs"] = "process", []any{map[string]any{"batch": "LOT-1", "quantity": map[string]any{"value": -5, "unit": "kg"}}}
		}), 400, "/inputs/0/quantity/value", "positive"},
		{"empty attribute name", "application/json", ev(func(m map[string]any) { m["attributes"] = map[string]any{"": 1} }), 400, "/attributes", "1–100"},
		{"zero-width joiner in batch id", "application/json", ev(func(m map[string]any) {
			m["outputs"].([]any)[0].(map[string]any)["batch"] = "LOT‍1"
		}), 400, "/outputs/0/batch", "neither"},
		{"emoji batch id", "application/json", ev(func(m map[string]any) {
			m["outputs"].([]any)[0].(map[string]any)["batch"] = "🌾-1"
		}), 400, "/outputs/0/batch", "neither"},
		{"non-EPC URN", "application/json", ev(func(m map[string]any) {
			m["outputs"].([]any)[0].(map[string]any)["batch"] = "urn:isbn:978-7-111"
		}), 400, "/outputs/0/batch", "only urn:epc"},
		{"trailing data", "application/json", ev(func(m map[string]any) {}) + " {}", 400, "", "after top-level value"},
		{"null body", "application/json", "null", 400, "", "JSON object"},
		{"events not an array", "application/json", `{"events":{}}`, 400, "/events", "must be"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do("POST", "/v1/events", e.keys["hlj"], tc.ctype, strings.NewReader(tc.body))
			p := r.problem(t)
			if r.status != tc.status || (tc.pointer != "" && p.Pointer != tc.pointer) || !strings.Contains(p.Detail, tc.detail) {
				t.Fatalf("got %d pointer %q detail %q, want %d %q %q", r.status, p.Pointer, p.Detail, tc.status, tc.pointer, tc.detail)
			}
		})
	}
	if len(tests) < 50 {
		t.Fatalf("the bad-input table has %d cases; keep it at 50 or more", len(tests))
	}
	// too big: the body limit in this test server is 1 MiB
	big := `{"id":"big","type":"produce","reason":"` + strings.Repeat("x", 2<<20) + `"}`
	r := e.do("POST", "/v1/events", e.keys["hlj"], "application/json", strings.NewReader(big))
	if r.problem(t); r.status != 413 {
		t.Fatalf("oversized body: %d", r.status)
	}
	var many []domain.Event
	for i := 0; i < 1001; i++ {
		many = append(many, harvest(fmt.Sprintf("z%d", i), "Z", 1))
	}
	r = e.post("/v1/events", "hlj", map[string]any{"events": many})
	if r.problem(t); r.status != 413 {
		t.Fatalf("1001 events: %d", r.status)
	}
	// and the service still serves the next request
	if r := e.get("/v1/batches/LOT-1", "hlj"); r.status != 200 {
		t.Fatalf("after bad input: %d", r.status)
	}
}

func TestLedgerUnavailable(t *testing.T) {
	e := newEnv(t)
	e.post("/v1/events", "hlj", harvest("h1", "LOT-1", 100))
	e.ledger.Down = true
	r := e.post("/v1/events", "hlj", harvest("h2", "LOT-2", 100))
	if p := r.problem(t); r.status != 503 || p.TxID == "" {
		t.Fatalf("ordering down: %d %s", r.status, r.body)
	}
	// reads keep working from the read model
	if r := e.get("/v1/batches/LOT-1", "hlj"); r.status != 200 {
		t.Fatalf("read while ledger down: %d", r.status)
	}
	e.ledger.Down = false
	if r := e.post("/v1/events", "hlj", harvest("h2", "LOT-2", 100)); r.status != 201 {
		t.Fatalf("retry after outage: %d %s", r.status, r.body)
	}
}

func TestCustodyRecallAndHistory(t *testing.T) {
	e := newEnv(t)
	e.post("/v1/events", "hlj", harvest("h1", "urn:epc:class:lgtin:6901234.056789.WC26", 1000))
	id := url.PathEscape("https://id.gs1.org/01/06901234567892/10/WC26")
	buy := domain.Event{ID: "buy", Type: domain.Purchase, EventTime: "2026-10-02T08:00:00+08:00",
		Actor: domain.Party{Enterprise: "COOP-1"}, Batches: []string{"urn:epc:class:lgtin:6901234.056789.WC26"},
		To: &domain.Party{Enterprise: "DENNIS-ZZ", Platform: "HenanMSP"}, Private: &domain.Private{Price: 6.8, Currency: "CNY"}}
	if r := e.post("/v1/events", "hlj", buy); r.status != 201 {
		t.Fatalf("purchase: %d %s", r.status, r.body)
	}
	// the public hash is salted (a guessed price does not reproduce it), and a retry is still a replay
	var pub EventResponse
	e.get("/v1/events/buy", "reg").json(t, &pub)
	if pub.Event.PrivateHash == "" || pub.Event.PrivateHash == domain.PrivateHash(domain.Private{Price: 6.8, Currency: "CNY"}) {
		t.Fatalf("private hash %q is the unsalted hash of the terms", pub.Event.PrivateHash)
	}
	if r := e.post("/v1/events", "hlj", buy); r.status != 200 {
		t.Fatalf("purchase retry: %d %s", r.status, r.body)
	}
	if r := e.post("/v1/batches/"+id+"/accept", "reg", `{}`); r.status != 403 {
		t.Fatalf("regulator accepting: %d %s", r.status, r.body)
	}
	if r := e.post("/v1/batches/"+id+"/accept", "ha", `{"id":"acc-1","actor":{"enterprise":"DENNIS-ZZ"}}`); r.status != 201 {
		t.Fatalf("accept: %d %s", r.status, r.body)
	}
	var b BatchResponse
	e.get("/v1/batches/"+url.PathEscape("urn:epc:class:lgtin:6901234.056789.WC26"), "ha").json(t, &b)
	if b.Batch.Custodian.Platform != "HenanMSP" || b.Batch.Owner.Enterprise != "DENNIS-ZZ" || b.LedgerBlock == 0 {
		t.Fatalf("after hand-over: %+v", b)
	}
	// (not a search for "6.8": a record time such as 08:00:06.8 contains it)
	if pub := string(e.get("/v1/events/buy", "ha").body); strings.Contains(pub, `"price"`) || strings.Contains(pub, `"CNY"`) {
		t.Fatal("private price visible in the public event")
	}
	if r := e.post("/v1/batches/"+id+"/offer", "ha", `{"to":{"enterprise":"SHOP","platform":"HeilongjiangMSP"}}`); r.status != 201 {
		t.Fatalf("offer: %d %s", r.status, r.body)
	}
	if r := e.post("/v1/batches/"+id+"/recall", "reg", `{"id":"rc-1","reason":"镉超标"}`); r.status != 201 {
		t.Fatalf("recall: %d %s", r.status, r.body)
	}
	if r := e.post("/v1/batches/"+id+"/recall", "reg", `{"id":"rc-1","reason":"镉超标"}`); r.status != 200 {
		t.Fatalf("recall replay: %d %s", r.status, r.body)
	}
	if r := e.post("/v1/batches/"+id+"/recall", "reg", `{"reason":`); r.status != 400 {
		t.Fatalf("bad recall body: %d", r.status)
	}
	var h struct {
		Versions []map[string]any `json:"versions"`
	}
	r := e.get("/v1/batches/"+id+"/history", "reg")
	r.json(t, &h)
	if r.status != 200 || len(h.Versions) < 4 {
		t.Fatalf("history: %d %s", r.status, r.body)
	}
	if r := e.get("/v1/batches/NOPE/history", "reg"); r.status != 404 {
		t.Fatalf("history of unknown: %d %s", r.status, r.body)
	}
}

func TestReadAndSearch(t *testing.T) {
	e := newEnv(t)
	for i := 0; i < 5; i++ {
		ev := harvest(fmt.Sprintf("h%d", i), fmt.Sprintf("LOT-%d", i), 100)
		if i >= 3 {
			ev.Outputs[0].Origin.Region = "410102" // 河南 郑州
			ev.Outputs[0].Product.Name = "小麦"
		}
		e.post("/v1/events", "hlj", ev)
	}
	for _, tc := range []struct {
		query string
		n     int
	}{
		{"region=23", 3}, {"region=2301", 3}, {"region=410102", 2}, {"product=小麦", 2}, {"stage=produce", 5},
		{"status=active", 5}, {"status=sold", 0}, {"enterprise=COOP-1", 5},
		{"from=2026-10-01&to=2026-10-02", 5}, {"from=2026-10-02", 0},
	} {
		var resp struct {
			Batches []domain.Batch `json:"batches"`
		}
		r := e.get("/v1/batches?"+tc.query, "reg")
		r.json(t, &resp)
		if r.status != 200 || len(resp.Batches) != tc.n {
			t.Errorf("%s: %d batches (%d)", tc.query, len(resp.Batches), r.status)
		}
	}
	// pagination
	seen := 0
	next := ""
	for page := 0; page < 10; page++ {
		var resp SearchResponse
		q := "/v1/events?page_size=2"
		if next != "" {
			q += "&cursor=" + next
		}
		e.get(q, "reg").json(t, &resp)
		b, _ := json.Marshal(resp.Events)
		var es []domain.Event
		json.Unmarshal(b, &es)
		seen += len(es)
		if resp.Next == "" {
			break
		}
		next = resp.Next
	}
	if seen != 5 {
		t.Fatalf("paged %d events, want 5", seen)
	}
	for _, q := range []string{"region=2", "region=abc", "stage=harvest", "status=lost", "type=x", "from=yesterday",
		"from=2026-10-02&to=2026-10-01", "page_size=0", "page_size=501", "cursor=!!"} {
		r := e.get("/v1/events?"+q, "reg")
		if p := r.problem(t); r.status != 400 || !strings.HasPrefix(p.Pointer, "?") {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
	for _, q := range []string{"depth=0", "depth=51", "limit=0", "limit=x"} {
		if r := e.get("/v1/batches/LOT-1/trail?"+q, "reg"); r.status != 400 {
			t.Errorf("trail %s: %d", q, r.status)
		}
	}
	if r := e.get("/v1/batches/NOPE", "reg"); r.status != 404 {
		t.Errorf("unknown batch: %d", r.status)
	}
	if r := e.get("/v1/batches/NOPE/trail", "reg"); r.status != 404 {
		t.Errorf("unknown trail: %d", r.status)
	}
	if r := e.get("/v1/batches/"+url.PathEscape("urn:epc:id:sgtin:1"), "reg"); r.status != 400 {
		t.Errorf("malformed id: %d", r.status)
	}
	if r := e.get("/v1/events/NOPE", "reg"); r.status != 404 {
		t.Errorf("unknown event: %d", r.status)
	}
	var ev EventResponse
	if r := e.get("/v1/events/h1", "reg"); r.status != 200 {
		t.Fatalf("event: %d", r.status)
	} else {
		r.json(t, &ev)
	}
	if ev.Event.Block == 0 || ev.Event.TxID == "" {
		t.Fatalf("event without ledger proof: %+v", ev.Event)
	}
}

func TestEPCISCapture(t *testing.T) {
	e := newEnv(t)
	read := func(name string) string {
		b, err := os.ReadFile("testdata/epcis/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, tc := range []struct{ file, ctype string }{
		{"object-events.jsonld", "application/ld+json"},
		{"aggregation.jsonld", "application/json"},
		{"transformation.jsonld", "application/ld+json; charset=utf-8"},
	} {
		r := e.do("POST", "/v1/epcis/capture", e.keys["hlj"], tc.ctype, strings.NewReader(read(tc.file)))
		var resp BulkResponse
		r.json(t, &resp)
		if r.status != 200 || resp.Rejected != 0 {
			t.Fatalf("%s: %d %s", tc.file, r.status, r.body)
		}
		// a re-sent document is a replay, whether or not it carried eventIDs
		r = e.do("POST", "/v1/epcis/capture", e.keys["hlj"], tc.ctype, strings.NewReader(read(tc.file)))
		r.json(t, &resp)
		if resp.Duplicates != len(resp.Results) {
			t.Fatalf("%s replay: %s", tc.file, r.body)
		}
	}
	// the transformation's output traces back to its inputs
	out := url.PathEscape("urn:epc:id:sgtin:6901234.077889.26")
	var tr domain.Trail
	r := e.get("/v1/batches/"+out+"/trail", "reg")
	r.json(t, &tr)
	ids := map[string]bool{}
	for _, b := range tr.Batches {
		ids[b.ID] = true
	}
	if !ids["https://id.gs1.org/01/06901234111224/21/25"] || !ids["https://id.gs1.org/01/06901234111118/10/WHEAT44"] {
		t.Fatalf("trail of a transformation output lacks its inputs: %v", ids)
	}
	// vendor extensions are kept
	var ev EventResponse
	for _, x := range tr.Events {
		if x.Type == domain.Process {
			ev.Event = &x
		}
	}
	if ev.Event == nil || !strings.Contains(string(ev.Event.EPCIS), "acme:myField") || !strings.Contains(string(ev.Event.EPCIS), "NOODLE-XYZ") {
		t.Fatalf("extensions lost: %+v", ev.Event)
	}
	// the receiving event kept its sensor readings and became a storage event
	var page SearchResponse
	e.get("/v1/events?type=store", "reg").json(t, &page)
	if !strings.Contains(fmt.Sprint(page.Events), "sensorElementList") {
		t.Fatalf("store event without sensor data: %v", page.Events)
	}
	for _, tc := range []struct {
		body, ctype, pointer string
		status               int
	}{
		{`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","action":"OBSERVE","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+08:00","epcList":["urn:epc:id:sgtin:bad"]}]}}`, "application/ld+json", "/epcisBody/eventList/0/epcList/0", 400},
		{`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","action":"OBSERVE","eventTime":"2026-01-01T00:00:00Z","epcList":["urn:epc:id:sgtin:0614141.107346.2017"]}]}}`, "application/ld+json", "/epcisBody/eventList/0/eventTimeZoneOffset", 400},
		{`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","action":"OBSERVE","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+8","epcList":["urn:epc:id:sgtin:0614141.107346.2017"]}]}}`, "application/ld+json", "/epcisBody/eventList/0/eventTimeZoneOffset", 400},
		{`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"SensorEvent"}]}}`, "application/ld+json", "/epcisBody/eventList/0/type", 400},
		// a query answer is captured too (the binding takes both), but this one carries no events
		{`{"type":"EPCISQueryDocument"}`, "application/ld+json", "/epcisBody/queryResults/resultsBody/eventList", 400},
		{`{"type":"EPCISDocument","schemaVersion":"1.2","epcisBody":{}}`, "application/ld+json", "/schemaVersion", 400},
		{`{"type":"EPCISDocument","epcisBody":{"eventList":[]}}`, "application/ld+json", "/epcisBody/eventList", 400},
		{`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","action":"OBSERVE","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+08:00","quantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":2,"uom":"XYZ"}]}]}}`, "application/ld+json", "/epcisBody/eventList/0/quantityList/0/uom", 400},
		{`<EPCISDocument/>`, "application/xml", "", 415},
	} {
		r := e.do("POST", "/v1/epcis/capture", e.keys["hlj"], tc.ctype, strings.NewReader(tc.body))
		if p := r.problem(t); r.status != tc.status || p.Pointer != tc.pointer {
			t.Errorf("%s: %d %q", tc.body[:min(60, len(tc.body))], r.status, p.Pointer)
		}
	}
}

func TestOperationalEndpoints(t *testing.T) {
	e := newEnv(t)
	e.post("/v1/events", "hlj", harvest("h1", "LOT-1", 100))
	var h Health
	e.get("/healthz", "").json(t, &h)
	if h.Status != "ok" || h.Events != 1 || h.LedgerBlock == 0 {
		t.Fatalf("health: %+v", h)
	}
	mr := e.get("/metrics", "")
	m, err := bench.ParseMetrics(bytes.NewReader(mr.body))
	if mr.status != 200 || !strings.HasPrefix(mr.ctype, "text/plain") || err != nil {
		t.Fatalf("/metrics: %d %s %v", mr.status, mr.ctype, err)
	}
	for _, want := range []struct {
		name   string
		labels []string
		value  float64
	}{
		{"agritrace_events_recorded_total", nil, 1},
		{"agritrace_fabric_transactions_total", nil, 1},
		{"agritrace_events_rejected_total", nil, 0},
		{"agritrace_http_requests_total", []string{"route", "POST /v1/events", "code", "201"}, 1},
		{"agritrace_http_requests_total", []string{"route", "GET /healthz", "code", "200"}, 1},
		{"agritrace_readmodel_block", nil, float64(h.LedgerBlock)},
	} {
		if v, ok := m.Value(want.name, want.labels...); !ok || v != want.value {
			t.Errorf("%s%q = %v (exposed: %v), want %v", want.name, want.labels, v, ok, want.value)
		}
	}
	// the request's time is a histogram of that route and code, one observation so far
	if n, sum, ok := m.Histogram("agritrace_http_request_seconds", "route", "POST /v1/events", "code", "201"); !ok || n != 1 || sum <= 0 {
		t.Errorf("agritrace_http_request_seconds of POST /v1/events: %d observations, %v s (exposed: %v)", n, sum, ok)
	}
	// what an operator expects of any Go service: the runtime's and the process's own
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_cpu_seconds_total", "process_resident_memory_bytes"} {
		if v, ok := m.Value(name); !ok || v <= 0 {
			t.Errorf("%s = %v (exposed: %v)", name, v, ok)
		}
	}
	var spec map[string]any
	r := e.get("/openapi.json", "")
	r.json(t, &spec)
	if spec["openapi"] != "3.1.0" {
		t.Fatalf("spec version %v", spec["openapi"])
	}
	if r := e.do("DELETE", "/v1/events", "", "", nil); r.problem(t).Status != 405 {
		t.Fatal("wrong method")
	}
	if r := e.get("/nope", ""); r.problem(t).Status != 404 {
		t.Fatal("unknown path")
	}
}

func TestOpenAPIRoutes(t *testing.T) {
	e := newEnv(t)
	var spec struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI(), &spec); err != nil {
		t.Fatal(err)
	}
	// every documented operation is served (the mux answers with something other than its own 404/405)
	for path, ops := range spec.Paths {
		for method := range ops {
			p := strings.NewReplacer("{id}", "LOT-1", "{gtin}", "09506000134352", "{lot}", "L1", "{serial}", "S1").Replace(path)
			r := e.do(strings.ToUpper(method), p, e.keys["reg"], "application/json", strings.NewReader("{}"))
			if r.status == 405 || (r.status == 404 && strings.Contains(string(r.body), "no such resource")) {
				t.Errorf("%s %s documented but not served (%d)", method, path, r.status)
			}
		}
	}
	// every served route is documented
	for _, route := range []string{"POST /v1/events", "POST /v1/epcis/capture", "GET /v1/events", "GET /v1/events/{id}",
		"GET /v1/batches", "GET /v1/batches/{id}", "GET /v1/batches/{id}/trail", "GET /v1/batches/{id}/history",
		"POST /v1/batches/{id}/recall", "POST /v1/batches/{id}/offer", "POST /v1/batches/{id}/accept",
		"GET /v1/audit", "GET /openapi.json", "GET /healthz", "GET /metrics",
		"GET /t/{id}", "GET /01/{gtin}/10/{lot}", "GET /01/{gtin}/10/{lot}/21/{serial}", "GET /01/{gtin}/21/{serial}",
		"GET /v1/batches/{id}/qr.png", "GET /v1/batches/{id}/qr.svg", "GET /v1/batches/{id}/lineage", "GET /v1/batches/{id}/impact",
		"GET /v1/export/batches.csv", "GET /v1/export/epcis", "GET /v1/stats",
		"GET /v1/reserves/granaries", "POST /v1/reserves/granaries", "GET /v1/reserves/granaries/{id}", "POST /v1/reserves/movements",
		"POST /v1/reserves/checks", "POST /v1/reserves/quality", "GET /v1/reserves/alerts", "POST /v1/reserves/alerts/{id}/close",
		"POST /v1/market/aggregates", "GET /v1/market/prices", "GET /v1/market/alerts",
		"GET /00/{sscc}", "GET /01/{gtin}", "GET /414/{gln}", "GET /414/{gln}/254/{ext}",
		"POST /epcis/capture", "GET /epcis/capture", "GET /epcis/capture/{captureID}", "GET /epcis/events", "GET /epcis/events/{eventID}",
		"GET /epcis/epcs", "GET /epcis/epcs/{epc}", "GET /epcis/epcs/{epc}/events", "GET /epcis/bizSteps/{bizStep}", "GET /epcis/eventTypes", "GET /epcis/eventTypes/{eventType}/events", "GET /epcis/bizSteps",
		"GET /epcis/bizSteps/{bizStep}/events", "GET /epcis/bizLocations", "GET /epcis/bizLocations/{bizLocation}/events",
		"GET /epcis/readPoints", "GET /epcis/readPoints/{readPoint}/events", "GET /epcis/dispositions",
		"GET /epcis/dispositions/{disposition}/events", "GET /epcis/queries", "POST /epcis/queries", "GET /epcis/queries/{queryName}",
		"DELETE /epcis/queries/{queryName}", "GET /epcis/queries/{queryName}/events", "GET /epcis/queries/{queryName}/subscriptions",
		"POST /epcis/queries/{queryName}/subscriptions", "GET /epcis/queries/{queryName}/subscriptions/{subscriptionID}",
		"DELETE /epcis/queries/{queryName}/subscriptions/{subscriptionID}", "OPTIONS /epcis", "OPTIONS /epcis/capture",
		"OPTIONS /epcis/events", "OPTIONS /epcis/queries", "OPTIONS /epcis/eventTypes"} {
		method, path, _ := strings.Cut(route, " ")
		if _, ok := spec.Paths[path][strings.ToLower(method)]; !ok {
			t.Errorf("%s is served but not documented", route)
		}
	}
}

func TestRegulatorAPI(t *testing.T) {
	e := newEnv(t)
	e.post("/v1/events", "hlj", harvest("h1", "WHEAT-1", 1000))
	e.post("/v1/events", "hlj", harvest("h2", "WHEAT-2", 1000))
	merge := domain.Event{ID: "m", Type: domain.Merge, EventTime: "2026-10-02T08:00:00+08:00", Actor: domain.Party{Enterprise: "SILO"},
		Inputs:  []domain.Portion{{Batch: "WHEAT-1"}, {Batch: "WHEAT-2"}},
		Outputs: []domain.Output{{Batch: "SILO-1", Product: domain.Product{Name: "小麦"}, Quantity: domain.Quantity{Value: 2, Unit: "t"}}}}
	split := domain.Event{ID: "s", Type: domain.Split, EventTime: "2026-10-03T08:00:00+08:00", Actor: domain.Party{Enterprise: "MILL"},
		Inputs: []domain.Portion{{Batch: "SILO-1"}},
		Outputs: []domain.Output{{Batch: "FLOUR-A", Product: domain.Product{Name: "面粉"}, Quantity: domain.Quantity{Value: 700, Unit: "kg"}},
			{Batch: "FLOUR-B", Product: domain.Product{Name: "面粉"}, Quantity: domain.Quantity{Value: 700, Unit: "kg"}}}}
	if r := e.post("/v1/events", "hlj", map[string]any{"events": []domain.Event{merge, split}}); r.status != 200 {
		t.Fatalf("lineage setup: %d %s", r.status, r.body)
	}
	var g LineageResponse
	r := e.get("/v1/batches/SILO-1/lineage", "reg")
	r.json(t, &g)
	if r.status != 200 || len(g.Upstream) != 2 || len(g.Downstream) != 2 || len(g.Edges) != 4 {
		t.Fatalf("lineage: %d %s", r.status, r.body)
	}
	e.get("/v1/batches/FLOUR-A/lineage?direction=up&depth=1", "reg").json(t, &g)
	if len(g.Upstream) != 1 || !g.Truncated {
		t.Fatalf("depth-limited lineage: %+v", g)
	}
	e.get("/v1/batches/WHEAT-1/lineage?direction=down&limit=1", "reg").json(t, &g)
	if len(g.Downstream) != 1 || !g.Truncated {
		t.Fatalf("size-limited lineage: %+v", g)
	}
	for _, q := range []string{"direction=sideways", "depth=0", "depth=51", "limit=5001"} {
		if r := e.get("/v1/batches/SILO-1/lineage?"+q, "reg"); r.status != 400 {
			t.Errorf("lineage %s: %d", q, r.status)
		}
	}
	if r := e.get("/v1/batches/SILO-1/lineage", "hlj"); r.status != 403 {
		t.Errorf("platform reading lineage API: %d", r.status)
	}
	if r := e.get("/v1/batches/NOPE/lineage", "reg"); r.status != 404 {
		t.Errorf("lineage of unknown: %d", r.status)
	}
	var imp ImpactResponse
	e.get("/v1/batches/WHEAT-1/impact", "reg").json(t, &imp)
	if len(imp.Affected) != 4 || imp.Affected[0].Custodian.Platform != "HeilongjiangMSP" {
		t.Fatalf("impact: %+v", imp)
	}
	if r := e.get("/v1/batches/NOPE/impact", "reg"); r.status != 404 {
		t.Errorf("impact of unknown: %d", r.status)
	}
	if r := e.get("/v1/batches/WHEAT-1/impact?depth=99", "reg"); r.status != 400 {
		t.Errorf("impact depth: %d", r.status)
	}
	r = e.get("/v1/export/batches.csv?region=23", "reg")
	if r.status != 200 || !strings.HasPrefix(r.ctype, "text/csv") || strings.Count(string(r.body), "\n") != 6 {
		t.Fatalf("csv: %d %s", r.status, r.body)
	}
	if r := e.get("/v1/export/batches.csv?region=x", "reg"); r.status != 400 {
		t.Errorf("csv bad region: %d", r.status)
	}
	// the EPCIS export is itself a capture document this gateway accepts
	r = e.get("/v1/export/epcis", "reg")
	if r.status != 200 || !strings.Contains(string(r.body), "TransformationEvent") {
		t.Fatalf("epcis export: %d %s", r.status, r.body)
	}
	re := newEnv(t)
	r2 := re.do("POST", "/v1/epcis/capture", re.keys["hlj"], "application/ld+json", strings.NewReader(string(r.body)))
	var bulk BulkResponse
	r2.json(t, &bulk)
	if r2.status != 200 || bulk.Accepted != 4 {
		t.Fatalf("re-capture of the export: %d %s", r2.status, r2.body)
	}
	if r := e.get("/v1/export/epcis?stage=x", "reg"); r.status != 400 {
		t.Errorf("epcis bad stage: %d", r.status)
	}
	e.post("/v1/batches/WHEAT-2/recall", "reg", `{"reason":"test"}`)
	var st struct {
		Activity []map[string]any
		Recalls  []map[string]any
	}
	r = e.get("/v1/stats?stored_days=1", "reg")
	r.json(t, &st)
	if r.status != 200 || len(st.Activity) == 0 || len(st.Recalls) != 1 || st.Recalls[0]["batches"].(float64) != 4 {
		t.Fatalf("stats: %d %s", r.status, r.body)
	}
	if r := e.get("/v1/stats?stored_days=0", "reg"); r.status != 400 {
		t.Errorf("stats bad days: %d", r.status)
	}
	if r := e.get("/v1/stats?from=bad", "reg"); r.status != 400 {
		t.Errorf("stats bad from: %d", r.status)
	}
}
