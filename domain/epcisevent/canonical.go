package epcisevent

// canonicalPlain writes the canonical form of valid JSON in one pass over its bytes (the
// scanner), when every string in it is plain — no escape, control character, invalid UTF-8,
// U+2028 or U+2029 — and no object repeats a key: then each token is written as it stands and
// only object members are reordered, which is exactly what decoding and re-encoding (Canonical)
// gives, without building the generic tree. ok is false otherwise; the caller then takes the
// generic way.
func canonicalPlain(src []byte) (out []byte, ok bool) {
	s := scanner{src: src, out: make([]byte, 0, len(src))}
	if !s.value(true) || !s.end() {
		return nil, false
	}
	return s.out, true
}
