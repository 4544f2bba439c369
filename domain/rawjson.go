package domain

import (
	"bytes"

	"github.com/go-json-experiment/json/jsontext"
)

// encoding/json marshals a json.RawMessage by checking its syntax — which lets repeated names and
// invalid UTF-8 through — and writing it without insignificant white space, its strings as they
// are written but for <, >, &, U+2028 and U+2029, which it escapes, its numbers as written.
// jsontext reads and writes JSON the same way under these options.
var (
	asRawMessage = []jsontext.Options{jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)}
	marshalled   = append([]jsontext.Options{jsontext.PreserveRawStrings(true), jsontext.EscapeForHTML(true), jsontext.EscapeForJS(true)}, asRawMessage...)
)

// compactJSON reports whether raw, a json.RawMessage, is valid JSON without white space:
// encoding/json marshals such JSON as the very bytes it holds, but for the characters it escapes
// (escapes reports whether there are any). A captured event's EPCIS is such JSON nearly always
// (the canonical form), so its fingerprint need not have encoding/json check and copy it again.
// JSON with a space, even one within a string, is not taken as compact: it is written anew.
func compactJSON(raw []byte) (ok, escapes bool) {
	escapes = containsByte(raw, "<>&") || bytes.Contains(raw, lineSep) || bytes.Contains(raw, paraSep)
	return !containsByte(raw, " \t\n\r") && jsontext.Value(raw).IsValid(asRawMessage...), escapes
}

// containsByte is bytes.ContainsAny for a few ASCII bytes, searching for each in turn, which
// bytes.IndexByte does many bytes at a time.
func containsByte(b []byte, set string) bool {
	for i := 0; i < len(set); i++ {
		if bytes.IndexByte(b, set[i]) >= 0 {
			return true
		}
	}
	return false
}

var lineSep, paraSep = []byte("\u2028"), []byte("\u2029")

// appendMarshalled appends raw as encoding/json marshals a json.RawMessage; the error is the
// syntax error for which encoding/json would refuse it.
func appendMarshalled(dst, raw []byte) ([]byte, error) {
	return jsontext.AppendFormat(dst, raw, marshalled...)
}

// marshalledEPCIS is an event's EPCIS as encoding/json writes it (nil when it would not).
func marshalledEPCIS(raw []byte) []byte {
	if compact, escapes := compactJSON(raw); compact && !escapes {
		return raw // as it stands: nothing to write anew
	}
	out, err := appendMarshalled(make([]byte, 0, len(raw)+len(raw)/8), raw)
	if err != nil {
		return nil
	}
	return out
}
