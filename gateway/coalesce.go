package gateway

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/fabric"
	"github.com/agritrace/agritrace/wire"
)

// Group commit. A one-event transaction costs Fabric about as much as a 100-event one (signatures,
// endorsement round trips, validation, the block's share), so small transactions from concurrent
// requests are worth sharing. The coalescer counts this gateway's transactions in flight and holds
// a small transaction back only while at least a block's worth (the orderer's MaxMessageCount) is
// in flight: then the ordering service cuts the next block by count, so what is held back would
// not have made that block anyway, and it leaves, together with everything else held back, as soon
// as a transaction finishes. Below a block's worth every transaction goes at once, so the coalescer
// never leaves the orderer waiting for its batch timeout with transactions it kept to itself.

// recordFunc is Ledger.Record without private terms (transactions with private terms are never
// shared: each needs its own endorsing orgs).
type recordFunc func(ctx context.Context, org string, events []domain.Event) ([]domain.RecordResult, fabric.Committed, error)

type coalescer struct {
	record recordFunc
	// limit is how many transactions may be in flight before small ones are held back.
	limit     func() int
	maxEvents int // events in one transaction
	maxBytes  int // JSON bytes of the events of one transaction
	log       *slog.Logger

	mu       sync.Mutex
	inflight int
	queue    []*held
}

// held is a small transaction waiting for a slot, to leave with the others held with it.
type held struct {
	ctx    context.Context
	org    string
	events []domain.Event
	bytes  int
	done   chan outcome // buffered: the sender never waits for a waiter that gave up
}

type outcome struct {
	recs      []domain.RecordResult
	committed fabric.Committed
	err       error
}

// Record records events as one transaction would, and answers only for them: on success their
// own results (the transaction may hold other requests' events too), on refusal the refusal of
// one of them located in this call's events.
func (c *coalescer) Record(ctx context.Context, org string, events []domain.Event) ([]domain.RecordResult, fabric.Committed, error) {
	limit := c.limit() // before the lock: the first call may ask the peer
	c.mu.Lock()
	if c.inflight < limit && len(c.queue) == 0 || len(events) >= c.maxEvents {
		// a full transaction gains nothing from company: it never waits
		c.inflight++
		c.mu.Unlock()
		defer c.release()
		return c.record(ctx, org, events)
	}
	h := &held{ctx: ctx, org: org, events: events, bytes: eventsBytes(events), done: make(chan outcome, 1)}
	c.queue = append(c.queue, h)
	c.mu.Unlock()
	select {
	case o := <-h.done:
		return o.recs, o.committed, o.err
	case <-ctx.Done():
		// taken or not, the caller is gone: a retry with the same event IDs is answered as a duplicate
		return nil, fabric.Committed{}, fmt.Errorf("held for group commit: %w", ctx.Err())
	}
}

// release frees a slot and sends off what was held back, as few transactions as fit. A finished
// transaction's slot goes to what was held even while a block's worth is still in flight (full
// bulk transactions never wait, and could otherwise keep single events waiting for as long as
// they keep coming): nothing waits longer than one transaction.
func (c *coalescer) release() {
	limit := c.limit()
	c.mu.Lock()
	c.inflight--
	var groups [][]*held
	for len(c.queue) > 0 && (c.inflight < limit || len(groups) == 0) {
		g := c.take()
		if len(g) == 0 {
			continue // everything taken had been given up
		}
		c.inflight++
		groups = append(groups, g)
	}
	c.mu.Unlock()
	for _, g := range groups {
		go func() {
			defer c.release()
			c.run(g)
		}()
	}
}

// take removes from the queue, in arrival order, the held transactions that fit one transaction:
// of one org, within the event and byte limits, with no event ID twice (the contract refuses a
// transaction naming an ID twice; a retry that arrived while its first attempt was held waits for
// the next transaction and is then answered as a duplicate). Called with mu held.
func (c *coalescer) take() []*held {
	var g, rest []*held
	ids := map[string]bool{}
	n, size := 0, 0
	for _, h := range c.queue {
		if h.ctx.Err() != nil {
			continue // the caller gave up before it was sent: nothing of it reaches the ledger
		}
		fits := len(g) == 0 || h.org == g[0].org && n+len(h.events) <= c.maxEvents && size+h.bytes <= c.maxBytes
		for _, e := range h.events {
			fits = fits && !ids[e.ID]
		}
		if !fits {
			rest = append(rest, h)
			continue
		}
		for _, e := range h.events {
			ids[e.ID] = true
		}
		g = append(g, h)
		n, size = n+len(h.events), size+h.bytes
	}
	c.queue = rest
	return g
}

// run submits a group as one transaction and answers each member for its own events. A refused
// event fails only its own member, and the rest go again without it; a transaction that fails as a
// whole (endorsement, ordering) is tried again member by member, so no member fails for another's.
func (c *coalescer) run(g []*held) {
	// the transaction is everyone's: one member's caller leaving must not cancel it
	ctx, cancel := context.WithTimeout(context.WithoutCancel(g[0].ctx), 2*time.Minute)
	defer cancel()
	for len(g) > 1 {
		var events []domain.Event
		for _, h := range g {
			events = append(events, h.events...)
		}
		recs, committed, err := c.record(ctx, g[0].org, events)
		if err == nil {
			off := 0
			for _, h := range g {
				h.done <- outcome{recs: recs[off : off+len(h.events)], committed: committed}
				off += len(h.events)
			}
			return
		}
		if de, ok := domain.AsError(err); ok && de.Index != nil && *de.Index >= 0 && *de.Index < len(events) {
			k, local := owner(g, *de.Index)
			g[k].done <- outcome{err: rebase(de, *de.Index, local)}
			g = append(g[:k:k], g[k+1:]...)
			continue
		}
		c.log.Info("shared transaction failed; recording its members one by one", "members", len(g), "err", err)
		var wg sync.WaitGroup
		for _, h := range g {
			wg.Add(1)
			go func() {
				defer wg.Done()
				recs, committed, err := c.record(ctx, h.org, h.events)
				h.done <- outcome{recs, committed, err}
			}()
		}
		wg.Wait()
		return
	}
	if len(g) == 1 {
		recs, committed, err := c.record(ctx, g[0].org, g[0].events)
		g[0].done <- outcome{recs, committed, err}
	}
}

// owner finds the member holding event i of the group's transaction, and i's index in it.
func owner(g []*held, i int) (member, local int) {
	for k, h := range g {
		if i < len(h.events) {
			return k, i
		}
		i -= len(h.events)
	}
	return len(g) - 1, i
}

// rebase locates a refusal of event i of a shared transaction at index local of its member's events.
func rebase(de *domain.Error, i, local int) *domain.Error {
	c := *de
	c.Index = &local
	if rest, ok := strings.CutPrefix(c.Pointer, fmt.Sprintf("/events/%d", i)); ok {
		c.Pointer = fmt.Sprintf("/events/%d%s", local, rest)
	}
	return &c
}

func eventsBytes(events []domain.Event) int {
	n := 0
	for _, e := range events {
		n += eventBytes(e)
	}
	return n
}

// blockSizer is a ledger that knows how many transactions the orderer puts in a block.
type blockSizer interface {
	BlockMaxTxs(ctx context.Context) (int, error)
}

// defaultBlockTxs is used when the ledger cannot say (the in-memory ledger of tests, or the peer
// unreachable at the first submit): network.DefaultConfig's batch size.
const defaultBlockTxs = wire.DefaultBlockMaxTxs

// blockTxs returns the orderer's block size: Options.BlockTxs when set, else read once from the
// channel configuration.
func (s *Server) blockTxs() int {
	s.blockOne.Do(func() {
		s.blockN = s.opts.BlockTxs
		if s.blockN > 0 {
			return
		}
		s.blockN = defaultBlockTxs
		bs, ok := s.ledger.(blockSizer)
		if !ok {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		n, err := bs.BlockMaxTxs(ctx)
		if err != nil {
			s.log.Warn("orderer block size unknown; group commit assumes the default", "default", defaultBlockTxs, "err", err)
			return
		}
		s.blockN = n
	})
	return s.blockN
}
