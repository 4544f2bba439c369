package epcisevent

import (
	"bytes"
	"io"
	"slices"

	"github.com/go-json-experiment/json/jsontext"
)

// scanner reads a capture document, or one event, in a single pass of jsontext's tokenizer, which
// checks syntax and UTF-8 as the request paths' strict decoder does (strictjson is built on it; the
// scanner finds repeated names itself). Meanwhile it notes where each member of the document, its
// epcisBody and each event lies, and writes the canonical form of the events' members as it goes.
// It takes on only the plain subset of strict JSON — strings without escapes, U+2028 or U+2029 —
// for which every token is written as it stands and only object members are reordered, exactly as
// decoding and re-encoding (Canonical) would give. Anything else makes it give up (false) and the
// caller takes the generic way (strictjson, encoding/json), which gives the same result more
// slowly; nearly every capture is plain. Reading the bytes once replaces a strict check, a generic
// decoding of each level of the document and of each event, and a canonical re-encoding, which all
// read them again.
type scanner struct {
	src   []byte
	write bool // write events' canonical members to out
	// skim: the event is only projected (Project), not kept, and nothing strict is asked of it:
	// an object or array it does not write is read whole, checked by the tokenizer alone.
	// Projecting reads such members as leniently as encoding/json (fields.go); only the event's
	// own names and strings need to be plain.
	skim  bool
	out   []byte // canonical values
	tmp   []byte // an object being assembled in canonical order
	stack []member

	rd  *reader           // its tokenizer (nil: a new one)
	dec *jsontext.Decoder // rd's, reading src
	at  int               // where the value read last starts in src

	doc, body []member   // the document's and its epcisBody's members
	fields    []member   // the members of every event, event after event
	list      []scanned  // eventList's elements, when it is an array
	single    []scanned  // epcisBody.event, when it is an object
	inList    bool       // reading eventList's elements
	top       *[]scanned // where a finished event object goes
	obj       object     // a single event's members (decodeSingle)
}

// strict: invalid UTF-8 is an error, as it is to strictjson, so the generic way, whose strict check
// then refuses it, is taken. A repeated member name is too, but the scanner finds it itself: it
// sorts every object's names anyway, and then a repeated name is next to itself, which costs less
// than the tokenizer's own set of names.
var strict = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(false)}

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

type level int

const (
	plainLevel level = iota // any value
	docLevel                // the capture document
	bodyLevel               // its epcisBody
	eventLevel              // an event: members kept, not assembled
)

// start has the tokenizer read src from its beginning.
func (s *scanner) start() {
	if s.rd == nil {
		s.rd = new(reader)
	}
	s.dec = s.rd.reset(s.src, strict...)
}

// offset is where the tokenizer stands in src.
func (s *scanner) offset() int { return int(s.dec.InputOffset()) }

// end reports whether only white space is left.
func (s *scanner) end() bool {
	_, err := s.dec.ReadToken()
	return err == io.EOF
}

// value reads the next value, writing it to out when write is set.
func (s *scanner) value(write bool) bool { return s.valueOf(s.dec.PeekKind(), write) }

// valueOf reads the next value, of kind k.
func (s *scanner) valueOf(k jsontext.Kind, write bool) bool {
	switch {
	case (k == '{' || k == '[') && s.skim && !write:
		v, err := s.dec.ReadValue()
		s.at = s.offset() - len(v)
		return err == nil
	case k == '{':
		return s.object(plainLevel, write)
	case k == '[':
		return s.array(write)
	}
	v, err := s.dec.ReadValue()
	if err != nil || v[0] == '"' && !plain(v) {
		return false
	}
	s.at = s.offset() - len(v)
	if write {
		s.out = append(s.out, v...)
	}
	return true
}

// plain reports whether a string (valid, quoted) is written in canonical form as it stands:
// without escapes, and without U+2028 or U+2029, which encoding/json always escapes.
func plain(str []byte) bool {
	if bytes.IndexByte(str, '\\') >= 0 {
		return false
	}
	for i := bytes.IndexByte(str, 0xE2); i >= 0; {
		if rest := str[i:]; len(rest) >= 3 && rest[1] == 0x80 && rest[2]&^1 == 0xA8 {
			return false
		}
		j := bytes.IndexByte(str[i+1:], 0xE2)
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return true
}

// open reads the [ or { at the tokenizer, returning where it is in src.
func (s *scanner) open() (int, bool) {
	if _, err := s.dec.ReadToken(); err != nil {
		return 0, false
	}
	return s.offset() - 1, true
}

// close reads the ] or } at the tokenizer.
func (s *scanner) close() bool {
	_, err := s.dec.ReadToken()
	return err == nil
}

func (s *scanner) array(write bool) bool {
	at, ok := s.open()
	if !ok {
		return false
	}
	if write {
		s.out = append(s.out, '[')
	}
	for n := 0; s.dec.PeekKind() != ']'; n++ {
		if n > 0 && write {
			s.out = append(s.out, ',')
		}
		if !s.element(write) {
			return false
		}
	}
	if !s.close() {
		return false
	}
	if write {
		s.out = append(s.out, ']')
	}
	s.at = at
	return true
}

// element reads an array element: an event when the array is eventList.
func (s *scanner) element(write bool) bool {
	k := s.dec.PeekKind()
	if !s.inList {
		return s.valueOf(k, write)
	}
	if k == '{' {
		return s.event(&s.list)
	}
	s.inList = false
	ok := s.valueOf(k, false)
	s.inList = true
	if ok {
		s.list = append(s.list, scanned{vs: s.at, ve: s.offset()})
	}
	return ok
}

// event reads the event object at the tokenizer into to.
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
	k := s.dec.PeekKind()
	switch {
	case lv == docLevel && k == '{' && string(key) == `"epcisBody"`:
		return s.object(bodyLevel, false)
	case lv == bodyLevel && k == '[' && string(key) == `"eventList"`:
		s.inList = true
		ok := s.array(false)
		s.inList = false
		return ok
	case lv == bodyLevel && k == '{' && string(key) == `"event"`:
		return s.event(&s.single)
	}
	return s.valueOf(k, write)
}

func (s *scanner) object(lv level, write bool) bool {
	objAt, ok := s.open()
	if !ok {
		return false
	}
	base, outAt := len(s.stack), len(s.out)
	for s.dec.PeekKind() != '}' {
		key, err := s.dec.ReadValue() // the member's name
		if err != nil || !plain(key) {
			return false
		}
		ke := s.offset()
		start := len(s.out)
		if !s.member(lv, key, write) {
			return false
		}
		s.stack = append(s.stack, member{ks: ke - len(key), ke: ke, vs: s.at, ve: s.offset(), start: start, end: len(s.out)})
	}
	if !s.close() {
		return false
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
		*s.top = append(*s.top, scanned{vs: objAt, ve: s.offset(), from: from, to: len(s.fields), obj: true})
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
	s.at = objAt
	return true
}
