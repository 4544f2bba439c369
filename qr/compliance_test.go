package qr

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCompliancePDF prints a 承诺达标合格证, rasterises it at 300 dpi and reads the code back with an
// independent decoder; the text layer carries the promises and the lot's particulars.
func TestCompliancePDF(t *testing.T) {
	font, _, err := CJKFont()
	if err != nil {
		t.Skip(err)
	}
	ppm, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Skip("pdftoppm (poppler-utils) not installed")
	}
	c := ComplianceCert{URL: "https://trace.example.cn/01/06901234100013/10/WC2609-HG07", Product: "五常稻谷（稻花香2号）",
		Quantity: "15,000 千克", Origin: "黑龙江省五常市民乐乡", Producer: "五常市民乐乡稻香水稻种植专业合作社",
		Contact: "0451-5555 0231", Date: "2026-09-30", Basis: []string{"委托检测", "内部质量控制"}}
	var buf bytes.Buffer
	if err := WriteCompliancePDF(&buf, c, font); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pdf := filepath.Join(dir, "cert.pdf")
	if err := os.WriteFile(pdf, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "cert")
	// crop the code with a margin (the certificate's frame and text would confuse a detector)
	l := ComplianceLayout
	mm := func(v float64) string { return strconv.Itoa(int(v * 300 / 25.4)) }
	if b, err := exec.Command(ppm, "-png", "-r", "300", "-singlefile", "-x", mm(l.W-4-l.CodeMM-1), "-y", mm(4+9-1),
		"-W", mm(l.CodeMM+2), "-H", mm(l.CodeMM+2), pdf, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, b)
	}
	png, err := os.ReadFile(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
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
