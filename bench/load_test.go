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
