package epcisevent

import (
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
