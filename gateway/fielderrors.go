package gateway

import (
	"fmt"
	"net/http"
	"unicode/utf8"
)

// FieldError is one refused field (or query parameter, pointer "?name") of a request.
type FieldError struct {
	Pointer string `json:"pointer"`
	Rule    string `json:"rule"`
	Detail  string `json:"detail"`
}

// fieldErrors collects every refusal of a request so the client can fix them in one round.
type fieldErrors []FieldError

func (fe *fieldErrors) add(pointer, rule, detail string) {
	*fe = append(*fe, FieldError{Pointer: pointer, Rule: rule, Detail: detail})
}

// problem is nil when nothing was refused; otherwise a 400 led by the first refusal.
func (fe fieldErrors) problem() *Problem {
	if len(fe) == 0 {
		return nil
	}
	p := newProblem(http.StatusBadRequest, fe[0].Rule, fe[0].Detail)
	p.Pointer = fe[0].Pointer
	if len(fe) > 1 {
		p.Detail = fmt.Sprintf("%s (and %d more: see errors)", fe[0].Detail, len(fe)-1)
		p.Errors = fe
	}
	return p
}

// clip shortens a client's value quoted back in an error (a 50,000-character term need not be
// echoed in full).
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
