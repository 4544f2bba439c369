package bench

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestLoadWindow runs a load whose operations take 10 ms and fail every fifth time, and checks a
// window counts only what completed inside it.
func TestLoadWindow(t *testing.T) {
	l := Start(context.Background(), 2, 0, func(ctx context.Context, w int, n int64) (int, error) {
		time.Sleep(10 * time.Millisecond)
		if n%5 == 0 {
			return 0, errors.New("refused")
		}
		return 3, nil
	})
	time.Sleep(50 * time.Millisecond)
	from := time.Now()
	time.Sleep(200 * time.Millisecond)
	to := time.Now()
	time.Sleep(50 * time.Millisecond)
	l.Stop()
	all := l.All(from.Add(-50 * time.Millisecond))
	w := l.Window(from, to)
	// 2 workers × 200 ms / 10 ms ≈ 40 operations in the window (fewer on a busy machine)
	if w.Ops+w.Failures > 42 || w.Ops+w.Failures < 5 || w.Failures == 0 || w.Items != 3*w.Ops {
		t.Fatalf("window: %d ok, %d failed, %d items", w.Ops, w.Failures, w.Items)
	}
	if all.Ops <= w.Ops {
		t.Fatalf("the whole load (%d ops) should exceed its window (%d)", all.Ops, w.Ops)
	}
	if len(w.Latencies) != int(w.Ops) || w.P(.5) < 10 {
		t.Fatalf("latencies: %d for %d ops, p50 %.1f ms", len(w.Latencies), w.Ops, w.P(.5))
	}
	if l.FirstError() == nil {
		t.Fatal("the failures should be reported")
	}
}

// TestLoadMaxOps: a load bounded by maxOps runs each operation exactly once.
func TestLoadMaxOps(t *testing.T) {
	seen := make([]int, 100)
	start := time.Now()
	l := Start(context.Background(), 7, int64(len(seen)), func(ctx context.Context, w int, n int64) (int, error) {
		seen[n-1]++ // each n is handed to one worker only
		return 1, nil
	})
	l.Wait()
	if r := l.All(start); r.Ops != int64(len(seen)) {
		t.Fatalf("%d ops, want %d", r.Ops, len(seen))
	}
	for i, c := range seen {
		if c != 1 {
			t.Fatalf("operation %d ran %d times", i+1, c)
		}
	}
}

// TestSpanPlus: a baseline measured in two windows on both sides of another load reports the
// rate and CPU per item of both windows together, not of either alone.
func TestSpanPlus(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	before := Span{From: t0, To: t0.Add(10 * time.Second), Committed: 30000,
		CPU: CPUUse{"peer": 6 * time.Second, "gateway": 4 * time.Second}}
	after := Span{From: t0.Add(40 * time.Second), To: t0.Add(50 * time.Second), Committed: 20000,
		CPU: CPUUse{"peer": 9 * time.Second, "gateway": 6 * time.Second}}
	both := before.Plus(after)
	if got := float64(both.Committed) / both.Seconds(); got != 2500 {
		t.Fatalf("rate of both windows %.0f/s, want 2500 (50,000 in 20 s, not %0.f or %.0f)", got, 3000.0, 2000.0)
	}
	if got := both.CPUPer(); got != 0.5 {
		t.Fatalf("CPU per item %.3f ms, want 0.5 (25 s for 50,000)", got)
	}
	if got := both.CPUPer("gateway"); got != 0.2 {
		t.Fatalf("gateway CPU per item %.3f ms, want 0.2", got)
	}
	r := Result{Ops: 2, Items: 2000, Elapsed: 10 * time.Second, Latencies: []time.Duration{time.Second, time.Second}}
	r2 := Result{Ops: 1, Items: 1000, Failures: 1, Elapsed: 10 * time.Second, Latencies: []time.Duration{3 * time.Second}}
	if sum := r.Plus(r2); sum.PerSecond() != 150 || sum.Failures != 1 || sum.P(1) != 3000 || len(r.Latencies) != 2 {
		t.Fatalf("results together: %.0f/s, %d failures, max %.0f ms; first keeps %d latencies", sum.PerSecond(), sum.Failures, sum.P(1), len(r.Latencies))
	}
}
