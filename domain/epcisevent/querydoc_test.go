package epcisevent_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
)

// asQueryDocument wraps a capture document's events as a repository's query answer carries them:
// each with the time that repository recorded it.
func asQueryDocument(t *testing.T, doc []byte) []byte {
	t.Helper()
	var d map[string]json.RawMessage
	if err := json.Unmarshal(doc, &d); err != nil {
		t.Fatal(err)
	}
	var body struct {
		EventList []map[string]json.RawMessage `json:"eventList"`
	}
	if err := json.Unmarshal(d["epcisBody"], &body); err != nil {
		t.Fatal(err)
	}
	for _, e := range body.EventList {
		e["recordTime"] = json.RawMessage(`"2026-11-26T08:59:59.123Z"`)
	}
	q, _ := json.Marshal(map[string]any{"@context": d["@context"], "type": "EPCISQueryDocument", "schemaVersion": "2.0",
		"creationDate": "2026-11-26T09:00:00Z", "epcisBody": map[string]any{"queryResults": map[string]any{
			"queryName": "SimpleEventQuery", "subscriptionID": "s-1", "resultsBody": map[string]any{"eventList": body.EventList}}}})
	return q
}

// TestDecodeCaptureQueryDocument: the events of an EPCISQueryDocument are captured exactly as the
// same events in an EPCISDocument are (the event of record, its ID and its projection), for every
// test document: the other repository's recordTime is not part of them, and a string with <, >
// and & stays as it was sent.
func TestDecodeCaptureQueryDocument(t *testing.T) {
	files, _ := filepath.Glob("../../epcis/testdata/docs/*.jsonld")
	more, _ := filepath.Glob("../../gateway/testdata/epcis/*.jsonld")
	files = append(files, more...)
	if len(files) < 4 {
		t.Fatalf("test documents: %v", files)
	}
	actor := domain.Party{Enterprise: "T"}
	docs := map[string][]byte{"escapes": []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"x":"https://x.example/"}],` +
		`"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-11-26T09:00:00Z","epcisBody":{"eventList":[{"type":"ObjectEvent",` +
		`"eventTime":"2026-10-01T08:00:00+08:00","eventTimeZoneOffset":"+08:00","action":"OBSERVE","epcList":["urn:epc:id:sgtin:6901234.050002.1"],"x:note":"<a> & <b>"}]}}`)}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[filepath.Base(f)] = b
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			want, list, err := epcisevent.DecodeCapture(doc, actor)
			if err != nil || list != epcisevent.DocumentList {
				t.Fatalf("as a capture document: %v (list %s)", err, list)
			}
			got, list, err := epcisevent.DecodeCapture(asQueryDocument(t, doc), actor)
			if err != nil || list != epcisevent.QueryList {
				t.Fatalf("as a query document: %v (list %s)", err, list)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("the query document's events differ from the capture document's:\n%+v\n%+v", got, want)
			}
		})
	}
	if got, _, _ := epcisevent.DecodeCapture(asQueryDocument(t, docs["escapes"]), actor); len(got) != 1 || !strings.Contains(string(got[0].EPCIS), `"<a> & <b>"`) {
		t.Errorf("escaped: %s", got[0].EPCIS)
	}
}

func TestDecodeCaptureQueryDocumentRefusals(t *testing.T) {
	for _, c := range []struct{ name, body, pointer string }{
		{"no results", `{"type":"EPCISQueryDocument","epcisBody":{"queryResults":{"queryName":"q"}}}`, epcisevent.QueryList},
		{"the events not a list", `{"type":"EPCISQueryDocument","epcisBody":{"queryResults":{"resultsBody":{"eventList":{}}}}}`, epcisevent.QueryList},
		{"an event without its time", `{"type":"EPCISQueryDocument","epcisBody":{"queryResults":{"resultsBody":{"eventList":[{"type":"ObjectEvent","action":"OBSERVE","epcList":["urn:epc:id:sgtin:6901234.050002.1"]}]}}}}`,
			epcisevent.QueryList + "/0/eventTime"},
		{"a member twice", `{"type":"EPCISQueryDocument","type":"EPCISQueryDocument","epcisBody":{}}`, "/type"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := epcisevent.DecodeCapture([]byte(c.body), domain.Party{Enterprise: "T"})
			var e *epcisevent.Error
			if !errors.As(err, &e) || e.Pointer != c.pointer {
				t.Errorf("error %v, want one at %s", err, c.pointer)
			}
		})
	}
}
