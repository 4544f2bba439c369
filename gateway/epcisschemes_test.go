package gateway

import (
	"encoding/json"
	"net/url"
	"os"
	"testing"
)

// TestEPCISCaptureOtherSchemes: EPCs of every Tag Data Standard scheme beyond the GTIN family —
// GS1's consignment (GINC) and shipment (GSIN) numbers, a UPUI, and identifiers of other agencies
// (an ISO 6346 container, an IMO vessel, a General Identifier, US DoD CAGE-coded items) — are
// captured, come back as captured, and each is found by its own /epcis/epcs/{epc}/events.
func TestEPCISCaptureOtherSchemes(t *testing.T) {
	e := newEnv(t)
	doc, err := os.ReadFile("../epcis/testdata/docs/other-schemes.jsonld")
	if err != nil {
		t.Fatal(err)
	}
	var sent struct {
		EPCISBody struct{ EventList []map[string]any } `json:"epcisBody"`
	}
	if err := json.Unmarshal(doc, &sent); err != nil {
		t.Fatal(err)
	}
	events := sent.EPCISBody.EventList
	if status, job := e.captureJob(t, "hlj", doc, nil); status != 202 || job["success"] != true {
		t.Fatalf("capture: %d %v", status, job)
	}
	var epcs []string
	for i, ev := range events {
		got, _ := queryEvents(t, e.get("/epcis/events/"+url.PathEscape(ev["eventID"].(string)), "reg"))
		if len(got) != 1 {
			t.Fatalf("event %d: %v", i, got)
		}
		sameEvent(t, ev, got[0])
		for _, k := range []string{"epcList", "childEPCs"} {
			for _, epc := range asList(ev[k]) {
				epcs = append(epcs, epc.(string))
			}
		}
		if p, ok := ev["parentID"].(string); ok {
			epcs = append(epcs, p)
		}
	}
	if len(epcs) < 8 {
		t.Fatalf("the document names %d EPCs: %v", len(epcs), epcs)
	}
	for _, epc := range epcs {
		if evs, _ := queryEvents(t, e.get("/epcis/epcs/"+url.PathEscape(epc)+"/events", "reg")); len(evs) == 0 {
			t.Errorf("no events for %s", epc)
		}
	}
	// a container code with a wrong check digit is refused, pointing at it
	bad := []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-10-06T10:00:00Z","epcisBody":{"eventList":[` +
		`{"type":"ObjectEvent","eventTime":"2026-10-06T08:00:00+08:00","eventTimeZoneOffset":"+08:00","action":"OBSERVE","epcList":["urn:epc:id:bic:CSQU3054384"]}]}}`)
	if status, p := e.captureJob(t, "hlj", bad, nil); status != 400 || p["pointer"] != "/epcisBody/eventList/0/epcList/0" {
		t.Errorf("a container code with a wrong check digit: %d %v", status, p)
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}
