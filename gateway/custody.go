package gateway

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/agritrace/agritrace/wire"

	"github.com/agritrace/agritrace/domain"
)

// actionRequest is the body of recall, offer and accept.
type actionRequest struct {
	ID        string            `json:"id,omitempty"` // event ID (idempotency key); generated when absent
	EventTime string            `json:"eventTime,omitempty"`
	Actor     *domain.Party     `json:"actor,omitempty"`
	To        *domain.Party     `json:"to,omitempty"` // offer: the receiving enterprise and its platform
	Reason    string            `json:"reason,omitempty"`
	Location  *domain.Location  `json:"location,omitempty"`
	Documents []domain.Document `json:"documents,omitempty"`
	// Attributes travel with the event, e.g. a recall's "hotline" shown to consumers.
	Attributes map[string]any `json:"attributes,omitempty"`
}

func (s *Server) postRecall(w http.ResponseWriter, r *http.Request) { s.action(w, r, domain.Recall) }
func (s *Server) postOffer(w http.ResponseWriter, r *http.Request)  { s.action(w, r, domain.Offer) }
func (s *Server) postAccept(w http.ResponseWriter, r *http.Request) { s.action(w, r, domain.Accept) }
func (s *Server) postReject(w http.ResponseWriter, r *http.Request) { s.action(w, r, domain.Reject) }
func (s *Server) postCancel(w http.ResponseWriter, r *http.Request) { s.action(w, r, domain.Cancel) }

// getOffers lists the open custody offers to the caller's platform (direction=in, the default) or
// from it (out), from the ledger; the regulator names the platform with ?platform=.
func (s *Server) getOffers(w http.ResponseWriter, r *http.Request) {
	key := caller(r)
	q := r.URL.Query()
	dir := q.Get("direction")
	if dir == "" {
		dir = "in"
	}
	if dir != "in" && dir != "out" {
		p := newProblem(http.StatusBadRequest, "bad-parameter", "direction must be in or out, got "+dir)
		p.Pointer = "?direction"
		writeProblem(w, r, p)
		return
	}
	platform := key.MSPID
	if p := q.Get("platform"); p != "" && p != platform {
		if key.Role != domain.RoleRegulator {
			writeProblem(w, r, newProblemAt(http.StatusForbidden, "regulator-only", "?platform", "only the regulator lists another platform's offers"))
			return
		}
		platform = p
	}
	raw, err := s.ledger.Evaluate(r.Context(), key.Org, wire.ListOffers, platform, dir)
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Platform  string          `json:"platform"`
		Direction string          `json:"direction"`
		Offers    json.RawMessage `json:"offers"`
	}{platform, dir, raw})
}

// action records a recall, custody offer or custody acceptance of the batch in the path.
func (s *Server) action(w http.ResponseWriter, r *http.Request, t domain.EventType) {
	id, p := s.pathID(r)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	body, p := s.readBody(w, r, "application/json")
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	var req actionRequest
	if p := decodeStrict(body, &req, ""); p != nil {
		writeProblem(w, r, p)
		return
	}
	key := caller(r)
	e := domain.Event{ID: req.ID, Type: t, EventTime: req.EventTime, Batches: []string{id}, To: req.To,
		Reason: req.Reason, Location: req.Location, Documents: req.Documents, Attributes: req.Attributes}
	if e.EventTime == "" {
		e.EventTime = s.now().Format(time.RFC3339)
	}
	switch {
	case req.Actor != nil:
		e.Actor = *req.Actor
	case t == domain.Accept || t == domain.Reject:
		// the enterprise the offer names answers it: read from the ledger, since the offer was
		// recorded through the sender's gateway and this one's read model may not have it yet
		e.Actor = domain.Party{Enterprise: key.Name}
		if raw, err := s.ledger.Evaluate(r.Context(), key.Org, wire.GetBatch, id); err == nil {
			var b domain.Batch
			if json.Unmarshal(raw, &b) == nil && b.Pending != nil {
				e.Actor = domain.Party{Enterprise: b.Pending.To.Enterprise, Name: b.Pending.To.Name}
			}
		}
	default:
		e.Actor = domain.Party{Enterprise: key.Name}
	}
	res := s.ingest(r.Context(), key, []domain.Event{e}, nil)
	s.writeSingle(w, r, res[0])
}
