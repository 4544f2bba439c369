package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/getkin/kin-openapi/openapi3"
)

// streamDoc is one WebSocket message: an EPCISQueryDocument.
type streamDoc struct {
	EPCISBody struct {
		QueryResults struct {
			QueryName      string `json:"queryName"`
			SubscriptionID string `json:"subscriptionID"`
			ResultsBody    struct {
				EventList []map[string]any `json:"eventList"`
			} `json:"resultsBody"`
		} `json:"queryResults"`
	} `json:"epcisBody"`
}

// dialStream opens a WebSocket subscription to a named query.
func dialStream(t *testing.T, ctx context.Context, base, key, query, params string) *websocket.Conn {
	t.Helper()
	u := "ws" + strings.TrimPrefix(base, "http") + "/epcis/queries/" + query + "/events" + params
	c, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + key}}})
	if err != nil {
		t.Fatalf("dial %s: %v (%v)", u, err, resp)
	}
	c.SetReadLimit(StreamReadLimit)
	return c
}

// readStream reads messages until want events arrived, returning their eventIDs in order.
func readStream(t *testing.T, ctx context.Context, c *websocket.Conn, query string, want int) []string {
	t.Helper()
	var ids []string
	for len(ids) < want {
		typ, b, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("after %d of %d events: %v", len(ids), want, err)
		}
		var d streamDoc
		if typ != websocket.MessageText || json.Unmarshal(b, &d) != nil || d.EPCISBody.QueryResults.QueryName != query || d.EPCISBody.QueryResults.SubscriptionID == "" {
			t.Fatalf("message is not this stream's EPCISQueryDocument: %.300s", b)
		}
		if err := checkStreamMessage(b); err != nil {
			t.Fatalf("message does not match the EPCISQueryDocument schema: %v: %.300s", err, b)
		}
		for _, ev := range d.EPCISBody.QueryResults.ResultsBody.EventList {
			ids = append(ids, ev["eventID"].(string))
		}
	}
	return ids
}

// checkStreamMessage validates one WebSocket message against the EPCISQueryDocument schema of the
// served OpenAPI document: no HTTP answer carries these messages, so the live-traffic checker never
// sees them.
func checkStreamMessage(b []byte) error {
	c, err := liveSpec()
	if err != nil {
		return err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return c.doc.Components.Schemas["EPCISQueryDocument"].Value.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.VisitAsResponse())
}

// TestStreamMessageSchema: the check readStream makes of each message refuses messages that are
// not EPCISQueryDocuments, so a stream sending them could not pass TestEPCISWebSocketStream.
func TestStreamMessageSchema(t *testing.T) {
	const event = `{"type":"ObjectEvent","eventID":"urn:uuid:1","eventTime":"2026-10-01T08:00:00.000+08:00","eventTimeZoneOffset":"+08:00","action":"OBSERVE"}`
	doc := func(events string) string {
		return `{"@context":["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],"type":"EPCISQueryDocument","schemaVersion":"2.0",` +
			`"creationDate":"2026-10-01T08:00:01Z","epcisBody":{"queryResults":{"queryName":"q","subscriptionID":"s","resultsBody":{"eventList":[` + events + `]}}}}`
	}
	for _, tc := range []struct {
		name, msg string
		valid     bool
	}{
		{"a query document", doc(event), true},
		{"an empty delivery", doc(""), true},
		{"a capture document", strings.Replace(doc(event), `"EPCISQueryDocument"`, `"EPCISDocument"`, 1), false},
		{"no results body", `{"type":"EPCISQueryDocument","epcisBody":{"queryResults":{"queryName":"q"}}}`, false},
		{"the events not in a list", strings.Replace(doc(event), `"eventList":[`+event+`]`, `"eventList":`+event, 1), false},
		{"an event of no EPCIS type", doc(strings.Replace(event, "ObjectEvent", "SensorEvent", 1)), false},
		{"an event time without its offset", doc(strings.Replace(event, ".000+08:00", "", 1)), false},
		{"an event without its time zone offset", doc(strings.Replace(event, `,"eventTimeZoneOffset":"+08:00"`, "", 1)), false},
		{"not JSON", doc(event)[:40], false},
	} {
		if err := checkStreamMessage([]byte(tc.msg)); (err == nil) != tc.valid {
			t.Errorf("%s: valid %v, want %v (%v)", tc.name, err == nil, tc.valid, err)
		}
	}
}

func TestEPCISWebSocketStream(t *testing.T) {
	e := newEnv(t)
	if r := e.post("/epcis/queries", "hlj", map[string]any{"name": "packed-or-moved", "query": map[string]any{
		"eventType": []string{"AggregationEvent", "ObjectEvent"}, "EXISTS_readPoint": ""}}); r.status != 201 {
		t.Fatalf("create query: %d %s", r.status, r.body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// another platform's key may follow the query too (reads are open to every key)
	live := dialStream(t, ctx, e.ts.URL, e.keys["ha"], "packed-or-moved", "")
	defer live.CloseNow()

	doc, sent := allTypes(t)
	if status, job := e.captureJob(t, "hlj", doc, nil); status != 202 || job["success"] != true {
		t.Fatalf("capture: %d %v", status, job)
	}
	want := packedOrMoved(sent)
	if len(want) < 2 {
		t.Fatalf("test document has %d matching events", len(want))
	}
	// what the webhook gets, in the same order
	if got := readStream(t, ctx, live, "packed-or-moved", len(want)); !reflect.DeepEqual(got, want) {
		t.Fatalf("stream sent %v, want %v", got, want)
	}
	// a stream opened later replays from initialRecordTime, then goes on live
	replay := dialStream(t, ctx, e.ts.URL, e.keys["hlj"], "packed-or-moved", "?initialRecordTime=2000-01-01T00:00:00Z")
	defer replay.CloseNow()
	if got := readStream(t, ctx, replay, "packed-or-moved", len(want)); !reflect.DeepEqual(got, want) {
		t.Fatalf("replayed stream sent %v, want %v", got, want)
	}
	live.Close(websocket.StatusNormalClosure, "")

	// one key holds at most MaxStreamsPerKey streams (replay is one of hlj's)
	var extra []*websocket.Conn
	for range MaxStreamsPerKey - 1 {
		extra = append(extra, dialStream(t, ctx, e.ts.URL, e.keys["hlj"], "packed-or-moved", ""))
	}
	u := "ws" + strings.TrimPrefix(e.ts.URL, "http") + "/epcis/queries/packed-or-moved/events"
	_, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + e.keys["hlj"]}}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("stream %d of one key: %v %v, want 429", MaxStreamsPerKey+1, resp, err)
	}
	extra[0].Close(websocket.StatusNormalClosure, "")
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + e.keys["hlj"]}}})
		if err == nil {
			c.CloseNow()
			break // a closed stream frees its place
		}
		if time.Now().After(deadline) {
			t.Fatalf("a closed stream did not free its place: %v", err)
		}
	}
	for _, c := range extra {
		c.CloseNow()
	}

	for _, tc := range []struct {
		path, key string
		status    int
	}{
		{"/epcis/queries/packed-or-moved/events?stream=false", e.keys["hlj"], 400},
		{"/epcis/queries/packed-or-moved/events?perPage=3&stream=true", e.keys["hlj"], 400},
		{"/epcis/queries/packed-or-moved/events?initialRecordTime=yesterday", e.keys["hlj"], 400},
		{"/epcis/queries/no-such-query/events", e.keys["hlj"], 404},
		{"/epcis/queries/packed-or-moved/events", "not-a-key", 401},
	} {
		u := "ws" + strings.TrimPrefix(e.ts.URL, "http") + tc.path
		_, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + tc.key}}})
		if err == nil || resp == nil || resp.StatusCode != tc.status || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %v %v, want %d problem+json", tc.path, resp, err, tc.status)
		}
	}
}
