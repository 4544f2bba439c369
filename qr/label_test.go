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

func TestHRI(t *testing.T) {
	for _, tc := range []struct{ id, serial, want string }{
		{"urn:epc:class:lgtin:6901234.010003.WC2610-B5A", "000042", "(01)06901234100037(10)WC2610-B5A(21)000042"},
		{"https://id.gs1.org/01/06901234100037/10/WC2610-B5A", "", "(01)06901234100037(10)WC2610-B5A"},
		{"https://id.gs1.org/01/06901234100037/21/0001", "", "(01)06901234100037(21)0001"},
		{"HLJ-LOCAL-7", "", ""},
	} {
		if got := HRI(tc.id, tc.serial); got != tc.want {
			t.Errorf("HRI(%s, %s) = %q, want %q", tc.id, tc.serial, got, tc.want)
		}
	}
}

func TestLoopbackHost(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want bool
	}{
		{"http://127.0.0.1:8080", true}, {"http://127.8.0.3", true}, {"http://localhost:8080/", true}, {"http://[::1]:80", true},
		{"https://trace.example.cn", false}, {"http://10.0.0.5:8080", false}, {"not a url", false},
	} {
		if got := LoopbackHost(tc.url); got != tc.want {
			t.Errorf("LoopbackHost(%s) = %v", tc.url, got)
		}
	}
}

// TestLayoutFits: the default sheet prints a Digital Link of a serialised bag with modules of at
// least the minimum X-dimension; a code too dense for the label is refused.
func TestLayoutFits(t *testing.T) {
	c, err := Encode("https://trace.example.cn/01/06901234100037/10/WC2610-B5A/21/000042")
	if err != nil {
		t.Fatal(err)
	}
	if err := A4.Fits(c); err != nil {
		t.Errorf("default label: %v", err)
	}
	long, _ := Encode("https://trace.example.cn/01/06901234100037/10/" + strings.Repeat("L", 20) + "/21/" + strings.Repeat("9", 20) + "?linkType=gs1:traceability&context=consumer&lang=zh-CN&utm_source=label&note=" + strings.Repeat("x", 60))
	if err := A4.Fits(long); err == nil {
		t.Errorf("a %d-module code at 26 mm (%.2f mm modules) fits", long.Modules(), A4.XDimension(long))
	}
}

// TestPDFSheet renders a PDF sheet, rasterises it with poppler at 300 dpi (a label printer's
// resolution) and reads every code back with an independent decoder; the text layer carries the
// call to action, the product and the GS1 line.
func TestPDFSheet(t *testing.T) {
	font, ppm := pdfTools(t)
	labels := []Label{{URL: "https://trace.example.cn/01/06901234100037/10/WC2610-B5A/21/000042", Product: "五常大米 稻花香 5kg",
		Lot: "WC2610-B5A", Serial: "000042", HRI: "(01)06901234100037(10)WC2610-B5A(21)000042"}}
	var buf bytes.Buffer
	if err := WritePDF(&buf, "test", labels, A4, font, nil); err != nil {
		t.Fatal(err)
	}
	// the first label: 48 × 36 mm cell at (9, 4.5) mm
	pdf, png := rasterise(t, ppm, buf.Bytes(), 9, 4.5, 48, 36)
	if got := decode(t, png); got != labels[0].URL {
		t.Errorf("printed code reads %q", got)
	}
	_ = os.WriteFile(filepath.Join(t.ArtifactDir(), "label-pdf-300dpi.png"), png, 0o644)
	if txt, err := exec.Command("pdftotext", pdf, "-").Output(); err == nil {
		for _, want := range []string{CallToAction, "五常大米", "(01)06901234100037(10)WC2610-B5A(21)000042", "000042"} {
			if !strings.Contains(string(txt), want) {
				t.Errorf("PDF text lacks %q: %s", want, txt)
			}
		}
	}
}

// pdfTools returns the CJK font PDFs embed and the rasteriser that prints them for a decoder; the
// test is skipped on a machine without them (make tools installs both).
func pdfTools(t *testing.T) (font []byte, pdftoppm string) {
	t.Helper()
	font, _, err := CJKFont()
	if err != nil {
		t.Skip(err)
	}
	ppm, err := exec.LookPath("pdftoppm")
	if err != nil {
		t.Skip("pdftoppm (poppler-utils) not installed")
	}
	return font, ppm
}

// rasterise writes pdf to a file and prints the w × h mm area at (x, y) mm of its first page at
// 300 dpi, as a printer would; it returns the PDF's path and the PNG.
func rasterise(t *testing.T, ppm string, pdf []byte, x, y, w, h float64) (string, []byte) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	mm := func(v float64) string { return strconv.Itoa(int(v * 300 / 25.4)) }
	out := filepath.Join(dir, "print")
	if b, err := exec.Command(ppm, "-png", "-r", "300", "-singlefile", "-x", mm(x), "-y", mm(y), "-W", mm(w), "-H", mm(h), path, out).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, b)
	}
	png, err := os.ReadFile(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	return path, png
}
