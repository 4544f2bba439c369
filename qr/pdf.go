package qr

import (
	"fmt"
	"io"

	"github.com/go-pdf/fpdf"
)

// WritePDF writes the labels as A4 PDF pages in layout l, codes drawn as vector modules. font is
// a TrueType CJK font (see CJKFont); without one, Chinese text cannot be printed and the
// caller is expected to have warned. progress is called after each page.
func WritePDF(w io.Writer, title string, labels []Label, l Layout, font []byte, progress func(done, total int)) error {
	init := &fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"}
	if l.PageW > 0 && l.PageH > 0 {
		init.Size = fpdf.SizeType{Wd: l.PageW, Ht: l.PageH}
	}
	pdf := fpdf.NewCustom(init)
	pdf.SetTitle(title, true)
	pdf.SetCreator("agritrace", true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	family := "Helvetica"
	if len(font) > 0 {
		pdf.AddUTF8FontFromBytes("cjk", "", font)
		family = "cjk"
	}
	per := l.PerPage()
	for i, lb := range labels {
		if i%per == 0 {
			if i > 0 && progress != nil {
				progress(i, len(labels))
			}
			pdf.AddPage()
		}
		k := i % per
		x := l.MarginX + float64(k%l.Cols)*l.CellW
		y := l.MarginY + float64(k/l.Cols)*l.CellH
		if err := drawLabel(pdf, family, lb, l, x, y); err != nil {
			return fmt.Errorf("label %d (%s): %w", i, lb.URL, err)
		}
		if pdf.Err() {
			return pdf.Error()
		}
	}
	if progress != nil {
		progress(len(labels), len(labels))
	}
	return pdf.Output(w)
}

func drawLabel(pdf *fpdf.Fpdf, family string, lb Label, l Layout, x, y float64) error {
	c, err := Encode(lb.URL)
	if err != nil {
		return err
	}
	// cut line
	pdf.SetDrawColor(190, 190, 190)
	pdf.SetLineWidth(0.1)
	pdf.SetDashPattern([]float64{1, 1}, 0)
	pdf.Rect(x, y, l.CellW, l.CellH, "D")
	pdf.SetDashPattern(nil, 0)
	// the code: one rectangle per horizontal run of dark modules
	pad := 1.5
	bm := c.rows
	m := l.CodeMM / float64(len(bm))
	pdf.SetFillColor(0, 0, 0)
	for r, row := range bm {
		for s := 0; s < len(row); {
			if !row[s] {
				s++
				continue
			}
			e := s
			for e < len(row) && row[e] {
				e++
			}
			pdf.Rect(x+pad+float64(s)*m, y+pad+float64(r)*m, float64(e-s)*m, m, "F")
			s = e
		}
	}
	// text beside the code, the human-readable line under it
	tx := x + pad + l.CodeMM + 1
	tw := l.CellW - (tx - x) - pad
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont(family, "", 10)
	pdf.SetXY(tx, y+pad+1)
	pdf.CellFormat(tw, 5, CallToAction, "", 2, "L", false, 0, "")
	pdf.SetFont(family, "", 7)
	for _, ln := range wrap(pdf, lb.Product, tw, 3) {
		pdf.SetX(tx)
		pdf.CellFormat(tw, 3.2, ln, "", 2, "L", false, 0, "")
	}
	line := func(s string, size float64) {
		fit(pdf, family, s, tw, size)
		pdf.SetX(tx)
		pdf.CellFormat(tw, 3, s, "", 2, "L", false, 0, "")
	}
	line("批次 "+lb.Lot, 6.5)
	if lb.Serial != "" {
		line("No. "+lb.Serial, 6.5)
	}
	if lb.HRI != "" {
		fit(pdf, family, lb.HRI, l.CellW-2*pad, 6.5)
		pdf.SetXY(x+pad, y+pad+l.CodeMM+0.8)
		pdf.CellFormat(l.CellW-2*pad, 3, lb.HRI, "", 0, "L", false, 0, "")
	}
	return nil
}

// fit sets the largest font size up to size (down to 4 pt) at which s fits width.
func fit(pdf *fpdf.Fpdf, family, s string, width, size float64) {
	pdf.SetFont(family, "", size)
	for size > 4 && pdf.GetStringWidth(s) > width {
		size -= 0.25
		pdf.SetFont(family, "", size)
	}
}

// wrap breaks s into at most n lines of width, between any two characters (Chinese has no
// spaces to break at); the last line ends with … when s is longer.
func wrap(pdf *fpdf.Fpdf, s string, width float64, n int) []string {
	var lines []string
	cur := ""
	for _, r := range s {
		if pdf.GetStringWidth(cur+string(r)) > width && cur != "" {
			lines = append(lines, cur)
			cur = ""
			if r == ' ' {
				continue
			}
		}
		cur += string(r)
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if len(lines) > n {
		lines = lines[:n]
		last := []rune(lines[n-1])
		lines[n-1] = string(last[:max(0, len(last)-1)]) + "…"
	}
	return lines
}
