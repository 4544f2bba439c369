package gateway_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/readmodel"
)

// BenchmarkServeHTTP is the cost ServeHTTP adds around a route (edge checks, status capture,
// metrics): a route that does nothing, so the wrapper is what is measured. The scans bench
// serves thousands of requests a second a core through it.
func BenchmarkServeHTTP(b *testing.B) {
	store, err := readmodel.Open(":memory:")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	s := gateway.New(&gateway.Keys{}, store, nil, nil, gateway.Options{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
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
		for b.Loop() {
			serve(b, r)
		}
	})
	// the scans bench's load: many connections at once, so contention on shared counters shows
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			r := httptest.NewRequest("GET", "/bench/LOT-1", nil)
			for pb.Next() {
				serve(b, r)
			}
		})
	})
}
