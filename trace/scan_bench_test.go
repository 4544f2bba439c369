package trace_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/agritrace/agritrace/bench"
	"github.com/agritrace/agritrace/internal/demosite"
	"github.com/agritrace/agritrace/qr"
	"github.com/agritrace/agritrace/seeds"
	"github.com/agritrace/agritrace/trace"
)

// scanSite is a gateway over a SQLite file (as a gateway runs, with its pool of connections) with
// the seed chains and lots recorded the way the bench's scan phase records them.
func scanSite(b *testing.B, lots int) (*demosite.Site, []string) {
	s := demosite.NewAt(b, filepath.Join(b.TempDir(), "readmodel.db"))
	env := bench.Env{URL: s.URL, Key: s.Keys["hlj"], Run: "scan", Lots: &bench.Lots{}}
	op := bench.BulkOp(env, "lots", 500)
	for i := range (lots + 499) / 500 {
		if _, err := op(context.Background(), 0, int64(i)); err != nil {
			b.Fatal(err)
		}
	}
	return s, env.Lots.IDs()
}

// cpuSince is this process's CPU time (user + system) since before.
func cpuSince(before syscall.Rusage) time.Duration {
	var after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	return time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
}

// BenchmarkScanDistinctLots: consumer scans (HTML) of lots recorded the way the bench's scan
// phase records them, each lot scanned once (a cache miss), over HTTP to the whole gateway. It
// reports this process's CPU per scan (server and client both): on a shared machine that, not
// the wall time, is the figure to compare. Run with -benchtime Nx, N ≤ the lots recorded.
func BenchmarkScanDistinctLots(b *testing.B) {
	const lots = 4000
	if b.N > lots {
		b.Skipf("%d scans of %d lots would repeat lots (cache hits): use -benchtime %dx or fewer", b.N, lots, lots)
	}
	s, ids := scanSite(b, lots)
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}
	var before syscall.Rusage
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
	b.ReportMetric(float64(cpuSince(before).Microseconds())/float64(b.N), "cpu-µs/scan")
}

// discard is a response writer that keeps nothing but the status.
type discard struct {
	h    http.Header
	code int
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(code int)        { d.code = code }

// BenchmarkResolveMiss: the resolver's own work for a cache miss — trail read, page built and
// rendered — without HTTP, on a SQLite file: a bench lot (one harvest record, what the bench's
// scan phase scans) and the rice chain's bag (the richest seed page, its trail eight batches),
// each scan a distinct answer (another lot; another serial of the bag). CPU per scan is this
// process's, which for one goroutine is the resolver's.
func BenchmarkResolveMiss(b *testing.B) {
	const lots = 4000
	s, ids := scanSite(b, lots)
	bag := seeds.Chains()[0].Consumer
	for _, c := range []struct {
		name string
		path func(i int) string
	}{
		{"bench-lot", func(i int) string { return bench.PathOf(ids[i]) }},
		{"retail-bag", func(i int) string { return itemPath(b, bag, fmt.Sprintf("S%d", i)) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			if b.N > lots {
				b.Skipf("use -benchtime %dx or fewer", lots)
			}
			h := &trace.Handler{Store: s.Store, Public: s.URL, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			mux := http.NewServeMux()
			h.Mount(mux)
			reqs := make([]*http.Request, b.N)
			for i := range reqs {
				reqs[i] = httptest.NewRequest("GET", c.path(i), nil)
				reqs[i].Header.Set("Accept", "text/html")
			}
			var before syscall.Rusage
			syscall.Getrusage(syscall.RUSAGE_SELF, &before)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				w := &discard{h: http.Header{}, code: 200}
				mux.ServeHTTP(w, reqs[i])
				if w.code != 200 {
					b.Fatalf("%s: %d", reqs[i].URL, w.code)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(cpuSince(before).Microseconds())/float64(b.N), "cpu-µs/scan")
		})
	}
}

// itemPath is the resolver path of one serialised item of a seed lot.
func itemPath(b *testing.B, lot, serial string) string {
	u, err := qr.ItemURL("", lot, serial)
	if err != nil {
		b.Fatal(err)
	}
	return u
}
