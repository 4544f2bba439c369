package epcisevent

import (
	"bytes"
	"slices"
	"unicode/utf8"
)

// canonicalPlain writes the canonical form of valid JSON (src must be: its numbers and literals
// are copied unchecked) in one pass over its bytes, when every
// string in it is plain — no escape, control character, invalid UTF-8, U+2028 or U+2029 — and no
// object repeats a key: then each token is written as it stands and only object members are
// reordered, which is exactly what decoding and re-encoding (Canonical) gives, without building
// the generic tree. ok is false otherwise; the caller then takes the generic way.
func canonicalPlain(src []byte) (out []byte, ok bool) {
	c := canonWriter{src: src}
	var buf bytes.Buffer
	buf.Grow(len(src))
	if !c.value(&buf) {
		return nil, false
	}
	c.space()
	if c.i != len(src) {
		return nil, false
	}
	return buf.Bytes(), true
}

type canonWriter struct {
	src []byte
	i   int
}

func (c *canonWriter) space() {
	for c.i < len(c.src) {
		switch c.src[c.i] {
		case ' ', '\t', '\n', '\r':
			c.i++
		default:
			return
		}
	}
}

// value writes the value at c.i to buf.
func (c *canonWriter) value(buf *bytes.Buffer) bool {
	c.space()
	if c.i >= len(c.src) {
		return false
	}
	switch c.src[c.i] {
	case '{':
		return c.object(buf)
	case '[':
		return c.array(buf)
	case '"':
		s, ok := c.str()
		buf.Write(s)
		return ok
	}
	// number or literal: up to the next delimiter, as written
	start := c.i
	for c.i < len(c.src) {
		switch c.src[c.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			buf.Write(c.src[start:c.i])
			return c.i > start
		}
		c.i++
	}
	buf.Write(c.src[start:c.i])
	return c.i > start
}

// str returns the quoted string at c.i, if it is plain.
func (c *canonWriter) str() ([]byte, bool) {
	start := c.i
	c.i++
	for c.i < len(c.src) {
		switch b := c.src[c.i]; {
		case b == '"':
			c.i++
			s := c.src[start:c.i]
			body := s[1 : len(s)-1]
			return s, utf8.Valid(body) && !bytes.Contains(body, lineSep) && !bytes.Contains(body, paraSep)
		case b == '\\' || b < 0x20:
			return nil, false
		}
		c.i++
	}
	return nil, false
}

// U+2028 and U+2029, which encoding/json always escapes
var lineSep, paraSep = []byte("\u2028"), []byte("\u2029")

type member struct {
	key, value []byte // key quoted
}

func (c *canonWriter) object(buf *bytes.Buffer) bool {
	c.i++ // {
	var ms []member
	for {
		c.space()
		if c.i < len(c.src) && c.src[c.i] == '}' && len(ms) == 0 {
			c.i++
			break
		}
		if c.i >= len(c.src) || c.src[c.i] != '"' {
			return false
		}
		key, ok := c.str()
		if !ok {
			return false
		}
		c.space()
		if c.i >= len(c.src) || c.src[c.i] != ':' {
			return false
		}
		c.i++
		var v bytes.Buffer
		if !c.value(&v) {
			return false
		}
		ms = append(ms, member{key, v.Bytes()})
		c.space()
		if c.i >= len(c.src) {
			return false
		}
		if c.src[c.i] == '}' {
			c.i++
			break
		}
		if c.src[c.i] != ',' {
			return false
		}
		c.i++
	}
	// as encoding/json sorts a map's keys: by the key itself, which for a plain key is what is quoted
	slices.SortFunc(ms, func(a, b member) int {
		return bytes.Compare(a.key[1:len(a.key)-1], b.key[1:len(b.key)-1])
	})
	buf.WriteByte('{')
	for j, m := range ms {
		if j > 0 {
			if bytes.Equal(m.key, ms[j-1].key) {
				return false // a repeated key: decoding keeps the last one, left to the generic way
			}
			buf.WriteByte(',')
		}
		buf.Write(m.key)
		buf.WriteByte(':')
		buf.Write(m.value)
	}
	buf.WriteByte('}')
	return true
}

func (c *canonWriter) array(buf *bytes.Buffer) bool {
	c.i++ // [
	buf.WriteByte('[')
	c.space()
	if c.i < len(c.src) && c.src[c.i] == ']' {
		c.i++
		buf.WriteByte(']')
		return true
	}
	for n := 0; ; n++ {
		if n > 0 {
			buf.WriteByte(',')
		}
		if !c.value(buf) {
			return false
		}
		c.space()
		if c.i >= len(c.src) {
			return false
		}
		if c.src[c.i] == ']' {
			c.i++
			buf.WriteByte(']')
			return true
		}
		if c.src[c.i] != ',' {
			return false
		}
		c.i++
	}
}
