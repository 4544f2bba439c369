package gateway_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/gateway"
)

// epcisAnswer is one answer of an EPCIS query on the real network.
type epcisAnswer struct {
	status int
	hdr    http.Header
	body   []byte
	events []map[string]any
	next   string // the next page's path and query, "" on the last page
}

func epcisQuery(t *testing.T, base, key, path, epcFormat string) epcisAnswer {
	t.Helper()
	var hdr map[string]string
	if epcFormat != "" {
		hdr = map[string]string{"GS1-EPC-Format": epcFormat}
	}
	a := epcisRequest(t, "GET", base+path, key, nil, hdr)
	if link := a.hdr.Get("Link"); link != "" {
		a.next = strings.TrimPrefix(strings.TrimSuffix(strings.Split(link, ";")[0], ">"), "<")
	}
	var qd gateway.QueryDoc
	if a.status == 200 {
		if err := json.Unmarshal(a.body, &qd); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		a.events = qd.EPCISBody.QueryResults.ResultsBody.EventList
	}
	return a
}

// checkQueryBounds checks eventCountLimit, maxEventCount and GS1-EPC-Format on the events of
// all-types.jsonld, the first captured (sent, in commit order).
func checkQueryBounds(t *testing.T, base, key string, sent []map[string]any) {
	t.Helper()
	// eventCountLimit bounds the whole result: pages of 3 end after the 4th event
	var pages [][]any
	for next := "/epcis/events?eventCountLimit=4&perPage=3"; next != "" && len(pages) < 5; {
		a := epcisQuery(t, base, key, next, "")
		if a.status != 200 {
			t.Fatalf("GET %s: %d %s", next, a.status, a.body)
		}
		var ids []any
		for _, ev := range a.events {
			ids = append(ids, ev["eventID"])
		}
		pages, next = append(pages, ids), a.next
	}
	want := [][]any{{sent[0]["eventID"], sent[1]["eventID"], sent[2]["eventID"]}, {sent[3]["eventID"]}}
	if !reflect.DeepEqual(pages, want) {
		t.Errorf("eventCountLimit=4 pages %v, want %v", pages, want)
	}
	// more than maxEventCount match: the standard's QueryTooLargeException
	if a := epcisQuery(t, base, key, "/epcis/events?maxEventCount=2", ""); a.status != 413 || !strings.Contains(string(a.body), "QueryTooLargeException") {
		t.Errorf("maxEventCount=2: %d %s", a.status, a.body)
	}
	// GS1-EPC-Format: the URNs captured come back as Digital Links, in a valid EPCIS document
	a := epcisQuery(t, base, key, "/epcis/events?eventCountLimit=3", "Always_GS1_Digital_Link")
	if a.status != 200 || a.hdr.Get("GS1-EPC-Format") != "Always_GS1_Digital_Link" || len(a.events) != 3 {
		t.Fatalf("Always_GS1_Digital_Link: %d %v %s", a.status, a.hdr.Get("GS1-EPC-Format"), a.body)
	}
	dl := []any{"https://id.gs1.org/01/06901234500011/21/1001", "https://id.gs1.org/01/06901234500011/21/1002"}
	if !reflect.DeepEqual(a.events[0]["epcList"], dl) || a.events[2]["parentID"] != "https://id.gs1.org/00/069012340000000719" {
		t.Errorf("Digital Links: epcList %v, parentID %v", a.events[0]["epcList"], a.events[2]["parentID"])
	}
	if v := jsClient(t, a.body, "validate"); v["valid"] != true {
		t.Errorf("the translated answer is not valid EPCIS: %v", v)
	}
	if a := epcisQuery(t, base, key, "/epcis/events", "Always_DL"); a.status != 400 || !strings.Contains(string(a.body), "GS1-EPC-Format") {
		t.Errorf("unknown GS1-EPC-Format: %d %s", a.status, a.body)
	}
}

// epcisRequest sends a request with the key, a JSON body (if any) and extra headers.
func epcisRequest(t *testing.T, method, u, key string, body []byte, hdr map[string]string) epcisAnswer {
	t.Helper()
	req, _ := http.NewRequest(method, u, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	a := epcisAnswer{status: resp.StatusCode, hdr: resp.Header}
	a.body, _ = io.ReadAll(resp.Body)
	return a
}
