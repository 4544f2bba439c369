package gateway

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"

	"github.com/agritrace/agritrace/strictjson"
)

// decodeStrict decodes one JSON value with the strict decoder every request path shares
// (duplicate or case-folded member names, unknown members, invalid UTF-8 and trailing data are
// refused) and reports where the problem is.
func decodeStrict(data []byte, v any, pointerPrefix string) *Problem {
	// JSON null decodes into a struct as its zero value without error: a body of null would be taken
	// as an empty request (all defaults) where every request body of this API is an object
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		// the same refusal as postEvents gives a body that is not an object
		p := newProblem(http.StatusBadRequest, "bad-json", "want a JSON object, got JSON null")
		if pointerPrefix != "" {
			p.Pointer = pointerPrefix
		}
		return p
	}
	if err := strictjson.Unmarshal(data, v); err != nil {
		return jsonProblem(err, data, pointerPrefix)
	}
	return nil
}

// isBulk reports whether decoding a body as one event failed only because it is
// {"events": [...]}.
func isBulk(err error) bool {
	var se *strictjson.Error
	return errors.As(err, &se) && se.Reason == strictjson.UnknownName && se.Pointer == "/events"
}

func jsonProblem(err error, data []byte, prefix string) *Problem {
	var se *strictjson.Error
	if !errors.As(err, &se) {
		return newProblem(http.StatusBadRequest, "bad-json", err.Error())
	}
	kind := "bad-json"
	switch se.Reason {
	case strictjson.DuplicateName:
		kind = "duplicate-member"
	case strictjson.UnknownName:
		kind = "unknown-member"
	case strictjson.WrongType:
		kind = "wrong-type"
	}
	p := newProblem(http.StatusBadRequest, kind, fmt.Sprintf("%s (line %d, column %d)", se.Detail, se.Line, se.Column))
	p.Rule = "strict-json"
	if se.Pointer != "" || prefix != "" {
		p.Pointer = prefix + se.Pointer
	}
	if se.Reason == strictjson.UnknownName {
		p.Detail += "; see /openapi.json for the schema"
	}
	if se.Reason == strictjson.Empty {
		p.Detail = "request body is empty; send a JSON event or {\"events\": [...]}"
	}
	return p
}
