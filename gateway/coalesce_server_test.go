package gateway

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/fabric"
)

// TestGroupCommitOfSingleEvents: single-event requests that arrive while the gateway has a block's
// worth of transactions in flight share one transaction, and each still gets its own answer: the
// neighbours of an event the contract refuses are committed, and the refusal is located in the
// refused request's own event.
func TestGroupCommitOfSingleEvents(t *testing.T) {
	e := newEnv(t)
	if r := e.post("/v1/events", "hlj", harvest("taken", "LOT-TAKEN", 100)); r.status != http.StatusCreated {
		t.Fatalf("setup: %d %s", r.status, r.body)
	}
	// one transaction in flight fills the "block": the requests that follow are held back
	gate := make(chan struct{})
	record := e.srv.group.record
	var mu sync.Mutex
	var sizes []int
	e.srv.group.limit = func() int { return 1 }
	e.srv.group.record = func(ctx context.Context, org string, events []domain.Event) ([]domain.RecordResult, fabric.Committed, error) {
		mu.Lock()
		first := len(sizes) == 0
		sizes = append(sizes, len(events))
		mu.Unlock()
		if first {
			<-gate
		}
		return record(ctx, org, events)
	}
	reqs := map[string]domain.Event{
		"first":   harvest("g0", "LOT-G0", 100),
		"a":       harvest("g1", "LOT-G1", 100),
		"refused": harvest("g2", "LOT-TAKEN", 100), // the contract refuses a second harvest of a lot
		"c":       harvest("g3", "LOT-G3", 100),
	}
	out := map[string]chan response{}
	do := func(name string) {
		ch := make(chan response, 1)
		out[name] = ch
		go func() { ch <- e.post("/v1/events", "hlj", reqs[name]) }()
	}
	do("first")
	waitFor(t, e.srv.group, "the first in flight", func(inflight, _ int) bool { return inflight == 1 })
	for i, name := range []string{"a", "refused", "c"} {
		do(name)
		waitFor(t, e.srv.group, "held", func(_, queued int) bool { return queued == i+1 })
	}
	close(gate)
	got := map[string]response{}
	for name, ch := range out {
		got[name] = <-ch
	}
	var a, c EventResult
	for name, res := range map[string]*EventResult{"a": &a, "c": &c} {
		if r := got[name]; r.status != http.StatusCreated {
			t.Fatalf("%s: %d %s", name, r.status, r.body)
		} else {
			r.json(t, res)
		}
	}
	if a.TxID == "" || a.TxID != c.TxID {
		t.Errorf("held requests in transactions %q and %q, want one shared", a.TxID, c.TxID)
	}
	r := got["refused"]
	if r.status < 400 || r.status >= 500 {
		t.Fatalf("refused: %d %s", r.status, r.body)
	}
	if p := r.problem(t); p.Index != nil || strings.HasPrefix(p.Pointer, "/events/") {
		t.Errorf("a single event's refusal must be located in that event, got index %v pointer %q", p.Index, p.Pointer)
	}
	// the read model answers each committed one at once (read-your-writes)
	for _, id := range []string{"g0", "g1", "g3"} {
		if r := e.get("/v1/events/"+id, "hlj"); r.status != http.StatusOK {
			t.Errorf("GET %s after its 201: %d", id, r.status)
		}
	}
	if r := e.get("/v1/events/g2", "hlj"); r.status != http.StatusNotFound {
		t.Errorf("GET refused g2: %d", r.status)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(sizes) < 2 || sizes[1] != 3 {
		t.Errorf("transaction sizes %v: want the three held requests sent as one", sizes)
	}
}
