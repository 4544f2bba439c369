package gateway

import (
	"context"
	"net/http"

	"github.com/agritrace/agritrace/audit"
)

// Auditor runs an audit of the read model against the ledger.
type Auditor func(ctx context.Context) (audit.Report, error)

// SetAuditor enables GET /v1/audit.
func (s *Server) SetAuditor(a Auditor) { s.auditor = a }

// getAudit re-derives the read model from the ledger and reports mismatches (regulator only).
func (s *Server) getAudit(w http.ResponseWriter, r *http.Request) {
	if s.auditor == nil {
		writeProblem(w, r, newProblem(http.StatusServiceUnavailable, "audit-unavailable", "this gateway runs without a ledger connection"))
		return
	}
	rep, err := s.auditor(r.Context())
	if err != nil {
		writeProblem(w, r, newProblem(http.StatusBadGateway, "audit-failed", err.Error()))
		return
	}
	status := http.StatusOK
	rep.Mismatches = listOf(rep.Mismatches)
	if len(rep.Mismatches) > 0 {
		status = http.StatusConflict
	}
	writeJSON(w, status, rep)
}
