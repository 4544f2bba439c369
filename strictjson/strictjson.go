// Package strictjson is the one JSON decoder of every request path (native events, EPCIS capture,
// custody actions, recalls): RFC 8259 as interoperable parsers read it, with nothing left to a
// parser's discretion. Duplicate member names, invalid UTF-8, member names that only match a field
// case-insensitively, unknown members and trailing data are refused, where encoding/json (v1)
// silently keeps the last duplicate, replaces bad bytes with U+FFFD and folds case. Two parsers
// reading one document differently (a signature checked over one reading, the ledger storing the
// other) is how such laxness is exploited, so the refusal happens at the edge.
//
// It is built on github.com/go-json-experiment/json (the encoding/json/v2 proposal), whose
// defaults are already strict; this package pins those options and turns its errors into a
// location (JSON pointer, line, column) and a reason a client can act on.
package strictjson

import (
	"bytes"
	"errors"
	"fmt"

	json "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Reason classifies a refusal.
type Reason string

const (
	Syntax        Reason = "syntax"         // not JSON, truncated, trailing data, invalid UTF-8
	DuplicateName Reason = "duplicate-name" // the same member twice in one object
	UnknownName   Reason = "unknown-name"   // a member the target does not have (names are case-sensitive)
	WrongType     Reason = "wrong-type"     // a value of the wrong JSON kind or out of range
	Empty         Reason = "empty"          // no JSON value at all
)

// Error locates a refusal in the document.
type Error struct {
	Reason  Reason
	Pointer string // RFC 6901 pointer to the offending value or member ("" = the document)
	Offset  int64  // byte offset
	Line    int
	Column  int
	Detail  string
	Err     error
}

func (e *Error) Error() string {
	if e.Pointer != "" {
		return fmt.Sprintf("%s at %s (line %d, column %d): %s", e.Reason, e.Pointer, e.Line, e.Column, e.Detail)
	}
	return fmt.Sprintf("%s at line %d, column %d: %s", e.Reason, e.Line, e.Column, e.Detail)
}

func (e *Error) Unwrap() error { return e.Err }

// options are v2's defaults spelled out, so that a change of defaults upstream cannot loosen them.
var options = json.JoinOptions(
	json.RejectUnknownMembers(true),
	json.MatchCaseInsensitiveNames(false),
	jsontext.AllowDuplicateNames(false),
	jsontext.AllowInvalidUTF8(false),
)

// Unmarshal decodes exactly one JSON value of data into v.
// When the document is not even JSON, that is what is reported, even if a member before the
// syntax error is also wrong (decoding stops at the first problem it meets).
func Unmarshal(data []byte, v any) error {
	err := json.Unmarshal(data, v, options)
	if err == nil {
		return nil
	}
	var me *json.SemanticError
	if errors.As(err, &me) {
		var whole jsontext.Value
		if serr := json.Unmarshal(data, &whole, options); serr != nil {
			return describe(serr, data)
		}
	}
	return describe(err, data)
}

// Check verifies that data is exactly one strict JSON value without decoding it into a type
// (for documents whose mapping reads them generically, such as EPCIS).
func Check(data []byte) error {
	var v jsontext.Value
	return Unmarshal(data, &v)
}

func describe(err error, data []byte) *Error {
	out := &Error{Reason: Syntax, Err: err, Detail: err.Error()}
	var se *jsontext.SyntacticError
	var me *json.SemanticError
	switch {
	case errors.As(err, &se):
		out.Offset, out.Pointer = se.ByteOffset, string(se.JSONPointer)
		if errors.Is(se.Err, jsontext.ErrDuplicateName) {
			out.Reason = DuplicateName
			out.Detail = fmt.Sprintf("member %q appears twice in one object; send it once", se.JSONPointer.LastToken())
		} else if se.Err != nil {
			out.Detail = se.Err.Error()
		}
	case errors.As(err, &me):
		out.Offset, out.Pointer = me.ByteOffset, string(me.JSONPointer)
		switch {
		case errors.Is(me.Err, json.ErrUnknownName):
			out.Reason = UnknownName
			out.Detail = fmt.Sprintf("unknown field %q (member names are case-sensitive)", me.JSONPointer.LastToken())
		default:
			out.Reason = WrongType
			want := "a different type"
			if me.GoType != nil {
				want = kindOf(me.GoType.Kind().String())
			}
			out.Detail = fmt.Sprintf("must be %s, got %s", want, jsonKind(me.JSONKind))
			if me.Err != nil {
				out.Detail += ": " + me.Err.Error()
			}
		}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		out.Reason, out.Detail = Empty, "the body is empty; send one JSON value"
	}
	out.Line, out.Column = position(data, out.Offset)
	return out
}

func jsonKind(k jsontext.Kind) string {
	switch k {
	case '"':
		return "a JSON string"
	case '0':
		return "a JSON number"
	case '{':
		return "a JSON object"
	case '[':
		return "a JSON array"
	case 't', 'f':
		return "a JSON boolean"
	case 'n':
		return "JSON null"
	}
	return "another JSON value"
}

// kindOf names a Go kind the way a JSON client thinks of it.
func kindOf(k string) string {
	switch k {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	case "float64", "float32", "int", "int64", "int32", "uint", "uint64", "uint32":
		return "a number in range"
	}
	return "a " + k
}

func position(data []byte, off int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < off && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}
