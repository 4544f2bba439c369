package readmodel

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
)

// EventSource opens a stream of chaincode events (fabric-gateway's Network.ChaincodeEvents).
type EventSource func(ctx context.Context, chaincode string, opts ...client.ChaincodeEventsOption) (<-chan *client.ChaincodeEvent, error)

// maxFollowBatch bounds the transactions the follower applies in one SQL transaction (of one or
// more blocks).
const maxFollowBatch = 256

// Follower keeps the store in step with the ledger.
type Follower struct {
	Store     *Store
	Source    EventSource
	Chaincode string
	EventName string
	Log       *slog.Logger
	applied   atomic.Int64
	connected atomic.Bool
	leader    atomic.Bool
}

// Applied is how many transactions this follower has applied since it started.
func (f *Follower) Applied() int64 { return f.applied.Load() }

// Connected reports whether the event stream is currently open.
func (f *Follower) Connected() bool { return f.connected.Load() }

// Role is "leader" while this replica holds the writer lock and follows the ledger, "standby"
// while another replica does (PostgreSQL).
func (f *Follower) Role() string {
	if f.leader.Load() {
		return "leader"
	}
	return "standby"
}

// takeoverPoll is how often a standby tries the writer lock: the bound on how long a read model
// goes unwritten after its writer dies.
const takeoverPoll = 500 * time.Millisecond

// Run follows the ledger until ctx ends. With several replicas on one PostgreSQL only the one
// holding the writer lock follows and writes; the others stand by and take over when it goes.
func (f *Follower) Run(ctx context.Context) {
	for ctx.Err() == nil {
		lease, err := f.Store.AcquireWriter(ctx, takeoverPoll)
		if err != nil {
			return // ctx ended
		}
		f.leader.Store(true)
		if f.Store.Dialect() == "postgres" {
			f.Log.Info("read model: this replica holds the writer lock and follows the ledger")
		}
		f.followLedger(lease.Context())
		f.leader.Store(false)
		lease.Release()
		if ctx.Err() == nil {
			f.Log.Warn("read model: writer lock lost; standing by")
		}
	}
}

// followLedger follows until ctx ends, reconnecting with backoff from the stored checkpoint.
func (f *Follower) followLedger(ctx context.Context) {
	backoff := 200 * time.Millisecond
	for ctx.Err() == nil {
		err := f.follow(ctx)
		f.connected.Store(false)
		if ctx.Err() != nil {
			return
		}
		f.Log.Warn("read model: event stream ended; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

func (f *Follower) follow(ctx context.Context) error {
	cp, err := f.Store.Checkpoint(ctx)
	if err != nil {
		return err
	}
	// a replica taking over may not have heard of the last commits yet: ApplyBlock decides from
	// the in-memory checkpoint whether a block can hold transactions applied already
	f.Store.advance(cp.Block)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := f.Source(ctx, f.Chaincode, client.WithStartBlock(0), client.WithCheckpoint(cp))
	if err != nil {
		return err
	}
	// the client hands events over one at a time on an unbuffered channel; a buffer lets the rest of
	// a block's events arrive while the first is decoded, so they are applied together
	events := make(chan *client.ChaincodeEvent, 4*maxFollowBatch)
	go func() {
		defer close(events)
		for ev := range stream {
			select {
			case events <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	f.connected.Store(true)
	f.Log.Info("read model: following the ledger", "from_block", cp.Block, "after_tx", cp.TxID)
	// a block's transactions arrive together, and during catch-up many blocks' do: apply those
	// already here in one SQL transaction (one commit instead of one per transaction or block —
	// most of the follower's cost under load); a transaction is never held back waiting for more
	for {
		ev, ok := <-events
		if !ok {
			break
		}
		var blocks []BlockTxs
		total := 0
	drain:
		for {
			if len(blocks) == 0 || blocks[len(blocks)-1].Block != ev.BlockNumber {
				blocks = append(blocks, BlockTxs{Block: ev.BlockNumber})
			}
			cur := &blocks[len(blocks)-1]
			if ev.EventName == f.EventName {
				rec, err := DecodeRecorded(ev.Payload)
				if err != nil {
					// a payload we cannot read is a bug to fix, not a row to invent: stop here and say so
					f.Log.Error("read model: undecodable chaincode event", "tx", ev.TransactionID, "block", ev.BlockNumber, "err", err)
					if _, aerr := f.Store.ApplyBlocks(ctx, blocks); aerr != nil {
						return aerr
					}
					return err
				}
				cur.Txs = append(cur.Txs, TxRecord{TxID: ev.TransactionID, Recorded: rec})
				total++
			}
			if total >= maxFollowBatch {
				break
			}
			select {
			case next, ok := <-events:
				if !ok {
					break drain
				}
				ev = next
			default:
				break drain
			}
		}
		n, err := f.Store.ApplyBlocks(ctx, blocks)
		if err != nil {
			return err
		}
		f.applied.Add(int64(n))
	}
	return ctx.Err()
}

// CatchUp blocks until the store's checkpoint reaches block (or ctx ends). It is woken by every
// checkpoint move in this process, and looks at the database now and then for writers elsewhere
// (an audit reading a gateway's file).
func (s *Store) CatchUp(ctx context.Context, block uint64) error {
	for {
		advanced := s.waitAdvance()
		if s.Block() >= block {
			return nil
		}
		cp, err := s.Checkpoint(ctx)
		if err != nil {
			return err
		}
		if cp.Block >= block {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-advanced:
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// CatchUpTx blocks until transaction txID, committed in block, is in the read model (or ctx ends).
// The checkpoint reaching block is not enough: a block's transactions are applied one at a time,
// so the checkpoint names block as soon as its first one is in.
func (s *Store) CatchUpTx(ctx context.Context, block uint64, txID string) error {
	for {
		advanced := s.waitAdvance()
		if s.Block() > block {
			return nil
		}
		var n int
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM events WHERE tx_id = ?`, txID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-advanced:
		case <-time.After(200 * time.Millisecond):
		}
	}
}
