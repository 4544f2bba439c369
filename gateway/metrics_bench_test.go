package gateway

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/agritrace/agritrace/readmodel"
)

// BenchmarkMetricsRequest is what counting one answer costs, ServeHTTP's share of the metrics.
func BenchmarkMetricsRequest(b *testing.B) {
	store, err := readmodel.Open(":memory:")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	m := New(&Keys{}, store, nil, nil, Options{}, slog.New(slog.NewTextHandler(io.Discard, nil))).metrics
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			m.request("GET /t/{id}", 200, time.Millisecond)
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				m.request("GET /t/{id}", 200, time.Millisecond)
			}
		})
	})
}

// BenchmarkMetricsScrape is one GET /metrics, after a few routes have answered: what a
// Prometheus scrape (every 15 s or so) or a bench reading costs the gateway.
func BenchmarkMetricsScrape(b *testing.B) {
	store, err := readmodel.Open(":memory:")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	s := New(&Keys{}, store, nil, nil, Options{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, route := range []string{"GET /t/{id}", "GET /v1/events/{id}", "POST /v1/events", "GET /healthz"} {
		for _, code := range []int{200, 201, 400, 404} {
			s.metrics.request(route, code, time.Millisecond)
		}
	}
	r := httptest.NewRequest("GET", "/metrics", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
	}
}
