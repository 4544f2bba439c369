package trace

import (
	"sort"
	"strconv"
	"strings"

	"github.com/agritrace/agritrace/domain"
)

// What the verdict block tells: which lots are in the package, where they grew, when it was
// made, its certificates, its recall and the package in hand.

// lineageOf is the batch and its ancestors: what is in the package. Descendants and siblings
// (other bags of the same run) have their own pages.
func lineageOf(root string, byID map[string]domain.Batch) map[string]bool {
	mine := map[string]bool{root: true}
	queue := []string{root}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, p := range byID[id].Parents {
			if !mine[p] {
				mine[p] = true
				queue = append(queue, p)
			}
		}
	}
	return mine
}

func touches(e domain.Event, mine map[string]bool) bool {
	for _, b := range e.Batches {
		if mine[b] {
			return true
		}
	}
	for _, in := range e.Inputs {
		if mine[in.Batch] {
			return true
		}
	}
	for _, o := range e.Outputs {
		if mine[o.Batch] {
			return true
		}
	}
	return false
}

// origins lists every distinct origin among the batch and its ancestors: a merged silo lot has
// one per farm.
func origins(root string, byID map[string]domain.Batch, mine map[string]bool, lang string) []PublicOrigin {
	ids := make([]string, 0, len(mine))
	for id := range mine {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	seen := map[string]bool{}
	var out []PublicOrigin
	for _, id := range ids {
		o := byID[id].Origin
		if o == nil || o.Region == "" {
			continue
		}
		k := o.Region + "|" + o.Plot + "|" + o.HarvestDate
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, PublicOrigin{Region: o.Region, RegionName: RegionName(o.Region, lang), Plot: o.Plot, HarvestDate: o.HarvestDate})
	}
	return out
}

// originLines writes one line per region and harvest day, listing its plots: three farms of
// one county harvested the same day are one line.
func originLines(list []PublicOrigin, lang string) []string {
	type key struct{ region, day string }
	var order []key
	plots := map[key][]string{}
	names := map[key]string{}
	for _, o := range list {
		k := key{o.Region, o.HarvestDate}
		if _, ok := plots[k]; !ok {
			order = append(order, k)
			names[k] = o.RegionName
			plots[k] = nil
		}
		if o.Plot != "" {
			plots[k] = append(plots[k], o.Plot)
		}
	}
	sep := "、"
	if lang == "en" {
		sep = ", "
	}
	out := make([]string, 0, len(order))
	for _, k := range order {
		s := names[k]
		if ps := plots[k]; len(ps) > 0 {
			s += " · " + tr(lang, "plot") + " " + strings.Join(ps, sep)
		}
		if k.day != "" {
			s += " · " + tr(lang, "harvest") + " " + k.day
		}
		out = append(out, s)
	}
	return out
}

func partyName(p domain.Party) string {
	if p.Name != "" {
		return p.Name
	}
	return p.Enterprise
}

func madeOf(e domain.Event) *PublicDate {
	kind := "produced"
	switch e.Type {
	case domain.Split, domain.Aggregate:
		kind = "packed"
	case domain.Produce:
		kind = "harvestedOn"
	}
	return &PublicDate{Kind: kind, Date: day(e.EventTime)}
}

// shelfLifeDays reads the shelf life a packer records on the event that made the lot.
func shelfLifeDays(e domain.Event) (int, bool) {
	v, ok := e.Attributes["shelf_life_days"]
	if !ok {
		return 0, false
	}
	switch n := v.(type) {
	case float64:
		return int(n), n > 0
	case int:
		return n, n > 0
	case string:
		d, err := strconv.Atoi(n)
		return d, err == nil && d > 0
	}
	return 0, false
}

// subjectOf names the tested batch when it is an ancestor rather than the lot in hand.
func subjectOf(e domain.Event, root string, byID map[string]domain.Batch) string {
	for _, b := range e.Batches {
		if b == root {
			return ""
		}
	}
	if len(e.Batches) > 0 {
		return byID[e.Batches[0]].Product.Name
	}
	return ""
}

func recallOf(e domain.Event, root string, byID map[string]domain.Batch, lang string) *PublicRecall {
	r := &PublicRecall{Event: e.ID, Reason: e.Reason, Date: day(e.EventTime)}
	if len(e.Batches) > 0 {
		r.Batch = e.Batches[0]
		if r.Batch != root {
			r.Source = byID[r.Batch].Product.Name
		}
	}
	if h, ok := e.Attributes["hotline"].(string); ok {
		r.Hotline = h
	}
	return r
}

// packageOf is the package in hand (one counted unit's net content) and the whole lot.
func packageOf(q domain.Quantity, lang string) (string, string) {
	if q.Unit == "" {
		return "", ""
	}
	lot := quantity(q, lang)
	if q.NetContent != nil {
		nc := *q.NetContent
		// a 500 g bag reads as 500 g, not 0.5 kg
		if nc.Unit == "kg" && nc.Value < 1 && nc.NetContent == nil {
			nc = domain.Quantity{Value: nc.Value * 1000, Unit: "g"}
		}
		return quantity(nc, lang), lot
	}
	if one, ok := unitOne[q.Unit]; ok {
		return "1 " + one[idx(lang)], lot
	}
	return "", lot
}
