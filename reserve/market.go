package reserve

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/agritrace/agritrace/domain"
)

// Deal is one purchase as its platform's node sees it from the private terms. Deals never leave
// the node: only Aggregate's cells do.
type Deal struct {
	Region string // province code
	Grain  domain.Grain
	Week   string
	Buyer  string
	Seller string
	Tonnes float64
	Price  float64 // CNY/kg
}

// Aggregate sums deals per region × grain × week and keeps only cells with at least k distinct
// buyers and k distinct sellers; the others are returned as keys without any figure.
func Aggregate(deals []Deal, k int) ([]domain.MarketCell, []domain.CellKey) {
	type acc struct {
		deals           int
		buyers, sellers map[string]bool
		tonnes, value   float64
	}
	cells := map[domain.CellKey]*acc{}
	for _, d := range deals {
		if d.Tonnes <= 0 || d.Price <= 0 {
			continue
		}
		key := domain.CellKey{Region: d.Region, Grain: d.Grain, Week: d.Week}
		a := cells[key]
		if a == nil {
			a = &acc{buyers: map[string]bool{}, sellers: map[string]bool{}}
			cells[key] = a
		}
		a.deals++
		a.buyers[d.Buyer] = true
		a.sellers[d.Seller] = true
		a.tonnes += d.Tonnes
		a.value += d.Tonnes * d.Price
	}
	var out []domain.MarketCell
	var suppressed []domain.CellKey
	for key, a := range cells {
		if len(a.buyers) < k || len(a.sellers) < k || a.deals < k {
			suppressed = append(suppressed, key)
			continue
		}
		out = append(out, domain.MarketCell{Region: key.Region, Grain: key.Grain, Week: key.Week, Deals: a.deals,
			Buyers: len(a.buyers), Sellers: len(a.sellers), VolumeTonnes: round(a.tonnes, 3), AvgPrice: round(a.value/a.tonnes, 4)})
	}
	sort.Slice(out, func(i, j int) bool {
		return cellLess(out[i].Region, out[i].Grain, out[i].Week, out[j].Region, out[j].Grain, out[j].Week)
	})
	sort.Slice(suppressed, func(i, j int) bool {
		return cellLess(suppressed[i].Region, suppressed[i].Grain, suppressed[i].Week, suppressed[j].Region, suppressed[j].Grain, suppressed[j].Week)
	})
	return out, suppressed
}

func cellLess(r1 string, g1 domain.Grain, w1 string, r2 string, g2 domain.Grain, w2 string) bool {
	if g1 != g2 {
		return g1 < g2
	}
	if w1 != w2 {
		return w1 < w2
	}
	return r1 < r2
}

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

// IndexPoint is one week of a grain's national series, combined from every platform's cells.
type IndexPoint struct {
	Grain        domain.Grain `json:"grain"`
	Week         string       `json:"week"`
	AvgPrice     float64      `json:"avgPrice"` // CNY/kg, volume-weighted over cells
	Index        float64      `json:"index"`    // first week of the series = 100
	VolumeTonnes float64      `json:"volumeTonnes"`
	Cells        int          `json:"cells"`
	Regions      []string     `json:"regions"`
}

// Combine turns published cells into a price index and volume series per grain, weeks ascending.
func Combine(cells []domain.MarketCell) map[domain.Grain][]IndexPoint {
	type key struct {
		g domain.Grain
		w string
	}
	type acc struct {
		tonnes, value float64
		n             int
		regions       map[string]bool
	}
	by := map[key]*acc{}
	for _, c := range cells {
		k := key{c.Grain, c.Week}
		a := by[k]
		if a == nil {
			a = &acc{regions: map[string]bool{}}
			by[k] = a
		}
		a.tonnes += c.VolumeTonnes
		a.value += c.VolumeTonnes * c.AvgPrice
		a.n++
		a.regions[c.Region] = true
	}
	out := map[domain.Grain][]IndexPoint{}
	for k, a := range by {
		p := IndexPoint{Grain: k.g, Week: k.w, AvgPrice: round(a.value/a.tonnes, 4), VolumeTonnes: round(a.tonnes, 3), Cells: a.n}
		for r := range a.regions {
			p.Regions = append(p.Regions, r)
		}
		sort.Strings(p.Regions)
		out[k.g] = append(out[k.g], p)
	}
	for g, s := range out {
		sort.Slice(s, func(i, j int) bool { return s[i].Week < s[j].Week })
		for i := range s {
			s[i].Index = round(100*s[i].AvgPrice/s[0].AvgPrice, 2)
		}
		out[g] = s
	}
	return out
}

// MarketAlerts: cells whose average is below the minimum purchase price of that grain and year,
// weeks whose national average moved more than WeekChange from the week before, and weeks whose
// volume departs more than YearVolumeChange from the same ISO week a year earlier.
func (c Config) MarketAlerts(cells []domain.MarketCell, series map[domain.Grain][]IndexPoint) []Alert {
	var out []Alert
	for _, cell := range cells {
		ws, err := domain.WeekStart(cell.Week)
		if err != nil {
			continue
		}
		floor, ok := c.MinPrice[cell.Grain][ws.Year()]
		if !ok || cell.AvgPrice >= floor {
			continue
		}
		out = append(out, Alert{ID: fmt.Sprintf("below-min-price:%s/%s/%s/%s", cell.Region, cell.Grain, cell.Week, cell.Platform), Kind: MinPriceAlert, Severity: "critical",
			Region: cell.Region, Grain: cell.Grain, Week: cell.Week, Platform: cell.Platform, Figure: cell.AvgPrice, Limit: floor, Since: ws.Format("2006-01-02"),
			Detail:   fmt.Sprintf("低于最低收购价：%s %s 收购均价 %.3f 元/公斤，低于 %d 年最低收购价 %.3f 元/公斤", cell.Week, grainZH[cell.Grain], cell.AvgPrice, ws.Year(), floor),
			DetailEN: fmt.Sprintf("Below the minimum purchase price: %s %s averaged %.3f CNY/kg, under the %d floor of %.3f CNY/kg", cell.Week, cell.Grain, cell.AvgPrice, ws.Year(), floor)})
	}
	grains := make([]string, 0, len(series))
	for g := range series {
		grains = append(grains, string(g))
	}
	sort.Strings(grains)
	for _, gs := range grains {
		g := domain.Grain(gs)
		s := series[g]
		byWeek := map[string]IndexPoint{}
		for _, p := range s {
			byWeek[p.Week] = p
		}
		for _, p := range s {
			ws, _ := domain.WeekStart(p.Week)
			prev, ok := byWeek[domain.ISOWeek(ws.AddDate(0, 0, -7))]
			if ok && prev.AvgPrice > 0 {
				ch := p.AvgPrice/prev.AvgPrice - 1
				if math.Abs(ch) > c.WeekChange {
					out = append(out, Alert{ID: fmt.Sprintf("week-change:%s/%s", g, p.Week), Kind: WeekAlert, Severity: "warning", Grain: g, Week: p.Week,
						Figure: round(ch, 4), Limit: c.WeekChange, Since: ws.Format("2006-01-02"),
						Detail:   fmt.Sprintf("价格周环比异动：%s %s 收购均价 %.3f 元/公斤，较上周 %+.1f%%（阈值 ±%.0f%%）", p.Week, grainZH[g], p.AvgPrice, 100*ch, 100*c.WeekChange),
						DetailEN: fmt.Sprintf("Week-on-week price move: %s %s averaged %.3f CNY/kg, %+.1f%% on the week before (threshold ±%.0f%%)", p.Week, g, p.AvgPrice, 100*ch, 100*c.WeekChange)})
				}
			}
			ly, ok := byWeek[fmt.Sprintf("%04d%s", mustYear(p.Week)-1, p.Week[4:])]
			if ok && ly.VolumeTonnes > 0 {
				ch := p.VolumeTonnes/ly.VolumeTonnes - 1
				if math.Abs(ch) > c.YearVolumeChange {
					out = append(out, Alert{ID: fmt.Sprintf("volume-yoy:%s/%s", g, p.Week), Kind: VolumeAlert, Severity: "warning", Grain: g, Week: p.Week,
						Figure: round(ch, 4), Limit: c.YearVolumeChange, Since: ws.Format("2006-01-02"),
						Detail:   fmt.Sprintf("收购量同比异动：%s %s 收购 %.1f 吨，较去年同周 %+.0f%%（阈值 ±%.0f%%）", p.Week, grainZH[g], p.VolumeTonnes, 100*ch, 100*c.YearVolumeChange),
						DetailEN: fmt.Sprintf("Volume far from last year: %s %s %.1f t purchased, %+.0f%% on the same week last year (threshold ±%.0f%%)", p.Week, g, p.VolumeTonnes, 100*ch, 100*c.YearVolumeChange)})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func mustYear(week string) int {
	t, err := domain.WeekStart(week)
	if err != nil {
		return 0
	}
	// the ISO year is the year of the week's Thursday
	return t.AddDate(0, 0, 3).Year()
}

// WeekOf is the ISO week of an event time, in the event's own zone (China's week for China's deals).
func WeekOf(eventTime string) (string, error) {
	t, err := domain.ParseEventTime(eventTime)
	if err != nil {
		return "", err
	}
	return domain.ISOWeek(t), nil
}

// WeekEnded reports whether an ISO week is over at now: only finished weeks are published, so a
// published cell does not change when one more deal of that week comes in.
func WeekEnded(week string, now time.Time) bool {
	ws, err := domain.WeekStart(week)
	if err != nil {
		return false
	}
	return !now.Before(ws.AddDate(0, 0, 7).Add(-8 * time.Hour)) // Monday 00:00 in China (UTC+8)
}
