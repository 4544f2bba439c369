package readmodel

import (
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// MaxTermBytes bounds a search term. SQLite refuses LIKE patterns over 50,000 bytes ("pattern too
// complex"), and no product name or enterprise code comes near this bound.
const MaxTermBytes = 256

// ErrBadFilter marks a filter the store refuses (a client error, not a fault).
var ErrBadFilter = errors.New("bad search filter")

// FilterError names the parameter of a refused filter.
type FilterError struct {
	Param  string
	Detail string
}

func (e *FilterError) Error() string        { return e.Param + ": " + e.Detail }
func (e *FilterError) Is(target error) bool { return target == ErrBadFilter }

// check refuses terms that would change what a query means: a NUL byte ends a string inside
// SQLite's LIKE, so "rice\x00…" would match like "rice" or, at the start, like "%" (everything).
func (f Filter) check() error {
	for _, t := range []struct{ param, v string }{{"product", f.Product}, {"enterprise", f.Enterprise}, {"region", f.Region},
		{"stage", f.Stage}, {"type", f.Type}, {"status", f.Status}} {
		if err := CheckTerm(t.param, t.v); err != nil {
			return err
		}
	}
	if len(f.Cursor) > 1024 {
		return &FilterError{"cursor", "cursor is not one this service issued"}
	}
	return nil
}

// CheckTerm verifies one search term: valid UTF-8, no control characters, at most MaxTermBytes.
func CheckTerm(param, v string) error {
	if len(v) > MaxTermBytes {
		return &FilterError{param, fmt.Sprintf("search term of %d bytes; at most %d", len(v), MaxTermBytes)}
	}
	if !utf8.ValidString(v) {
		return &FilterError{param, "search term is not valid UTF-8"}
	}
	for _, r := range v {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return &FilterError{param, fmt.Sprintf("search term contains control character U+%04X", r)}
		}
	}
	return nil
}
