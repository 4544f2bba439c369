package qr

import (
	"bytes"
	"image"
	_ "image/png"
	"strings"
	"testing"

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
