package qr

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCompliancePDF prints a 承诺达标合格证, rasterises it at 300 dpi and reads the code back with an
// independent decoder; the text layer carries the promises and the lot's particulars.
func TestCompliancePDF(t *testing.T) {
	font, ppm := pdfTools(t)
	c := ComplianceCert{URL: "https://trace.example.cn/01/06901234100013/10/WC2609-HG07", Product: "五常稻谷（稻花香2号）",
		Quantity: "15,000 千克", Origin: "黑龙江省五常市民乐乡", Producer: "五常市民乐乡稻香水稻种植专业合作社",
		Contact: "0451-5555 0231", Date: "2026-09-30", Basis: []string{"委托检测", "内部质量控制"}}
	var buf bytes.Buffer
	if err := WriteCompliancePDF(&buf, c, font); err != nil {
		t.Fatal(err)
	}
	// the code, with a margin (the certificate's frame and text would confuse a detector)
	l := ComplianceLayout
	pdf, png := rasterise(t, ppm, buf.Bytes(), l.W-4-l.CodeMM-1, 4+9-1, l.CodeMM+2, l.CodeMM+2)
	_ = os.WriteFile(filepath.Join(t.ArtifactDir(), "compliance-cert-300dpi.png"), png, 0o644)
	if got := decode(t, png); got != c.URL {
		t.Errorf("printed code reads %q, want %q", got, c.URL)
	}
	txt, err := exec.Command("pdftotext", pdf, "-").Output()
	if err != nil {
		t.Skip("pdftotext not installed")
	}
	for _, want := range append([]string{"承诺达标合格证", c.Product, c.Producer, c.Date, "√委托检测", "□自我检测", CallToAction}, CompliancePromises...) {
		if !strings.Contains(strings.ReplaceAll(string(txt), "\n", ""), want) {
			t.Errorf("certificate text lacks %q:\n%s", want, txt)
		}
	}
	if err := WriteCompliancePDF(&buf, c, nil); err == nil {
		t.Error("printed a Chinese certificate without a CJK font")
	}
}
