package gateway

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
	"github.com/agritrace/agritrace/epcis"
)

// epcisCaptureEvent is the binding's synchronous capture of one event (POST /epcis/events): the
// event alone, with its own @context if it has extensions, recorded in one transaction before
// the answer. 201 with the event's Location and the event as the repository now returns it; the
// same event sent again is 200 with the same Location (a retry after a lost answer), and another
// event under a recorded eventID is 409, as for a capture document.
func (s *Server) epcisCaptureEvent(w http.ResponseWriter, r *http.Request) {
	body, p := s.readBody(w, r, "application/ld+json", "application/json")
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	key := caller(r)
	e, p := decodeSingleEvent(body, key.Name)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	events := []domain.Event{e}
	_, dup, p := s.admit(r.Context(), key, &events[0], s.now(), s.knownEvents(r.Context(), events))
	if p != nil {
		p.underEvent("", events[0], "")
		writeProblem(w, r, p)
		return
	}
	status := http.StatusOK
	if dup == nil {
		res := s.recordAtomic(r.Context(), key, events, []int{0}, func(int) string { return "" })[0]
		if res.Status == "rejected" {
			res.Problem.Index = nil // the request holds one event, not a list
			writeProblem(w, r, res.Problem)
			return
		}
		if res.Status == "committed" {
			status = http.StatusCreated
		}
	}
	// the EPCIS eventID: an error declaration's ledger ID carries a suffix the binding never shows
	id := strings.TrimSuffix(events[0].ID, epcisevent.ErrorDeclarationSuffix)
	w.Header().Set("Location", "/epcis/events/"+url.PathEscape(id))
	w.Header().Set("Content-Type", "application/ld+json")
	w.WriteHeader(status)
	_, _ = w.Write(s.capturedAsServed(r, events[0]))
}

// decodeSingleEvent reads the body of POST /epcis/events: one EPCIS event, recorded for the
// calling key's enterprise.
func decodeSingleEvent(body []byte, enterprise string) (domain.Event, *Problem) {
	e, err := readSingleEvent(body, enterprise)
	if err != nil {
		p := epcisProblem(err)
		p.Rule = "ValidationException"
		return domain.Event{}, p
	}
	return e, nil
}

func readSingleEvent(body []byte, enterprise string) (domain.Event, error) {
	// the strict reading every request path shares: no repeated member, valid UTF-8
	if err := epcisevent.Strict(body); err != nil {
		return domain.Event{}, err
	}
	var head struct {
		Type any `json:"type"`
	}
	if json.Unmarshal(body, &head) != nil {
		return domain.Event{}, &epcisevent.Error{Detail: "the body is not a JSON object: POST /epcis/events takes one EPCIS event"}
	}
	if head.Type == "EPCISDocument" || head.Type == "EPCISQueryDocument" {
		return domain.Event{}, &epcisevent.Error{Pointer: "/type", Detail: "POST /epcis/events takes one event; send a document of events to POST /epcis/capture"}
	}
	return epcisevent.DecodeEvent(body, domain.Party{Enterprise: enterprise})
}

// capturedAsServed is the event as GET /epcis/events/{eventID} serves it, with its record time;
// the event as captured if the read model does not have it yet.
func (s *Server) capturedAsServed(r *http.Request, e domain.Event) []byte {
	stored, err := s.store.Event(r.Context(), e.ID)
	if err == nil {
		var doc json.RawMessage
		if doc, err = epcis.EventJSON(*stored); err == nil {
			return doc
		}
	}
	s.log.Warn("epcis: captured event not read back", "event", e.ID, "err", err)
	return e.EPCIS
}
