package gateway

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/ledger"
	"github.com/agritrace/agritrace/wire"
)

// Registry (主体备案) and certificate routes. Writes are events (register, certify, suspend,
// reinstate, revoke) through the same ingest path as every other event; reads come from the ledger
// itself, since the registry is small and its rules are the ledger's.

func (s *Server) registryRoutes() {
	m := s.mux
	m.HandleFunc("POST /v1/registry/enterprises", s.authenticate(s.postEnterprise, false))
	m.HandleFunc("GET /v1/registry/enterprises", s.authenticate(s.listEnterprises, false))
	m.HandleFunc("GET /v1/registry/enterprises/{id}", s.authenticate(s.getEnterprise, false))
	m.HandleFunc("POST /v1/registry/bodies", s.authenticate(s.postBody, true))
	m.HandleFunc("GET /v1/registry/bodies", s.authenticate(s.listBodies, false))
	m.HandleFunc("POST /v1/registry/policy", s.authenticate(s.postPolicy, true))
	m.HandleFunc("POST /v1/certificates", s.authenticate(s.postCertificate, false))
	m.HandleFunc("GET /v1/certificates", s.authenticate(s.listCertificates, true))
	m.HandleFunc("GET /v1/certificates/{id}", s.authenticate(s.getCertificate, false))
	m.HandleFunc("POST /v1/certificates/{id}/revoke", s.authenticate(s.certAction(domain.Revoke), false))
	m.HandleFunc("POST /v1/certificates/{id}/suspend", s.authenticate(s.certAction(domain.Suspend), false))
	m.HandleFunc("POST /v1/certificates/{id}/reinstate", s.authenticate(s.certAction(domain.Reinstate), false))
}

// registryRequest is the body of the registry and certificate writes; which fields apply depends
// on the route.
type registryRequest struct {
	ID          string              `json:"id,omitempty"` // event ID (idempotency key); generated when absent
	EventTime   string              `json:"eventTime,omitempty"`
	Enterprise  *domain.Enterprise  `json:"enterprise,omitempty"`
	Body        *domain.CertBody    `json:"body,omitempty"`
	Enforce     *bool               `json:"enforce,omitempty"`
	Certificate *domain.Certificate `json:"certificate,omitempty"`
	Batches     []string            `json:"batches,omitempty"`
	Reason      string              `json:"reason,omitempty"`
	Documents   []domain.Document   `json:"documents,omitempty"`
}

// recordOne decodes a registry request, lets build turn it into an event and records it.
func (s *Server) recordOne(w http.ResponseWriter, r *http.Request, build func(key *APIKey, req registryRequest) domain.Event) {
	body, p := s.readBody(w, r, "application/json")
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	var req registryRequest
	if p := decodeStrict(body, &req, ""); p != nil {
		writeProblem(w, r, p)
		return
	}
	key := caller(r)
	e := build(key, req)
	e.ID, e.EventTime, e.Documents = req.ID, req.EventTime, req.Documents
	if e.EventTime == "" {
		e.EventTime = s.now().Format(time.RFC3339)
	}
	res := s.ingest(r.Context(), key, []domain.Event{e}, nil)
	s.writeSingle(w, r, res[0])
}

func (s *Server) postEnterprise(w http.ResponseWriter, r *http.Request) {
	s.recordOne(w, r, func(_ *APIKey, req registryRequest) domain.Event {
		e := domain.Event{Type: domain.Register, Registration: &domain.Registration{Enterprise: req.Enterprise}}
		if req.Enterprise != nil {
			e.Actor = domain.Party{Enterprise: req.Enterprise.ID, Name: req.Enterprise.Name}
		}
		return e
	})
}

func (s *Server) postBody(w http.ResponseWriter, r *http.Request) {
	s.recordOne(w, r, func(key *APIKey, req registryRequest) domain.Event {
		return domain.Event{Type: domain.Register, Actor: domain.Party{Enterprise: key.Name}, Registration: &domain.Registration{Body: req.Body}}
	})
}

func (s *Server) postPolicy(w http.ResponseWriter, r *http.Request) {
	s.recordOne(w, r, func(key *APIKey, req registryRequest) domain.Event {
		return domain.Event{Type: domain.Register, Actor: domain.Party{Enterprise: key.Name}, Registration: &domain.Registration{Enforce: req.Enforce}}
	})
}

func (s *Server) postCertificate(w http.ResponseWriter, r *http.Request) {
	s.recordOne(w, r, func(key *APIKey, req registryRequest) domain.Event {
		return domain.Event{Type: domain.Certify, Actor: domain.Party{Enterprise: key.Name}, Certificate: req.Certificate, Batches: req.Batches}
	})
}

// certAction revokes, suspends or reinstates the certificate in the path.
func (s *Server) certAction(t domain.EventType) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.recordOne(w, r, func(key *APIKey, req registryRequest) domain.Event {
			return domain.Event{Type: t, Actor: domain.Party{Enterprise: key.Name}, Certificate: &domain.Certificate{ID: r.PathValue("id")}, Reason: req.Reason}
		})
	}
}

// evaluate answers a registry read from the caller's org's peer.
func (s *Server) evaluate(w http.ResponseWriter, r *http.Request, fn string, args ...string) {
	raw, err := s.ledger.Evaluate(r.Context(), caller(r).Org, fn, args...)
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(raw)
}

func (s *Server) getEnterprise(w http.ResponseWriter, r *http.Request) {
	s.evaluate(w, r, wire.GetEnterprise, r.PathValue("id"))
}

func (s *Server) listEnterprises(w http.ResponseWriter, r *http.Request) {
	s.evaluate(w, r, wire.ListEnterprises, r.URL.Query().Get("platform"))
}

func (s *Server) listBodies(w http.ResponseWriter, r *http.Request) {
	s.evaluate(w, r, wire.ListBodies)
}

// CertView is a certificate with its status as of the answer's time.
type CertView struct {
	ledger.CertRecord
	Status string `json:"status"` // active, suspended, revoked, expired or pending, as of AsOf
	AsOf   string `json:"asOf"`
}

func (s *Server) certView(c ledger.CertRecord, now time.Time) CertView {
	return CertView{CertRecord: c, Status: domain.CertStatus(c.Certificate, now), AsOf: now.UTC().Format(time.RFC3339)}
}

func (s *Server) getCertificate(w http.ResponseWriter, r *http.Request) {
	raw, err := s.ledger.Evaluate(r.Context(), caller(r).Org, wire.GetCertificate, r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	var c ledger.CertRecord
	if err := json.Unmarshal(raw, &c); err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	writeJSON(w, http.StatusOK, s.certView(c, s.now()))
}

var certStatuses = map[string]bool{domain.CertActive: true, domain.CertSuspended: true, domain.CertRevoked: true,
	domain.CertExpired: true, domain.CertPending: true}

// listCertificates is the regulator's view of every certificate, filtered by status as of now.
func (s *Server) listCertificates(w http.ResponseWriter, r *http.Request) {
	want := r.URL.Query().Get("status")
	if want != "" && !certStatuses[want] {
		p := newProblem(http.StatusBadRequest, "bad-parameter", "status must be one of active, suspended, revoked, expired, pending; got "+want)
		p.Pointer = "?status"
		writeProblem(w, r, p)
		return
	}
	raw, err := s.ledger.Evaluate(r.Context(), caller(r).Org, wire.ListCertificates)
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	var all []ledger.CertRecord
	if err := json.Unmarshal(raw, &all); err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	now := s.now()
	out := []CertView{}
	for _, c := range all {
		if v := s.certView(c, now); want == "" || v.Status == want {
			out = append(out, v)
		}
	}
	writeJSON(w, http.StatusOK, struct {
		Certificates []CertView `json:"certificates"`
	}{out})
}
