package bench

import (
	"bytes"
	"context"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"
)

// BenchmarkGetOp: the scan phase's client against a bare handler serving a page of a scanned
// lot's size, from 16 workers as the phase runs it. It reports this process's CPU per request
// (client and server both; the server is the same on both sides of a client change).
func BenchmarkGetOp(b *testing.B) {
	srv := httptest.NewServer(BareHandler(bytes.Repeat([]byte("<p>页面</p>\n"), 4104/14)))
	defer srv.Close()
	paths := make([]string, b.N)
	for i := range paths {
		paths[i] = "/"
	}
	var before syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &before)
	b.ResetTimer()
	l := Start(context.Background(), 16, int64(b.N), GetOp(srv.URL, paths, "text/html"))
	l.Wait()
	b.StopTimer()
	if err := l.FirstError(); err != nil {
		b.Fatal(err)
	}
	var after syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &after)
	cpu := time.Duration(after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano())
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/req")
}
