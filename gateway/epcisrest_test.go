package gateway

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agritrace/agritrace/readmodel"
	"github.com/agritrace/agritrace/wire"
)

// allTypes is the document covering every event type and identifier shape.
func allTypes(t testing.TB) ([]byte, []map[string]any) {
	t.Helper()
	b, err := os.ReadFile("../epcis/testdata/docs/all-types.jsonld")
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

// captureJob posts a document to /epcis/capture and waits for its job.
func (e *env) captureJob(t *testing.T, org string, doc []byte, header map[string]string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest("POST", e.ts.URL+"/epcis/capture", bytes.NewReader(doc))
	req.Header.Set("Authorization", "Bearer "+e.keys[org])
	req.Header.Set("Content-Type", "application/ld+json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		var p map[string]any
		_ = json.Unmarshal(body, &p)
		return resp.StatusCode, p
	}
	if resp.Header.Get("GS1-EPCIS-Version") != "2.0.0" {
		t.Errorf("capture answered without GS1-EPCIS-Version")
	}
	loc := resp.Header.Get("Location")
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var job map[string]any
		e.get(loc, org).json(t, &job)
		if job["running"] == false {
			return resp.StatusCode, job
		}
	}
	t.Fatalf("capture job %s did not finish", loc)
	return 0, nil
}

// captureDocs captures the test documents of epcis/testdata/docs named, in order, each whole.
func (e *env) captureDocs(t *testing.T, org string, names ...string) {
	t.Helper()
	for _, name := range names {
		doc, err := os.ReadFile("../epcis/testdata/docs/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if status, job := e.captureJob(t, org, doc, nil); status != 202 || job["success"] != true {
			t.Fatalf("%s: %d %v", name, status, job)
		}
	}
}

// sameEvent compares a returned event with the captured one: every captured field comes back
// unchanged; the ledger adds recordTime (and the document's namespaces as @context).
func sameEvent(t *testing.T, sent, got map[string]any) {
	t.Helper()
	for k, v := range sent {
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("event %v: field %s = %v, sent %v", sent["eventID"], k, got[k], v)
		}
	}
	for k := range got {
		if _, ok := sent[k]; !ok && k != "recordTime" && k != "@context" {
			t.Errorf("event %v: field %s appeared", sent["eventID"], k)
		}
	}
	if got["recordTime"] == nil {
		t.Errorf("event %v has no recordTime", sent["eventID"])
	}
}

func queryEvents(t *testing.T, r response) ([]map[string]any, string) {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("query: %d %s", r.status, r.body)
	}
	var doc QueryDoc
	r.json(t, &doc)
	if doc.Type != "EPCISQueryDocument" {
		t.Fatalf("query answered %s", r.body)
	}
	return doc.EPCISBody.QueryResults.ResultsBody.EventList, ""
}

func TestEPCISRESTCaptureAndQuery(t *testing.T) {
	e := newEnv(t)
	doc, sent := allTypes(t)
	status, job := e.captureJob(t, "hlj", doc, nil)
	if status != 202 || job["success"] != true {
		t.Fatalf("capture: %d %v", status, job)
	}
	// paging through everything in commit order returns each event as captured
	var got []map[string]any
	next := "/epcis/events?perPage=3"
	for pages := 0; next != "" && pages < 10; pages++ {
		r := e.get(next, "reg")
		evs, _ := queryEvents(t, r)
		got = append(got, evs...)
		next = ""
		if link := r.header("Link"); link != "" {
			next = strings.TrimSuffix(strings.TrimPrefix(strings.Split(link, ";")[0], "<"), ">")
		}
	}
	if len(got) != len(sent) {
		t.Fatalf("%d events back, %d sent", len(got), len(sent))
	}
	for i := range sent {
		sameEvent(t, sent[i], got[i])
	}
	// one event by its eventID, and the standard query parameters
	id := sent[3]["eventID"].(string)
	evs, _ := queryEvents(t, e.get("/epcis/events/"+url.PathEscape(id), "ha"))
	if len(evs) != 1 || evs[0]["eventID"] != id {
		t.Fatalf("event %s: %v", id, evs)
	}
	for _, tc := range []struct {
		query string
		want  []int // indexes into sent
	}{
		{"eventType=TransformationEvent", []int{3}},
		{"eventType=AggregationEvent|AssociationEvent", []int{2, 5}},
		{"EQ_bizStep=packing", []int{2}},
		{"EQ_bizStep=https://ref.gs1.org/cbv/BizStep-receiving", []int{6}},
		{"MATCH_epc=https://id.gs1.org/01/06901234500011/21/1001", []int{0, 2}},
		{"MATCH_anyEPC=urn:epc:id:sscc:6901234.0000000071", []int{2, 6}},
		{"MATCH_epcClass=urn:epc:class:lgtin:6901234.050003.MR2610A", []int{4}},
		{"MATCH_outputEPCClass=https://id.gs1.org/01/06901234500035/10/MR2610A", []int{3}},
		{"EQ_readPoint=geo:44.9167,127.1667", []int{1}},
		{"EQ_bizLocation=urn:epc:id:sgln:6901234.00001.0", []int{0}},
		{"EXISTS_sensorElementList", []int{1}},
		{"EQ_bizTransaction_po=urn:epc:id:gdti:6901234.00003.PO-2026-88", []int{4}},
		{"EQ_destination_owning_party=https://id.gs1.org/417/6901234000054", []int{4}},
		{"EQ_disposition=in_progress&EQ_action=OBSERVE", []int{6}},
		{"GE_eventTime=2026-10-04T00:00:00%2B08:00&LT_eventTime=2026-10-05T00:00:00%2B08:00", []int{4, 5}},
		{"orderBy=eventTime&orderDirection=DESC&perPage=2", []int{6, 5}},
	} {
		evs, _ := queryEvents(t, e.get("/epcis/events?"+tc.query, "hlj"))
		var ids, want []any
		for _, ev := range evs {
			ids = append(ids, ev["eventID"])
		}
		for _, i := range tc.want {
			want = append(want, sent[i]["eventID"])
		}
		if !reflect.DeepEqual(ids, want) {
			t.Errorf("%s: got %v, want %v", tc.query, ids, want)
		}
	}
	// the resource collections: each value the captured events name, and each value's sub-resources
	for path, want := range map[string]string{"/epcis/bizSteps": "packing", "/epcis/eventTypes": "AssociationEvent",
		"/epcis/readPoints": "geo:44.9167,127.1667", "/epcis/dispositions": "in_transit",
		"/epcis/epcs": readmodel.IndexKey("urn:epc:id:grai:6901234.00006.TRUCK-1")} {
		members := collectionMembers(t, e, path)
		if !slices.Contains(members, want) {
			t.Errorf("%s: %q not among %v", path, want, members)
		}
		if r := e.get(path+"/"+url.PathEscape(want), "hlj"); r.status != 200 || !strings.Contains(string(r.body), `"events"`) {
			t.Errorf("%s/%s: %d %s", path, want, r.status, r.body)
		}
	}
	if r := e.get("/epcis/bizSteps/"+url.PathEscape("no-such-step"), "hlj"); r.status != 404 {
		t.Errorf("unknown bizStep: %d %s", r.status, r.body)
	}
	for _, q := range []string{"perPage=0", "perPage=1001", "nextPageToken=%2A%2A"} {
		if r := e.get("/epcis/epcs?"+q, "hlj"); r.status != 400 || r.ctype != "application/problem+json" {
			t.Errorf("/epcis/epcs?%s: %d %s %s", q, r.status, r.ctype, r.body)
		}
	}
	if evs, _ := queryEvents(t, e.get("/epcis/bizSteps/assembling/events", "hlj")); len(evs) != 1 {
		t.Errorf("bizSteps/assembling/events: %v", evs)
	}
	if evs, _ := queryEvents(t, e.get("/epcis/epcs/"+url.PathEscape("urn:epc:id:grai:6901234.00006.TRUCK-1")+"/events", "hlj")); len(evs) != 1 {
		t.Errorf("epcs/{grai}/events: %v", evs)
	}
	// re-sending the same document is a replay; a changed quantity under the same eventID is refused
	if status, job := e.captureJob(t, "hlj", doc, nil); status != 202 || job["success"] != true {
		t.Fatalf("replay: %d %v", status, job)
	}
	changed := bytes.Replace(doc, []byte(`"quantity": 1200.5`), []byte(`"quantity": 1300`), 1)
	if status, p := e.captureJob(t, "hlj", changed, nil); status != 409 || p["rule"] != "idempotency" {
		t.Fatalf("changed quantity: %d %v", status, p)
	}
	// the native search refuses what it does not answer instead of ignoring it
	if r := e.get("/v1/events?EQ_bizStep=packing", "hlj"); r.status != 400 || r.problem(t).Pointer != "?EQ_bizStep" {
		t.Errorf("native search with EQ_bizStep: %d %s", r.status, r.body)
	}
	for _, tc := range []struct {
		query string
		param string
	}{{"perPage=0", "?perPage"}, {"EQ_foo_bar_baz=1&nope=1", "?nope"}, {"orderBy=size", "?orderBy"}, {"nextPageToken=xyz", "?nextPageToken"},
		{"GE_eventTime=yesterday", "?GE_eventTime"}, {"eventType=SensorEvent", "?eventType"}} {
		r := e.get("/epcis/events?"+tc.query, "hlj")
		if p := r.problem(t); r.status != 400 || p.Pointer != tc.param {
			t.Errorf("%s: %d %s", tc.query, r.status, r.body)
		}
	}
}

func TestEPCISCaptureAtomicAndProceed(t *testing.T) {
	e := newEnv(t)
	doc, _ := allTypes(t)
	// the regulator may not record produce: the atomic capture is refused whole, before the ledger
	if status, p := e.captureJob(t, "reg", doc, nil); status != 403 {
		t.Fatalf("regulator capture: %d %v", status, p)
	}
	// a key limited to storage events is refused before anything is submitted
	if status, p := e.captureJob(t, "hlj-store", doc, nil); status != 403 || p["rule"] != "stage-permission" {
		t.Fatalf("storage-only key capture: %d %v", status, p)
	}
	if r := e.get("/epcis/events", "reg"); strings.Contains(string(r.body), "eventID") {
		t.Fatalf("a refused atomic capture left events: %s", r.body)
	}
	// a ledger refusal (河南 already produced the lot the first event commissions) voids the capture
	if r := e.post("/v1/events", "ha", harvest("ha-rt", "urn:epc:class:lgtin:6901234.050002.RT2610A", 10)); r.status != 201 {
		t.Fatalf("ha harvest: %d %s", r.status, r.body)
	}
	status, job := e.captureJob(t, "hlj", doc, nil)
	if status != 202 || job["success"] != false || len(job["errors"].([]any)) == 0 {
		t.Fatalf("atomic capture with a refused event: %d %v", status, job)
	}
	if evs, _ := queryEvents(t, e.get("/epcis/events?eventType=AssociationEvent", "reg")); len(evs) != 0 {
		t.Fatalf("atomic capture recorded part of the document: %v", evs)
	}
	// with proceed the events that do not depend on the refused ones are recorded
	status, job = e.captureJob(t, "hlj", doc, map[string]string{"GS1-Capture-Error-Behaviour": "proceed"})
	if status != 202 || job["success"] != false {
		t.Fatalf("proceed capture: %d %v", status, job)
	}
	if evs, _ := queryEvents(t, e.get("/epcis/events?eventType=AssociationEvent", "reg")); len(evs) != 1 {
		t.Fatalf("proceed capture did not record the association: %v", evs)
	}
	if status, p := e.captureJob(t, "hlj", doc, map[string]string{"GS1-Capture-Error-Behaviour": "maybe"}); status != 400 {
		t.Fatalf("bad behaviour header: %d %v", status, p)
	}
}

// TestEPCISJobPolledWhileRunning: a platform polls its capture job while the ledger is still at
// work: the job says it is running, another platform's key does not see it, and once the ledger
// commits the same poll finds it finished, as the store keeps it.
func TestEPCISJobPolledWhileRunning(t *testing.T) {
	e := newEnv(t)
	doc, _ := allTypes(t)
	e.ledger.Gate = make(chan struct{})
	req, _ := http.NewRequest("POST", e.ts.URL+"/epcis/capture", bytes.NewReader(doc))
	req.Header.Set("Authorization", "Bearer "+e.keys["hlj"])
	req.Header.Set("Content-Type", "application/ld+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusAccepted || loc == "" {
		t.Fatalf("capture: %d, Location %q", resp.StatusCode, loc)
	}
	for range 3 {
		var job map[string]any
		e.get(loc, "hlj").json(t, &job)
		if job["running"] != true || job["success"] != false || job["captureID"] != strings.TrimPrefix(loc, "/epcis/capture/") {
			t.Fatalf("job polled while the ledger works: %v", job)
		}
	}
	if r := e.get(loc, "ha"); r.status != http.StatusNotFound {
		t.Fatalf("another platform polled the job: %d %s", r.status, r.body)
	}
	close(e.ledger.Gate)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var job map[string]any
		e.get(loc, "hlj").json(t, &job)
		if job["running"] == false {
			stored, err := e.srv.store.Job(t.Context(), job["captureID"].(string))
			if err != nil || stored.Running || job["success"] != stored.Success || job["finishedAt"] != stored.FinishedAt {
				t.Fatalf("finished job %v, stored %+v (%v)", job, stored, err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the job did not finish once the ledger committed")
		}
	}
}

// receiver is a webhook endpoint that checks signatures and records the eventIDs it was sent.
type receiver struct {
	mu     sync.Mutex
	secret string
	ids    []string
	events []map[string]any // as delivered
	fail   int              // answer 503 this many times first
	bad    int              // deliveries with a wrong signature
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	mac := hmac.New(sha256.New, []byte(rc.secret))
	mac.Write(body)
	if r.Header.Get(SignatureHeader) != hex.EncodeToString(mac.Sum(nil)) {
		rc.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if rc.fail > 0 {
		rc.fail--
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	var doc streamDoc // a webhook delivers the same EPCISQueryDocument a stream does
	_ = json.Unmarshal(body, &doc)
	for _, e := range doc.EPCISBody.QueryResults.ResultsBody.EventList {
		id, _ := e["eventID"].(string)
		rc.ids = append(rc.ids, id)
		rc.events = append(rc.events, e)
	}
}

func (rc *receiver) delivered() []map[string]any {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]map[string]any(nil), rc.events...)
}

func (rc *receiver) got() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.ids...)
}

func TestEPCISSubscription(t *testing.T) {
	t.Setenv(AllowPrivateHooksEnv, "true") // the receiver is on loopback
	e := newEnv(t)
	rc := &receiver{secret: "a-shared-secret-of-enough-length", fail: 2}
	hook := httptest.NewServer(rc)
	defer hook.Close()
	r := e.post("/epcis/queries", "hlj", map[string]any{"name": "packed-or-moved", "query": map[string]any{
		"eventType": []string{"AggregationEvent", "ObjectEvent"}, "EXISTS_readPoint": ""}})
	if r.status != 201 {
		t.Fatalf("create query: %d %s", r.status, r.body)
	}
	if r := e.post("/epcis/queries", "ha", map[string]any{"name": "packed-or-moved", "query": map[string]any{}}); r.status != 409 {
		t.Fatalf("duplicate query name: %d %s", r.status, r.body)
	}
	r = e.post("/epcis/queries/packed-or-moved/subscriptions", "hlj", map[string]any{"dest": hook.URL, "signatureToken": rc.secret})
	if r.status != 201 {
		t.Fatalf("subscribe: %d %s", r.status, r.body)
	}
	if r := e.post("/epcis/queries/packed-or-moved/subscriptions", "hlj", map[string]any{"dest": "ftp://x", "signatureToken": rc.secret}); r.status != 400 {
		t.Fatalf("bad dest: %d", r.status)
	}
	doc, sent := allTypes(t)
	if status, job := e.captureJob(t, "hlj", doc, nil); status != 202 || job["success"] != true {
		t.Fatalf("capture: %d %v", status, job)
	}
	want := packedOrMoved(sent)
	deadline := time.Now().Add(15 * time.Second)
	for len(rc.got()) < len(want) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	// the receiver failed twice first: retries deliver everything once, in commit order
	if got := rc.got(); !reflect.DeepEqual(got, want) || rc.bad != 0 {
		t.Fatalf("delivered %v (bad signatures %d), want %v", got, rc.bad, want)
	}
	var subs []map[string]any
	e.get("/epcis/queries/packed-or-moved/subscriptions", "hlj").json(t, &subs)
	if len(subs) != 1 || subs[0]["lastDeliveredBlock"].(float64) == 0 {
		t.Fatalf("subscriptions: %v", subs)
	}
	if r := e.get("/epcis/queries/packed-or-moved/subscriptions", "ha"); !strings.Contains(string(r.body), "[]") {
		t.Fatalf("another key sees the subscription: %s", r.body)
	}
	if r := e.do("DELETE", "/epcis/queries/packed-or-moved", e.keys["ha"], "", nil); r.status != 403 {
		t.Fatalf("another key deleted the query: %d", r.status)
	}
	if r := e.do("DELETE", "/epcis/queries/packed-or-moved/subscriptions/"+subs[0]["subscriptionID"].(string), e.keys["hlj"], "", nil); r.status != 204 {
		t.Fatalf("unsubscribe: %d %s", r.status, r.body)
	}
	if r := e.do("DELETE", "/epcis/queries/packed-or-moved", e.keys["hlj"], "", nil); r.status != 204 {
		t.Fatalf("delete query: %d %s", r.status, r.body)
	}
}

func TestEPCISErrorDeclaration(t *testing.T) {
	e := newEnv(t)
	e.captureDocs(t, "hlj", "all-types.jsonld", "more.jsonld", "correction.jsonld")
	evs, _ := queryEvents(t, e.get("/epcis/events?EXISTS_errorDeclaration=&EQ_errorReason=incorrect_data", "reg"))
	if len(evs) != 1 || evs[0]["eventID"] != "urn:uuid:0b0b2a54-6f0c-4b2c-9a51-4a0f9e2e0006" {
		t.Fatalf("error declarations: %v", evs)
	}
	// the voided transformation's output is void; the corrective one's is active
	for id, want := range map[string]string{"https://id.gs1.org/01/06901234500042/10/BR2610A": "void", "https://id.gs1.org/01/06901234500042/10/BR2610B": "active"} {
		var b struct {
			Batch struct{ Status string } `json:"batch"`
		}
		e.get("/v1/batches/"+url.PathEscape(id), "reg").json(t, &b)
		if b.Batch.Status != want {
			t.Errorf("%s after the correction: %q, want %s", id, b.Batch.Status, want)
		}
	}
}

// An atomic capture is one transaction: up to wire.MaxAtomicEvents events commit whole as long
// as they fit Fabric's message limit; beyond it the answer is 413, and proceed records them all.
func TestEPCISAtomicCaptureLimit(t *testing.T) {
	e := newEnv(t)
	doc := func(n int, pad int) []byte {
		var list []string
		for i := 0; i < n; i++ {
			list = append(list, fmt.Sprintf(`{"type":"ObjectEvent","eventID":"urn:uuid:limit-%d-%d","action":"OBSERVE","bizStep":"storing","eventTime":"2026-10-01T08:00:00+08:00","eventTimeZoneOffset":"+08:00","epcList":["LOT-%d"]%s}`,
				pad, i, i, map[bool]string{true: `,"ext:note":"` + strings.Repeat("x", pad) + `"`, false: ""}[pad > 0]))
		}
		return []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ext":"https://example.com/ext/"}],"type":"EPCISDocument","schemaVersion":"2.0","epcisBody":{"eventList":[` + strings.Join(list, ",") + `]}}`)
	}
	status, job := e.captureJob(t, "hlj", doc(wire.MaxAtomicEvents, 0), nil)
	if status != 202 || job["success"] != true {
		t.Fatalf("atomic capture of %d events: %d %v", wire.MaxAtomicEvents, status, job)
	}
	var results []EventResult
	b, _ := json.Marshal(job["results"])
	_ = json.Unmarshal(b, &results)
	if len(results) != wire.MaxAtomicEvents || results[0].TxID == "" || results[len(results)-1].TxID != results[0].TxID {
		t.Fatalf("atomic capture of %d events: not one transaction: first %+v, last %+v", len(results), results[0], results[len(results)-1])
	}
	// 1,000 events of about 900 bytes each are more than one transaction carries
	big := doc(wire.MaxAtomicEvents, 700)
	if len(big) > 1<<20 || len(big) < wire.MaxTxEventBytes {
		t.Fatalf("test document of %d bytes does not probe the transaction limit", len(big))
	}
	status, p := e.captureJob(t, "hlj", big, nil)
	if status != 413 || p["rule"] != "CaptureLimitExceededException" || p["pointer"] != "/epcisBody/eventList" {
		t.Fatalf("atomic capture over the transaction limit: %d %v", status, p)
	}
	if status, job := e.captureJob(t, "hlj", big, map[string]string{"GS1-Capture-Error-Behaviour": "proceed"}); status != 202 || job["success"] != true {
		t.Fatalf("proceed capture of the same document: %d %v", status, job)
	}
}

// Every resource of the binding the OpenAPI document lists answers OPTIONS without a key, with
// the methods the document gives it and the GS1 headers.
func TestEPCISOptionsEverywhere(t *testing.T) {
	e := newEnv(t)
	var spec struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI(), &spec); err != nil {
		t.Fatal(err)
	}
	n := 0
	for path, ops := range spec.Paths {
		if !strings.HasPrefix(path, "/epcis") {
			continue
		}
		n++
		if _, ok := ops["options"]; !ok {
			t.Errorf("%s: no OPTIONS in the OpenAPI document", path)
		}
		want := []string{"OPTIONS"}
		for _, m := range []string{"get", "post", "delete"} {
			if _, ok := ops[m]; ok {
				want = append(want, strings.ToUpper(m))
			}
		}
		concrete := regexp.MustCompile(`\{[A-Za-z]+\}`).ReplaceAllString(path, "x")
		r := e.do("OPTIONS", concrete, "", "", nil)
		if r.status != 204 || r.hdr.Get("Allow") != strings.Join(want, ", ") || r.hdr.Get("GS1-EPCIS-Version") != "2.0.0" {
			t.Errorf("OPTIONS %s: %d Allow %q (want %q), GS1-EPCIS-Version %q", concrete, r.status, r.hdr.Get("Allow"), strings.Join(want, ", "), r.hdr.Get("GS1-EPCIS-Version"))
		}
	}
	if n < 20 {
		t.Fatalf("only %d /epcis paths in the OpenAPI document", n)
	}
}

// packedOrMoved are the eventIDs, in document order, of the sent events the named query
// packed-or-moved matches: object and aggregation events with a read point.
func packedOrMoved(sent []map[string]any) []string {
	var want []string
	for _, ev := range sent {
		if _, ok := ev["readPoint"]; ok && (ev["type"] == "AggregationEvent" || ev["type"] == "ObjectEvent") {
			want = append(want, ev["eventID"].(string))
		}
	}
	return want
}

// collectionMembers reads a whole top-level collection one value a page, following the Link
// headers, and checks each page is a Collection and that no value comes twice.
func collectionMembers(t *testing.T, e *env, path string) []string {
	t.Helper()
	var all []string
	next := path + "?perPage=1"
	for range 1000 {
		r := e.get(next, "hlj")
		var page struct {
			Type   string   `json:"type"`
			Member []string `json:"member"`
		}
		if r.status != 200 || json.Unmarshal(r.body, &page) != nil || page.Type != "Collection" || len(page.Member) > 1 {
			t.Fatalf("%s: %d %s", next, r.status, r.body)
		}
		for _, m := range page.Member {
			if slices.Contains(all, m) {
				t.Fatalf("%s: %q on two pages", path, m)
			}
		}
		all = append(all, page.Member...)
		link := r.hdr.Get("Link")
		if link == "" {
			return all
		}
		target, _, ok := strings.Cut(strings.TrimPrefix(link, "<"), ">")
		if !ok {
			t.Fatalf("%s: Link %q", next, link)
		}
		next = target
	}
	t.Fatalf("%s: more than 1000 pages", path)
	return nil
}

// TestEPCISFileSizeLimitAdvertised: the file size limit OPTIONS advertises is the one the gateway
// enforces (its MaxBodyBytes): a document one byte over it is refused with 413.
func TestEPCISFileSizeLimitAdvertised(t *testing.T) {
	e := newEnv(t)
	limit, err := strconv.Atoi(e.do("OPTIONS", "/epcis/capture", "", "", nil).header("GS1-EPCIS-Capture-File-Size-Limit"))
	if err != nil || int64(limit) != e.srv.opts.MaxBodyBytes {
		t.Fatalf("advertised %d (%v), the gateway reads at most %d bytes", limit, err, e.srv.opts.MaxBodyBytes)
	}
	doc, _ := allTypes(t)
	// JSON allows white space anywhere between tokens: the same document, padded to the limit
	padded := func(n int) []byte { return append(bytes.Repeat([]byte(" "), n-len(doc)), doc...) }
	if r := e.do("POST", "/epcis/capture", e.keys["hlj"], "application/ld+json", bytes.NewReader(padded(limit+1))); r.status != 413 {
		t.Errorf("a document of %d bytes: %d %s", limit+1, r.status, r.body)
	}
	if r := e.do("POST", "/epcis/capture", e.keys["hlj"], "application/ld+json", bytes.NewReader(padded(limit))); r.status != 202 {
		t.Errorf("a document of %d bytes: %d %s", limit, r.status, r.body)
	}
}

// TestEPCISSubscriptionEPCFormat: a webhook subscription made with GS1-EPC-Format gets every
// delivery in that format; one made without gets the events as captured; a value the binding does
// not define is refused when subscribing.
func TestEPCISSubscriptionEPCFormat(t *testing.T) {
	t.Setenv(AllowPrivateHooksEnv, "true") // the receivers are on loopback
	e := newEnv(t)
	if r := e.post("/epcis/queries", "hlj", map[string]any{"name": "objects", "query": map[string]any{"eventType": []string{"ObjectEvent"}}}); r.status != 201 {
		t.Fatalf("create query: %d %s", r.status, r.body)
	}
	subscribe := func(rc *receiver, format string) response {
		hook := httptest.NewServer(rc)
		t.Cleanup(hook.Close)
		body, _ := json.Marshal(map[string]any{"dest": hook.URL, "signatureToken": rc.secret})
		hdr := map[string]string{"Content-Type": "application/json"}
		if format != "" {
			hdr["GS1-EPC-Format"] = format
		}
		return e.doWith("POST", "/epcis/queries/objects/subscriptions", e.keys["hlj"], hdr, bytes.NewReader(body))
	}
	asDL, asCaptured := &receiver{secret: "a-shared-secret-of-enough-length"}, &receiver{secret: "another-secret-of-enough-length"}
	if r := subscribe(asDL, "Always_GS1_Digital_Link"); r.status != 201 || !strings.Contains(string(r.body), `"epcFormat":"Always_GS1_Digital_Link"`) {
		t.Fatalf("subscribe for Digital Links: %d %s", r.status, r.body)
	}
	if r := subscribe(asCaptured, ""); r.status != 201 || strings.Contains(string(r.body), "epcFormat") {
		t.Fatalf("subscribe: %d %s", r.status, r.body)
	}
	if r := subscribe(&receiver{secret: "a-third-secret-of-enough-length"}, "Always_DL"); r.status != 400 || r.problem(t).Pointer != "GS1-EPC-Format" {
		t.Fatalf("an undefined format: %d %s", r.status, r.body)
	}
	doc, sent := allTypes(t)
	if status, job := e.captureJob(t, "hlj", doc, nil); status != 202 || job["success"] != true {
		t.Fatalf("capture: %d %v", status, job)
	}
	var objects []map[string]any
	for _, ev := range sent {
		if ev["type"] == "ObjectEvent" {
			objects = append(objects, ev)
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	for (len(asDL.got()) < len(objects) || len(asCaptured.got()) < len(objects)) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	dl, captured := asDL.delivered(), asCaptured.delivered()
	if len(dl) != len(objects) || len(captured) != len(objects) {
		t.Fatalf("delivered %d and %d events, want %d each", len(dl), len(captured), len(objects))
	}
	urns := 0
	for i, ev := range objects {
		if !reflect.DeepEqual(captured[i]["epcList"], ev["epcList"]) {
			t.Errorf("event %v delivered as captured: epcList %v, sent %v", ev["eventID"], captured[i]["epcList"], ev["epcList"])
		}
		for j, epc := range asList(ev["epcList"]) {
			want := epc.(string)
			if strings.HasPrefix(want, "urn:epc:id:") {
				urns++
				want = readmodel.IndexKey(want) // its canonical Digital Link
			}
			if got := asList(dl[i]["epcList"]); j >= len(got) || got[j] != want {
				t.Errorf("event %v delivered with Digital Links: epcList %v, want %s at %d", ev["eventID"], dl[i]["epcList"], want, j)
			}
		}
	}
	if urns == 0 {
		t.Fatal("the document's object events name no EPC URN: nothing was translated")
	}
}
