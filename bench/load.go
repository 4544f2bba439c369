package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Result of a load phase over its measured window.
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
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(n) / r.Elapsed.Seconds()
}

// P is a latency percentile in ms.
func (r Result) P(p float64) float64 { return percentile(r.Latencies, p) }

// Plus is r and o, two windows of the same load, counted as one.
func (r Result) Plus(o Result) Result {
	return Result{Ops: r.Ops + o.Ops, Items: r.Items + o.Items, Failures: r.Failures + o.Failures, Elapsed: r.Elapsed + o.Elapsed,
		Latencies: append(append([]time.Duration(nil), r.Latencies...), o.Latencies...)}
}

// Op is one operation of a load: it returns how many items it carried.
type Op func(ctx context.Context, worker int, seq int64) (int, error)

type done struct {
	end   time.Time
	lat   time.Duration
	items int
	err   error
}

// Load is operations running from several workers until stopped; what completed inside a time
// window is read afterwards, so a warm-up and the drain at the end stay out of the figures.
type Load struct {
	cancel   context.CancelFunc
	draining atomic.Bool
	wg       sync.WaitGroup
	seq      atomic.Int64
	items    atomic.Int64
	mu       sync.Mutex
	log      [][]done
}

// Start runs op from workers goroutines until Stop (or until maxOps operations have started,
// when positive).
func Start(ctx context.Context, workers int, maxOps int64, op Op) *Load {
	ctx, cancel := context.WithCancel(ctx)
	l := &Load{cancel: cancel, log: make([][]done, workers)}
	for w := 0; w < workers; w++ {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for ctx.Err() == nil && !l.draining.Load() {
				n := l.seq.Add(1)
				if maxOps > 0 && n > maxOps {
					return
				}
				t := time.Now()
				k, err := op(ctx, w, n)
				if ctx.Err() != nil && err != nil {
					return // stopped mid-call: not a failure of the system
				}
				if err == nil {
					l.items.Add(int64(k))
				}
				l.mu.Lock()
				l.log[w] = append(l.log[w], done{end: time.Now(), lat: time.Since(t), items: k, err: err})
				l.mu.Unlock()
			}
		}()
	}
	return l
}

// Completed is how many items the load's successful operations have carried so far: the
// committed count of a load whose operations return only after the commit.
func (l *Load) Completed(context.Context) (int64, error) { return l.items.Load(), nil }

// Wait waits until every worker has finished (a load bounded by maxOps).
func (l *Load) Wait() { l.wg.Wait() }

// Stop ends the load and waits for the workers.
func (l *Load) Stop() {
	l.cancel()
	l.wg.Wait()
}

// Drain ends the load as Stop does, but first lets the operations under way finish (for at most
// within): the work a load started is then done before whatever runs next, not in its time. An
// asynchronous operation (an EPCIS capture job) would otherwise commit in the next window, counted
// there, and a synchronous one be cut off after the system did part of its work.
func (l *Load) Drain(within time.Duration) {
	l.draining.Store(true)
	done := make(chan struct{})
	go func() { l.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(within):
	}
	l.cancel()
	<-done
}

// Window is what completed in [from, to].
func (l *Load) Window(from, to time.Time) Result {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := Result{Elapsed: to.Sub(from)}
	for _, ds := range l.log {
		for _, d := range ds {
			if d.end.Before(from) || d.end.After(to) {
				continue
			}
			if d.err != nil {
				r.Failures++
				continue
			}
			r.Ops++
			r.Items += int64(d.items)
			r.Latencies = append(r.Latencies, d.lat)
		}
	}
	return r
}

// All is everything that completed, from the first start to the last completion.
func (l *Load) All(started time.Time) Result {
	l.mu.Lock()
	last := started
	for _, ds := range l.log {
		for _, d := range ds {
			if d.end.After(last) {
				last = d.end
			}
		}
	}
	l.mu.Unlock()
	return l.Window(started, last)
}

// FirstError is the first failure recorded (nil when none), to say why a phase failed.
func (l *Load) FirstError() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, ds := range l.log {
		for _, d := range ds {
			if d.err != nil {
				return d.err
			}
		}
	}
	return nil
}

// Span is one measured window: its bounds, the CPU each accounted process used in it, and how
// many items the system under test committed in it by its own count.
type Span struct {
	From, To  time.Time
	CPU       CPUUse
	Machine   time.Duration // busy CPU of the whole machine in the window, counted or not
	Load      time.Duration // CPU of the load generator, when sampled apart
	Committed int64
}

// Seconds is the window's length.
func (s Span) Seconds() float64 { return s.To.Sub(s.From).Seconds() }

// Rate is what the window committed per second.
func (s Span) Rate() float64 { return float64(s.Committed) / s.Seconds() }

// Row is the span as a row of the report's CPU table: phase's items, each one per ("event", "tx").
func (s Span) Row(phase, per string) CPURow {
	return CPURow{Phase: phase, Per: per, Committed: s.Committed, Seconds: s.Seconds(), Use: s.CPU, Machine: s.Machine, Load: s.Load}
}

// Plus is s and o, two windows of the same load, counted as one window of their summed length
// starting at s.From: what a baseline measured on both sides of another load reports.
func (s Span) Plus(o Span) Span {
	cpu := CPUUse{}
	for _, u := range []CPUUse{s.CPU, o.CPU} {
		for n, d := range u {
			cpu[n] += d
		}
	}
	return Span{From: s.From, To: s.From.Add(s.To.Sub(s.From) + o.To.Sub(o.From)), CPU: cpu,
		Machine: s.Machine + o.Machine, Load: s.Load + o.Load, Committed: s.Committed + o.Committed}
}

// CPUPer is the CPU of the named processes (all when none) per committed item, in ms.
func (s Span) CPUPer(names ...string) float64 {
	if s.Committed == 0 {
		return 0
	}
	return float64(s.CPU.Total(names...).Microseconds()) / 1000 / float64(s.Committed)
}

// Measure waits warm, then measures a window of dur: CPU of procs and the committed counter at
// both ends. The load is already running and keeps running until the caller stops it.
func Measure(ctx context.Context, procs Procs, committed func(context.Context) (int64, error), warm, dur time.Duration) (Span, error) {
	sleep := func(d time.Duration) error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
			return nil
		}
	}
	if err := sleep(warm); err != nil {
		return Span{}, err
	}
	c0, err := committed(ctx)
	if err != nil {
		return Span{}, fmt.Errorf("committed count at window start: %w", err)
	}
	cpu0, err := procs.Sample()
	if err != nil {
		return Span{}, err
	}
	m0, err := MachineBusy()
	if err != nil {
		return Span{}, err
	}
	from := time.Now()
	if err := sleep(dur); err != nil {
		return Span{}, err
	}
	cpu1, err := procs.Sample()
	to := time.Now()
	if err != nil {
		return Span{}, err
	}
	m1, err := MachineBusy()
	if err != nil {
		return Span{}, err
	}
	c1, err := committed(ctx)
	if err != nil {
		return Span{}, fmt.Errorf("committed count at window end: %w", err)
	}
	return Span{From: from, To: to, CPU: cpu1.Since(cpu0), Machine: m1 - m0, Committed: c1 - c0}, nil
}

// Median of durations.
func Median(d []time.Duration) time.Duration {
	return time.Duration(percentile(append([]time.Duration(nil), d...), 0.5) * float64(time.Millisecond))
}
