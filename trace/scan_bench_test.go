package trace_test

import (
	"context"
	"io"
	"net/http"
	"syscall"
	"testing"
	"time"

	"github.com/agritrace/agritrace/bench"
	"github.com/agritrace/agritrace/internal/demosite"
)

// BenchmarkScanDistinctLots: consumer scans (HTML) of lots recorded the way the bench's scan
// phase records them, each lot scanned once (a cache miss), over HTTP to the whole gateway. It
// reports this process's CPU per scan (server and client both): on a shared machine that, not
// the wall time, is the figure to compare. Run with -benchtime Nx, N ≤ the lots recorded.
func BenchmarkScanDistinctLots(b *testing.B) {
	const lots = 4000
	if b.N > lots {
		b.Skipf("%d scans of %d lots would repeat lots (cache hits): use -benchtime %dx or fewer", b.N, lots, lots)
	}
	s := demosite.New(b)
	env := bench.Env{URL: s.URL, Key: s.Keys["hlj"], Run: "scan", Lots: &bench.Lots{}}
	op := bench.BulkOp(env, "lots", 500)
	for i := range lots / 500 {
		if _, err := op(context.Background(), 0, int64(i)); err != nil {
			b.Fatal(err)
		}
	}
	ids := env.Lots.IDs()
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	var before, after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req, _ := http.NewRequest("GET", s.URL+bench.PathOf(ids[i]), nil)
		req.Header.Set("Accept", "text/html")
		resp, err := c.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("%s: %d", ids[i], resp.StatusCode)
		}
	}
	b.StopTimer()
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	used := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
	b.ReportMetric(float64(used.Microseconds())/float64(b.N), "cpu-µs/scan")
}
