// Package epcis writes agritrace events as GS1 EPCIS 2.0 documents (export, query results); the
// capture side, which the ledger rules also use, is domain/epcisevent.
package epcis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/agritrace/agritrace/domain"
)

// StandardContext is the EPCIS 2.0 JSON-LD context every document names first.
const StandardContext = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

// agritraceNS is the namespace of the fields a native event exports that EPCIS has no field for.
var agritraceNS = map[string]string{"agritrace": "https://agritrace.example/epcis/"}

// NativeEventIDPrefix makes a native event ID a URI, as EPCIS eventIDs are.
const NativeEventIDPrefix = "urn:agritrace:event:"

// EventID is the EPCIS eventID of a recorded event: the captured one, or the native ID as a URI.
func EventID(e domain.Event) string {
	if len(e.EPCIS) > 0 {
		var m struct {
			EventID string `json:"eventID"`
		}
		if json.Unmarshal(e.EPCIS, &m) == nil && m.EventID != "" {
			return m.EventID
		}
		// captured without an eventID: the ledger's content-derived ID stands in
		return e.ID
	}
	return NativeEventIDPrefix + e.ID
}

// EventJSON renders one recorded event as EPCIS 2.0 JSON. A captured event comes back exactly as
// captured, with the ledger's recordTime (and its derived eventID when it was sent without one);
// a native event is rendered through the mapping table with CBV bizSteps and UN/ECE units.
func EventJSON(e domain.Event) (json.RawMessage, error) {
	if len(e.EPCIS) > 0 {
		return capturedJSON(e)
	}
	return nativeJSON(e)
}

// capturedMember is one top-level member of a captured EPCIS event: its name, and its value as it stands.
type capturedMember struct {
	name  string
	value []byte
}

// capturedJSON renders a captured event: its EPCIS object with the ledger's recordTime (and the
// derived eventID when it has none), written as encoding/json writes a map of its members
// (sorted by name, the last of a repeated name kept, values HTML-escaped). The members are read at
// the top level only, each value taken as it stands: a read model renders every captured event it
// serves, and decoding the object into a map was most of that.
func capturedJSON(e domain.Event) (json.RawMessage, error) {
	dec := decoders.Get().(*jsontext.Decoder)
	defer decoders.Put(dec)
	dec.Reset(bytes.NewReader(e.EPCIS), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, fmt.Errorf("captured EPCIS event %s: %w", e.ID, err)
	}
	if tok.Kind() != '{' {
		return nil, fmt.Errorf("captured EPCIS event %s is not a JSON object", e.ID)
	}
	ms := make([]capturedMember, 0, 16)
	hasID := false
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		name := tok.String() // a token lasts until the next read
		v, err := dec.ReadValue()
		if err != nil {
			return nil, err
		}
		// the value where it stands in the input: what ReadValue returns lasts until the next read
		end := int(dec.InputOffset())
		hasID = hasID || name == "eventID"
		ms = append(ms, capturedMember{name, e.EPCIS[end-len(v) : end]})
	}
	if _, err := dec.ReadToken(); err != nil {
		return nil, err
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, fmt.Errorf("captured EPCIS event %s: data after its object", e.ID)
	}
	if e.RecordTime != "" {
		b, _ := json.Marshal(e.RecordTime)
		ms = append(ms, capturedMember{"recordTime", b})
	}
	if !hasID {
		b, _ := json.Marshal(EventID(e))
		ms = append(ms, capturedMember{"eventID", b})
	}
	// stable, so that of a name given twice the later stays later, and is the one kept
	slices.SortStableFunc(ms, func(a, b capturedMember) int { return strings.Compare(a.name, b.name) })
	var buf bytes.Buffer
	buf.Grow(len(e.EPCIS) + 64)
	buf.WriteByte('{')
	for i, m := range ms {
		if i+1 < len(ms) && ms[i+1].name == m.name {
			continue
		}
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		writeKey(&buf, m.name)
		buf.WriteByte(':')
		v := m.value
		if bytes.ContainsAny(v, " \t\r\n") {
			// space outside its strings, maybe (a stored event is canonical, so compact, nearly always)
			var c bytes.Buffer
			if err := json.Compact(&c, v); err != nil {
				return nil, err
			}
			v = c.Bytes()
		}
		json.HTMLEscape(&buf, v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// Head is what a read model indexes of a rendered event (the columns of its epcis_events).
type Head struct {
	Type, EventID, Action, BizStep, Disposition string
	ReadPoint, BizLocation                      string // their IDs
}

// Render renders e as EventJSON does, with its head read back from the rendering, as a client
// reading it would (HeadOf gives a native event's without rendering it).
func Render(e domain.Event) (json.RawMessage, Head, error) {
	doc, err := EventJSON(e)
	if err != nil {
		return nil, Head{}, err
	}
	h, err := headOf(doc)
	return doc, h, err
}

// HeadOf is the head of e's rendering. A native event without vendor extensions is not rendered
// for it: a read model that renders such events when they are read indexes them so.
func HeadOf(e domain.Event) (Head, error) {
	if len(e.EPCIS) == 0 && len(e.Extensions) == 0 {
		return nativeHead(e), nil
	}
	if len(e.EPCIS) > 0 {
		if h, ok := capturedHead(e); ok {
			return h, nil
		}
	}
	_, h, err := Render(e)
	return h, err
}

// headFields are the members a head reads, by their lower-case names: each its exact name, its
// bit (a name read twice is not plain), and where its value goes (the id of a location's object).
var headFields = map[string]struct {
	name string
	bit  uint8
	set  func(Head, string) Head
}{
	"type":        {"type", 1, func(h Head, v string) Head { h.Type = v; return h }},
	"eventid":     {"eventID", 2, func(h Head, v string) Head { h.EventID = v; return h }},
	"action":      {"action", 4, func(h Head, v string) Head { h.Action = v; return h }},
	"bizstep":     {"bizStep", 8, func(h Head, v string) Head { h.BizStep = v; return h }},
	"disposition": {"disposition", 16, func(h Head, v string) Head { h.Disposition = v; return h }},
	"readpoint":   {"readPoint", 32, func(h Head, v string) Head { h.ReadPoint = v; return h }},
	"bizlocation": {"bizLocation", 64, func(h Head, v string) Head { h.BizLocation = v; return h }},
}

// decoders are jsontext decoders for reading captured events, reset with each one's options.
var decoders = sync.Pool{New: func() any { return jsontext.NewDecoder(bytes.NewReader(nil)) }}

// capturedHead is the head of a captured event's rendering, read from its EPCIS object without
// rendering it (a read model indexes every captured event it applies): the rendering adds only
// recordTime, and an eventID when there is none. ok is false when the object is not as plain as
// that — a member named like a head field but for case, a head field that is not a string (an
// object for readPoint and bizLocation), a name given twice — and the rendering is read instead.
func capturedHead(e domain.Event) (h Head, ok bool) {
	dec := decoders.Get().(*jsontext.Decoder)
	defer decoders.Put(dec)
	dec.Reset(bytes.NewReader(e.EPCIS))
	if tok, err := dec.ReadToken(); err != nil || tok.Kind() != '{' {
		return Head{}, false
	}
	var seen uint8
	for dec.PeekKind() == '"' {
		tok, err := dec.ReadToken()
		if err != nil {
			return Head{}, false
		}
		name := tok.String()
		field, isHead := headFields[strings.ToLower(name)]
		if !isHead {
			if dec.SkipValue() != nil {
				return Head{}, false
			}
			continue
		}
		if field.name != name || seen&field.bit != 0 {
			return Head{}, false
		}
		seen |= field.bit
		if name == "readPoint" || name == "bizLocation" {
			v, err := dec.ReadValue()
			if err != nil || v.Kind() != '{' {
				return Head{}, false
			}
			var loc struct {
				ID string `json:"id"`
			}
			if jsonv2.Unmarshal(v, &loc, jsonv2.MatchCaseInsensitiveNames(true)) != nil {
				return Head{}, false
			}
			h = field.set(h, loc.ID)
			continue
		}
		v, err := dec.ReadToken()
		if err != nil || v.Kind() != '"' {
			return Head{}, false
		}
		h = field.set(h, v.String())
	}
	if _, err := dec.ReadToken(); err != nil {
		return Head{}, false
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return Head{}, false
	}
	if seen&headFields["eventid"].bit == 0 {
		h.EventID = EventID(e)
	}
	return h, true
}

// headOf reads a rendered event's head, member names matched without regard to case as
// encoding/json matches them, with the encoding/json/v2 decoder: decoding every list of the
// document with encoding/json was a tenth of applying an event.
func headOf(doc json.RawMessage) (Head, error) {
	var f struct {
		Type        string `json:"type"`
		EventID     string `json:"eventID"`
		Action      string `json:"action"`
		BizStep     string `json:"bizStep"`
		Disposition string `json:"disposition"`
		ReadPoint   struct {
			ID string `json:"id"`
		} `json:"readPoint"`
		BizLocation struct {
			ID string `json:"id"`
		} `json:"bizLocation"`
	}
	if err := jsonv2.Unmarshal(doc, &f, jsonv2.MatchCaseInsensitiveNames(true)); err != nil {
		return Head{}, err
	}
	return Head{Type: f.Type, EventID: f.EventID, Action: f.Action, BizStep: f.BizStep, Disposition: f.Disposition,
		ReadPoint: f.ReadPoint.ID, BizLocation: f.BizLocation.ID}, nil
}

// writeKey writes k as json.Marshal does. EPCIS member names are plain ASCII (letters, digits and
// ':', '_', '-', '.', '@'): those are written as they are, anything else through json.Marshal.
func writeKey(buf *bytes.Buffer, k string) {
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == ':' || c == '_' || c == '-' || c == '.' || c == '@') {
			b, _ := json.Marshal(k)
			buf.Write(b)
			return
		}
	}
	buf.WriteByte('"')
	buf.WriteString(k)
	buf.WriteByte('"')
}

// Context is the document @context: the standard context and agritrace's namespace.
func Context() []any { return []any{StandardContext, agritraceNS} }

// Encode renders events as an EPCIS 2.0 JSON-LD capture document.
func Encode(events []domain.Event, created time.Time) ([]byte, error) {
	list := make([]json.RawMessage, 0, len(events))
	for _, e := range events {
		b, err := EventJSON(e)
		if err != nil {
			return nil, err
		}
		list = append(list, b)
	}
	doc := map[string]any{
		"@context":      Context(),
		"type":          "EPCISDocument",
		"schemaVersion": "2.0",
		"creationDate":  created.UTC().Format(time.RFC3339),
		"epcisBody":     map[string]any{"eventList": list},
	}
	return json.MarshalIndent(doc, "", " ")
}

// QueryDocument wraps rendered events as the EPCISQueryDocument a query answers with (and a
// subscription delivers, naming itself in subscriptionID).
func QueryDocument(queryName, subscriptionID string, events []json.RawMessage, created time.Time) ([]byte, error) {
	if events == nil {
		events = []json.RawMessage{}
	}
	results := map[string]any{"queryName": queryName, "resultsBody": map[string]any{"eventList": events}}
	if subscriptionID != "" {
		results["subscriptionID"] = subscriptionID
	}
	doc := map[string]any{
		"@context":      Context(),
		"type":          "EPCISQueryDocument",
		"schemaVersion": "2.0",
		"creationDate":  created.UTC().Format(time.RFC3339),
		"epcisBody":     map[string]any{"queryResults": results},
	}
	return json.Marshal(doc)
}
