package epcisevent

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
)

// field is a member of an object: its name as decoded, its value as sent and, when the scanner
// wrote it, the value's canonical form.
type field struct {
	key   []byte
	val   []byte
	canon []byte
}

// object is the members of a JSON object, at most one per name.
type object []field

func (o object) get(k string) ([]byte, bool) {
	for i := range o {
		if string(o[i].key) == k {
			return o[i].val, true
		}
	}
	return nil, false
}

// str reads a member as json.Unmarshal into a string would ("" when it is missing or not a string).
func (o object) str(k string) string {
	raw, _ := o.get(k)
	if len(raw) > 2 && raw[0] == '"' {
		if s, ok := vocabulary(raw[1 : len(raw)-1]); ok {
			return s
		}
	}
	return rawString(raw)
}

// vocabulary returns the words nearly every event spells (its type, action, bizStep, zone) without
// allocating them again each time.
func vocabulary(b []byte) (string, bool) {
	switch string(b) {
	case "ObjectEvent":
		return "ObjectEvent", true
	case "AggregationEvent":
		return "AggregationEvent", true
	case "TransformationEvent":
		return "TransformationEvent", true
	case "TransactionEvent":
		return "TransactionEvent", true
	case "AssociationEvent":
		return "AssociationEvent", true
	case "ADD":
		return "ADD", true
	case "OBSERVE":
		return "OBSERVE", true
	case "DELETE":
		return "DELETE", true
	case "commissioning":
		return "commissioning", true
	case "shipping":
		return "shipping", true
	case "receiving":
		return "receiving", true
	case "storing":
		return "storing", true
	case "inspecting":
		return "inspecting", true
	case "packing":
		return "packing", true
	case "+08:00":
		return "+08:00", true
	case "+00:00":
		return "+00:00", true
	}
	return "", false
}

func rawString(raw []byte) string {
	if s, ok := plainString(raw); ok {
		return s
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// plainString reads a JSON string with no escapes, control characters or invalid UTF-8 — nearly
// every string of an event — as json.Unmarshal would, without its reflection; ok is false for
// anything else, which is left to json.Unmarshal.
func plainString(raw []byte) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	body := raw[1 : len(raw)-1]
	for _, c := range body {
		if c < 0x20 || c == '"' || c == '\\' {
			return "", false
		}
	}
	if !utf8.Valid(body) {
		return "", false
	}
	return string(body), true
}

// The members read below are read the quick way when they are shaped as nearly every capture
// shapes them, and otherwise by json.Unmarshal into the types the decoder has always used, which
// then decides (case-insensitive names, null, a quantity sent as a string, repeated names…).
// The values are valid JSON, read by the scanner or out of encoding/json's own decoding, which
// lets repeated names and invalid UTF-8 through: jsontext reads them again as leniently (anything
// it refused would only be left to json.Unmarshal).
var lenient = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}

// reader is a tokenizer reading one value in place at a time: the scanner's, then the event's
// members'. It is reused (a pooled scanner's, or from readers), for its working space.
type reader struct {
	dec jsontext.Decoder
	in  bytes.Buffer
}

var readers = sync.Pool{New: func() any { return new(reader) }}

// reset has the tokenizer read raw, in place.
func (r *reader) reset(raw []byte, opts ...jsontext.Options) *jsontext.Decoder {
	r.in = *bytes.NewBuffer(raw)
	r.dec.Reset(&r.in, opts...)
	return &r.dec
}

// release lets go of the value last read (the tokenizer reads it in place).
func (r *reader) release() {
	r.in = bytes.Buffer{}
	r.dec.Reset(&r.in)
}

// elements calls f with each element of an array as written; false when raw is not an array or
// f returns false.
func (r *reader) elements(raw []byte, f func(v []byte) bool) bool {
	d := r.reset(raw, lenient...)
	if d.PeekKind() != '[' {
		return false
	}
	d.ReadToken()
	for d.PeekKind() != ']' {
		v, err := d.ReadValue()
		if err != nil || !f(v) {
			return false
		}
	}
	return true
}

// stringList reads an array of plain strings.
func (r *reader) stringList(raw []byte) ([]string, bool) {
	var out []string
	ok := r.elements(raw, func(v []byte) bool {
		s, ok := plainString(v)
		out = append(out, s)
		return ok
	})
	if !ok {
		return nil, false
	}
	return out, true
}

// members reads the object at d, putting the value of each name of names into vals (at its
// index). ok is false — the quick way does not apply — unless every name is plain ASCII and the
// names that match one of names case-insensitively (as encoding/json matches a struct's fields)
// match it exactly, once each.
func members(d *jsontext.Decoder, names []string, vals [][]byte) bool {
	if d.PeekKind() != '{' {
		return false
	}
	d.ReadToken()
	clear(vals)
	for d.PeekKind() != '}' {
		k, err := d.ReadValue()
		if err != nil {
			return false
		}
		k = k[1 : len(k)-1]
		for _, b := range k {
			if b < 0x20 || b >= utf8.RuneSelf || b == '\\' {
				return false
			}
		}
		v, err := d.ReadValue()
		if err != nil {
			return false
		}
		for j, n := range names {
			if !strings.EqualFold(string(k), n) {
				continue
			}
			if string(k) != n || vals[j] != nil {
				return false
			}
			vals[j] = v
		}
	}
	_, err := d.ReadToken()
	return err == nil
}

// objects reads an array of objects with members (see members), calling f with each one's values.
func (r *reader) objects(raw []byte, names []string, f func(vals [][]byte) bool) bool {
	d := r.reset(raw, lenient...)
	if d.PeekKind() != '[' {
		return false
	}
	d.ReadToken()
	var buf [4][]byte
	vals := buf[:len(names)]
	for d.PeekKind() != ']' {
		if !members(d, names, vals) || !f(vals) {
			return false
		}
	}
	return true
}

// optString reads a member read by members that json.Unmarshal would read into a string: absent
// is "", a plain string is itself; anything else is left to json.Unmarshal (ok false).
func optString(raw []byte) (string, bool) {
	if raw == nil {
		return "", true
	}
	return plainString(raw)
}

// locationID reads {"id": …} as json.Unmarshal into struct{ ID string `json:"id"` } would;
// skip is true when that fails or gives no id.
func (r *reader) locationID(raw []byte) (id string, skip bool) {
	if len(raw) == 0 || raw[0] != '{' {
		return "", true // missing or not an object (a value as sent starts with itself): decoding fails, or null gives no id
	}
	var vals [1][]byte
	if members(r.reset(raw, lenient...), idName, vals[:]) {
		if s, ok := optString(vals[0]); ok {
			return s, s == ""
		}
	}
	var l struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(raw, &l) != nil || l.ID == "" {
		return "", true
	}
	return l.ID, false
}

var idName = []string{"id"}
