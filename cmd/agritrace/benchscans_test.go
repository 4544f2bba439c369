package main

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/agritrace/agritrace/bench"
	"github.com/agritrace/agritrace/internal/demosite"
	"github.com/agritrace/agritrace/seeds"
)

// TestResolverTime: the scan phase's reading of the gateway's own handling time counts the
// resolver answers served between two readings, and only those of the route the scans take.
func TestResolverTime(t *testing.T) {
	s := demosite.New(t)
	get := func(path string) {
		t.Helper()
		resp, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	lot := seeds.WuchangRice().Consumer
	get(bench.PathOf(lot)) // the route's first answer, so both readings name it
	// The gateway counts an answer once its handler has returned, which can be just after the
	// client has read the body: wait (bounded) until the answers sent are all counted.
	answered := func(m bench.Exposition, route, code string) float64 {
		v, _ := m.Value("agritrace_http_requests_total", "route", route, "code", code)
		return v
	}
	settled := func(done func(handled, bench.Exposition) bool) handled {
		t.Helper()
		for range 200 {
			h, err := resolverTime(t.Context(), s.URL)
			if err != nil {
				t.Fatal(err)
			}
			m, err := bench.Metrics(t.Context(), s.URL)
			if err != nil {
				t.Fatal(err)
			}
			if done(h, m) {
				return h
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatal("the gateway's counters did not settle within 2 s")
		return handled{}
	}
	h0 := settled(func(h handled, _ bench.Exposition) bool { return h.n >= 1 })
	for _, p := range []string{bench.PathOf(lot), bench.PathOf(lot) + "?lang=en", bench.PathOf("NO-SUCH-LOT"), "/healthz"} {
		get(p)
	}
	h1 := settled(func(h handled, m bench.Exposition) bool {
		return h.n >= h0.n+2 && answered(m, "GET /healthz", "200") >= 1 && answered(m, "GET /t/{id}", "404") >= 1
	})
	// the two answers of the lot; the unknown lot's 404 and the health check are not scans' answers
	if h1.n-h0.n != 2 || h1.seconds <= h0.seconds || h1.Since(h0) <= 0 {
		t.Errorf("readings %+v then %+v: want 2 more answers, and their time", h0, h1)
	}
	if h0.Since(h1) != 0 {
		t.Errorf("no answers between readings: mean %v, want 0", h0.Since(h1))
	}
}
