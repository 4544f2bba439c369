package epcisevent

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/agritrace/agritrace/domain"
)

// document is a capture document as read, by the scanner or generically.
type document struct {
	fields  object
	bodyOK  bool     // epcisBody is an object
	list    []source // its events (eventList's elements, or event)
	listErr *Error   // eventList is missing or not an array
}

// events checks the document and decodes its events, refusing in the order the decoder always has
// (the first problem met is the one a client is told of).
func (d *document) events(actor domain.Party, rd *reader) ([]domain.Event, error) {
	typ := d.fields.str("type")
	if typ == "" {
		typ = d.fields.str("isA") // early EPCIS 2.0 drafts
	}
	if typ != "EPCISDocument" {
		return nil, errAt("/type", "want an EPCISDocument, got %q", typ)
	}
	sv, _ := d.fields.get("schemaVersion")
	if v := strings.Trim(string(sv), `"`); v != "" && !strings.HasPrefix(v, "2") {
		return nil, errAt("/schemaVersion", "EPCIS schema version %s: only 2.x is accepted", v)
	}
	if !d.bodyOK {
		return nil, errAt("/epcisBody", "missing or not an object")
	}
	if d.listErr != nil {
		return nil, d.listErr
	}
	if len(d.list) == 0 || len(d.list) > MaxEvents {
		return nil, errAt("/epcisBody/eventList", "a capture carries 1 to %d events, got %d", MaxEvents, len(d.list))
	}
	out := make([]domain.Event, 0, len(d.list))
	for i := range d.list {
		e, err := decodeEvent(&d.list[i], "/epcisBody/eventList/"+strconv.Itoa(i), actor, true, rd)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// document reads a whole capture document the plain way; ok is false when it is not plain.
func (s *scanner) document() (*document, bool) {
	s.start()
	if s.dec.PeekKind() != '{' {
		return nil, false // not an object: the generic way says what it is
	}
	s.fields = make([]member, 0, len(s.src)/32)
	s.out = make([]byte, 0, len(s.src))
	if !s.object(docLevel, false) || !s.end() {
		return nil, false
	}
	d := &document{fields: s.objectOf(s.doc, false)}
	if raw, ok := d.fields.get("epcisBody"); ok && raw[0] == '{' {
		d.bodyOK = true
	}
	body := s.objectOf(s.body, false)
	ctx, ok := s.namespaces(d.fields)
	if !ok {
		return nil, false
	}
	all := s.objectOf(s.fields, true)
	events := func(sc []scanned) {
		for _, e := range sc {
			src := source{raw: s.src[e.vs:e.ve:e.ve], ok: e.obj, plain: true, canon: true, ctx: ctx}
			if e.obj {
				src.fields = all[e.from:e.to:e.to]
			}
			d.list = append(d.list, src)
		}
	}
	if raw, ok := body.get("eventList"); ok {
		switch raw[0] {
		case '[':
			d.list = make([]source, 0, len(s.list))
			events(s.list)
		case 'n': // null: no events
		default:
			d.listErr = errAt("/epcisBody/eventList", "must be an array of events")
		}
	} else if raw, ok := body.get("event"); ok {
		if raw[0] == '{' {
			events(s.single)
		} else {
			d.list = []source{{raw: raw, plain: true}}
		}
	} else {
		d.listErr = errAt("/epcisBody/eventList", "missing")
	}
	return d, true
}

// objectOf gives members read by the scanner their names (unquoted: plain) and values.
func (s *scanner) objectOf(ms []member, canon bool) object {
	return s.appendObject(make(object, 0, len(ms)), ms, canon)
}

func (s *scanner) appendObject(o object, ms []member, canon bool) object {
	for _, m := range ms {
		f := field{key: s.name(m), val: s.src[m.vs:m.ve:m.ve]}
		if canon && s.write {
			f.canon = s.out[m.start:m.end:m.end]
		}
		o = append(o, f)
	}
	return o
}

// namespaces is the canonical JSON of the document's @context entries other than the standard
// EPCIS context, which an event without a @context of its own takes (nil: none).
func (s *scanner) namespaces(doc object) ([]byte, bool) {
	raw, ok := doc.get("@context")
	if !ok {
		return nil, true
	}
	entries := [][]byte{raw}
	switch raw[0] {
	case 'n':
		return nil, true // null: no entries
	case '[':
		entries = entries[:0]
		if !s.rd.elements(raw, func(v []byte) bool { entries = append(entries, v); return true }) {
			return nil, false
		}
	}
	out := []byte{'['}
	n := 0
	for _, c := range entries {
		if v, ok := plainString(c); ok && standardContexts[v] {
			continue
		}
		canon, ok := canonicalPlain(c)
		if !ok {
			return nil, false
		}
		if n > 0 {
			out = append(out, ',')
		}
		out, n = append(out, canon...), n+1
	}
	if n == 0 {
		return nil, true
	}
	return append(out, ']'), true
}

// readDocument reads a capture document the generic way.
func readDocument(data []byte) (*document, error) {
	var doc map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, errAt("", "not a JSON object: %v", err)
	}
	d := &document{fields: fromMap(doc)}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(doc["epcisBody"], &body); err == nil && body != nil {
		d.bodyOK = true
	}
	ns, _ := namespaces(doc["@context"])
	var list []json.RawMessage
	if raw, ok := body["eventList"]; ok {
		if err := json.Unmarshal(raw, &list); err != nil {
			d.listErr = errAt("/epcisBody/eventList", "must be an array of events")
		}
	} else if raw, ok := body["event"]; ok {
		list = []json.RawMessage{raw}
	} else {
		d.listErr = errAt("/epcisBody/eventList", "missing")
	}
	for _, raw := range list {
		d.list = append(d.list, source{raw: raw, ns: ns})
	}
	return d, nil
}

func fromMap(m map[string]json.RawMessage) object {
	o := make(object, 0, len(m))
	for k, v := range m {
		o = append(o, field{key: []byte(k), val: v})
	}
	return o
}

// standardContexts are the @context entries every EPCIS 2.0 document may name; the rest are the
// sender's namespaces.
var standardContexts = map[string]bool{
	"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld": true,
	"https://ref.gs1.org/standards/epcis/epcis-context.jsonld":       true,
	"https://gs1.github.io/EPCIS/epcis-context.jsonld":               true,
}

// namespaces returns the document's @context entries other than the standard EPCIS context.
func namespaces(raw json.RawMessage) ([]json.RawMessage, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		list = []json.RawMessage{raw}
	}
	var out []json.RawMessage
	for _, c := range list {
		var s string
		if json.Unmarshal(c, &s) == nil && standardContexts[s] {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}
