package domain

import "io"

// compactJSON reports whether raw, a json.RawMessage, is valid JSON without insignificant white
// space: encoding/json marshals such JSON as the very bytes it holds, but for the characters it
// escapes on the way out (<, >, &, U+2028, U+2029; escapes reports whether there are any). A
// captured event's EPCIS is such JSON nearly always (the canonical form, or as encoding/json wrote
// it), so its fingerprint need not have encoding/json check and copy it again. Anything else is
// false: encoding/json then decides.
func compactJSON(raw []byte) (ok, escapes bool) {
	r := asIs{b: raw}
	return r.value(0) && r.i == len(raw), r.escapes
}

// writeEscaped writes compact JSON as encoding/json marshals it: <, >, &, U+2028 and U+2029
// escaped, the rest as it is.
func writeEscaped(w io.Writer, raw []byte) {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(raw); i++ {
		var esc string
		switch c := raw[i]; {
		case c == '<' || c == '>' || c == '&':
			esc = `\u00` + string(hex[c>>4]) + string(hex[c&0xF])
		case c == 0xE2 && i+2 < len(raw) && raw[i+1] == 0x80 && raw[i+2]&^1 == 0xA8:
			esc = `\u202` + string(hex[raw[i+2]&0xF])
		default:
			continue
		}
		w.Write(raw[start:i])
		io.WriteString(w, esc)
		if raw[i] == 0xE2 {
			i += 2
		}
		start = i + 1
	}
	w.Write(raw[start:])
}

type asIs struct {
	b       []byte
	i       int
	escapes bool
}

// maxAsIsDepth stays below encoding/json's own nesting limit.
const maxAsIsDepth = 1000

func (r *asIs) value(depth int) bool {
	if r.i >= len(r.b) {
		return false
	}
	switch r.b[r.i] {
	case '{':
		return depth < maxAsIsDepth && r.container('}', depth)
	case '[':
		return depth < maxAsIsDepth && r.container(']', depth)
	case '"':
		return r.str()
	case 't':
		return r.literal("true")
	case 'f':
		return r.literal("false")
	case 'n':
		return r.literal("null")
	}
	return r.number()
}

// container reads an object (end '}') or an array (end ']').
func (r *asIs) container(end byte, depth int) bool {
	r.i++
	if r.i < len(r.b) && r.b[r.i] == end {
		r.i++
		return true
	}
	for {
		if end == '}' {
			if r.i >= len(r.b) || r.b[r.i] != '"' || !r.str() || r.i >= len(r.b) || r.b[r.i] != ':' {
				return false
			}
			r.i++
		}
		if !r.value(depth + 1) {
			return false
		}
		if r.i >= len(r.b) {
			return false
		}
		switch r.b[r.i] {
		case ',':
			r.i++
		case end:
			r.i++
			return true
		default:
			return false
		}
	}
}

func (r *asIs) literal(lit string) bool {
	if len(r.b)-r.i < len(lit) || string(r.b[r.i:r.i+len(lit)]) != lit {
		return false
	}
	r.i += len(lit)
	return true
}

func (r *asIs) str() bool {
	b := r.b
	for i := r.i + 1; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"':
			r.i = i + 1
			return true
		case c < 0x20:
			return false
		case c == '<' || c == '>' || c == '&':
			r.escapes = true
		case c == '\\':
			i++
			if i >= len(b) {
				return false
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(b) || !isHex(b[i+1]) || !isHex(b[i+2]) || !isHex(b[i+3]) || !isHex(b[i+4]) {
					return false
				}
				i += 4
			default:
				return false
			}
		case c == 0xE2 && i+2 < len(b) && b[i+1] == 0x80 && b[i+2]&^1 == 0xA8: // U+2028, U+2029
			r.escapes = true
		}
	}
	return false
}

func (r *asIs) number() bool {
	b, i := r.b, r.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		for i++; i < len(b) && isDigitByte(b[i]); i++ {
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		if i++; i >= len(b) || !isDigitByte(b[i]) {
			return false
		}
		for i++; i < len(b) && isDigitByte(b[i]); i++ {
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		if i++; i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigitByte(b[i]) {
			return false
		}
		for i++; i < len(b) && isDigitByte(b[i]); i++ {
		}
	}
	r.i = i
	return true
}

func isDigitByte(c byte) bool { return '0' <= c && c <= '9' }

func isHex(c byte) bool { return isDigitByte(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }
