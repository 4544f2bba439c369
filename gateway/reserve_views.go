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

// granarySummaries summarises the granaries of one platform (all when scope is empty) whose
// region starts with region, ordered by region and ID, from the facts of a sweep, the book totals
// and the open alerts per granary. Each total and check is visited once.
func granarySummaries(cfg reserve.Config, f reserve.Facts, books []readmodel.BookTotal, open map[string]int, scope, region string) []GranarySummary {
	sums := map[string]*GranarySummary{}
	out := make([]*GranarySummary, 0, len(f.Granaries))
	for _, g := range f.Granaries {
		if (scope != "" && g.Platform != scope) || !strings.HasPrefix(g.Region, region) {
			continue
		}
		sum := &GranarySummary{Granary: g, ByCategory: map[string]float64{}, ByAuthority: map[string]float64{}, OpenAlerts: open[g.ID]}
		for _, b := range g.Bins {
			sum.CapacityT += b.CapacityT
		}
		sums[g.ID] = sum
		out = append(out, sum)
	}
	for _, b := range books {
		if sum := sums[b.Granary]; sum != nil {
			sum.BookTonnes += b.Tonnes
			sum.ByCategory[string(b.Category)] += b.Tonnes
			sum.ByAuthority[string(b.Authority)] += b.Tonnes
		}
	}
	for _, rc := range latestPerBin(cfg, f.Checks, func(granary string) bool { return sums[granary] != nil }) {
		sum := sums[rc.Granary]
		sum.LastCheck = max(sum.LastCheck, rc.Time)
		if math.Abs(rc.Variance) > math.Abs(sum.WorstVariance) {
			sum.WorstVariance = rc.Variance
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].Granary, out[j].Granary
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.ID < b.ID
	})
	list := make([]GranarySummary, len(out))
	for i, sum := range out {
		list[i] = *sum
	}
	return list
}

// latestPerBin reconciles the latest count of each bin of the granaries want accepts.
func latestPerBin(cfg reserve.Config, checks []domain.StockCheck, want func(granary string) bool) []reserve.Reconciliation {
	type bin struct{ granary, bin string }
	type latest struct {
		at    time.Time
		check *domain.StockCheck
	}
	last := map[bin]latest{}
	for i := range checks {
		c := &checks[i]
		if !want(c.Granary) {
			continue
		}
		t, _ := domain.ParseEventTime(c.Time)
		k := bin{c.Granary, c.Bin}
		if p, ok := last[k]; ok && !t.After(p.at) {
			continue
		}
		last[k] = latest{t, c}
	}
	out := make([]reserve.Reconciliation, 0, len(last))
	for _, l := range last {
		out = append(out, cfg.Reconcile(*l.check))
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Granary != out[j].Granary {
			return out[i].Granary < out[j].Granary
		}
		return out[i].Bin < out[j].Bin
	})
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
