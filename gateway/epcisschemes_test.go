package gateway

import (
	"encoding/json"
	"net/url"
	"testing"
)

// TestEPCISCaptureOtherSchemes: EPCs of every Tag Data Standard scheme beyond the GTIN family —
// GS1's consignment (GINC) and shipment (GSIN) numbers, a UPUI, and identifiers of other agencies
// (an ISO 6346 container, an IMO vessel, a General Identifier, US DoD CAGE-coded items) — are
// captured, come back as captured, and each is found by its own /epcis/epcs/{epc}/events.
func TestEPCISCaptureOtherSchemes(t *testing.T) {
	e := newEnv(t)
	doc, events, epcs := otherSchemesDoc()
	if status, job := e.captureJob(t, "hlj", doc, nil); status != 202 || job["success"] != true {
		t.Fatalf("capture: %d %v", status, job)
	}
	for i, ev := range events {
		got, _ := queryEvents(t, e.get("/epcis/events/"+url.PathEscape(ev["eventID"].(string)), "reg"))
		if len(got) != 1 {
			t.Fatalf("event %d: %v", i, got)
		}
		sent, _ := json.Marshal(ev)
		var want map[string]any
		json.Unmarshal(sent, &want)
		sameEvent(t, want, got[0])
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

// otherSchemesDoc is a capture document of a consignment's commissioning and its loading into a
// container aboard a vessel, naming an EPC of every scheme TestEPCISCaptureOtherSchemes covers:
// the document, its events, and those EPCs.
func otherSchemesDoc() ([]byte, []map[string]any, []string) {
	epcs := []string{"urn:epc:id:ginc:6901234.HLJ-2026%2F118", "urn:epc:id:gsin:6901234.000000118", "urn:epc:id:upui:6901234.050002.TPX-77",
		"urn:epc:id:gid:95100000.12345.400", "urn:epc:id:usdod:2S194.12345678901", "urn:epc:id:adi:2S194.12345A1.%23A1"}
	events := []map[string]any{
		{"type": "ObjectEvent", "eventID": "urn:uuid:5a1e0c3e-0000-4000-8000-000000000001", "eventTime": "2026-10-06T08:00:00+08:00",
			"eventTimeZoneOffset": "+08:00", "action": "ADD", "bizStep": "commissioning", "epcList": epcs,
			"bizLocation": map[string]any{"id": "urn:epc:id:sgln:6901234.00001.0"}},
		{"type": "AggregationEvent", "eventID": "urn:uuid:5a1e0c3e-0000-4000-8000-000000000002", "eventTime": "2026-10-06T09:00:00+08:00",
			"eventTimeZoneOffset": "+08:00", "action": "ADD", "bizStep": "loading", "parentID": "urn:epc:id:bic:CSQU3054383",
			"childEPCs": []string{epcs[0]}, "readPoint": map[string]any{"id": "urn:epc:id:imovn:9176187"}},
	}
	doc, _ := json.Marshal(map[string]any{"@context": []string{"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"},
		"type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-10-06T10:00:00Z", "epcisBody": map[string]any{"eventList": events}})
	return doc, events, append(epcs, "urn:epc:id:bic:CSQU3054383")
}
