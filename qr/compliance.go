package qr

import (
	"fmt"
	"io"

	"github.com/go-pdf/fpdf"
)

// ComplianceCert is a 承诺达标合格证 (the producer's compliance certificate that 食用农产品 carry
// when they leave the farm or co-op, under 农业农村部's 承诺达标合格证制度): the producer promises in
// writing that the produce meets the standards, and the QR code leads to the lot's trace page.
type ComplianceCert struct {
	URL      string // the lot's trace page (Digital Link)
	Product  string // 产品名称
	Quantity string // 数量（重量）, e.g. "15,000 千克"
	Origin   string // 产地
	Producer string // 生产者
	Contact  string // 联系方式
	Date     string // 开具日期 YYYY-MM-DD
	// Basis are the grounds of the promise that apply (a subset of ComplianceBases).
	Basis []string
}

// CompliancePromises are the three promises every certificate prints ticked, in the national
// template's wording.
var CompliancePromises = []string{
	"不使用禁用农药兽药、停用兽药和非法添加物",
	"常规农药兽药残留不超标",
	"对承诺的真实性负责",
}

// ComplianceBases are the grounds a producer may tick for the promise.
var ComplianceBases = []string{"委托检测", "自我检测", "内部质量控制", "自我承诺"}

// ComplianceLayout is the certificate's size: 100 × 70 mm with a 24 mm code, the common size of
// 合格证 printed on a farm label printer.
var ComplianceLayout = struct{ W, H, CodeMM float64 }{100, 70, 24}

// WriteCompliancePDF writes one certificate as a one-page PDF of ComplianceLayout's size. font is a
// TrueType CJK font (see CJKFont): the certificate is in Chinese and cannot be printed without one.
func WriteCompliancePDF(w io.Writer, c ComplianceCert, font []byte) error {
	if len(font) == 0 {
		return fmt.Errorf("a 承诺达标合格证 is printed in Chinese: no CJK font found")
	}
	code, err := Encode(c.URL)
	if err != nil {
		return err
	}
	l := ComplianceLayout
	if x := l.CodeMM / float64(code.Modules()); x < MinXDimensionMM {
		return fmt.Errorf("the code of %s would print %.2f mm modules, below the %.2f mm minimum", c.URL, x, MinXDimensionMM)
	}
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: l.W, Ht: l.H}})
	pdf.SetTitle("承诺达标合格证 "+c.Product, true)
	pdf.SetCreator("agritrace", true)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.AddUTF8FontFromBytes("cjk", "", font)
	pdf.AddPage()
	pad := 4.0
	pdf.SetDrawColor(0, 0, 0)
	pdf.SetLineWidth(0.3)
	pdf.Rect(pad/2, pad/2, l.W-pad, l.H-pad, "D")
	pdf.SetFont("cjk", "", 13)
	pdf.SetXY(pad, pad)
	pdf.CellFormat(l.W-2*pad, 7, "承诺达标合格证", "", 2, "C", false, 0, "")
	// √ and □ are in GB 2312, so every CJK font has them (☑ is not)
	tick := func(on bool) string {
		if on {
			return "√"
		}
		return "□"
	}
	pdf.SetFont("cjk", "", 7)
	tw := l.W - 2*pad - l.CodeMM - 2
	pdf.SetX(pad)
	pdf.CellFormat(tw, 3.6, "我承诺对生产销售的食用农产品：", "", 2, "L", false, 0, "")
	for _, p := range CompliancePromises {
		pdf.SetX(pad + 2)
		pdf.CellFormat(tw-2, 3.6, tick(true)+" "+p, "", 2, "L", false, 0, "")
	}
	basis := map[string]bool{}
	for _, b := range c.Basis {
		basis[b] = true
	}
	line := "承诺依据："
	for _, b := range ComplianceBases {
		line += tick(basis[b]) + b + " "
	}
	pdf.SetX(pad)
	fit(pdf, "cjk", line, tw, 7)
	pdf.CellFormat(tw, 3.8, line, "", 2, "L", false, 0, "")
	pdf.SetFont("cjk", "", 7.5)
	for _, f := range [][2]string{{"产品名称", c.Product}, {"数量（重量）", c.Quantity}, {"产地", c.Origin},
		{"生产者", c.Producer}, {"联系方式", c.Contact}, {"开具日期", c.Date}} {
		s := f[0] + "：" + f[1]
		pdf.SetX(pad)
		fit(pdf, "cjk", s, tw, 7.5)
		pdf.CellFormat(tw, 4.2, s, "B", 2, "L", false, 0, "")
	}
	// the code, vector modules, right of the text; 扫码溯源 under it
	cx, cy := l.W-pad-l.CodeMM, pad+9
	m := l.CodeMM / float64(code.Modules())
	pdf.SetFillColor(0, 0, 0)
	for r, row := range code.rows {
		for s := 0; s < len(row); {
			if !row[s] {
				s++
				continue
			}
			e := s
			for e < len(row) && row[e] {
				e++
			}
			pdf.Rect(cx+float64(s)*m, cy+float64(r)*m, float64(e-s)*m, m, "F")
			s = e
		}
	}
	pdf.SetFont("cjk", "", 8)
	pdf.SetXY(cx, cy+l.CodeMM+0.5)
	pdf.CellFormat(l.CodeMM, 4, CallToAction, "", 2, "C", false, 0, "")
	if pdf.Err() {
		return pdf.Error()
	}
	return pdf.Output(w)
}
