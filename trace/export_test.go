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

// RenderPage renders page data with the generic template or the specialised one, for
// BenchmarkPageRender.
func RenderPage(data map[string]any, specialised bool, buf *bytes.Buffer) error {
	if specialised {
		return pages[data["Lang"].(string)].Execute(buf, data)
	}
	return page.Execute(buf, data)
}

// Renders is how many answers h has rendered (its cache misses).
func Renders(h *Handler) int64 { return h.renders.Load() }
