package gateway

import (
	"net/http"
	"time"

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
}

func (s *Server) postRecall(w http.ResponseWriter, r *http.Request) { s.action(w, r, domain.Recall) }
func (s *Server) postOffer(w http.ResponseWriter, r *http.Request)  { s.action(w, r, domain.Offer) }
func (s *Server) postAccept(w http.ResponseWriter, r *http.Request) { s.action(w, r, domain.Accept) }

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
		Reason: req.Reason, Location: req.Location, Documents: req.Documents}
	if e.EventTime == "" {
		e.EventTime = s.now().Format(time.RFC3339)
	}
	switch {
	case req.Actor != nil:
		e.Actor = *req.Actor
	case t == domain.Accept:
		// the enterprise the offer names accepts: it becomes the actor of what follows
		e.Actor = domain.Party{Enterprise: key.Name}
		if b, err := s.store.Batch(r.Context(), id); err == nil && b.Pending != nil {
			e.Actor = domain.Party{Enterprise: b.Pending.To.Enterprise, Name: b.Pending.To.Name}
		}
	default:
		e.Actor = domain.Party{Enterprise: key.Name}
	}
	res := s.ingest(r.Context(), key, []domain.Event{e}, nil)
	s.writeSingle(w, r, res[0])
}
