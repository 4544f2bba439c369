package epcisevent

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/epcis"
)

func TestDecodeMapping(t *testing.T) {
	b, err := os.ReadFile("../../gateway/testdata/epcis/object-events.jsonld")
	if err != nil {
		t.Fatal(err)
	}
	evs, err := Decode(b, domain.Party{Enterprise: "P"})
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.EventType{domain.Produce, domain.Transport, domain.Store}
	for i, e := range evs {
		if e.Type != want[i] {
			t.Errorf("event %d mapped to %s, want %s", i, e.Type, want[i])
		}
		if !strings.HasPrefix(e.ID, "ni:///sha-256;") {
			t.Errorf("derived id %q", e.ID)
		}
	}
	if evs[0].Outputs[0].Quantity != (domain.Quantity{Value: 1200, Unit: "kg"}) || evs[1].EventTime != "2026-09-20T10:33:31.116+08:00" {
		t.Errorf("quantity/time: %+v %s", evs[0].Outputs[0].Quantity, evs[1].EventTime)
	}
	again, _ := Decode(b, domain.Party{Enterprise: "P"})
	if again[2].ID != evs[2].ID {
		t.Error("derived ids are not stable")
	}
	// round trip through the exporter
	out, err := epcis.Encode(evs, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(out, domain.Party{Enterprise: "P"})
	if err != nil || len(back) != 3 || back[0].Type != domain.Produce {
		t.Fatalf("re-decode export: %v %+v", err, back)
	}
	for _, tc := range []struct{ doc, pointer string }{
		{`[]`, ""},
		{`{"type":"EPCISDocument","epcisBody":{"event":{"type":"ObjectEvent","action":"OBSERVE","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00"}}}`, "/epcisBody/eventList/0"},
		{`{"type":"EPCISDocument","epcisBody":{"eventList":{}}}`, "/epcisBody/eventList"},
		{`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"TransformationEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","inputEPCList":["urn:epc:id:sgtin:0614141.107346.1"]}]}}`, "/epcisBody/eventList/0"},
		{`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"yesterday","eventTimeZoneOffset":"+00:00"}]}}`, "/epcisBody/eventList/0/eventTime"},
		{`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"AggregationEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","parentID":"urn:epc:id:sscc:1.2"}]}}`, "/epcisBody/eventList/0/parentID"},
		{`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","quantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":-1}]}]}}`, "/epcisBody/eventList/0/quantityList/0/quantity"},
	} {
		_, err := Decode([]byte(tc.doc), domain.Party{})
		var e *Error
		if !errors.As(err, &e) || e.Pointer != tc.pointer {
			t.Errorf("%s: %v", tc.doc[:min(50, len(tc.doc))], err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, name := range []string{"object-events", "aggregation", "transformation"} {
		b, _ := os.ReadFile("../../gateway/testdata/epcis/" + name + ".jsonld")
		f.Add(b)
	}
	f.Add([]byte(`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent"}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		evs, err := Decode(data, domain.Party{Enterprise: "P"})
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error without a pointer: %v", err)
			}
			return
		}
		for _, e := range evs {
			if e.ID == "" || !e.Type.Valid() {
				t.Fatalf("decoded event without id or type: %+v", e)
			}
		}
	})
}

// The stored form of an event must not depend on how it is computed: events already on ledgers
// keep their content fingerprints and derived IDs, so a re-sent document stays a replay. The
// direct path (canonicalising the event's bytes) gives what canonicalising its members as a
// map, with the document's namespaces added, gives.
func TestCanonicalEventStable(t *testing.T) {
	files := []string{"../../epcis/testdata/docs/all-types.jsonld", "../../epcis/testdata/docs/more.jsonld",
		"../../epcis/testdata/docs/correction.jsonld", "../../epcis/testdata/docs/other-schemes.jsonld",
		"../../gateway/testdata/epcis/object-events.jsonld"}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Context   json.RawMessage `json:"@context"`
			EPCISBody struct {
				EventList []json.RawMessage `json:"eventList"`
			} `json:"epcisBody"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		ns, err := namespaces(doc.Context)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := Decode(b, domain.Party{Enterprise: "P"})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for i, raw := range doc.EPCISBody.EventList {
			var m map[string]json.RawMessage
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			if _, own := m["@context"]; !own && len(ns) > 0 {
				m["@context"], _ = json.Marshal(ns)
			}
			want, err := Canonical(m)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(evs[i].EPCIS, want) {
				t.Errorf("%s event %d:\n stored %s\n   want %s", f, i, evs[i].EPCIS, want)
			}
			n++
		}
	}
	if n < 10 {
		t.Fatalf("only %d events compared", n)
	}
}

// The contract's check projects a stored event as capture did, ID included.
func TestDecodeEventMatchesCapture(t *testing.T) {
	b, err := os.ReadFile("../../gateway/testdata/epcis/object-events.jsonld") // eventIDs derived from content
	if err != nil {
		t.Fatal(err)
	}
	evs, err := Decode(b, domain.Party{Enterprise: "P"})
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range evs {
		again, err := Project(e.EPCIS, e.Actor)
		if err != nil {
			t.Fatal(err)
		}
		if again.ID != e.ID || again.Type != e.Type || len(again.EPCIS) != 0 {
			t.Errorf("event %d: check projected %s %s (EPCIS kept: %d bytes), capture %s %s", i, again.ID, again.Type, len(again.EPCIS), e.ID, e.Type)
		}
	}
}
