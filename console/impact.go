package console

import (
	"encoding/csv"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gateway"
)

// impactRow is one batch a recall would reach, with where it is now.
type impactRow struct {
	B        domain.Batch
	Location string   // GB/T 2260 code of the place of its last record
	Place    string   // that place's name
	Regions  []string // where its raw material grew
	UsedUp   bool     // wholly processed into other batches: counted through them
}

// total sums the batches still in circulation of one holder, owner or region.
type total struct {
	Key, Name  string
	Batches    int
	Quantities string
}

type impactView struct {
	Rows                        []impactRow
	Truncated                   bool
	InCirculation               int
	ByHolder, ByOwner, ByRegion []total
}

// impact lists every batch a recall of id reaches (it and all descendants) and totals those
// still in circulation — not used up by processing — per holder, owner and region.
func (c *Console) impact(r *http.Request, id, lang string) (impactView, error) {
	ctx := r.Context()
	aff, cut, err := c.Store.Impact(ctx, id, gateway.MaxLineageDepth, gateway.MaxLineageSize)
	if err != nil {
		return impactView{}, err
	}
	ids := make([]string, len(aff))
	for i, a := range aff {
		ids[i] = a.Batch
	}
	bs, err := c.Store.Batches(ctx, ids)
	if err != nil {
		return impactView{}, err
	}
	v := impactView{Truncated: cut}
	holders, owners, regions := map[string]*acc{}, map[string]*acc{}, map[string]*acc{}
	for _, b := range bs {
		row := impactRow{B: b}
		usedUp := b.Status == domain.Consumed
		// where it is: the place of its latest record that names one (a recall names none)
		if evs, err := c.Store.EventsOf(ctx, []string{b.ID}); err == nil {
			domain.SortEvents(evs)
			for i := len(evs) - 1; i >= 0; i-- {
				if l := evs[i].Location; l != nil && (l.Region != "" || l.Name != "") && row.Place == "" {
					row.Location, row.Place = l.Region, l.Name
				}
				// a recall overwrites "consumed": the record that took the whole batch still tells
				for _, in := range evs[i].Inputs {
					usedUp = usedUp || (in.Batch == b.ID && in.Quantity == nil)
				}
			}
		}
		row.Regions, _ = c.Store.Regions(ctx, b.ID)
		row.UsedUp = usedUp
		v.Rows = append(v.Rows, row)
		if usedUp {
			continue
		}
		v.InCirculation++
		add(holders, b.Custodian.Enterprise, partyName(b.Custodian), b.Quantity)
		add(owners, b.Owner.Enterprise, partyName(b.Owner), b.Quantity)
		city := row.Location
		if len(city) > 4 {
			city = city[:4]
		}
		add(regions, city, regionIn(lang, city), b.Quantity)
	}
	v.ByHolder, v.ByOwner, v.ByRegion = totals(holders, lang), totals(owners, lang), totals(regions, lang)
	return v, nil
}

type acc struct {
	name    string
	batches int
	units   map[string]float64
}

func add(m map[string]*acc, key, name string, q domain.Quantity) {
	a := m[key]
	if a == nil {
		a = &acc{name: name, units: map[string]float64{}}
		m[key] = a
	}
	a.batches++
	if q.Unit != "" {
		a.units[q.Unit] += q.Value
	}
}

func totals(m map[string]*acc, lang string) []total {
	out := make([]total, 0, len(m))
	for k, a := range m {
		var qs []string
		for u, n := range a.units {
			qs = append(qs, quantityIn(lang, domain.Quantity{Value: n, Unit: u}))
		}
		sort.Strings(qs)
		sep := "、"
		if lang == "en" {
			sep = ", "
		}
		out = append(out, total{Key: k, Name: a.name, Batches: a.batches, Quantities: strings.Join(qs, sep)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Batches != out[j].Batches {
			return out[i].Batches > out[j].Batches
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// writeCSV exports the impact for the field teams: one row per batch, names and codes both.
func (v impactView) writeCSV(w io.Writer, platformName func(string) string) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"批次标识", "批次号", "产品", "状态", "数量", "单位", "持有方", "持有方代码", "持有方平台", "所有方", "所有方代码",
		"所在地点", "所在地区代码", "所在地区", "原料产地代码"})
	for _, r := range v.Rows {
		b := r.B
		_ = cw.Write([]string{b.ID, lotOf(b.ID), b.Product.Name, label(statusLabels, string(b.Status)),
			strconv.FormatFloat(b.Quantity.Value, 'f', -1, 64), label(unitLabels, b.Quantity.Unit),
			partyName(b.Custodian), b.Custodian.Enterprise, platformName(b.Custodian.Platform), partyName(b.Owner), b.Owner.Enterprise,
			r.Place, r.Location, regionName(r.Location), strings.Join(r.Regions, " ")})
	}
	cw.Flush()
	return cw.Error()
}

// csvName keeps a file name to safe characters.
func csvName(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || (r >= '0' && r <= '9') || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') {
			return r
		}
		return '_'
	}, s)
}
