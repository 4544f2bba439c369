package gateway

import (
	"bytes"
	"encoding/json"
	"net/url"
	"slices"
	"testing"
)

// allTypesInContext is the all-types document's @context and its events, each carrying that
// context, which their extension members need when an event is sent on its own.
func allTypesInContext(t testing.TB) (context any, events []map[string]any) {
	t.Helper()
	doc, events := allTypes(t)
	var d struct {
		Context any `json:"@context"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	for _, ev := range events {
		ev["@context"] = d.Context
	}
	return d.Context, events
}

// oneEvent is the all-types document's first event (a commissioning with an extension member) sent
// on its own: with the document's @context, which its extension needs.
func oneEvent(t *testing.T) map[string]any {
	t.Helper()
	_, events := allTypesInContext(t)
	return events[0]
}

func (e *env) postEvent(org string, ev any) response {
	b, _ := json.Marshal(ev)
	return e.do("POST", "/epcis/events", e.keys[org], "application/ld+json", bytes.NewReader(b))
}

// TestEPCISCaptureOneEvent: POST /epcis/events records one event before it answers; the event comes
// back as captured, from the answer and from its Location; a retry is 200, a changed event 409.
func TestEPCISCaptureOneEvent(t *testing.T) {
	e := newEnv(t)
	ev := oneEvent(t)
	id := ev["eventID"].(string)
	r := e.postEvent("hlj", ev)
	if r.status != 201 {
		t.Fatalf("capture: %d %s", r.status, r.body)
	}
	loc := r.header("Location")
	if loc != "/epcis/events/"+url.PathEscape(id) {
		t.Fatalf("Location %q, want the event's resource", loc)
	}
	var answered map[string]any
	r.json(t, &answered)
	sameEvent(t, ev, answered)
	got, _ := queryEvents(t, e.get(loc, "reg"))
	if len(got) != 1 {
		t.Fatalf("GET %s: %d events", loc, len(got))
	}
	sameEvent(t, ev, got[0])

	// a retry after a lost answer: the same event again is no new record
	again := e.postEvent("hlj", ev)
	if again.status != 200 || again.header("Location") != loc {
		t.Fatalf("retry: %d Location %q %s", again.status, again.header("Location"), again.body)
	}
	var retried map[string]any
	again.json(t, &retried)
	if retried["recordTime"] != answered["recordTime"] {
		t.Errorf("retry answered recordTime %v, the event was recorded at %v", retried["recordTime"], answered["recordTime"])
	}

	// the same eventID with another quantity is another event: refused, the first one stands
	changed := oneEvent(t)
	changed["quantityList"].([]any)[0].(map[string]any)["quantity"] = 999.0
	if r := e.postEvent("hlj", changed); r.status != 409 {
		t.Fatalf("changed quantity: %d %s", r.status, r.body)
	}
	if got, _ := queryEvents(t, e.get(loc, "reg")); len(got) != 1 || !slices.Equal(quantities(got[0]), quantities(ev)) {
		t.Fatalf("after the refused change the ledger holds %v", got)
	}
}

func quantities(ev map[string]any) []float64 {
	var out []float64
	for _, q := range ev["quantityList"].([]any) {
		out = append(out, q.(map[string]any)["quantity"].(float64))
	}
	return out
}

// TestEPCISCaptureOneEventRefusals: what POST /epcis/events refuses, and where the problem points.
func TestEPCISCaptureOneEventRefusals(t *testing.T) {
	e := newEnv(t)
	doc, _ := allTypes(t)
	noTime := oneEvent(t)
	delete(noTime, "eventTime")
	good, _ := json.Marshal(oneEvent(t))
	for _, c := range []struct {
		name, org, ctype string
		body             []byte
		status           int
		pointer          string
	}{
		{"a document goes to /epcis/capture", "hlj", "application/ld+json", doc, 400, "/type"},
		{"an event needs its eventTime", "hlj", "application/ld+json", mustJSON(noTime), 400, "/eventTime"},
		{"a member twice", "hlj", "application/json", []byte(`{"type":"ObjectEvent","type":"AggregationEvent"}`), 400, "/type"},
		{"not an object", "hlj", "application/json", []byte(`["ObjectEvent"]`), 400, ""},
		{"not JSON", "hlj", "text/plain", good, 415, ""},
		// a key that may record storage and transport only; the event commissions a lot
		{"a stage the key may not record", "hlj-store", "application/ld+json", good, 403, ""},
		{"no key", "", "application/ld+json", good, 401, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("POST", "/epcis/events", e.keys[c.org], c.ctype, bytes.NewReader(c.body))
			if r.status != c.status {
				t.Fatalf("%d %s, want %d", r.status, r.body, c.status)
			}
			if p := r.problem(t); c.pointer != "" && p.Pointer != c.pointer {
				t.Errorf("pointer %q, want %q (%s)", p.Pointer, c.pointer, p.Detail)
			}
		})
	}
	if got, _ := queryEvents(t, e.get("/epcis/events", "reg")); len(got) != 0 {
		t.Fatalf("refused events were recorded: %v", got)
	}
}

// TestEPCISTopLevelAndTokens: GET /epcis names the top-level resources, each of which answers; a
// page's nextPageToken can be released (DELETE), one the server never gave cannot.
func TestEPCISTopLevelAndTokens(t *testing.T) {
	e := newEnv(t)
	e.captureDocs(t, "hlj", "all-types.jsonld")
	var top []string
	e.get("/epcis", "reg").json(t, &top)
	for _, want := range []string{"capture", "events", "eventTypes", "epcs", "bizSteps", "bizLocations", "readPoints", "dispositions", "queries"} {
		if !slices.Contains(top, want) {
			t.Errorf("GET /epcis lists %v, without %s", top, want)
		}
	}
	for _, res := range top {
		if r := e.get("/epcis/"+res, "reg"); r.status != 200 {
			t.Errorf("GET /epcis/%s: %d %s", res, r.status, r.body)
		}
	}
	for _, path := range []string{"/epcis/events?perPage=1", "/epcis/bizSteps?perPage=1"} {
		r := e.get(path, "reg")
		token := r.header("GS1-Next-Page-Token")
		if r.status != 200 || token == "" {
			t.Fatalf("GET %s: %d, token %q", path, r.status, token)
		}
		if d := e.do("DELETE", "/epcis/nextPageToken/"+token, e.keys["reg"], "", nil); d.status != 204 {
			t.Errorf("DELETE the token of %s: %d %s", path, d.status, d.body)
		}
	}
	if d := e.do("DELETE", "/epcis/nextPageToken/not*a*token", e.keys["reg"], "", nil); d.status != 404 || d.problem(t).Rule != "NoSuchNameException" {
		t.Errorf("DELETE a token never given: %d %s", d.status, d.body)
	}
}

// TestEPCISCaptureOneEventRefusedByTheRules: an event the gateway lets through but the ledger's rules
// refuse (it takes more of a lot than the lot holds) is answered with the rule's problem, and
// nothing of it is recorded.
func TestEPCISCaptureOneEventRefusedByTheRules(t *testing.T) {
	e := newEnv(t)
	lot := func(name string, kg float64) []any {
		return []any{map[string]any{"epcClass": "urn:epc:class:lgtin:6901234.050002." + name, "quantity": kg, "uom": "KGM"}}
	}
	harvest := map[string]any{"type": "ObjectEvent", "eventID": "urn:uuid:one-rules-1", "eventTime": "2026-10-03T09:30:00+08:00",
		"eventTimeZoneOffset": "+08:00", "action": "ADD", "bizStep": "commissioning", "quantityList": lot("RULES-1", 100)}
	if r := e.postEvent("hlj", harvest); r.status != 201 {
		t.Fatalf("harvest: %d %s", r.status, r.body)
	}
	milling := map[string]any{"type": "TransformationEvent", "eventID": "urn:uuid:one-rules-2", "eventTime": "2026-10-04T09:30:00+08:00",
		"eventTimeZoneOffset": "+08:00", "bizStep": "commissioning", "inputQuantityList": lot("RULES-1", 150), "outputQuantityList": lot("RULES-2", 100)}
	r := e.postEvent("hlj", milling)
	if r.status != 409 {
		t.Fatalf("milling 150 kg of a 100 kg lot: %d %s", r.status, r.body)
	}
	// the rule speaks of the projection's input; the platform sent an inputQuantityList
	if p := r.problem(t); p.Rule != "quantity" || p.Index != nil || p.Pointer != "/inputQuantityList/0/quantity" {
		t.Errorf("problem %+v, want the quantity rule at /inputQuantityList/0/quantity and no index (one event was sent)", p)
	}
	if r := e.get("/epcis/events/"+url.PathEscape("urn:uuid:one-rules-2"), "reg"); r.status != 404 {
		t.Errorf("the refused event is readable: %d %s", r.status, r.body)
	}
}

// TestEPCISRefusalsPointIntoTheDocument: a refusal of a captured event points at the member of the
// document the platform sent, whichever check refused it and however the capture behaves.
func TestEPCISRefusalsPointIntoTheDocument(t *testing.T) {
	e := newEnv(t)
	lot := func(name string, kg float64) []any {
		return []any{map[string]any{"epcClass": "urn:epc:class:lgtin:6901234.050002." + name, "quantity": kg, "uom": "KGM"}}
	}
	ev := func(id string, kv ...any) map[string]any {
		m := map[string]any{"eventID": id, "eventTime": "2026-10-03T09:30:00+08:00", "eventTimeZoneOffset": "+08:00"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	doc := func(events ...any) []byte {
		return mustJSON(map[string]any{"@context": []any{"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"}, "type": "EPCISDocument",
			"schemaVersion": "2.0", "creationDate": "2026-10-03T10:00:00Z", "epcisBody": map[string]any{"eventList": events}})
	}
	harvest := ev("urn:uuid:ptr-1", "type", "ObjectEvent", "action", "ADD", "bizStep", "commissioning", "quantityList", lot("PTR-1", 100))
	if r := e.postEvent("hlj", harvest); r.status != 201 {
		t.Fatalf("harvest: %d %s", r.status, r.body)
	}
	// the ledger's rules refuse it: it takes more of the lot than the lot holds
	overdraw := ev("urn:uuid:ptr-2", "type", "TransformationEvent", "bizStep", "commissioning",
		"inputQuantityList", lot("PTR-1", 150), "outputQuantityList", lot("PTR-2", 100))
	// the gateway's checks refuse it: its eventID is recorded with other content
	changed := ev("urn:uuid:ptr-1", "type", "ObjectEvent", "action", "ADD", "bizStep", "commissioning", "quantityList", lot("PTR-1", 90))
	fine := ev("urn:uuid:ptr-3", "type", "ObjectEvent", "action", "ADD", "bizStep", "commissioning", "quantityList", lot("PTR-3", 10))

	t.Run("rollback", func(t *testing.T) {
		// the gateway's checks answer at once
		status, p := e.captureJob(t, "hlj", doc(changed, fine), nil)
		if status != 409 || p["pointer"] != "/epcisBody/eventList/0/eventID" {
			t.Errorf("%d %v, want 409 at /epcisBody/eventList/0/eventID", status, p)
		}
		// the rules refuse the transaction in the job, which names the refusal
		status, job := e.captureJob(t, "hlj", doc(fine, overdraw), nil)
		errs, _ := job["errors"].([]any)
		if status != 202 || job["success"] != false || len(errs) != 1 || errs[0].(map[string]any)["pointer"] != "/epcisBody/eventList/1/inputQuantityList/0/quantity" {
			t.Errorf("%d %v, want a failed job with one error at /epcisBody/eventList/1/inputQuantityList/0/quantity", status, job)
		}
	})
	t.Run("proceed: the job lists each refusal", func(t *testing.T) {
		status, job := e.captureJob(t, "hlj", doc(changed, fine, overdraw), map[string]string{"GS1-Capture-Error-Behaviour": "proceed"})
		if status != 202 {
			t.Fatalf("capture: %d %v", status, job)
		}
		var pointers []string
		for _, raw := range job["errors"].([]any) {
			pointers = append(pointers, raw.(map[string]any)["pointer"].(string))
		}
		slices.Sort(pointers)
		want := []string{"/epcisBody/eventList/0/eventID", "/epcisBody/eventList/2/inputQuantityList/0/quantity"}
		if !slices.Equal(pointers, want) || job["success"] != false {
			t.Errorf("job errors at %v (success %v), want %v", pointers, job["success"], want)
		}
	})
	t.Run("the native API's EPCIS capture", func(t *testing.T) {
		more := ev("urn:uuid:ptr-5", "type", "ObjectEvent", "action", "ADD", "bizStep", "commissioning", "quantityList", lot("PTR-5", 10))
		r := e.do("POST", "/v1/epcis/capture", e.keys["hlj"], "application/ld+json", bytes.NewReader(doc(more, overdraw)))
		var bulk BulkResponse
		r.json(t, &bulk)
		if r.status != 207 || len(bulk.Results) != 2 || bulk.Results[1].Problem == nil ||
			bulk.Results[1].Problem.Pointer != "/epcisBody/eventList/1/inputQuantityList/0/quantity" {
			t.Errorf("%d %s, want the second event refused at /epcisBody/eventList/1/inputQuantityList/0/quantity", r.status, r.body)
		}
	})
}
