package domain

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Error is a refusal that names the rule it enforces. It crosses the chaincode boundary as text
// (Fabric only carries a message), so it encodes itself with a recognisable prefix and the gateway
// decodes it back into an HTTP problem.
type Error struct {
	Status  int    `json:"status"`            // HTTP status it maps to
	Rule    string `json:"rule"`              // e.g. "custody", "idempotency"
	Detail  string `json:"detail"`            // what was wrong
	Pointer string `json:"pointer,omitempty"` // JSON pointer to the offending field
	Index   *int   `json:"index,omitempty"`   // event index within a bulk request
	// Also holds the other refusals of the same event, when validation found several.
	Also []*Error `json:"also,omitempty"`
}

const errorPrefix = "agritrace-error:"

// RuleTermsNotCommitted refuses an event whose privateHash names terms its endorsing peer has not
// seen: not committed at all, or (for a gateway that just committed them) not yet on that peer.
const RuleTermsNotCommitted = "private-terms-missing"

func (e *Error) Error() string {
	b, _ := json.Marshal(e)
	return errorPrefix + string(b)
}

// Refuse builds a rule error.
func Refuse(status int, rule, pointer, format string, a ...any) *Error {
	return &Error{Status: status, Rule: rule, Pointer: pointer, Detail: fmt.Sprintf(format, a...)}
}

// Invalid is a 400 for a field.
func Invalid(pointer, format string, a ...any) *Error {
	return Refuse(400, "validation", pointer, format, a...)
}

// AsError finds a domain error in err or in its message (after a trip through Fabric).
func AsError(err error) (*Error, bool) {
	if err == nil {
		return nil, false
	}
	var de *Error
	if errors.As(err, &de) {
		return de, true
	}
	msg := err.Error()
	i := strings.Index(msg, errorPrefix)
	if i < 0 {
		return nil, false
	}
	dec := json.NewDecoder(strings.NewReader(msg[i+len(errorPrefix):]))
	var out Error
	if dec.Decode(&out) != nil || out.Status == 0 {
		return nil, false
	}
	return &out, true
}

// WithIndex returns a copy of e located at event index i of a bulk request, pointer prefixed.
func (e *Error) WithIndex(i int) *Error {
	c := *e
	c.Index = &i
	if !strings.HasPrefix(c.Pointer, "/events/") {
		c.Pointer = fmt.Sprintf("/events/%d%s", i, c.Pointer)
	}
	return &c
}
