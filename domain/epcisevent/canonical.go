package epcisevent

import (
	"bytes"
	"encoding/json"
)

// Canonical is the stored form of an EPCIS event: keys sorted, numbers exactly as written, no
// insignificant space. Two captures mean the same content exactly when their canonical forms match.
func Canonical(v any) ([]byte, error) {
	var b []byte
	switch x := v.(type) {
	case []byte:
		b = x
	case json.RawMessage:
		b = x
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			return nil, err
		}
	}
	anyv, err := decodeNumbers(b)
	if err != nil {
		return nil, err
	}
	return encodeCanonical(anyv)
}

// decodeNumbers reads JSON keeping numbers as written.
func decodeNumbers(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// encodeCanonical writes decoded JSON in canonical form: object keys sorted, no insignificant
// space, no HTML escaping.
func encodeCanonical(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// canonicalPlain writes the canonical form of valid JSON in one pass of the tokenizer (the
// scanner), when every string in it is plain — no escape, control character, invalid UTF-8,
// U+2028 or U+2029 — and no object repeats a key: then each token is written as it stands and
// only object members are reordered, which is exactly what decoding and re-encoding (Canonical)
// gives, without building the generic tree. ok is false otherwise; the caller then takes the
// generic way.
func canonicalPlain(src []byte) (out []byte, ok bool) {
	s := scanner{src: src, out: make([]byte, 0, len(src)), rd: readers.Get().(*reader)}
	defer func() { s.rd.release(); readers.Put(s.rd) }()
	s.start()
	if !s.value(true) || !s.end() {
		return nil, false
	}
	return s.out, true
}
