package qr

import (
	"bufio"
	"fmt"
	"html"
	"io"
)

// Label is one printed label.
type Label struct {
	URL     string
	Product string
	Lot     string
	Serial  string
}

// WriteSheet writes printable A4 pages (HTML with inline SVG codes, 4 × 7 labels a page, 40 × 36 mm
// cells) for the labels, calling progress after each page.
func WriteSheet(w io.Writer, title string, labels []Label, progress func(done, total int)) error {
	const perPage = 28
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>%s</title><style>
@page{size:A4;margin:10mm}body{margin:0;font:8pt sans-serif}
.page{display:grid;grid-template-columns:repeat(4,45mm);grid-auto-rows:38mm;gap:2mm;page-break-after:always}
.l{border:0.2mm dashed #bbb;padding:1mm;text-align:center;overflow:hidden}.l svg{display:block;margin:0 auto}
.n{font-weight:bold;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}</style></head><body>`, html.EscapeString(title))
	for i := 0; i < len(labels); i += perPage {
		bw.WriteString(`<div class="page">`)
		for _, l := range labels[i:min(len(labels), i+perPage)] {
			c, err := Encode(l.URL)
			if err != nil {
				return err
			}
			fmt.Fprintf(bw, `<div class="l">%s<div class="n">%s</div><div>批次 %s%s</div></div>`, c.SVG("26mm"),
				html.EscapeString(l.Product), html.EscapeString(l.Lot), serialText(l.Serial))
		}
		bw.WriteString(`</div>`)
		if progress != nil {
			progress(min(len(labels), i+perPage), len(labels))
		}
	}
	bw.WriteString(`</body></html>`)
	return bw.Flush()
}

func serialText(s string) string {
	if s == "" {
		return ""
	}
	return " · No." + html.EscapeString(s)
}
