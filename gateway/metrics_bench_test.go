package gateway

import (
	"io"
	"log/slog"
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
