package gateway

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/fabric"
	"github.com/agritrace/agritrace/wire"
)

// fakeTxs stands in for Fabric: it records the event IDs of every transaction submitted, can hold
// transactions until released, and refuses the events or the shared transactions it is told to.
type fakeTxs struct {
	mu      sync.Mutex
	txs     [][]string
	gate    chan struct{}            // when set, every transaction waits for it to close
	gates   map[string]chan struct{} // transactions whose first event has a gate wait for it instead
	refuse  map[string]bool
	noShare bool // transactions of more than one event fail as a whole (an endorsement error)
}

func (f *fakeTxs) record(ctx context.Context, org string, events []domain.Event) ([]domain.RecordResult, fabric.Committed, error) {
	if g, ok := f.gates[events[0].ID]; ok {
		<-g
	} else if f.gate != nil {
		<-f.gate
	}
	ids := make([]string, len(events))
	for i, e := range events {
		ids[i] = e.ID
	}
	f.mu.Lock()
	f.txs = append(f.txs, ids)
	tx := fmt.Sprintf("tx%d", len(f.txs))
	f.mu.Unlock()
	for i, e := range events {
		if f.refuse[e.ID] {
			return nil, fabric.Committed{TxID: tx}, domain.Refuse(409, "custody", "/batches/0", "%s refused", e.ID).WithIndex(i)
		}
	}
	if f.noShare && len(events) > 1 {
		return nil, fabric.Committed{TxID: tx}, &fabric.TxError{TxID: tx, Stage: "endorse", Err: errors.New("endorsers disagree")}
	}
	recs := make([]domain.RecordResult, len(events))
	for i, e := range events {
		recs[i] = domain.RecordResult{EventID: e.ID, TxID: tx}
	}
	return recs, fabric.Committed{TxID: tx, Block: 7}, nil
}

func (f *fakeTxs) submitted() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.txs)
}

func newTestCoalescer(f *fakeTxs, limit int) *coalescer {
	return &coalescer{record: f.record, limit: func() int { return limit }, maxEvents: wire.MaxEventsPerTx,
		maxBytes: wire.MaxTxEventBytes, log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

type callResult struct {
	recs []domain.RecordResult
	err  error
}

// call records events as org "hlj" in the background.
func call(ctx context.Context, c *coalescer, ids ...string) chan callResult {
	out := make(chan callResult, 1)
	evs := make([]domain.Event, len(ids))
	for i, id := range ids {
		evs[i] = domain.Event{ID: id}
	}
	go func() {
		recs, _, err := c.Record(ctx, "hlj", evs)
		out <- callResult{recs, err}
	}()
	return out
}

// waitFor polls the coalescer's state until cond holds.
func waitFor(t *testing.T, c *coalescer, what string, cond func(inflight, queued int) bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		c.mu.Lock()
		ok := cond(c.inflight, len(c.queue))
		c.mu.Unlock()
		if ok {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestCoalescerSendsAtOnceBelowABlock(t *testing.T) {
	f := &fakeTxs{gate: make(chan struct{})}
	c := newTestCoalescer(f, 4)
	var outs []chan callResult
	for i := range 4 {
		outs = append(outs, call(context.Background(), c, fmt.Sprintf("e%d", i)))
	}
	// all four are in flight at once, none held: the orderer gets a full block without waiting
	waitFor(t, c, "4 in flight", func(inflight, queued int) bool { return inflight == 4 && queued == 0 })
	close(f.gate)
	for _, o := range outs {
		if r := <-o; r.err != nil {
			t.Fatal(r.err)
		}
	}
	if got := len(f.submitted()); got != 4 {
		t.Fatalf("%d transactions, want 4 (one each)", got)
	}
	waitFor(t, c, "slots freed", func(inflight, queued int) bool { return inflight == 0 })
}

func TestCoalescerSharesWhatWasHeldBack(t *testing.T) {
	for name, tc := range map[string]struct {
		refuse  map[string]bool
		noShare bool
		held    [][]string // each call's event IDs, held behind the first
		wantTxs [][]string // transactions after the first
		refused map[string]string
	}{
		"held calls leave together": {
			held:    [][]string{{"b"}, {"c", "c2"}, {"d"}},
			wantTxs: [][]string{{"b", "c", "c2", "d"}},
		},
		"a refused event fails only its own call": {
			refuse:  map[string]bool{"c2": true},
			held:    [][]string{{"b"}, {"c", "c2"}, {"d"}},
			wantTxs: [][]string{{"b", "c", "c2", "d"}, {"b", "d"}},
			refused: map[string]string{"c": "/events/1/batches/0"},
		},
		"a shared transaction failing as a whole is retried call by call": {
			noShare: true,
			held:    [][]string{{"b"}, {"c"}, {"d"}},
			wantTxs: [][]string{{"b", "c", "d"}, {"b"}, {"c"}, {"d"}},
		},
		"a retry of a held event waits for the next transaction": {
			held:    [][]string{{"b"}, {"b"}, {"d"}},
			wantTxs: [][]string{{"b", "d"}, {"b"}},
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := &fakeTxs{gate: make(chan struct{}), refuse: tc.refuse, noShare: tc.noShare}
			c := newTestCoalescer(f, 1)
			first := call(context.Background(), c, "a")
			waitFor(t, c, "the first in flight", func(inflight, _ int) bool { return inflight == 1 })
			outs := map[string]chan callResult{}
			for i, ids := range tc.held {
				outs[strings.Join(ids, ",")+fmt.Sprint("#", i)] = call(context.Background(), c, ids...)
				waitFor(t, c, "held", func(_, queued int) bool { return queued == i+1 })
			}
			close(f.gate)
			if r := <-first; r.err != nil {
				t.Fatal(r.err)
			}
			for key, o := range outs {
				r := <-o
				first := strings.Split(key, ",")[0]
				if want, ok := tc.refused[first]; ok {
					de, isDomain := domain.AsError(r.err)
					if !isDomain || de.Index == nil || *de.Index != 1 || de.Pointer != want {
						t.Errorf("call %s: got %v, want its own refusal at index 1, pointer %s", key, r.err, want)
					}
					continue
				}
				if r.err != nil {
					t.Errorf("call %s: %v", key, r.err)
					continue
				}
				ids := strings.Split(strings.Split(key, "#")[0], ",")
				if len(r.recs) != len(ids) {
					t.Fatalf("call %s: %d results for %d events", key, len(r.recs), len(ids))
				}
				for i, rec := range r.recs {
					if rec.EventID != ids[i] {
						t.Errorf("call %s: result %d is of %s", key, i, rec.EventID)
					}
				}
			}
			got := f.submitted()
			if !slices.Equal(got[0], []string{"a"}) {
				t.Fatalf("first transaction %v", got[0])
			}
			rest := got[1:]
			slices.SortFunc(rest[min(1, len(rest)):], func(a, b []string) int { return strings.Compare(a[0], b[0]) })
			if fmt.Sprint(rest) != fmt.Sprint(tc.wantTxs) {
				t.Errorf("transactions after the first: %v, want %v", rest, tc.wantTxs)
			}
			waitFor(t, c, "slots freed", func(inflight, queued int) bool { return inflight == 0 && queued == 0 })
		})
	}
}

func TestCoalescerDropsCallsGivenUpWhileHeld(t *testing.T) {
	f := &fakeTxs{gate: make(chan struct{})}
	c := newTestCoalescer(f, 1)
	first := call(context.Background(), c, "a")
	waitFor(t, c, "the first in flight", func(inflight, _ int) bool { return inflight == 1 })
	ctx, cancel := context.WithCancel(context.Background())
	gone := call(ctx, c, "gone")
	waitFor(t, c, "held", func(_, queued int) bool { return queued == 1 })
	kept := call(context.Background(), c, "kept")
	waitFor(t, c, "held", func(_, queued int) bool { return queued == 2 })
	cancel()
	if r := <-gone; !errors.Is(r.err, context.Canceled) {
		t.Fatalf("given-up call: %v", r.err)
	}
	close(f.gate)
	<-first
	if r := <-kept; r.err != nil {
		t.Fatal(r.err)
	}
	if got := fmt.Sprint(f.submitted()); got != "[[a] [kept]]" {
		t.Fatalf("transactions %s: the given-up event must not reach the ledger", got)
	}
}

func TestCoalescerNeverHoldsAFullTransaction(t *testing.T) {
	f := &fakeTxs{gate: make(chan struct{})}
	c := newTestCoalescer(f, 1)
	c.maxEvents = 3
	first := call(context.Background(), c, "a")
	waitFor(t, c, "the first in flight", func(inflight, _ int) bool { return inflight == 1 })
	full := call(context.Background(), c, "x", "y", "z")
	waitFor(t, c, "the full one in flight too", func(inflight, queued int) bool { return inflight == 2 && queued == 0 })
	close(f.gate)
	for _, o := range []chan callResult{first, full} {
		if r := <-o; r.err != nil {
			t.Fatal(r.err)
		}
	}
}

// TestCoalescerHoldsNoLongerThanOneTransaction: full transactions never wait, so under a steady
// bulk load a block's worth may always be in flight; what is held leaves when any one finishes.
func TestCoalescerHoldsNoLongerThanOneTransaction(t *testing.T) {
	f := &fakeTxs{gates: map[string]chan struct{}{"f1": make(chan struct{}), "f2": make(chan struct{})}}
	c := newTestCoalescer(f, 1)
	c.maxEvents = 2
	f1 := call(context.Background(), c, "f1", "f1b")
	f2 := call(context.Background(), c, "f2", "f2b")
	waitFor(t, c, "two full transactions in flight", func(inflight, _ int) bool { return inflight == 2 })
	single := call(context.Background(), c, "s")
	waitFor(t, c, "the single one held", func(_, queued int) bool { return queued == 1 })
	close(f.gates["f1"])
	if r := <-f1; r.err != nil {
		t.Fatal(r.err)
	}
	select {
	case r := <-single:
		if r.err != nil {
			t.Fatal(r.err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the held event still waits after a transaction finished (the other full one is still in flight)")
	}
	close(f.gates["f2"])
	if r := <-f2; r.err != nil {
		t.Fatal(r.err)
	}
}
