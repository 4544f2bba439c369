package console

import (
	"fmt"
	"html"
	"net/url"
	"sort"
	"strings"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/gs1"
)

// statusShort fits a node of the graph.
var statusShort = map[string]string{"active": "在库", "consumed": "已加工", "sold": "已售", "recalled": "已召回"}

// graphSVG draws the lineage as columns of generations (ancestors left, descendants right), one
// node per batch, an edge per process/split/merge; recalled batches are red. Each node links to its
// own console page.
func graphSVG(g *gateway.LineageResponse, batches []domain.Batch, lang string) string {
	byID := map[string]domain.Batch{}
	for _, b := range batches {
		byID[b.ID] = b
	}
	parents, children := map[string][]string{}, map[string][]string{}
	for _, e := range g.Edges {
		children[e.Parent] = append(children[e.Parent], e.Child)
		parents[e.Child] = append(parents[e.Child], e.Parent)
	}
	level := map[string]int{g.Root: 0}
	walk := func(next map[string][]string, step int) {
		frontier := []string{g.Root}
		for len(frontier) > 0 {
			var nf []string
			for _, id := range frontier {
				for _, n := range next[id] {
					if _, seen := level[n]; !seen {
						level[n] = level[id] + step
						nf = append(nf, n)
					}
				}
			}
			frontier = nf
		}
	}
	walk(parents, -1)
	walk(children, 1)
	cols := map[int][]string{}
	minL, maxL := 0, 0
	for id, l := range level {
		if _, ok := byID[id]; !ok {
			continue
		}
		cols[l] = append(cols[l], id)
		minL, maxL = min(minL, l), max(maxL, l)
	}
	const w, h, gapX, gapY = 180, 46, 50, 16
	rows := 0
	for l := range cols {
		sort.Strings(cols[l])
		rows = max(rows, len(cols[l]))
	}
	pos := map[string][2]int{}
	for l, ids := range cols {
		for i, id := range ids {
			pos[id] = [2]int{(l - minL) * (w + gapX), i * (h + gapY)}
		}
	}
	width := (maxL-minL+1)*(w+gapX) - gapX
	height := rows*(h+gapY) - gapY
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" id="lineage" viewBox="-4 -4 %d %d" width="%d" height="%d" font-size="12" font-family="sans-serif">`,
		width+8, height+8, width+8, height+8)
	b.WriteString(`<defs><marker id="arr" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0 0L10 5L0 10z" fill="#789"/></marker></defs>`)
	for _, e := range g.Edges {
		p, ok1 := pos[e.Parent]
		c, ok2 := pos[e.Child]
		if !ok1 || !ok2 {
			continue
		}
		fmt.Fprintf(&b, `<line class="edge" data-kind="%s" x1="%d" y1="%d" x2="%d" y2="%d" stroke="#789" stroke-width="1.5" marker-end="url(#arr)"><title>%s</title></line>`,
			html.EscapeString(e.Kind), p[0]+w, p[1]+h/2, c[0], c[1]+h/2, html.EscapeString(tr(lang, label(edgeLabels, e.Kind))))
	}
	ids := make([]string, 0, len(pos))
	for id := range pos {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		p := pos[id]
		bt := byID[id]
		fill, stroke := "#eef5ea", "#5a8f29"
		if bt.Status == domain.Recalled {
			fill, stroke = "#fde2e2", "#c62828"
		}
		if id == g.Root {
			stroke = "#1f2a1f"
		}
		label := bt.Product.Name
		if len([]rune(label)) > 13 {
			label = string([]rune(label)[:12]) + "…"
		}
		lot := id
		if x, err := gs1.Parse(id); err == nil && x.Kind == gs1.KindLot {
			lot = x.Lot
		}
		if len(lot) > 24 {
			lot = lot[:23] + "…"
		}
		fmt.Fprintf(&b, `<a href="/console/batch/%s"><g class="node" data-batch="%s" data-status="%s"><rect x="%d" y="%d" width="%d" height="%d" rx="6" fill="%s" stroke="%s" stroke-width="1.5"/>`,
			url.PathEscape(id), html.EscapeString(id), bt.Status, p[0], p[1], w, h, fill, stroke)
		fmt.Fprintf(&b, `<title>%s</title><text x="%d" y="%d" font-weight="600">%s</text><text x="%d" y="%d" fill="#555">%s · %s</text></g></a>`,
			html.EscapeString(bt.Product.Name+"\n"+id), p[0]+8, p[1]+18, html.EscapeString(label), p[0]+8, p[1]+36, html.EscapeString(lot),
			html.EscapeString(tr(lang, statusShort[string(bt.Status)])))
	}
	b.WriteString(`</svg>`)
	return b.String()
}
