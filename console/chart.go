package console

import (
	"fmt"
	"html"
	"sort"
	"strings"

	"github.com/agritrace/agritrace/readmodel"
)

// summary is the activity statistics with totals per day, stage and province.
type summary struct {
	Days      []dayCount // oldest first
	Stages    []keyCount // in 产购储加销 order
	Provinces []keyCount // most events first
	Total     int
}

type dayCount struct {
	Day     string
	ByStage map[string]int
	Total   int
}

type keyCount struct {
	Key    string
	Events int
}

func summarize(cells []readmodel.StageCount) summary {
	var s summary
	days := map[string]*dayCount{}
	stages, provinces := map[string]int{}, map[string]int{}
	for _, c := range cells {
		d := days[c.Day]
		if d == nil {
			d = &dayCount{Day: c.Day, ByStage: map[string]int{}}
			days[c.Day] = d
		}
		d.ByStage[c.Stage] += c.Events
		d.Total += c.Events
		stages[c.Stage] += c.Events
		provinces[c.Province] += c.Events
		s.Total += c.Events
	}
	for _, d := range days {
		s.Days = append(s.Days, *d)
	}
	sort.Slice(s.Days, func(i, j int) bool { return s.Days[i].Day < s.Days[j].Day })
	for _, st := range stageOrder {
		if n := stages[st]; n > 0 {
			s.Stages = append(s.Stages, keyCount{st, n})
		}
	}
	for p, n := range provinces {
		s.Provinces = append(s.Provinces, keyCount{p, n})
	}
	sort.Slice(s.Provinces, func(i, j int) bool {
		if s.Provinces[i].Events != s.Provinces[j].Events {
			return s.Provinces[i].Events > s.Provinces[j].Events
		}
		return s.Provinces[i].Key < s.Provinces[j].Key
	})
	return s
}

var stageColors = map[string]string{"produce": "#5a8f29", "purchase": "#b7791f", "store": "#2b6cb0", "process": "#805ad5",
	"sell": "#c05621", "around": "#718096"}

// chartSVG draws events per day (China time) as bars stacked by stage, with a legend. It is as
// wide as the days need and sits in a horizontally scrollable box on small screens.
func chartSVG(s summary, lang string) string {
	if len(s.Days) == 0 {
		return ""
	}
	const barW, gap, plotH, top, left, bottom = 22, 8, 160, 24, 34, 52
	peak := 1
	for _, d := range s.Days {
		peak = max(peak, d.Total)
	}
	width := left + len(s.Days)*(barW+gap) + 10
	height := top + plotH + bottom
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" id="activity-chart" role="img" aria-label="%s" width="%d" height="%d" viewBox="0 0 %d %d" font-size="11" font-family="sans-serif">`,
		html.EscapeString(tr(lang, "各环节事件数")), width, height, width, height)
	// axis: 0 and the peak
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#99a"/>`, left, top+plotH, width-6, top+plotH)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" fill="#556">%d</text><text x="%d" y="%d" text-anchor="end" fill="#556">0</text>`,
		left-4, top+4, peak, left-4, top+plotH+4)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#e4e8ee" stroke-dasharray="3 3"/>`, left, top, width-6, top)
	for i, d := range s.Days {
		x := left + gap/2 + i*(barW+gap)
		y := top + plotH
		for _, st := range stageOrder {
			n := d.ByStage[st]
			if n == 0 {
				continue
			}
			h := n * plotH / peak
			y -= h
			fmt.Fprintf(&b, `<rect class="bar" data-day="%s" data-stage="%s" x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s %s：%d</title></rect>`,
				d.Day, st, x, y, barW, h, stageColors[st], d.Day, html.EscapeString(tr(lang, label(stageLabels, st))), n)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#334">%d</text>`, x+barW/2, y-3, d.Total)
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" fill="#556" transform="rotate(-45 %d %d)">%s</text>`,
			x+barW/2+4, top+plotH+14, x+barW/2+4, top+plotH+14, d.Day[5:])
	}
	b.WriteString(`</svg>`)
	return b.String()
}
