package trace

import (
	"bytes"
	"time"

	"github.com/agritrace/agritrace/domain"
)

// RenderBoth renders a trail's page, or the error page when t is nil, with the generic template
// and with the one specialised for lang.
func RenderBoth(t *domain.Trail, lang string, now time.Time) (generic, specialised string, err error) {
	data := map[string]any{"Lang": lang, "OK": false, "Status": 404, "Kind": "unknown-code", "Detail": "x"}
	if t != nil {
		pt := build(t, lang, now)
		pt.Product.Serial = "000042"
		data = map[string]any{"T": pt, "Lang": lang, "Self": "https://r.example/01/x", "OK": true}
	}
	var g, s bytes.Buffer
	if err := page.Execute(&g, data); err != nil {
		return "", "", err
	}
	if err := pages[lang].Execute(&s, data); err != nil {
		return "", "", err
	}
	return g.String(), s.String(), nil
}

// PageData is what the handler renders a trail's page from.
func PageData(t *domain.Trail, lang string, now time.Time) map[string]any {
	return map[string]any{"T": build(t, lang, now), "Lang": lang, "Self": "https://r.example/01/x", "OK": true}
}

// RenderPage renders page data with the generic template, the specialised one or writePage (the
// handler's), for BenchmarkPageRender.
func RenderPage(data map[string]any, how string, buf *bytes.Buffer) error {
	switch how {
	case "specialised":
		return pages[data["Lang"].(string)].Execute(buf, data)
	case "writePage":
		pt := data["T"].(PublicTrail)
		return writePage(buf, &pt, data["Lang"].(string))
	}
	return page.Execute(buf, data)
}

// Renders is how many answers h has rendered (its cache misses).
func Renders(h *Handler) int64 { return h.renders.Load() }

// RenderFast renders a trail's page with page.html (the generic template) and with writePage,
// the handler's renderer, with serial as the scanned item's serial.
func RenderFast(t *domain.Trail, lang, serial string, now time.Time) (tmpl, fast string, err error) {
	pt := build(t, lang, now)
	pt.Product.Serial = serial
	var g, f bytes.Buffer
	if err := page.Execute(&g, map[string]any{"T": pt, "Lang": lang, "OK": true}); err != nil {
		return "", "", err
	}
	if err := writePage(&f, &pt, lang); err != nil {
		return "", "", err
	}
	return g.String(), f.String(), nil
}
