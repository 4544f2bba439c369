package epcisevent

import (
	"bytes"
	"slices"
	"unicode/utf8"
)

// scanner reads a capture document, or one event, in a single pass: it checks the JSON as the
// request paths' strict decoder would, notes where each member of the document, its epcisBody and
// each event lies, and writes the canonical form of the events' members as it goes. It takes on
// only the plain subset of strict JSON — strings without escapes, control characters, invalid
// UTF-8, U+2028 or U+2029, no repeated member name, modest nesting — for which every token is
// written as it stands and only object members are reordered, exactly as decoding and re-encoding
// (Canonical) would give. Anything else makes it give up (false) and the caller takes the generic
// way (strictjson, encoding/json), which gives the same result more slowly; nearly every capture is
// plain. Reading the bytes once replaces a strict check, a generic decoding of each level of the
// document and of each event, and a canonical re-encoding, which all read them again.
type scanner struct {
	src   []byte
	i     int
	write bool   // write events' canonical members to out
	out   []byte // canonical values
	tmp   []byte // an object being assembled in canonical order
	stack []member
	depth int

	doc, body []member   // the document's and its epcisBody's members
	fields    []member   // the members of every event, event after event
	list      []scanned  // eventList's elements, when it is an array
	single    []scanned  // epcisBody.event, when it is an object
	inList    bool       // reading eventList's elements
	top       *[]scanned // where a finished event object goes
	obj       object     // a single event's members (decodeSingle)
}

// member is a member of an object: where its name (quoted: plain) and its value are in src, and
// where its canonical form is in out. Offsets, not slices: members are copied about, and a struct
// without pointers is copied without the garbage collector's write barriers.
type member struct {
	ks, ke     int
	vs, ve     int
	start, end int
}

// name is a member's name as written, without its quotes.
func (s *scanner) name(m member) []byte { return s.src[m.ks+1 : m.ke-1 : m.ke-1] }

// scanned is an event (or an element of eventList that is not an object, with obj false).
type scanned struct {
	vs, ve   int // in src
	from, to int // its members in scanner.fields
	obj      bool
}

// maxDepth bounds nesting on the plain way (deeper documents take the generic way, whose own
// limits then apply).
const maxDepth = 256

type level int

const (
	plainLevel level = iota // any value
	docLevel                // the capture document
	bodyLevel               // its epcisBody
	eventLevel              // an event: members kept, not assembled
)

func (s *scanner) space() {
	for s.i < len(s.src) {
		switch s.src[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// end reports whether only white space is left.
func (s *scanner) end() bool {
	s.space()
	return s.i == len(s.src)
}

// value reads the value at s.i, writing it to out when write is set.
func (s *scanner) value(write bool) bool {
	s.space()
	if s.i >= len(s.src) {
		return false
	}
	start := s.i
	switch c := s.src[s.i]; c {
	case '{':
		return s.object(plainLevel, write)
	case '[':
		return s.array(write)
	case '"':
		if !s.str() {
			return false
		}
	case 't':
		if !s.literal("true") {
			return false
		}
	case 'f':
		if !s.literal("false") {
			return false
		}
	case 'n':
		if !s.literal("null") {
			return false
		}
	default:
		if !s.number() {
			return false
		}
	}
	if write {
		s.out = append(s.out, s.src[start:s.i]...)
	}
	return true
}

func (s *scanner) literal(lit string) bool {
	if !bytes.HasPrefix(s.src[s.i:], []byte(lit)) {
		return false
	}
	s.i += len(lit)
	return true
}

// number reads a number as RFC 8259 spells one.
func (s *scanner) number() bool {
	src, i := s.src, s.i
	if i < len(src) && src[i] == '-' {
		i++
	}
	switch {
	case i < len(src) && src[i] == '0':
		i++
	case i < len(src) && '1' <= src[i] && src[i] <= '9':
		for i++; i < len(src) && isDigit(src[i]); i++ {
		}
	default:
		return false
	}
	if i < len(src) && src[i] == '.' {
		i++
		if i >= len(src) || !isDigit(src[i]) {
			return false
		}
		for i++; i < len(src) && isDigit(src[i]); i++ {
		}
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		i++
		if i < len(src) && (src[i] == '+' || src[i] == '-') {
			i++
		}
		if i >= len(src) || !isDigit(src[i]) {
			return false
		}
		for i++; i < len(src) && isDigit(src[i]); i++ {
		}
	}
	s.i = i
	return true
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// str reads the string at s.i, if it is plain.
func (s *scanner) str() bool {
	src, i := s.src, s.i+1
	for i < len(src) {
		c := src[i]
		switch {
		case c == '"':
			s.i = i + 1
			return true
		case c == '\\' || c < 0x20:
			return false
		case c < utf8.RuneSelf:
			i++
		default:
			r, n := utf8.DecodeRune(src[i:])
			// encoding/json always escapes U+2028 and U+2029: left to the generic way
			if r == utf8.RuneError && n == 1 || r == '\u2028' || r == '\u2029' {
				return false
			}
			i += n
		}
	}
	return false
}

func (s *scanner) array(write bool) bool {
	if s.depth++; s.depth > maxDepth {
		return false
	}
	s.i++ // [
	if write {
		s.out = append(s.out, '[')
	}
	s.space()
	if s.i < len(s.src) && s.src[s.i] == ']' {
		s.i++
	} else {
		for n := 0; ; n++ {
			if n > 0 && write {
				s.out = append(s.out, ',')
			}
			if !s.element(write) {
				return false
			}
			s.space()
			if s.i >= len(s.src) {
				return false
			}
			if s.src[s.i] == ']' {
				s.i++
				break
			}
			if s.src[s.i] != ',' {
				return false
			}
			s.i++
		}
	}
	if write {
		s.out = append(s.out, ']')
	}
	s.depth--
	return true
}

// element reads an array element: an event when the array is eventList.
func (s *scanner) element(write bool) bool {
	if !s.inList {
		return s.value(write)
	}
	s.space()
	if s.i < len(s.src) && s.src[s.i] == '{' {
		return s.event(&s.list)
	}
	vs := s.i
	s.inList = false
	ok := s.value(false)
	s.inList = true
	s.list = append(s.list, scanned{vs: vs, ve: s.i})
	return ok
}

// event reads the event object at s.i into to.
func (s *scanner) event(to *[]scanned) bool {
	inList := s.inList
	s.inList = false
	s.top = to
	ok := s.object(eventLevel, s.write)
	s.inList = inList
	return ok
}

// member reads a member's value: the document's epcisBody and the body's events are read for
// what they are, the rest as plain values (written in an event).
func (s *scanner) member(lv level, key []byte, write bool) bool {
	s.space()
	if s.i >= len(s.src) {
		return false
	}
	c := s.src[s.i]
	switch {
	case lv == docLevel && c == '{' && string(key) == `"epcisBody"`:
		return s.object(bodyLevel, false)
	case lv == bodyLevel && c == '[' && string(key) == `"eventList"`:
		s.inList = true
		ok := s.array(false)
		s.inList = false
		return ok
	case lv == bodyLevel && c == '{' && string(key) == `"event"`:
		return s.event(&s.single)
	}
	return s.value(write)
}

func (s *scanner) object(lv level, write bool) bool {
	if s.depth++; s.depth > maxDepth {
		return false
	}
	objAt := s.i
	s.i++ // {
	base, outAt := len(s.stack), len(s.out)
	s.space()
	if s.i < len(s.src) && s.src[s.i] == '}' {
		s.i++
	} else {
		for {
			s.space()
			if s.i >= len(s.src) || s.src[s.i] != '"' {
				return false
			}
			ks := s.i
			if !s.str() {
				return false
			}
			key := s.src[ks:s.i]
			s.space()
			if s.i >= len(s.src) || s.src[s.i] != ':' {
				return false
			}
			s.i++
			s.space()
			vs, start := s.i, len(s.out)
			if !s.member(lv, key, write) {
				return false
			}
			s.stack = append(s.stack, member{ks: ks, ke: ks + len(key), vs: vs, ve: s.i, start: start, end: len(s.out)})
			s.space()
			if s.i >= len(s.src) {
				return false
			}
			if s.src[s.i] == '}' {
				s.i++
				break
			}
			if s.src[s.i] != ',' {
				return false
			}
			s.i++
		}
	}
	ms := s.stack[base:]
	// as encoding/json sorts a map's keys: by the key itself, which for a plain key is what is quoted
	slices.SortFunc(ms, func(a, b member) int { return bytes.Compare(s.name(a), s.name(b)) })
	for j := 1; j < len(ms); j++ {
		if bytes.Equal(s.name(ms[j]), s.name(ms[j-1])) {
			return false // strict JSON names a member once
		}
	}
	switch lv {
	case docLevel:
		s.doc = append(s.doc[:0], ms...)
	case bodyLevel:
		s.body = append(s.body[:0], ms...)
	case eventLevel:
		from := len(s.fields)
		s.fields = append(s.fields, ms...)
		*s.top = append(*s.top, scanned{vs: objAt, ve: s.i, from: from, to: len(s.fields), obj: true})
	default:
		if write {
			s.tmp = append(s.tmp[:0], '{')
			for j, m := range ms {
				if j > 0 {
					s.tmp = append(s.tmp, ',')
				}
				s.tmp = append(s.tmp, s.src[m.ks:m.ke]...)
				s.tmp = append(s.tmp, ':')
				s.tmp = append(s.tmp, s.out[m.start:m.end]...)
			}
			s.tmp = append(s.tmp, '}')
			s.out = append(s.out[:outAt], s.tmp...)
		}
	}
	s.stack = s.stack[:base]
	s.depth--
	return true
}
