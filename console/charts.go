package console

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strings"

	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/reserve"
)

// Server-side SVG charts: no script, no external asset; they scale with the page (viewBox), so
// they read on a 390 px phone and a 1280 px screen alike.

var grainColour = map[string]string{"wheat": "#b7791f", "paddy": "#2f855a", "rice": "#3182ce", "corn": "#d69e2e", "soybean": "#805ad5"}

// ageChart draws tonnes per harvest year as horizontal bars, red where over the storage age.
func ageChart(bands []reserve.AgeBand, en bool) string {
	if len(bands) == 0 {
		return ""
	}
	maxT := 0.0
	for _, b := range bands {
		maxT = math.Max(maxT, b.Tonnes)
	}
	const w, left, row = 360.0, 110.0, 26.0
	h := row*float64(len(bands)) + 8
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" id="age-chart" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-label="%s">`, w, h, pick(en, "储存年限分布", "Storage age profile"))
	for i, b := range bands {
		y := 4 + row*float64(i)
		bw := (w - left - 70) * b.Tonnes / maxT
		colour := "#4a7bb7"
		if b.OverAge {
			colour = "#c62828"
		}
		name := reserve.GrainZH(b.Grain)
		if en {
			name = string(b.Grain)
		}
		fmt.Fprintf(&sb, `<text x="0" y="%.0f" font-size="11">%d %s · %s</text>`, y+15, b.HarvestYear, html.EscapeString(name),
			html.EscapeString(fmt.Sprintf(pick(en, "第%d年", "yr %d"), b.Years)))
		fmt.Fprintf(&sb, `<rect x="%.0f" y="%.0f" width="%.1f" height="18" fill="%s"><title>%.1f t</title></rect>`, left, y+2, bw, colour, b.Tonnes)
		fmt.Fprintf(&sb, `<text x="%.1f" y="%.0f" font-size="11">%.0f t%s</text>`, left+bw+4, y+15, b.Tonnes, map[bool]string{true: pick(en, " 超期", " over age")}[b.OverAge])
	}
	sb.WriteString(`</svg>`)
	return sb.String()
}

// indexChart draws each grain's weekly price index as a line (first week = 100) and the volume
// of each week as bars underneath.
func indexChart(series []gateway.GrainSeries, en bool) string {
	weekSet := map[string]bool{}
	lo, hi, maxV := math.Inf(1), math.Inf(-1), 0.0
	for _, s := range series {
		for _, p := range s.Points {
			weekSet[p.Week] = true
			lo, hi = math.Min(lo, p.Index), math.Max(hi, p.Index)
			maxV = math.Max(maxV, p.VolumeTonnes)
		}
	}
	if len(weekSet) == 0 {
		return ""
	}
	weeks := make([]string, 0, len(weekSet))
	for wk := range weekSet {
		weeks = append(weeks, wk)
	}
	sort.Strings(weeks)
	pos := map[string]int{}
	for i, wk := range weeks {
		pos[wk] = i
	}
	lo, hi = math.Floor(math.Min(lo, 100)-2), math.Ceil(math.Max(hi, 100)+2)
	const w, top, plotH, volH, left, right = 640.0, 14.0, 170.0, 60.0, 40.0, 12.0
	h := top + plotH + 24 + volH + 30
	step := (w - left - right) / math.Max(1, float64(len(weeks)-1))
	if len(weeks) == 1 {
		step = 0
	}
	x := func(i int) float64 {
		if len(weeks) == 1 {
			return left + (w-left-right)/2
		}
		return left + step*float64(i)
	}
	y := func(v float64) float64 { return top + plotH*(hi-v)/(hi-lo) }
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" id="index-chart" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-label="%s">`, w, h, pick(en, "收购价格指数", "Purchase price index"))
	for _, v := range []float64{lo, 100, hi} {
		fmt.Fprintf(&sb, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#dde3ea"/><text x="2" y="%.1f" font-size="10">%.0f</text>`, left, w-right, y(v), y(v), y(v)+3, v)
	}
	for i, s := range series {
		colour := grainColour[string(s.Grain)]
		var pts []string
		for _, p := range s.Points {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(pos[p.Week]), y(p.Index)))
		}
		fmt.Fprintf(&sb, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, colour, strings.Join(pts, " "))
		for _, p := range s.Points {
			fmt.Fprintf(&sb, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s %s: %.2f (%.3f %s)</title></circle>`, x(pos[p.Week]), y(p.Index), colour,
				html.EscapeString(string(s.Grain)), p.Week, p.Index, p.AvgPrice, pick(en, "元/公斤", "CNY/kg"))
			bh := volH * p.VolumeTonnes / math.Max(maxV, 1)
			bw := math.Max(4, math.Min(18, step/float64(len(series)+1)))
			bx := x(pos[p.Week]) - bw*float64(len(series))/2 + bw*float64(i)
			fmt.Fprintf(&sb, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" opacity=".6"><title>%s %s: %.0f t</title></rect>`,
				bx, top+plotH+24+volH-bh, bw, bh, colour, html.EscapeString(string(s.Grain)), p.Week, p.VolumeTonnes)
		}
		name := reserve.GrainZH(s.Grain)
		if en {
			name = string(s.Grain)
		}
		fmt.Fprintf(&sb, `<text x="%.0f" y="%.0f" font-size="11" fill="%s">■ %s</text>`, left+float64(i)*80, h-4, colour, html.EscapeString(name))
	}
	for i, wk := range weeks {
		if len(weeks) > 8 && i%2 == 1 {
			continue
		}
		anchor := "middle"
		if i == 0 && len(weeks) > 1 {
			anchor = "start"
		} else if i == len(weeks)-1 && len(weeks) > 1 {
			anchor = "end"
		}
		fmt.Fprintf(&sb, `<text x="%.1f" y="%.0f" font-size="9" text-anchor="%s">%s</text>`, x(i), top+plotH+14, anchor, wk[2:])
	}
	fmt.Fprintf(&sb, `<text x="2" y="%.0f" font-size="10">%s</text>`, top+plotH+30, pick(en, "收购量", "volume"))
	sb.WriteString(`</svg>`)
	return sb.String()
}

func pick(en bool, zh, english string) string {
	if en {
		return english
	}
	return zh
}
