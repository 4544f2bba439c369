package gateway

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/readmodel"
	"github.com/agritrace/agritrace/reserve"
	"github.com/agritrace/agritrace/wire"
)

// Reserve and market services: what the API routes and the console pages both call, with the
// caller's key deciding what it may see (the regulator everything, a platform its own granaries).

// sweep keeps the alerts the rules raise as of now (see readmodel.SweepReserveAlerts).
func (s *Server) sweep(ctx context.Context) error {
	_, err := s.store.SweepReserveAlerts(ctx, s.reserveConfig(), s.now())
	return err
}

// GranaryList lists the granaries key may see whose region starts with region. The list is built
// from the facts the alert sweep has just read, so the read model is read once.
func (s *Server) GranaryList(ctx context.Context, key *APIKey, region string) (GranariesResponse, error) {
	cfg := s.reserveConfig()
	facts, err := s.store.SweepReserveAlerts(ctx, cfg, s.now())
	if err != nil {
		return GranariesResponse{}, err
	}
	scope := platformScope(key)
	open, err1 := s.store.OpenAlertCounts(ctx, scope, reserveKinds)
	books, err2 := s.store.BookTotals(ctx, scope)
	if err := errors.Join(err1, err2); err != nil {
		return GranariesResponse{}, err
	}
	return GranariesResponse{LedgerBlock: s.store.Block(), Granaries: granarySummaries(cfg, facts, books, open, scope, region)}, nil
}

// GranaryView is one granary as key may see it: 404 when unknown, 403 for another platform's.
func (s *Server) GranaryView(ctx context.Context, key *APIKey, id string) (GranaryDetail, error) {
	g, err := s.store.Granary(ctx, id)
	if err != nil {
		return GranaryDetail{}, readProblem(err, "granary "+id)
	}
	if scope := platformScope(key); scope != "" && g.Platform != scope {
		return GranaryDetail{}, newProblem(http.StatusForbidden, "granary-owner", "granary "+id+" is vouched for by another platform; a platform reads its own granaries")
	}
	if err := s.sweep(ctx); err != nil {
		return GranaryDetail{}, err
	}
	return granaryDetail(ctx, s.store, s.reserveConfig(), *g, s.now())
}

// AlertQuery selects alerts: status open or all (default), one kind, one granary.
type AlertQuery struct {
	Status, Kind, Granary string
}

// AlertsResponse lists alerts.
type AlertsResponse struct {
	LedgerBlock uint64          `json:"ledgerBlock"`
	Alerts      []reserve.Alert `json:"alerts"`
}

// Alerts lists the kept alerts of the given kinds that key may see.
func (s *Server) Alerts(ctx context.Context, key *APIKey, q AlertQuery, kinds []string) (AlertsResponse, error) {
	open := false
	switch q.Status {
	case "", "all":
	case "open":
		open = true
	default:
		p := newProblem(http.StatusBadRequest, "bad-parameter", "status must be open or all")
		p.Pointer = "?status"
		return AlertsResponse{}, p
	}
	if q.Kind != "" {
		found := false
		for _, known := range kinds {
			found = found || known == q.Kind
		}
		if !found {
			p := newProblem(http.StatusBadRequest, "bad-parameter", "kind must be one of "+strings.Join(kinds, ", "))
			p.Pointer = "?kind"
			return AlertsResponse{}, p
		}
		kinds = []string{q.Kind}
	}
	if err := s.sweep(ctx); err != nil {
		return AlertsResponse{}, err
	}
	as, err := s.store.Alerts(ctx, readmodel.AlertFilter{Platform: platformScope(key), Granary: q.Granary, Kinds: kinds, Open: open})
	if err != nil {
		return AlertsResponse{}, err
	}
	if as == nil {
		as = []reserve.Alert{}
	}
	return AlertsResponse{LedgerBlock: s.store.Block(), Alerts: as}, nil
}

// CloseAlert records the regulator's closing of a kept alert, with a reason, on the ledger.
func (s *Server) CloseAlert(ctx context.Context, key *APIKey, id, reason, at string) (*ReserveResponse, error) {
	if key.Role != domain.RoleRegulator {
		return nil, newProblem(http.StatusForbidden, "regulator-only", "only the regulator closes alerts")
	}
	if _, err := s.store.Alert(ctx, id); err != nil {
		return nil, readProblem(err, "alert "+id)
	}
	if at == "" {
		at = s.now().Format(time.RFC3339)
	}
	res, p := s.submitReserve(ctx, key, wire.CloseReserveAlert, "", domain.AlertClosure{Alert: id, Reason: reason, Time: at})
	if p != nil {
		return nil, p
	}
	return res, nil
}

// MarketPrices combines every platform's published cells (of one grain when given) into the
// index and volume series; suppressed cells are listed by key only.
func (s *Server) MarketPrices(ctx context.Context, grain domain.Grain) (PricesResponse, error) {
	// an unknown grain would match no cell and answer an empty series, which looks like "no trade"
	if grain != "" && !slices.Contains(domain.Grains, grain) {
		names := make([]string, len(domain.Grains))
		for i, g := range domain.Grains {
			names[i] = string(g)
		}
		p := newProblem(http.StatusBadRequest, "bad-parameter", "grain must be one of "+strings.Join(names, ", "))
		p.Pointer = "?grain"
		return PricesResponse{}, p
	}
	cells, err1 := s.store.MarketCells(ctx)
	suppressed, err2 := s.store.SuppressedCells(ctx)
	if err := errors.Join(err1, err2); err != nil {
		return PricesResponse{}, err
	}
	cfg := s.reserveConfig()
	out := PricesResponse{LedgerBlock: s.store.Block(), K: cfg.K, Series: []GrainSeries{}, Cells: []domain.MarketCell{}, Suppressed: []domain.CellKey{},
		MinPrice: map[string]map[int]float64{}}
	for g, years := range cfg.MinPrice {
		out.MinPrice[string(g)] = years
	}
	for _, c := range cells {
		if grain == "" || c.Grain == grain {
			out.Cells = append(out.Cells, c)
		}
	}
	for _, k := range suppressed {
		if grain == "" || k.Grain == grain {
			out.Suppressed = append(out.Suppressed, k)
		}
	}
	for g, pts := range reserve.Combine(out.Cells) {
		out.Series = append(out.Series, GrainSeries{Grain: g, Points: pts})
	}
	sort.Slice(out.Series, func(i, j int) bool { return out.Series[i].Grain < out.Series[j].Grain })
	return out, nil
}

// ReserveKinds and MarketKinds are the alert kinds of the two alert lists.
func ReserveKinds() []string { return append([]string(nil), reserveKinds...) }

// MarketKinds: see ReserveKinds.
func MarketKinds() []string { return append([]string(nil), marketKinds...) }
