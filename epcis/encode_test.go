package epcis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/internal/epcisdocs"
)

// TestCapturedEventJSON: a captured event renders as encoding/json would render its EPCIS object
// with the ledger's recordTime (and the derived eventID when it came without one), byte for byte,
// for GS1-shaped documents and for stored JSON that is not canonical.
func TestCapturedEventJSON(t *testing.T) {
	events := epcisdocs.Events(t, domain.Party{Enterprise: "COOP-1"})
	decoded := len(events) // as the capture decoder keeps them: each head reads without rendering
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
		want, err := capturedOracle(e)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("event %d:\n got %s\nwant %s", i, got, want)
		}
		h, ok := capturedHead(e)
		if wantHead, err := headOf(got); (!ok && i < decoded) || ok && (err != nil || h != wantHead) {
			t.Errorf("event %d: head without rendering %+v (%v), the rendering's %+v (%v)", i, h, ok, wantHead, err)
		}
	}
}

// capturedOracle renders a captured event as the specification says: its EPCIS object decoded by
// encoding/json into a map, recordTime set, eventID added when missing, written by json.Marshal.
func capturedOracle(e domain.Event) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(e.EPCIS, &m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("not an object")
	}
	if e.RecordTime != "" {
		m["recordTime"], _ = json.Marshal(e.RecordTime)
	}
	if _, ok := m["eventID"]; !ok {
		m["eventID"], _ = json.Marshal(EventID(e))
	}
	return json.Marshal(m)
}

// FuzzCapturedEventJSON: whatever a stored captured event holds, the renderer writes the oracle's
// bytes, or both refuse it.
func FuzzCapturedEventJSON(f *testing.F) {
	for _, s := range []string{
		`{"type":"ObjectEvent","eventID":"urn:uuid:1","quantityList":[{"epcClass":"urn:epc:class:lgtin:6901234.050002.L1","quantity":1000.50,"uom":"KGM"}]}`,
		`{"type":"ObjectEvent","eventID":"urn:uuid:1","eventID":"urn:uuid:2","recordTime":"1999-01-01T00:00:00Z","zz":{"a":[1, 2]}}`,
		"{ \"type\" : \"ObjectEvent\", \"x\" : \"\xff<&>\u2028\" }",
		`{"eventid":"lower","EventID":"upper","\u0065ventID":"escaped"}`,
		`null`, `[]`, `{}`, `{"a":1} {}`, `"x"`,
		`{"type":"ObjectEvent","EventID":"upper","readPoint":{"ID":"x","id":"y"},"bizLocation":{"id":"urn:epc:id:sgln:6901234.00001.0"},"bizStep":"receiving","disposition":"in_progress","action":"ADD"}`,
		`{"type":"ObjectEvent","eventID":"urn:uuid:9","readPoint":null,"bizStep":5}`,
	} {
		f.Add([]byte(s), "2026-10-01T08:00:01.5Z")
	}
	f.Fuzz(func(t *testing.T, raw []byte, recordTime string) {
		if len(raw) == 0 {
			return // no EPCIS: a native event
		}
		e := domain.Event{ID: "e-stored", EPCIS: raw, RecordTime: recordTime}
		want, werr := capturedOracle(e)
		got, gerr := EventJSON(e)
		if (werr != nil) != (gerr != nil) || !bytes.Equal(got, want) {
			t.Fatalf("EPCIS %q:\n got %s (%v)\nwant %s (%v)", raw, got, gerr, want, werr)
		}
		// the head read without rendering is the rendering's
		if h, ok := capturedHead(e); ok {
			if werr != nil {
				t.Fatalf("EPCIS %q: a head %+v read from what does not render (%v)", raw, h, werr)
			}
			if want, err := headOf(got); err != nil || h != want {
				t.Fatalf("EPCIS %q:\n head %+v\n want %+v (%v)", raw, h, want, err)
			}
		}
	})
}

// BenchmarkCapturedEventJSON: a captured commissioning event as a read model renders it when it is
// read, by the oracle (a map and json.Marshal) and by the renderer; and its head, read from the
// rendering and without it.
func BenchmarkCapturedEventJSON(b *testing.B) {
	e := domain.Event{ID: "urn:uuid:bench-1", RecordTime: "2026-11-26T01:02:03.123456789Z", EPCIS: json.RawMessage(
		`{"action":"ADD","bizLocation":{"id":"urn:epc:id:sgln:6901234.00001.0"},"bizStep":"commissioning","eventID":"urn:uuid:bench-1",` +
			`"eventTime":"2026-10-01T08:00:00+08:00","eventTimeZoneOffset":"+08:00",` +
			`"quantityList":[{"epcClass":"urn:epc:class:lgtin:6901234.050002.L1","quantity":1000,"uom":"KGM"}],"type":"ObjectEvent"}`)}
	b.Run("oracle", func(b *testing.B) {
		for b.Loop() {
			if _, err := capturedOracle(e); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("EventJSON", func(b *testing.B) {
		for b.Loop() {
			if _, err := EventJSON(e); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("head-of-rendering", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := Render(e); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("HeadOf", func(b *testing.B) {
		for b.Loop() {
			if _, err := HeadOf(e); err != nil {
				b.Fatal(err)
			}
		}
	})
}
