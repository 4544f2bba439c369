package gateway

import (
	"net/http"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/reserve"
	"github.com/agritrace/agritrace/wire"
)

// Reserve grain supervision API: platforms register their granaries and record stock movements;
// the regulator records counts and closes alerts; reads show the regulator everything and a
// platform its own granaries.

func (s *Server) reserveRoutes() {
	m := s.mux
	m.HandleFunc("GET /v1/reserves/granaries", s.authenticate(s.getGranaries, false))
	m.HandleFunc("POST /v1/reserves/granaries", s.authenticate(s.postGranaries, false))
	m.HandleFunc("GET /v1/reserves/granaries/{id}", s.authenticate(s.getGranary, false))
	m.HandleFunc("POST /v1/reserves/movements", s.authenticate(s.postMovements, false))
	m.HandleFunc("POST /v1/reserves/checks", s.authenticate(s.postCheck, true))
	m.HandleFunc("POST /v1/reserves/quality", s.authenticate(s.postQuality, false))
	m.HandleFunc("GET /v1/reserves/alerts", s.authenticate(s.getReserveAlerts, false))
	m.HandleFunc("POST /v1/reserves/alerts/{id}/close", s.authenticate(s.postCloseAlert, true))
	s.marketRoutes()
}

// reserveConfig is the rules' configuration (defaults from the national norms).
func (s *Server) reserveConfig() reserve.Config {
	if s.opts.Reserve != nil {
		return *s.opts.Reserve
	}
	return reserve.Default()
}

// platformScope is the MSP ID a read is limited to: none for the regulator.
func platformScope(k *APIKey) string {
	if k.Role == domain.RoleRegulator {
		return ""
	}
	return k.MSPID
}

func (s *Server) decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	body, p := s.readBody(w, r, "application/json")
	if p == nil {
		p = decodeStrict(body, v, "")
	}
	if p != nil {
		writeProblem(w, r, p)
		return false
	}
	return true
}

func (s *Server) reserveSubmit(w http.ResponseWriter, r *http.Request, fn, field string, v any) {
	res, p := s.submitReserve(r.Context(), caller(r), fn, field, v)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) postGranaries(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Granaries []domain.Granary `json:"granaries"`
	}
	if s.decodeBody(w, r, &req) {
		s.reserveSubmit(w, r, wire.RegisterGranaries, "granaries", req.Granaries)
	}
}

func (s *Server) postMovements(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Movements []domain.StockMovement `json:"movements"`
	}
	if s.decodeBody(w, r, &req) {
		s.reserveSubmit(w, r, wire.RecordStockMovements, "movements", req.Movements)
	}
}

func (s *Server) postCheck(w http.ResponseWriter, r *http.Request) {
	var c domain.StockCheck
	if s.decodeBody(w, r, &c) {
		s.reserveSubmit(w, r, wire.RecordStockCheck, "", c)
	}
}

func (s *Server) postQuality(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Results []domain.QualityResult `json:"results"`
	}
	if s.decodeBody(w, r, &req) {
		s.reserveSubmit(w, r, wire.RecordStorageQuality, "results", req.Results)
	}
}

func (s *Server) postCloseAlert(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Reason string `json:"reason"`
		Time   string `json:"time,omitempty"`
	}
	if !s.decodeBody(w, r, &req) {
		return
	}
	res, err := s.CloseAlert(r.Context(), caller(r), r.PathValue("id"), req.Reason, req.Time)
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) getGranaries(w http.ResponseWriter, r *http.Request) {
	list, err := s.GranaryList(r.Context(), caller(r), r.URL.Query().Get("region"))
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) getGranary(w http.ResponseWriter, r *http.Request) {
	d, err := s.GranaryView(r.Context(), caller(r), r.PathValue("id"))
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) listAlerts(w http.ResponseWriter, r *http.Request, kinds []string) {
	q := r.URL.Query()
	res, err := s.Alerts(r.Context(), caller(r), AlertQuery{Status: q.Get("status"), Kind: q.Get("kind"), Granary: q.Get("granary")}, kinds)
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) getReserveAlerts(w http.ResponseWriter, r *http.Request) {
	s.listAlerts(w, r, reserveKinds)
}
