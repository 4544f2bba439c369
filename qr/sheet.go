package qr

import (
	"bufio"
	"fmt"
	"html"
	"io"
)

// WriteSheet writes printable A4 pages (HTML with inline SVG codes, in layout l) for the labels,
// calling progress after each page. Print at 100 % scale: sizes are in millimetres.
func WriteSheet(w io.Writer, title string, labels []Label, l Layout, progress func(done, total int)) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>%s</title><style>
@page{size:A4;margin:%.1fmm %.1fmm}body{margin:0;font:7pt "WenQuanYi Zen Hei","Noto Sans CJK SC",sans-serif}
.page{display:grid;grid-template-columns:repeat(%d,%.1fmm);grid-auto-rows:%.1fmm;page-break-after:always}
.l{border:0.2mm dashed #bbb;padding:1.5mm;display:grid;grid-template-columns:%.1fmm 1fr;grid-template-rows:1fr auto;column-gap:1.5mm;overflow:hidden}
.l svg{display:block}.t{display:flex;flex-direction:column;gap:0.6mm;min-width:0}
.cta{font-size:10pt;font-weight:bold}.n{font-weight:bold;overflow:hidden;max-height:3.2em}
.hri{grid-column:1/3;font:6pt monospace;white-space:nowrap;overflow:hidden}</style></head><body>`,
		html.EscapeString(title), l.MarginY, l.MarginX, l.Cols, l.CellW, l.CellH, l.CodeMM)
	per := l.PerPage()
	for i := 0; i < len(labels); i += per {
		bw.WriteString(`<div class="page">`)
		for _, lb := range labels[i:min(len(labels), i+per)] {
			c, err := Encode(lb.URL)
			if err != nil {
				return err
			}
			fmt.Fprintf(bw, `<div class="l">%s<div class="t"><div class="cta">%s</div><div class="n">%s</div><div>批次 %s</div>%s</div><div class="hri">%s</div></div>`,
				c.SVG(fmt.Sprintf("%.1fmm", l.CodeMM)), CallToAction, html.EscapeString(lb.Product), html.EscapeString(lb.Lot), serialText(lb.Serial),
				html.EscapeString(lb.HRI))
		}
		bw.WriteString(`</div>`)
		if progress != nil {
			progress(min(len(labels), i+per), len(labels))
		}
	}
	bw.WriteString(`</body></html>`)
	return bw.Flush()
}

func serialText(s string) string {
	if s == "" {
		return ""
	}
	return "<div>No. " + html.EscapeString(s) + "</div>"
}
