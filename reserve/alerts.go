package reserve

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/agritrace/agritrace/domain"
)

// AlertKind names the rule that raised an alert.
type AlertKind string

const (
	VarianceAlert  AlertKind = "variance"        // 账实不符
	AgeAlert       AlertKind = "storage-age"     // 超期储存
	RotationAlert  AlertKind = "rotation-lag"    // 轮换滞后
	ReplenishAlert AlertKind = "replenish"       // 轮换补库超期
	QualityAlert   AlertKind = "storage-quality" // 储存品质不宜存
	MinPriceAlert  AlertKind = "below-min-price" // 低于最低收购价
	WeekAlert      AlertKind = "week-change"     // 价格周环比异动
	VolumeAlert    AlertKind = "volume-yoy"      // 收购量同比异动
)

// Alert is a rule breach. Its ID is derived from the facts that raised it, so evaluating the same
// facts again finds the same alert; it stays until the regulator closes it.
type Alert struct {
	ID          string               `json:"id"`
	Kind        AlertKind            `json:"kind"`
	Severity    string               `json:"severity"` // warning or critical
	Granary     string               `json:"granary,omitempty"`
	Bin         string               `json:"bin,omitempty"`
	Platform    string               `json:"platform,omitempty"` // platform of the granary (who may see it)
	Region      string               `json:"region,omitempty"`
	Grain       domain.Grain         `json:"grain,omitempty"`
	HarvestYear int                  `json:"harvestYear,omitempty"`
	Category    string               `json:"category,omitempty"`
	Week        string               `json:"week,omitempty"`
	Subject     string               `json:"subject,omitempty"` // the check, lot, result or cell behind it
	Figure      float64              `json:"figure"`            // the measured value (variance, years, change…)
	Limit       float64              `json:"limit"`             // the configured limit it breached
	Detail      string               `json:"detail"`            // Chinese
	DetailEN    string               `json:"detailEn"`
	Since       string               `json:"since"`
	Raised      string               `json:"raised,omitempty"` // read model: when the rules first raised it
	Closed      *domain.AlertClosure `json:"closed,omitempty"`
}

// Facts are what the reserve rules look at.
type Facts struct {
	Granaries map[string]domain.Granary
	// Lots the storage-age rule looks at: every lot, or only those harvested before
	// AgeCutoffs (the others raise nothing).
	Lots      []domain.StockLot
	Checks    []domain.StockCheck
	Quality   []domain.QualityResult
	Movements []domain.StockMovement // in time order
}

func (f Facts) platform(granary string) string { return f.Granaries[granary].Platform }
func (f Facts) region(granary string) string   { return f.Granaries[granary].Region }

// Evaluate returns every reserve alert the facts raise as of now, ordered by ID.
func (c Config) Evaluate(f Facts, now time.Time) []Alert {
	var out []Alert
	for _, ck := range f.Checks {
		if a, ok := c.varianceAlert(ck); ok {
			a.Platform, a.Region = f.platform(ck.Granary), f.region(ck.Granary)
			out = append(out, a)
		}
	}
	for _, l := range f.Lots {
		if a, ok := c.ageAlert(l, now); ok {
			a.Platform, a.Region = f.platform(l.Granary), f.region(l.Granary)
			out = append(out, a)
		}
	}
	for _, q := range f.Quality {
		if a, ok := c.qualityAlert(q); ok {
			a.Platform, a.Region = f.platform(q.Granary), f.region(q.Granary)
			out = append(out, a)
		}
	}
	for _, a := range c.rotationAlerts(f, now) {
		a.Platform, a.Region = f.platform(a.Granary), f.region(a.Granary)
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (c Config) varianceAlert(ck domain.StockCheck) (Alert, bool) {
	r := c.Reconcile(ck)
	if r.Within {
		return Alert{}, false
	}
	sev := "warning"
	if r.Variance < 0 {
		sev = "critical" // grain missing from the bin
	}
	return Alert{ID: "variance:" + ck.ID, Kind: VarianceAlert, Severity: sev, Granary: ck.Granary, Bin: ck.Bin, Subject: ck.ID,
		Figure: r.Variance, Limit: c.Tolerance, Since: ck.Time,
		Detail: fmt.Sprintf("账实不符：%s 仓 实测 %.1f 吨，账面 %.1f 吨扣除自然损耗 %.1f 吨后应为 %.1f 吨，差率 %+.2f%%（允许 ±%.1f%%）",
			ck.Bin, r.CountedTonnes, r.BookTonnes, r.AllowanceTonnes, r.ExpectedTonnes, 100*r.Variance, 100*c.Tolerance),
		DetailEN: fmt.Sprintf("Book and count disagree: bin %s counted %.1f t; book %.1f t less %.1f t natural loss expects %.1f t; variance %+.2f%% (tolerance ±%.1f%%)",
			ck.Bin, r.CountedTonnes, r.BookTonnes, r.AllowanceTonnes, r.ExpectedTonnes, 100*r.Variance, 100*c.Tolerance)}, true
}

func (c Config) ageAlert(l domain.StockLot, now time.Time) (Alert, bool) {
	cutoff, ok := c.ageCutoff(l.Grain, now)
	if !ok || l.Tonnes <= 0 || l.HarvestYear >= cutoff {
		return Alert{}, false
	}
	limit, years := c.MaxAgeYears[l.Grain], StorageYears(l.HarvestYear, now)
	return Alert{ID: "storage-age:" + l.LotKey(), Kind: AgeAlert, Severity: "warning", Granary: l.Granary, Bin: l.Bin,
		Grain: l.Grain, HarvestYear: l.HarvestYear, Category: string(l.Category), Subject: l.LotKey(),
		Figure: float64(years), Limit: float64(limit), Since: strconv.Itoa(l.HarvestYear+limit) + "-01-01",
		Detail:   fmt.Sprintf("超期储存：%s 仓 %d 年产%s %.1f 吨 已储存 %d 年（上限 %d 年），应安排轮换", l.Bin, l.HarvestYear, grainZH[l.Grain], l.Tonnes, years, limit),
		DetailEN: fmt.Sprintf("Stored too long: bin %s holds %.1f t of %d %s, in its storage year %d (limit %d); due for rotation", l.Bin, l.Tonnes, l.HarvestYear, l.Grain, years, limit)}, true
}

func qualityRank(q domain.QualityClass) int {
	for i, k := range domain.QualityClasses {
		if k == q {
			return i
		}
	}
	return -1
}

func (c Config) qualityAlert(q domain.QualityResult) (Alert, bool) {
	if qualityRank(q.Class) < qualityRank(c.QualityAlertAt) {
		return Alert{}, false
	}
	sev := "warning"
	if q.Class == domain.PoorStorage {
		sev = "critical"
	}
	return Alert{ID: "storage-quality:" + q.ID, Kind: QualityAlert, Severity: sev, Granary: q.Granary, Bin: q.Bin, Grain: q.Grain,
		HarvestYear: q.HarvestYear, Subject: q.ID, Figure: float64(qualityRank(q.Class)), Limit: float64(qualityRank(c.QualityAlertAt)), Since: q.Time,
		Detail:   fmt.Sprintf("储存品质%s：%s 仓 %d 年产%s（%s）", QualityZH[q.Class], q.Bin, q.HarvestYear, grainZH[q.Grain], q.Standard),
		DetailEN: fmt.Sprintf("Storage quality %s: bin %s, %d %s (%s)", q.Class, q.Bin, q.HarvestYear, q.Grain, q.Standard)}, true
}

// rotationAlerts checks each granary's yearly plan against rotate-outs so far, and that every
// rotate-out of government grain is replenished by rotate-ins within the window.
func (c Config) rotationAlerts(f Facts, now time.Time) []Alert {
	var out []Alert
	type gk struct {
		granary string
		grain   domain.Grain
		year    int
	}
	rotated := map[gk]float64{}
	type rk struct {
		granary string
		grain   domain.Grain
		cat     domain.ReserveCategory
	}
	type pending struct {
		id     string
		at     time.Time
		tonnes float64
	}
	open := map[rk][]pending{}
	for _, m := range f.Movements {
		t, err := domain.ParseEventTime(m.Time)
		if err != nil {
			continue
		}
		k := rk{m.Granary, m.Grain, m.Category}
		switch m.Kind {
		case domain.RotateOut:
			rotated[gk{m.Granary, m.Grain, t.Year()}] += m.Tonnes
			if m.Category.Authority() != domain.NoAuthority {
				open[k] = append(open[k], pending{m.ID, t, m.Tonnes})
			}
		case domain.RotateIn:
			// rotate-ins replenish the oldest rotate-outs first
			left := m.Tonnes
			for len(open[k]) > 0 && left > 1e-9 {
				p := &open[k][0]
				take := min(left, p.tonnes)
				p.tonnes -= take
				left -= take
				if p.tonnes <= 1e-9 {
					open[k] = open[k][1:]
				}
			}
		}
	}
	for k, ps := range open {
		for _, p := range ps {
			due := p.at.Add(c.ReplenishWindow)
			if now.Before(due) {
				continue
			}
			out = append(out, Alert{ID: "replenish:" + p.id, Kind: ReplenishAlert, Severity: "critical", Granary: k.granary, Grain: k.grain,
				Category: string(k.cat), Subject: p.id, Figure: p.tonnes, Limit: c.ReplenishWindow.Hours() / 24, Since: due.UTC().Format(time.RFC3339),
				Detail:   fmt.Sprintf("轮换补库超期：轮换出库 %s 尚有 %.1f 吨%s未在 %.0f 天内补库", p.id, p.tonnes, grainZH[k.grain], c.ReplenishWindow.Hours()/24),
				DetailEN: fmt.Sprintf("Not replenished: %.1f t of %s from rotate-out %s not rotated back in within %.0f days", p.tonnes, k.grain, p.id, c.ReplenishWindow.Hours()/24)})
		}
	}
	ids := make([]string, 0, len(f.Granaries))
	for id := range f.Granaries {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		for _, pl := range f.Granaries[id].Plans {
			if pl.Year != now.Year() || pl.Tonnes <= 0 {
				continue
			}
			start := time.Date(pl.Year, 1, 1, 0, 0, 0, 0, now.Location())
			elapsed := now.Sub(start).Hours() / (start.AddDate(1, 0, 0).Sub(start).Hours())
			done := rotated[gk{id, pl.Grain, pl.Year}] / pl.Tonnes
			if done+c.RotationSlack >= elapsed {
				continue
			}
			out = append(out, Alert{ID: fmt.Sprintf("rotation-lag:%s/%s/%d", id, pl.Grain, pl.Year), Kind: RotationAlert, Severity: "warning",
				Granary: id, Grain: pl.Grain, Subject: fmt.Sprintf("%d", pl.Year), Figure: done, Limit: elapsed - c.RotationSlack, Since: now.UTC().Format("2006-01-02"),
				Detail:   fmt.Sprintf("轮换滞后：%d 年%s轮换计划 %.0f 吨，已轮出 %.0f%%，按进度应不少于 %.0f%%", pl.Year, grainZH[pl.Grain], pl.Tonnes, 100*done, 100*(elapsed-c.RotationSlack)),
				DetailEN: fmt.Sprintf("Rotation behind plan: %d plan %.0f t of %s, %.0f%% rotated out, at least %.0f%% expected by now", pl.Year, pl.Tonnes, pl.Grain, 100*done, 100*(elapsed-c.RotationSlack))})
		}
	}
	return out
}

var grainZH = map[domain.Grain]string{domain.Wheat: "小麦", domain.Paddy: "稻谷", domain.Rice: "大米", domain.Corn: "玉米", domain.Soybean: "大豆"}

// GrainZH is the Chinese name of a grain.
func GrainZH(g domain.Grain) string { return grainZH[g] }

// QualityZH names the storage-quality classes as GB/T 20569/20570/20571 do.
var QualityZH = map[domain.QualityClass]string{domain.GoodStorage: "宜存", domain.ModerateStorage: "轻度不宜存", domain.PoorStorage: "重度不宜存"}

// AgeBand is the tonnage of one grain in one storage year (储存年限).
type AgeBand struct {
	Grain       domain.Grain `json:"grain"`
	HarvestYear int          `json:"harvestYear"`
	Years       int          `json:"years"`
	Tonnes      float64      `json:"tonnes"`
	OverAge     bool         `json:"overAge"`
}

// AgeProfile sums lots per grain and harvest year, oldest first, marking those past their age.
func (c Config) AgeProfile(lots []domain.StockLot, now time.Time) []AgeBand {
	type key struct {
		g domain.Grain
		y int
	}
	by := map[key]*AgeBand{}
	for _, l := range lots {
		k := key{l.Grain, l.HarvestYear}
		b := by[k]
		if b == nil {
			years := StorageYears(l.HarvestYear, now)
			limit, ok := c.MaxAgeYears[l.Grain]
			b = &AgeBand{Grain: l.Grain, HarvestYear: l.HarvestYear, Years: years, OverAge: ok && years > limit}
			by[k] = b
		}
		b.Tonnes += l.Tonnes
	}
	out := make([]AgeBand, 0, len(by))
	for _, b := range by {
		out = append(out, *b)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].HarvestYear != out[j].HarvestYear {
			return out[i].HarvestYear < out[j].HarvestYear
		}
		return out[i].Grain < out[j].Grain
	})
	return out
}
