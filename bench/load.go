package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Result of a load phase.
type Result struct {
	Ops       int64 // completed operations (e.g. transactions or requests)
	Items     int64 // items they carried (e.g. events)
	Failures  int64
	Elapsed   time.Duration
	Latencies []time.Duration
}

// PerSecond is items (or ops when items are not counted) per second.
func (r Result) PerSecond() float64 {
	n := r.Items
	if n == 0 {
		n = r.Ops
	}
	return float64(n) / r.Elapsed.Seconds()
}

// P is a latency percentile in ms.
func (r Result) P(p float64) float64 { return percentile(r.Latencies, p) }

// Run calls op from workers goroutines for dur (bounded by maxOps when positive). op returns how
// many items it carried and an error.
func Run(ctx context.Context, workers int, dur time.Duration, maxOps int64, op func(ctx context.Context, worker int, seq int64) (int, error)) Result {
	ctx, cancel := context.WithTimeout(ctx, dur)
	defer cancel()
	var ops, items, fails, seq atomic.Int64
	lat := make([][]time.Duration, workers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				n := seq.Add(1)
				if maxOps > 0 && n > maxOps {
					return
				}
				t := time.Now()
				k, err := op(ctx, w, n)
				if ctx.Err() != nil && err != nil {
					return // the phase ended mid-call: not a failure of the system
				}
				if err != nil {
					fails.Add(1)
					continue
				}
				lat[w] = append(lat[w], time.Since(t))
				ops.Add(1)
				items.Add(int64(k))
			}
		}()
	}
	wg.Wait()
	r := Result{Ops: ops.Load(), Items: items.Load(), Failures: fails.Load(), Elapsed: time.Since(start)}
	for _, l := range lat {
		r.Latencies = append(r.Latencies, l...)
	}
	return r
}
