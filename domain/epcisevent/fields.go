package epcisevent

import (
	"encoding/json"
	"strings"
	"unicode/utf8"
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
// The values are valid JSON: read by the scanner, or out of encoding/json's own decoding.

// cursor walks valid JSON.
type cursor struct {
	b []byte
	i int
}

// peek is the next byte after white space, 0 at the end.
func (c *cursor) peek() byte {
	for c.i < len(c.b) {
		switch c.b[c.i] {
		case ' ', '\t', '\n', '\r':
			c.i++
		default:
			return c.b[c.i]
		}
	}
	return 0
}

// token returns the string, number or literal at c.
func (c *cursor) token() []byte {
	c.peek()
	start := c.i
	if c.i < len(c.b) && c.b[c.i] == '"' {
		for c.i++; c.i < len(c.b); c.i++ {
			switch c.b[c.i] {
			case '\\':
				c.i++
			case '"':
				c.i++
				return c.b[start:c.i]
			}
		}
		return c.b[start:c.i]
	}
	for ; c.i < len(c.b); c.i++ {
		switch c.b[c.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return c.b[start:c.i]
		}
	}
	return c.b[start:c.i]
}

// skip passes the value at c.
func (c *cursor) skip() {
	switch c.peek() {
	case '{', '[':
		depth := 0
		for ; c.i < len(c.b); c.i++ {
			switch c.b[c.i] {
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					c.i++
					return
				}
			case '"':
				c.token()
				c.i--
			}
		}
	default:
		c.token()
	}
}

// next passes the separator after an element or member: ok when another follows, false at the
// end of the array or object.
func (c *cursor) next() bool {
	if c.peek() == ',' {
		c.i++
		return true
	}
	c.i++ // ] or }
	return false
}

// strings reads an array of plain strings.
func stringList(raw []byte) ([]string, bool) {
	c := cursor{b: raw}
	if c.peek() != '[' {
		return nil, false
	}
	c.i++
	var out []string
	if c.peek() == ']' {
		return out, true
	}
	for more := true; more; more = c.next() {
		s, ok := plainString(c.token())
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// members reads the object at c, putting the value of each name of names into vals (at its
// index). ok is false — the quick way does not apply — unless every name is plain ASCII and the
// names that match one of names case-insensitively (as encoding/json matches a struct's fields)
// match it exactly, once each.
func (c *cursor) members(names []string, vals [][]byte) bool {
	if c.peek() != '{' {
		return false
	}
	c.i++
	clear(vals)
	if c.peek() == '}' {
		c.i++
		return true
	}
	for more := true; more; more = c.next() {
		k := c.token()
		if len(k) < 2 || k[0] != '"' {
			return false
		}
		k = k[1 : len(k)-1]
		for _, b := range k {
			if b < 0x20 || b >= utf8.RuneSelf || b == '\\' {
				return false
			}
		}
		c.peek()
		c.i++ // :
		matched := false
		for j, n := range names {
			if !strings.EqualFold(string(k), n) {
				continue
			}
			if string(k) != n || vals[j] != nil {
				return false
			}
			c.peek()
			start := c.i
			c.skip()
			vals[j], matched = c.b[start:c.i], true
		}
		if !matched {
			c.skip()
		}
	}
	return true
}

// objects reads an array of objects with members (see members), calling f with each one's values.
func objects(raw []byte, names []string, f func(vals [][]byte) bool) bool {
	c := cursor{b: raw}
	if c.peek() != '[' {
		return false
	}
	c.i++
	if c.peek() == ']' {
		return true
	}
	var buf [4][]byte
	vals := buf[:len(names)]
	for more := true; more; more = c.next() {
		if !c.members(names, vals) || !f(vals) {
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
func locationID(raw []byte) (id string, skip bool) {
	if len(raw) == 0 || raw[0] != '{' {
		return "", true // missing or not an object (a value as sent starts with itself): decoding fails, or null gives no id
	}
	var vals [1][]byte
	c := cursor{b: raw}
	if c.members(idName, vals[:]) {
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
