package trace_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/internal/demosite"
	"github.com/agritrace/agritrace/seeds"
	"github.com/agritrace/agritrace/trace"
)

// TestSpecialisedPages: the per-language templates render every seed chain's page (verdicts,
// recalls, certificates, journeys) and the error page byte for byte as the generic one does.
func TestSpecialisedPages(t *testing.T) {
	s := newSite(t)
	now := time.Now()
	trails := []*domain.Trail{nil} // the error page
	for _, c := range seeds.Chains() {
		tr, err := s.Store.Trail(context.Background(), c.Consumer, 30, 300)
		if err != nil {
			t.Fatalf("%s: %v", c.Key, err)
		}
		trails = append(trails, tr)
	}
	for _, lang := range []string{"zh", "en"} {
		for i, tr := range trails {
			g, sp, err := trace.RenderBoth(tr, lang, now)
			if err != nil {
				t.Fatal(err)
			}
			if len(g) < 500 {
				t.Fatalf("page %d (%s): %d bytes rendered", i, lang, len(g))
			}
			if g != sp {
				at := 0
				for at < min(len(g), len(sp)) && g[at] == sp[at] {
					at++
				}
				t.Errorf("page %d (%s) differs at byte %d: generic %q, specialised %q", i, lang, at, g[max(0, at-40):min(len(g), at+40)], sp[max(0, at-40):min(len(sp), at+40)])
			}
			if strings.Contains(sp, "{{") {
				t.Errorf("page %d (%s): template text left in the output", i, lang)
			}
		}
	}
}

// BenchmarkPageRender: the rice chain's bag page (the richest seed page), rendered with the generic
// and the per-language template and with writePage (what the handler uses), back to back.
func BenchmarkPageRender(b *testing.B) {
	s := demosite.New(b)
	tr, err := s.Store.Trail(context.Background(), seeds.Chains()[0].Consumer, 30, 300)
	if err != nil {
		b.Fatal(err)
	}
	data := trace.PageData(tr, "zh", time.Now())
	for _, how := range []string{"generic", "specialised", "writePage"} {
		b.Run(how, func(b *testing.B) {
			var buf bytes.Buffer
			for i := 0; i < b.N; i++ {
				buf.Reset()
				if err := trace.RenderPage(data, how, &buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
