package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/fabric"
)

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	// extensions
	Rule    string `json:"rule,omitempty"`    // the ledger rule that refused
	Pointer string `json:"pointer,omitempty"` // JSON pointer to the offending field
	Index   *int   `json:"index,omitempty"`   // event index in a bulk request
	TxID    string `json:"txId,omitempty"`    // Fabric transaction, when one was attempted
	// Errors lists every refused field of the request when there is more than one.
	Errors []FieldError `json:"errors,omitempty"`
	// Hint says how to fix the request when the mistake is a common one.
	Hint string `json:"hint,omitempty"`
}

const problemBase = "https://agritrace.example/problems/"

func (p *Problem) Error() string { return p.Title + ": " + p.Detail }

func newProblem(status int, kind, detail string) *Problem {
	return &Problem{Type: problemBase + kind, Title: http.StatusText(status), Status: status, Detail: detail}
}

// problemFrom turns any error into a problem: domain refusals keep their rule and pointer, Fabric
// faults become 502/503 with the transaction ID.
func problemFrom(err error) *Problem {
	var p *Problem
	if errors.As(err, &p) {
		return p
	}
	if de, ok := domain.AsError(err); ok {
		pr := newProblem(de.Status, de.Rule, de.Detail)
		pr.Rule, pr.Pointer, pr.Index = de.Rule, de.Pointer, de.Index
		if len(de.Also) > 0 {
			pr.Errors = []FieldError{{Pointer: de.Pointer, Rule: de.Rule, Detail: de.Detail}}
			for _, a := range de.Also {
				pr.Errors = append(pr.Errors, FieldError{Pointer: a.Pointer, Rule: a.Rule, Detail: a.Detail})
			}
			pr.Detail = fmt.Sprintf("%s (and %d more: see errors)", de.Detail, len(de.Also))
		}
		var te *fabric.TxError
		if errors.As(err, &te) {
			pr.TxID = te.TxID
		}
		return pr
	}
	var te *fabric.TxError
	if errors.As(err, &te) {
		status := http.StatusBadGateway
		if te.Stage == "submit" || te.Stage == "commit-status" || errors.Is(err, errUnavailable) {
			status = http.StatusServiceUnavailable
		}
		pr := newProblem(status, "ledger-"+te.Stage, te.Err.Error())
		pr.TxID = te.TxID
		return pr
	}
	return newProblem(http.StatusInternalServerError, "internal", err.Error())
}

var errUnavailable = errors.New("ledger unavailable")

func writeProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	if p.Instance == "" && r != nil {
		p.Instance = r.URL.Path
	}
	switch {
	case p.Status >= 500 && r.Context().Err() != nil:
		// the client hung up or its deadline passed: worth a line, not a warning
		slog.Info("request abandoned by the client", "path", r.URL.Path, "tx", p.TxID)
	case p.Status >= 500:
		slog.Warn("request failed", "path", r.URL.Path, "status", p.Status, "detail", p.Detail, "tx", p.TxID)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}
