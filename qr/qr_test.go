package qr

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"strings"
	"syscall"
	"testing"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
)

// decode reads a PNG with an independent decoder (gozxing, a port of ZXing).
func decode(t testing.TB, png []byte) string {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("independent decoder cannot read the code: %v", err)
	}
	return res.GetText()
}

func TestURLs(t *testing.T) {
	for _, tc := range []struct{ id, want string }{
		{"urn:epc:class:lgtin:6901234.010003.WC2610-B5A", "https://trace.example.cn/01/06901234100037/10/WC2610-B5A"},
		{"https://id.gs1.org/01/06901234100037/21/0001", "https://trace.example.cn/01/06901234100037/21/0001"},
		{"HLJ-LOCAL-7", "https://trace.example.cn/t/HLJ-LOCAL-7"},
	} {
		got, err := URL("https://trace.example.cn/", tc.id)
		if err != nil || got != tc.want {
			t.Errorf("URL(%s) = %s, %v; want %s", tc.id, got, err, tc.want)
		}
	}
	if _, err := URL("x", "bad id!"); err == nil {
		t.Error("bad id accepted")
	}
	u, err := ItemURL("https://r.example", "urn:epc:class:lgtin:6901234.010003.L1", "000123")
	if err != nil || u != "https://r.example/01/06901234100037/10/L1/21/000123" {
		t.Fatal(u, err)
	}
	if _, err := ItemURL("https://r.example", "LOCAL-1", "1"); err == nil {
		t.Error("item URL for a local code")
	}
}

func TestPNGRoundTrip(t *testing.T) {
	url, _ := URL("http://127.0.0.1:8080", "urn:epc:class:lgtin:6901234.010003.WC2610-B5A")
	c, err := Encode(url)
	if err != nil {
		t.Fatal(err)
	}
	for _, ppm := range []int{2, 4, 8} {
		png, err := c.PNG(ppm)
		if err != nil {
			t.Fatal(err)
		}
		img, _, _ := image.Decode(bytes.NewReader(png))
		if img.Bounds().Dx() != c.Modules()*ppm {
			t.Fatalf("%d px for %d modules at %d px/module: modules are resampled", img.Bounds().Dx(), c.Modules(), ppm)
		}
		if got := decode(t, png); got != url {
			t.Fatalf("decoded %q, want %q", got, url)
		}
	}
	if _, err := c.PNG(0); err == nil {
		t.Error("0 px per module accepted")
	}
	svg := c.SVG("30mm")
	if !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, `width="30mm"`) || strings.Count(svg, "M") < 50 {
		t.Fatalf("svg: %.200s", svg)
	}
	term := c.Terminal()
	if lines := strings.Count(term, "\n"); lines != (c.Modules()+1)/2 {
		t.Fatalf("terminal rendering has %d lines for %d modules", lines, c.Modules())
	}
}

func TestSheet(t *testing.T) {
	var labels []Label
	for i := 0; i < 60; i++ {
		u, _ := ItemURL("https://r.example", "urn:epc:class:lgtin:6901234.010003.L1", strings.Repeat("0", 5)+string(rune('0'+i%10))+string(rune('a'+i/10)))
		labels = append(labels, Label{URL: u, Product: "五常大米 5kg", Lot: "L1", Serial: u[len(u)-7:], HRI: HRI("urn:epc:class:lgtin:6901234.010003.L1", u[len(u)-7:])})
	}
	var b strings.Builder
	pages := 0
	if err := WriteSheet(&b, "test", labels, A4, func(done, total int) { pages++ }); err != nil {
		t.Fatal(err)
	}
	html := b.String()
	// 32 labels a page
	if strings.Count(html, "<svg") != 60 || strings.Count(html, `class="page"`) != 2 || pages != 2 || !strings.Contains(html, "@page{size:A4") {
		t.Fatalf("sheet: %d codes, %d pages", strings.Count(html, "<svg"), strings.Count(html, `class="page"`))
	}
	if !strings.Contains(html, "五常大米 5kg") || !strings.Contains(html, "批次 L1") || !strings.Contains(html, CallToAction) || !strings.Contains(html, "(01)06901234100037(10)L1(21)") {
		t.Fatal("label text missing")
	}
}

// TestPNGPixels: every pixel of the PNG, read back by the standard library's decoder, is its
// module's colour, for symbol sizes whose side is and is not a multiple of 8 pixels.
func TestPNGPixels(t *testing.T) {
	for _, tc := range []struct {
		content string
		ppm     int
	}{
		{"https://trace.example.cn/01/06901234100037/10/WC2610-B5A/21/000042", 1},
		{"https://trace.example.cn/01/06901234100037/10/WC2610-B5A/21/000042", 3},
		{"https://trace.example.cn/t/HLJ-LOCAL-7", 4},
		{strings.Repeat("五常大米", 40), 2},
	} {
		c, err := Encode(tc.content)
		if err != nil {
			t.Fatal(err)
		}
		b, err := c.PNG(tc.ppm)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%d px/module: standard decoder: %v", tc.ppm, err)
		}
		if n := c.Modules() * tc.ppm; img.Bounds() != image.Rect(0, 0, n, n) {
			t.Fatalf("bounds %v, want %d px square", img.Bounds(), n)
		}
		for y := 0; y < img.Bounds().Dy(); y++ {
			for x := 0; x < img.Bounds().Dx(); x++ {
				r, _, _, _ := img.At(x, y).RGBA()
				if dark := r == 0; dark != c.rows[y/tc.ppm][x/tc.ppm] {
					t.Fatalf("%d px/module: pixel (%d,%d) dark=%v, module is %v", tc.ppm, x, y, dark, !dark)
				}
			}
		}
		if tc.ppm >= 2 {
			if got := decode(t, b); got != tc.content {
				t.Fatalf("decoded %q, want %q", got, tc.content)
			}
		}
	}
}

// TestQuietZone: four light modules on every side, and the symbol is the smallest that holds a
// serialised bag's Digital Link at level Q (version 5, 37 modules) thanks to the numeric segment.
func TestQuietZone(t *testing.T) {
	c, err := Encode("https://trace.example.cn/01/06901234100037/10/WC2610-B5A/21/000042")
	if err != nil {
		t.Fatal(err)
	}
	if c.Modules() != 37+2*QuietZone {
		t.Errorf("%d modules with quiet zone, want %d", c.Modules(), 37+2*QuietZone)
	}
	n := c.Modules()
	for i := 0; i < n; i++ {
		for q := 0; q < QuietZone; q++ {
			if c.rows[q][i] || c.rows[n-1-q][i] || c.rows[i][q] || c.rows[i][n-1-q] {
				t.Fatalf("dark module in the quiet zone near (%d,%d)", i, q)
			}
		}
	}
	if _, err := Encode(strings.Repeat("x", MaxContentBytes+1)); !errors.Is(err, ErrTooLong) {
		t.Errorf("over-long content: %v", err)
	}
}

// BenchmarkLabel: one label PNG (encode + 4 px/module PNG), agritrace's way and stock go-qrcode's
// Encode at the same size, back to back in one process.
func BenchmarkLabel(b *testing.B) {
	url := func(i int) string {
		return fmt.Sprintf("https://trace.example.cn/01/06901234100037/10/WC2610-B5A/21/%06d", i)
	}
	first, _ := Encode(url(0))
	// wall time per op depends on what else the shared machine runs; the process's CPU time per
	// op does not, so each sub-benchmark reports both
	cpu := func(b *testing.B, f func(i int)) {
		var before, after syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &before)
		for i := 0; i < b.N; i++ {
			f(i)
		}
		syscall.Getrusage(syscall.RUSAGE_SELF, &after)
		used := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
	b.Run("agritrace", func(b *testing.B) {
		cpu(b, func(i int) {
			c, err := Encode(url(i))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := c.PNG(4); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("encode-only", func(b *testing.B) {
		cpu(b, func(i int) {
			if _, err := Encode(url(i)); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("png-only", func(b *testing.B) {
		cpu(b, func(i int) {
			if _, err := first.PNG(4); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("go-qrcode", func(b *testing.B) {
		cpu(b, func(i int) {
			if _, err := qrcode.Encode(url(i), qrcode.High, first.Modules()*4); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// TestContents: contents of every kind (digits, upper-case URLs in alphanumeric mode, Chinese,
// long digit runs) encode, decode to themselves with an independent decoder, and take no larger a
// symbol than go-qrcode's for the same content and level.
func TestContents(t *testing.T) {
	for _, content := range []string{
		"https://trace.example.cn/01/06901234100037/10/WC2610-B5A/21/000042",
		"http://127.0.0.1:8080/01/06901234100037/10/WC2610-B5A",
		"https://trace.example.cn/t/HLJ-LOCAL-7",
		"https://trace.example.cn/00/069012340000000017",
		"HTTPS://TRACE.EXAMPLE.CN/01/06901234100037/10/WC2610-B5A",
		"12345", "1", "a1b22c333d4444e55555f666666g",
		"https://r.example/01/06901234100037/10/" + strings.Repeat("7", 200) + "/21/" + strings.Repeat("x9", 100),
		"五常大米 06901234100037 批次 2610",
	} {
		c, err := Encode(content)
		if err != nil {
			t.Fatalf("%q: %v", content, err)
		}
		stock, err := qrcode.New(content, qrcode.High)
		if err != nil {
			t.Fatal(err)
		}
		if c.Modules() > len(stock.Bitmap()) {
			t.Errorf("%q: %d modules, go-qrcode needs %d", content, c.Modules(), len(stock.Bitmap()))
		}
		b, err := c.PNG(4)
		if err != nil {
			t.Fatal(err)
		}
		if got := decode(t, b); got != content {
			t.Errorf("decoded %q, want %q", got, content)
		}
	}
}
