package gateway

import (
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/readmodel"
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
	if k.Role == "regulator" {
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
	id := r.PathValue("id")
	if _, err := s.store.Alert(r.Context(), id); err != nil {
		writeProblem(w, r, readProblem(err, "alert "+id))
		return
	}
	if req.Time == "" {
		req.Time = s.now().Format(time.RFC3339)
	}
	s.reserveSubmit(w, r, wire.CloseReserveAlert, "", domain.AlertClosure{Alert: id, Reason: req.Reason, Time: req.Time})
}

// GranarySummary is one granary in the list: capacity, book stock and what needs attention.
type GranarySummary struct {
	Granary       domain.Granary     `json:"granary"`
	CapacityT     float64            `json:"capacityT"`
	BookTonnes    float64            `json:"bookTonnes"`
	ByCategory    map[string]float64 `json:"byCategory"`
	ByAuthority   map[string]float64 `json:"byAuthority"`
	OpenAlerts    int                `json:"openAlerts"`
	LastCheck     string             `json:"lastCheck,omitempty"`
	WorstVariance float64            `json:"worstVariance"` // of each bin's latest count
}

// GranariesResponse is the list.
type GranariesResponse struct {
	LedgerBlock uint64           `json:"ledgerBlock"`
	Granaries   []GranarySummary `json:"granaries"`
}

func (s *Server) sweep(r *http.Request) error {
	return s.store.SweepReserveAlerts(r.Context(), s.reserveConfig(), s.now())
}

func (s *Server) getGranaries(w http.ResponseWriter, r *http.Request) {
	scope := platformScope(caller(r))
	region := r.URL.Query().Get("region")
	if err := s.sweep(r); err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	gs, err := s.store.Granaries(r.Context(), scope)
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	lots, err := s.store.Lots(r.Context(), "", scope)
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	alerts, err := s.store.Alerts(r.Context(), readmodel.AlertFilter{Platform: scope, Open: true, Kinds: reserveKinds})
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	checks, err := s.store.CheckBooks(r.Context())
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	byGranary := map[string][]domain.StockCheck{}
	for _, c := range checks {
		byGranary[c.Granary] = append(byGranary[c.Granary], c)
	}
	cfg := s.reserveConfig()
	out := GranariesResponse{LedgerBlock: s.store.Block(), Granaries: []GranarySummary{}}
	for _, g := range gs {
		if region != "" && !strings.HasPrefix(g.Region, region) {
			continue
		}
		sum := GranarySummary{Granary: g, ByCategory: map[string]float64{}, ByAuthority: map[string]float64{}}
		for _, b := range g.Bins {
			sum.CapacityT += b.CapacityT
		}
		for _, l := range lots {
			if l.Granary == g.ID {
				sum.BookTonnes += l.Tonnes
				sum.ByCategory[string(l.Category)] += l.Tonnes
				sum.ByAuthority[string(l.Authority)] += l.Tonnes
			}
		}
		for _, a := range alerts {
			if a.Granary == g.ID {
				sum.OpenAlerts++
			}
		}
		for _, rc := range latestPerBin(cfg, byGranary[g.ID]) {
			if rc.Time > sum.LastCheck {
				sum.LastCheck = rc.Time
			}
			if abs(rc.Variance) > abs(sum.WorstVariance) {
				sum.WorstVariance = rc.Variance
			}
		}
		out.Granaries = append(out.Granaries, sum)
	}
	writeJSON(w, http.StatusOK, out)
}

var reserveKinds = []string{string(reserve.VarianceAlert), string(reserve.AgeAlert), string(reserve.RotationAlert),
	string(reserve.ReplenishAlert), string(reserve.QualityAlert)}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// latestPerBin reconciles the latest count of each bin, given one granary's counts.
func latestPerBin(cfg reserve.Config, checks []domain.StockCheck) []reserve.Reconciliation {
	last := map[string]domain.StockCheck{}
	for _, c := range checks {
		t, _ := domain.ParseEventTime(c.Time)
		if p, ok := last[c.Bin]; ok {
			if pt, _ := domain.ParseEventTime(p.Time); !t.After(pt) {
				continue
			}
		}
		last[c.Bin] = c
	}
	out := make([]reserve.Reconciliation, 0, len(last))
	for _, c := range last {
		out = append(out, cfg.Reconcile(c))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Bin < out[j].Bin })
	return out
}

// GranaryDetail is one granary: bins with book stock, counts with their reconciliation, movements,
// quality results and alerts.
type GranaryDetail struct {
	LedgerBlock     uint64                   `json:"ledgerBlock"`
	Granary         domain.Granary           `json:"granary"`
	Lots            []domain.StockLot        `json:"lots"`
	AgeProfile      []AgeBand                `json:"ageProfile"`
	Reconciliations []reserve.Reconciliation `json:"reconciliations"` // every count, oldest first
	Movements       []domain.StockMovement   `json:"movements"`
	Quality         []domain.QualityResult   `json:"quality"`
	Alerts          []reserve.Alert          `json:"alerts"`
	// Outflows: where grain that left the reserve (rotate-out, sell, process) went, from the
	// lineage of the batch each movement names.
	Outflows []Outflow `json:"outflows"`
}

// Outflow is a movement out of the reserve and what its batch became.
type Outflow struct {
	Movement    string               `json:"movement"`
	Kind        string               `json:"kind"`
	Batch       string               `json:"batch"`
	Descendants []readmodel.Affected `json:"descendants"` // products made from it and who holds them
	Truncated   bool                 `json:"truncated,omitempty"`
}

// AgeBand is the tonnage in one storage year (储存年限).
type AgeBand struct {
	Grain       domain.Grain `json:"grain"`
	HarvestYear int          `json:"harvestYear"`
	Years       int          `json:"years"`
	Tonnes      float64      `json:"tonnes"`
	OverAge     bool         `json:"overAge"`
}

func (s *Server) getGranary(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	ctx := r.Context()
	g, err := s.store.Granary(ctx, id)
	if err != nil {
		writeProblem(w, r, readProblem(err, "granary "+id))
		return
	}
	if scope := platformScope(caller(r)); scope != "" && g.Platform != scope {
		writeProblem(w, r, newProblem(http.StatusForbidden, "granary-owner", "granary "+id+" is vouched for by another platform; a platform reads its own granaries"))
		return
	}
	if err := s.sweep(r); err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	cfg := s.reserveConfig()
	d := GranaryDetail{LedgerBlock: s.store.Block(), Granary: *g, Lots: []domain.StockLot{}, AgeProfile: []AgeBand{}, Reconciliations: []reserve.Reconciliation{}}
	errs := []error{}
	var lots []domain.StockLot
	lots, err = s.store.Lots(ctx, id, "")
	errs = append(errs, err)
	checks, err := s.store.Checks(ctx, id)
	errs = append(errs, err)
	d.Movements, err = s.store.Movements(ctx, id)
	errs = append(errs, err)
	d.Quality, err = s.store.Quality(ctx, id)
	errs = append(errs, err)
	d.Alerts, err = s.store.Alerts(ctx, readmodel.AlertFilter{Granary: id, Kinds: reserveKinds})
	errs = append(errs, err)
	if err := errors.Join(errs...); err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	d.Lots = append(d.Lots, lots...)
	bands := map[[2]string]*AgeBand{}
	for _, l := range lots {
		k := [2]string{string(l.Grain), strconv.Itoa(l.HarvestYear)}
		b := bands[k]
		if b == nil {
			years := reserve.StorageYears(l.HarvestYear, s.now())
			limit, ok := cfg.MaxAgeYears[l.Grain]
			b = &AgeBand{Grain: l.Grain, HarvestYear: l.HarvestYear, Years: years, OverAge: ok && years > limit}
			bands[k] = b
		}
		b.Tonnes += l.Tonnes
	}
	for _, b := range bands {
		d.AgeProfile = append(d.AgeProfile, *b)
	}
	sort.Slice(d.AgeProfile, func(i, j int) bool {
		if d.AgeProfile[i].HarvestYear != d.AgeProfile[j].HarvestYear {
			return d.AgeProfile[i].HarvestYear < d.AgeProfile[j].HarvestYear
		}
		return d.AgeProfile[i].Grain < d.AgeProfile[j].Grain
	})
	for _, c := range checks {
		d.Reconciliations = append(d.Reconciliations, cfg.Reconcile(c))
	}
	d.Outflows = []Outflow{}
	for _, m := range d.Movements {
		if m.Kind.Inbound() || m.Kind == domain.MoveBins || m.Batch == "" {
			continue
		}
		o := Outflow{Movement: m.ID, Kind: string(m.Kind), Batch: m.Batch, Descendants: []readmodel.Affected{}}
		if aff, truncated, err := s.store.Impact(ctx, m.Batch, 10, 50); err == nil {
			// Impact lists the batch itself first; what it became follows
			for _, a := range aff {
				if a.Batch != m.Batch {
					o.Descendants = append(o.Descendants, a)
				}
			}
			o.Truncated = truncated
		}
		d.Outflows = append(d.Outflows, o)
	}
	writeJSON(w, http.StatusOK, d)
}

// AlertsResponse lists alerts.
type AlertsResponse struct {
	LedgerBlock uint64          `json:"ledgerBlock"`
	Alerts      []reserve.Alert `json:"alerts"`
}

func (s *Server) listAlerts(w http.ResponseWriter, r *http.Request, kinds []string) {
	q := r.URL.Query()
	open := false
	switch q.Get("status") {
	case "", "all":
	case "open":
		open = true
	default:
		p := newProblem(http.StatusBadRequest, "bad-parameter", "status must be open or all")
		p.Pointer = "?status"
		writeProblem(w, r, p)
		return
	}
	if k := q.Get("kind"); k != "" {
		found := false
		for _, known := range kinds {
			found = found || known == k
		}
		if !found {
			p := newProblem(http.StatusBadRequest, "bad-parameter", "kind must be one of "+strings.Join(kinds, ", "))
			p.Pointer = "?kind"
			writeProblem(w, r, p)
			return
		}
		kinds = []string{k}
	}
	if err := s.sweep(r); err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	as, err := s.store.Alerts(r.Context(), readmodel.AlertFilter{Platform: platformScope(caller(r)), Granary: q.Get("granary"), Kinds: kinds, Open: open})
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	if as == nil {
		as = []reserve.Alert{}
	}
	writeJSON(w, http.StatusOK, AlertsResponse{LedgerBlock: s.store.Block(), Alerts: as})
}

func (s *Server) getReserveAlerts(w http.ResponseWriter, r *http.Request) {
	s.listAlerts(w, r, reserveKinds)
}
