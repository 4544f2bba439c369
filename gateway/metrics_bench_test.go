package gateway

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/agritrace/agritrace/bench"
	"github.com/agritrace/agritrace/readmodel"
)

func benchServer(b *testing.B) *Server {
	store, err := readmodel.Open(":memory:")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	return New(&Keys{}, store, nil, nil, Options{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// reportCPU adds the process's CPU per operation to what b reports: on a machine shared with
// other work the time per operation moves with the load, the CPU far less.
func reportCPU(b *testing.B, run func()) {
	c0, err := bench.ProcCPU(os.Getpid())
	if err != nil {
		b.Fatal(err)
	}
	run()
	c1, err := bench.ProcCPU(os.Getpid())
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64((c1-c0).Nanoseconds())/float64(b.N), "cpu-ns/op")
}

// BenchmarkServeHTTP is the cost ServeHTTP adds around a route (edge checks, status capture,
// metrics): a route that does nothing, so the wrapper is what is measured. The scans bench
// serves thousands of requests a second a core through it.
func BenchmarkServeHTTP(b *testing.B) {
	s := benchServer(b)
	s.Mux().HandleFunc("GET /bench/{id}", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	serve := func(b *testing.B, r *http.Request) {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusNoContent {
			b.Fatalf("status %d", w.Code)
		}
	}
	b.Run("serial", func(b *testing.B) {
		r := httptest.NewRequest("GET", "/bench/LOT-1", nil)
		b.ReportAllocs()
		reportCPU(b, func() {
			for b.Loop() {
				serve(b, r)
			}
		})
	})
	// the scans bench's load: many connections at once, so contention on shared counters shows
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		reportCPU(b, func() {
			b.RunParallel(func(pb *testing.PB) {
				r := httptest.NewRequest("GET", "/bench/LOT-1", nil)
				for pb.Next() {
					serve(b, r)
				}
			})
		})
	})
}

// BenchmarkMetricsRequest is what counting one answer costs, ServeHTTP's share of the metrics.
func BenchmarkMetricsRequest(b *testing.B) {
	m := benchServer(b).metrics
	b.Run("serial", func(b *testing.B) {
		b.ReportAllocs()
		reportCPU(b, func() {
			for b.Loop() {
				m.request("GET /t/{id}", 200, time.Millisecond)
			}
		})
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		reportCPU(b, func() {
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					m.request("GET /t/{id}", 200, time.Millisecond)
				}
			})
		})
	})
}

// BenchmarkMetricsScrape is one GET /metrics, after a few routes have answered: what a
// Prometheus scrape (every 15 s or so) or a bench reading costs the gateway.
func BenchmarkMetricsScrape(b *testing.B) {
	s := benchServer(b)
	for _, route := range []string{"GET /t/{id}", "GET /v1/events/{id}", "POST /v1/events", "GET /healthz"} {
		for _, code := range []int{200, 201, 400, 404} {
			s.metrics.request(route, code, time.Millisecond)
		}
	}
	r := httptest.NewRequest("GET", "/metrics", nil)
	b.ReportAllocs()
	reportCPU(b, func() {
		for b.Loop() {
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				b.Fatalf("status %d", w.Code)
			}
		}
	})
}
