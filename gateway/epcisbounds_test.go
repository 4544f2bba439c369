package gateway

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// QueryDoc is what the tests read of an EPCISQueryDocument; exported for the end-to-end tests
// (package gateway_test).
type QueryDoc struct {
	Type      string `json:"type"`
	EPCISBody struct {
		QueryResults struct {
			ResultsBody struct {
				EventList []map[string]any `json:"eventList"`
			} `json:"resultsBody"`
		} `json:"queryResults"`
	} `json:"epcisBody"`
}

// pagesOf follows a query's next links and returns the eventIDs of each page.
func (e *env) pagesOf(t *testing.T, path, org string) [][]any {
	t.Helper()
	var pages [][]any
	for next := path; next != "" && len(pages) < 20; {
		r := e.get(next, org)
		evs, _ := queryEvents(t, r)
		var ids []any
		for _, ev := range evs {
			ids = append(ids, ev["eventID"])
		}
		pages = append(pages, ids)
		next = ""
		if link := r.header("Link"); link != "" {
			next = strings.TrimSuffix(strings.TrimPrefix(strings.Split(link, ";")[0], "<"), ">")
		}
	}
	return pages
}

func TestEPCISEventCountLimit(t *testing.T) {
	e := newEnv(t)
	doc, sent := allTypes(t)
	if status, job := e.captureJob(t, "hlj", doc, nil); status != 202 || job["success"] != true {
		t.Fatalf("capture: %d %v", status, job)
	}
	r := e.post("/epcis/queries", "hlj", map[string]any{"name": "first-objects", "query": map[string]any{"eventType": "ObjectEvent", "eventCountLimit": 2}})
	if r.status != 201 {
		t.Fatalf("create query: %d %s", r.status, r.body)
	}
	ids := func(pages ...[]int) [][]any {
		var out [][]any
		for _, p := range pages {
			var page []any
			for _, i := range p {
				page = append(page, sent[i]["eventID"])
			}
			out = append(out, page)
		}
		return out
	}
	for _, tc := range []struct {
		path string
		want [][]any // eventIDs, page by page
	}{
		{"/epcis/events?eventCountLimit=3", ids([]int{0, 1, 2})},
		{"/epcis/events?eventCountLimit=5&perPage=2", ids([]int{0, 1}, []int{2, 3}, []int{4})},
		{"/epcis/events?eventCountLimit=4&perPage=2", ids([]int{0, 1}, []int{2, 3})}, // no empty page after the limit
		{"/epcis/events?eventCountLimit=100&perPage=4", ids([]int{0, 1, 2, 3}, []int{4, 5, 6})},
		{"/epcis/events?orderBy=eventTime&orderDirection=DESC&eventCountLimit=2", ids([]int{6, 5})},
		{"/epcis/events?eventType=ObjectEvent&eventCountLimit=2&perPage=1", ids([]int{0}, []int{1})},
		{"/epcis/eventTypes/ObjectEvent/events?eventCountLimit=2", ids([]int{0, 1})},
		{"/epcis/queries/first-objects/events", ids([]int{0, 1})},
		{"/epcis/queries/first-objects/events?perPage=1", ids([]int{0}, []int{1})},
	} {
		if got := e.pagesOf(t, tc.path, "ha"); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: pages %v, want %v", tc.path, got, tc.want)
		}
	}
}

func TestEPCISMaxEventCount(t *testing.T) {
	e := newEnv(t)
	doc, sent := allTypes(t)
	if status, job := e.captureJob(t, "hlj", doc, nil); status != 202 || job["success"] != true {
		t.Fatalf("capture: %d %v", status, job)
	}
	for _, tc := range []struct {
		name   string
		path   string
		status int
		rule   string
		events int
	}{
		{"under", "/epcis/events?maxEventCount=8", 200, "", 7},
		{"at", "/epcis/events?maxEventCount=7", 200, "", 7},
		{"over", "/epcis/events?maxEventCount=6", 413, "QueryTooLargeException", 0},
		{"column condition at", "/epcis/events?eventType=ObjectEvent&maxEventCount=3", 200, "", 3},
		{"column condition over", "/epcis/events?eventType=ObjectEvent&maxEventCount=2", 413, "QueryTooLargeException", 0},
		{"document condition at", "/epcis/events?EXISTS_readPoint&maxEventCount=5", 200, "", 5},
		{"document condition over", "/epcis/events?EXISTS_readPoint&maxEventCount=4", 413, "QueryTooLargeException", 0},
		{"EPC match at", "/epcis/events?MATCH_epc=https://id.gs1.org/01/06901234500011/21/1001&maxEventCount=2", 200, "", 2},
		{"EPC match over", "/epcis/events?MATCH_epc=https://id.gs1.org/01/06901234500011/21/1001&maxEventCount=1", 413, "QueryTooLargeException", 0},
		{"first page of a result within the bound", "/epcis/events?maxEventCount=7&perPage=3", 200, "", 3},
		{"resource subpath over", "/epcis/eventTypes/ObjectEvent/events?maxEventCount=2", 413, "QueryTooLargeException", 0},
		{"both together", "/epcis/events?eventCountLimit=1&maxEventCount=1", 400, "QueryParameterException", 0},
		{"zero", "/epcis/events?maxEventCount=0", 400, "QueryParameterException", 0},
		{"negative limit", "/epcis/events?eventCountLimit=-1", 400, "QueryParameterException", 0},
		{"not a number", "/epcis/events?eventCountLimit=ten", 400, "QueryParameterException", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.get(tc.path, "reg")
			if r.status != tc.status {
				t.Fatalf("%d %s, want %d", r.status, r.body, tc.status)
			}
			if tc.status != 200 {
				p := r.problem(t)
				if p.Rule != tc.rule || !strings.HasPrefix(p.Pointer, "?") || !strings.Contains(p.Detail, strings.TrimPrefix(p.Pointer, "?")) {
					t.Fatalf("problem %+v, want rule %s naming its parameter", p, tc.rule)
				}
				return
			}
			if evs, _ := queryEvents(t, r); len(evs) != tc.events {
				t.Fatalf("%d events, want %d", len(evs), tc.events)
			}
		})
	}
	// the bound is the query's: the pages after the first (same parameters) answer the rest
	if pages := e.pagesOf(t, "/epcis/events?maxEventCount=7&perPage=3", "ha"); len(pages) != 3 || len(pages[2]) != 1 || pages[2][0] != sent[6]["eventID"] {
		t.Fatalf("pages %v", pages)
	}
	// a named query with a bound: refused together, answered 413 when over, never subscribed to
	if r := e.post("/epcis/queries", "hlj", map[string]any{"name": "both", "query": map[string]any{"eventCountLimit": 1, "maxEventCount": 1}}); r.status != 400 || r.problem(t).Pointer != "/query/maxEventCount" {
		t.Fatalf("query with both: %d %s", r.status, r.body)
	}
	if r := e.post("/epcis/queries", "hlj", map[string]any{"name": "few", "query": map[string]any{"maxEventCount": 2}}); r.status != 201 {
		t.Fatalf("create query: %d %s", r.status, r.body)
	}
	if r := e.get("/epcis/queries/few/events", "ha"); r.status != 413 || r.problem(t).Rule != "QueryTooLargeException" {
		t.Fatalf("named query over its bound: %d %s", r.status, r.body)
	}
	r := e.post("/epcis/queries/few/subscriptions", "hlj", map[string]any{"dest": "https://receiver.example/hook", "signatureToken": "a-shared-secret-of-enough-length"})
	if r.status != 400 || r.problem(t).Rule != "SubscriptionControlsException" {
		t.Fatalf("subscription to a bounded query: %d %s", r.status, r.body)
	}
}

func TestEPCISEPCFormat(t *testing.T) {
	const (
		sgtin1001URN = "urn:epc:id:sgtin:6901234.050001.1001"
		sgtin1001DL  = "https://id.gs1.org/01/06901234500011/21/1001"
		sgtin1002DL  = "https://id.gs1.org/01/06901234500011/21/1002"
		ssccURN      = "urn:epc:id:sscc:6901234.0000000071"
		ssccDL       = "https://id.gs1.org/00/069012340000000719"
		dockDL       = "https://id.gs1.org/414/6901234000054/254/DOCK-2"
		dockURN      = "urn:epc:id:sgln:6901234.00005.DOCK-2"
	)
	doc, sent := allTypes(t)
	captured := func(t *testing.T) *env {
		e := newEnv(t)
		if status, job := e.captureJob(t, "hlj", doc, nil); status != 202 || job["success"] != true {
			t.Fatalf("capture: %d %v", status, job)
		}
		return e
	}
	query := func(t *testing.T, e *env, path, format string) []map[string]any {
		t.Helper()
		r := e.doWith("GET", path, e.keys["ha"], map[string]string{"GS1-EPC-Format": format}, nil)
		evs, _ := queryEvents(t, r)
		want := format
		if format == "" || format == "No_Preference" {
			want = "Never_Translates"
		}
		if got := r.header("GS1-EPC-Format"); got != want {
			t.Errorf("GS1-EPC-Format answered %q, want %q", got, want)
		}
		return evs
	}
	t.Run("as captured", func(t *testing.T) {
		e := captured(t)
		for _, f := range []string{"", "No_Preference", "Never_Translates"} {
			evs := query(t, e, "/epcis/events", f)
			if len(evs) != len(sent) {
				t.Fatalf("%q: %d events", f, len(evs))
			}
			for i := range sent {
				sameEvent(t, sent[i], evs[i])
			}
		}
	})
	t.Run("Digital Links", func(t *testing.T) {
		e := captured(t)
		evs := query(t, e, "/epcis/events", "Always_GS1_Digital_Link")
		checks := []struct {
			got, want any
		}{
			{evs[0]["epcList"], []any{sgtin1001DL, sgtin1002DL}},
			{evs[0]["readPoint"], map[string]any{"id": "https://id.gs1.org/414/6901234000016"}},
			{evs[2]["parentID"], ssccDL},
			{evs[2]["childQuantityList"].([]any)[0].(map[string]any)["epcClass"], "https://id.gs1.org/01/06901234500028/10/RT2610A"},
			{evs[3]["outputQuantityList"].([]any)[0].(map[string]any)["epcClass"], "https://id.gs1.org/01/06901234500035/10/MR2610A"},
			{evs[1]["readPoint"], map[string]any{"id": "geo:44.9167,127.1667"}}, // not a GS1 key: as captured
			{evs[6]["epcList"], []any{ssccDL}},                                  // captured as a Digital Link
		}
		for i, c := range checks {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("check %d: %v, want %v", i, c.got, c.want)
			}
		}
		if grai := evs[5]["parentID"].(string); !strings.HasPrefix(grai, "https://id.gs1.org/8003/") || !strings.HasSuffix(grai, "TRUCK-1") {
			t.Errorf("GRAI parentID %s", grai)
		}
		// the other fields are untouched
		got0 := evs[0]
		for _, k := range []string{"eventID", "eventTime", "bizStep", "action", "disposition"} {
			if !reflect.DeepEqual(got0[k], sent[0][k]) {
				t.Errorf("%s: %v, sent %v", k, got0[k], sent[0][k])
			}
		}
		one := query(t, e, "/epcis/events/"+strings.ReplaceAll(sent[2]["eventID"].(string), ":", "%3A"), "Always_GS1_Digital_Link")
		if len(one) != 1 || one[0]["parentID"] != ssccDL {
			t.Errorf("single event: %v", one)
		}
	})
	t.Run("URNs without the registry", func(t *testing.T) {
		e := captured(t)
		evs := query(t, e, "/epcis/events", "Always_EPC_URN")
		checks := []struct {
			got, want any
		}{
			{evs[0]["epcList"], sent[0]["epcList"]},
			// the event's own URNs tell the company prefix of its Digital Link
			{evs[0]["bizLocation"], map[string]any{"id": "urn:epc:id:sgln:6901234.00001.0"}},
			// nothing in event 6 or the registry does: left as captured
			{evs[6]["epcList"], []any{ssccDL}},
			{evs[6]["readPoint"], map[string]any{"id": dockDL}},
		}
		for i, c := range checks {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("check %d: %v, want %v", i, c.got, c.want)
			}
		}
	})
	t.Run("URNs with the registry", func(t *testing.T) {
		e := captured(t)
		reg := map[string]any{"id": "reg-epc-format", "enterprise": map[string]any{"id": uscc("91230184MA1BXR5N8"), "name": "五常市金禾米业有限公司",
			"region": "230184", "roles": []string{"加工"}, "prefixes": []string{"6901234"}}}
		if r := e.post("/v1/registry/enterprises", "hlj", reg); r.status != 201 {
			t.Fatalf("register: %d %s", r.status, r.body)
		}
		evs := query(t, e, "/epcis/events", "Always_EPC_URN")
		if !reflect.DeepEqual(evs[6]["epcList"], []any{ssccURN}) || !reflect.DeepEqual(evs[6]["readPoint"], map[string]any{"id": dockURN}) {
			t.Errorf("event 6: epcList %v, readPoint %v", evs[6]["epcList"], evs[6]["readPoint"])
		}
		// GS1 keys beyond GTIN, SSCC and GLN: a PGLN party, a GSRN
		if dest := evs[4]["destinationList"].([]any)[0].(map[string]any)["destination"]; dest != "urn:epc:id:pgln:6901234.00005" {
			t.Errorf("PGLN destination %v", dest)
		}
		if child := evs[5]["childEPCs"].([]any)[1]; child != "urn:epc:id:gsrn:6901234.0000000001" {
			t.Errorf("GSRN child %v", child)
		}
		evs = query(t, e, "/epcis/epcs/"+strings.ReplaceAll(sgtin1001DL, "/", "%2F")+"/events", "Always_EPC_URN")
		if len(evs) != 2 || evs[1]["childEPCs"].([]any)[0] != sgtin1001URN {
			t.Errorf("epcs subpath: %v", evs)
		}
	})
	t.Run("unknown value", func(t *testing.T) {
		e := newEnv(t)
		for _, path := range []string{"/epcis/events", "/epcis/events/urn:uuid:x", "/epcis/bizSteps/packing/events"} {
			r := e.doWith("GET", path, e.keys["hlj"], map[string]string{"GS1-EPC-Format": "Always_DL"}, nil)
			if r.status != 400 {
				t.Fatalf("%s: %d %s", path, r.status, r.body)
			}
			if p := r.problem(t); p.Pointer != "GS1-EPC-Format" || !strings.Contains(p.Detail, "Always_EPC_URN") {
				t.Errorf("%s: problem %+v", path, p)
			}
		}
	})
}

// TestEPCISWebSocketBoundsAndFormat: a WebSocket subscription writes identifiers as its
// handshake's GS1-EPC-Format asks, and is refused on a query bounding its result.
func TestEPCISWebSocketBoundsAndFormat(t *testing.T) {
	e := newEnv(t)
	for name, query := range map[string]map[string]any{"objects": {"eventType": "ObjectEvent"}, "few-objects": {"eventType": "ObjectEvent", "eventCountLimit": 2}} {
		if r := e.post("/epcis/queries", "hlj", map[string]any{"name": name, "query": query}); r.status != 201 {
			t.Fatalf("create query %s: %d %s", name, r.status, r.body)
		}
	}
	doc, sent := allTypes(t)
	if status, job := e.captureJob(t, "hlj", doc, nil); status != 202 || job["success"] != true {
		t.Fatalf("capture: %d %v", status, job)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	dial := func(query, format string) (*websocket.Conn, *http.Response, error) {
		u := "ws" + strings.TrimPrefix(e.ts.URL, "http") + "/epcis/queries/" + query + "/events?initialRecordTime=2000-01-01T00:00:00Z"
		return websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + e.keys["ha"]}, "Gs1-Epc-Format": {format}}})
	}
	c, resp, err := dial("objects", "Always_GS1_Digital_Link")
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.CloseNow()
	if got := resp.Header.Get("GS1-EPC-Format"); got != "Always_GS1_Digital_Link" {
		t.Errorf("handshake GS1-EPC-Format %q", got)
	}
	c.SetReadLimit(StreamReadLimit)
	_, b, err := c.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var d QueryDoc
	if err := json.Unmarshal(b, &d); err != nil || len(d.EPCISBody.QueryResults.ResultsBody.EventList) == 0 {
		t.Fatalf("message %.300s: %v", b, err)
	}
	first := d.EPCISBody.QueryResults.ResultsBody.EventList[0]
	if first["eventID"] != sent[0]["eventID"] || !reflect.DeepEqual(first["epcList"], []any{
		"https://id.gs1.org/01/06901234500011/21/1001", "https://id.gs1.org/01/06901234500011/21/1002"}) {
		t.Errorf("streamed event %v: epcList %v", first["eventID"], first["epcList"])
	}
	for _, bad := range []struct{ query, format string }{{"few-objects", ""}, {"objects", "Always_DL"}} {
		if _, resp, err := dial(bad.query, bad.format); err == nil || resp == nil || resp.StatusCode != 400 {
			t.Errorf("stream of %s with %q: %v %v", bad.query, bad.format, err, resp)
		}
	}
}
