package gateway

import (
	"errors"
	"net/http"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
)

// postEPCIS captures an EPCIS 2.0 document: every event is mapped, then recorded like a bulk of
// native events (same idempotency, packing and per-event results).
func (s *Server) postEPCIS(w http.ResponseWriter, r *http.Request) {
	body, p := s.readBody(w, r, "application/ld+json", "application/json")
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	key := caller(r)
	events, list, err := epcisevent.DecodeCapture(body, domain.Party{Enterprise: key.Name})
	if err != nil {
		writeProblem(w, r, epcisProblem(err))
		return
	}
	results := s.ingest(r.Context(), key, events, nil)
	underEvents(results, events, eventIn(list))
	writeBulk(w, results)
}

// epcisProblem is the 400 for what the EPCIS decoder refused, at the pointer it names.
func epcisProblem(err error) *Problem {
	p := newProblem(http.StatusBadRequest, "bad-epcis", err.Error())
	var ee *epcisevent.Error
	if errors.As(err, &ee) {
		p.Pointer, p.Detail = ee.Pointer, ee.Detail
	}
	return p
}
