package gateway

import (
	"context"
	"errors"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/readmodel"
	"github.com/agritrace/agritrace/reserve"
)

// The reserve read views, as plain functions of the read model: what the handlers answer.

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

var reserveKinds = []string{string(reserve.VarianceAlert), string(reserve.AgeAlert), string(reserve.RotationAlert),
	string(reserve.ReplenishAlert), string(reserve.QualityAlert)}

// granarySummaries lists the granaries of one platform (all when scope is empty) whose region
// starts with region.
func granarySummaries(ctx context.Context, store *readmodel.Store, cfg reserve.Config, scope, region string) (GranariesResponse, error) {
	out := GranariesResponse{LedgerBlock: store.Block(), Granaries: []GranarySummary{}}
	gs, err := store.Granaries(ctx, scope)
	if err != nil {
		return out, err
	}
	lots, err := store.Lots(ctx, "", scope)
	if err != nil {
		return out, err
	}
	alerts, err := store.Alerts(ctx, readmodel.AlertFilter{Platform: scope, Open: true, Kinds: reserveKinds})
	if err != nil {
		return out, err
	}
	checks, err := store.CheckBooks(ctx)
	if err != nil {
		return out, err
	}
	byGranary := map[string][]domain.StockCheck{}
	for _, c := range checks {
		byGranary[c.Granary] = append(byGranary[c.Granary], c)
	}
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
			sum.LastCheck = max(sum.LastCheck, rc.Time)
			if math.Abs(rc.Variance) > math.Abs(sum.WorstVariance) {
				sum.WorstVariance = rc.Variance
			}
		}
		out.Granaries = append(out.Granaries, sum)
	}
	return out, nil
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
	AgeProfile      []reserve.AgeBand        `json:"ageProfile"`
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

func granaryDetail(ctx context.Context, store *readmodel.Store, cfg reserve.Config, g domain.Granary, now time.Time) (GranaryDetail, error) {
	d := GranaryDetail{LedgerBlock: store.Block(), Granary: g, Reconciliations: []reserve.Reconciliation{}, Outflows: []Outflow{}}
	lots, err1 := store.Lots(ctx, g.ID, "")
	checks, err2 := store.Checks(ctx, g.ID)
	movements, err3 := store.Movements(ctx, g.ID)
	quality, err4 := store.Quality(ctx, g.ID)
	alerts, err5 := store.Alerts(ctx, readmodel.AlertFilter{Granary: g.ID, Kinds: reserveKinds})
	if err := errors.Join(err1, err2, err3, err4, err5); err != nil {
		return d, err
	}
	d.Lots = append([]domain.StockLot{}, lots...)
	d.Movements = append([]domain.StockMovement{}, movements...)
	d.Quality = append([]domain.QualityResult{}, quality...)
	d.Alerts = append([]reserve.Alert{}, alerts...)
	d.AgeProfile = cfg.AgeProfile(lots, now)
	for _, c := range checks {
		d.Reconciliations = append(d.Reconciliations, cfg.Reconcile(c))
	}
	for _, m := range movements {
		if m.Kind.Inbound() || m.Kind == domain.MoveBins || m.Batch == "" {
			continue
		}
		o := Outflow{Movement: m.ID, Kind: string(m.Kind), Batch: m.Batch, Descendants: []readmodel.Affected{}}
		aff, truncated, err := store.Impact(ctx, m.Batch, 10, 50)
		if err != nil && !errors.Is(err, readmodel.ErrNotFound) {
			return d, err
		}
		// Impact lists the batch itself first; what it became follows
		for _, a := range aff {
			if a.Batch != m.Batch {
				o.Descendants = append(o.Descendants, a)
			}
		}
		o.Truncated = truncated
		d.Outflows = append(d.Outflows, o)
	}
	return d, nil
}
