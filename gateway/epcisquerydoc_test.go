package gateway

import (
	"bytes"
	"testing"
)

// TestEPCISCaptureQueryDocument: what one platform's repository answers to a query can be captured
// by another as it is (the binding's capture takes EPCISQueryDocuments): the national platform
// pulls a province's events page by page and records them, every field as the province has it.
func TestEPCISCaptureQueryDocument(t *testing.T) {
	province, national := newEnv(t), newEnv(t)
	province.captureDocs(t, "hlj", "all-types.jsonld")
	page := province.get("/epcis/events?perPage=100", "reg")
	pulled, _ := queryEvents(t, page)
	if len(pulled) < 5 {
		t.Fatalf("the province answered %d events", len(pulled))
	}
	status, job := national.captureJob(t, "hlj", page.body, nil)
	if status != 202 || job["success"] != true {
		t.Fatalf("capture of the query document: %d %v", status, job)
	}
	got, _ := queryEvents(t, national.get("/epcis/events?perPage=100", "reg"))
	if len(got) != len(pulled) {
		t.Fatalf("the national repository holds %d events, the province answered %d", len(got), len(pulled))
	}
	for i, want := range pulled {
		delete(want, "recordTime") // each repository records when it captured
		sameEvent(t, want, got[i])
	}

	// a refusal points into the query document as sent
	// (the first event once more, with one member more: another event under its eventID)
	first := province.get("/epcis/events?perPage=1", "reg").body
	changed := bytes.Replace(first, []byte(`"eventID"`), []byte(`"hlj:note":1,"eventID"`), 1)
	status, p := national.captureJob(t, "hlj", changed, nil)
	if status != 409 || p["pointer"] != "/epcisBody/queryResults/resultsBody/eventList/0/eventID" {
		t.Errorf("a changed event in a query document: %d %v", status, p)
	}
}
