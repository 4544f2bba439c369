package epcis

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
)

// writeObject writes what json.Marshal writes for the same map of compact values.
func TestWriteObjectAgreesWithMarshal(t *testing.T) {
	for _, doc := range []string{
		`{"type":"ObjectEvent","eventID":"urn:uuid:1","quantityList":[{"epcClass":"urn:epc:class:lgtin:6901234.050002.L1","quantity":1000.50,"uom":"KGM"}]}`,
		`{"ext:note":"<b>稻 & 谷</b>","z":null,"a":true,"n":1e3,"nested":{"y":"` + "\u2028" + `","x":[1,"\u003c"]}}`,
		`{}`,
		`{"<key>":"v","a\"b":"w"}`,
	} {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if got := writeObject(m); !bytes.Equal(got, want) {
			t.Errorf("writeObject(%s)\n = %s\nwant %s", doc, got, want)
		}
	}
}

// TestCapturedEventJSON: a captured event renders as encoding/json would render its EPCIS object
// with the ledger's recordTime (and the derived eventID when it came without one), byte for byte,
// for GS1-shaped documents and for stored JSON that is not canonical.
func TestCapturedEventJSON(t *testing.T) {
	var events []domain.Event
	files, _ := filepath.Glob("../gateway/testdata/epcis/*.jsonld")
	if len(files) == 0 {
		t.Fatal("no EPCIS test documents in gateway/testdata/epcis")
	}
	for _, f := range files {
		doc, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := epcisevent.Decode(doc, domain.Party{Enterprise: "COOP-1"})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		events = append(events, evs...)
	}
	for _, raw := range []string{
		`{"type":"ObjectEvent","eventTime":"2026-10-01T08:00:00+08:00","note":"<b>稻 & 谷</b>"}`, // no eventID
		`{"type":"ObjectEvent","eventID":"urn:uuid:1","eventID":"urn:uuid:2","recordTime":"1999-01-01T00:00:00Z"}`,
		"{ \"type\" : \"ObjectEvent\", \"eventID\" : \"urn:uuid:3\", \"x\" : \"\xff\" }",
	} {
		events = append(events, domain.Event{ID: "e-stored", EPCIS: json.RawMessage(raw)})
	}
	for i, e := range events {
		e.RecordTime = "2026-10-01T08:00:01.5Z"
		got, err := EventJSON(e)
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(e.EPCIS, &m); err != nil {
			t.Fatal(err)
		}
		m["recordTime"], _ = json.Marshal(e.RecordTime)
		if _, ok := m["eventID"]; !ok {
			m["eventID"], _ = json.Marshal(EventID(e))
		}
		want, _ := json.Marshal(m)
		if !bytes.Equal(got, want) {
			t.Errorf("event %d:\n got %s\nwant %s", i, got, want)
		}
	}
}
