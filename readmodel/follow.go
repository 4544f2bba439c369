package readmodel

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"

	"github.com/agritrace/agritrace/domain"
)

// EventSource opens a stream of chaincode events (fabric-gateway's Network.ChaincodeEvents).
type EventSource func(ctx context.Context, chaincode string, opts ...client.ChaincodeEventsOption) (<-chan *client.ChaincodeEvent, error)

// Follower keeps the store in step with the ledger.
type Follower struct {
	Store     *Store
	Source    EventSource
	Chaincode string
	EventName string
	Log       *slog.Logger
	applied   atomic.Int64
	connected atomic.Bool
}

// Applied is how many transactions this follower has applied since it started.
func (f *Follower) Applied() int64 { return f.applied.Load() }

// Connected reports whether the event stream is currently open.
func (f *Follower) Connected() bool { return f.connected.Load() }

// Run follows the ledger until ctx ends, reconnecting with backoff from the stored checkpoint.
func (f *Follower) Run(ctx context.Context) {
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
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events, err := f.Source(ctx, f.Chaincode, client.WithStartBlock(0), client.WithCheckpoint(cp))
	if err != nil {
		return err
	}
	f.connected.Store(true)
	f.Log.Info("read model: following the ledger", "from_block", cp.Block, "after_tx", cp.TxID)
	for ev := range events {
		if ev.EventName != f.EventName {
			continue
		}
		var rec domain.Recorded
		if err := json.Unmarshal(ev.Payload, &rec); err != nil {
			// a payload we cannot read is a bug to fix, not a row to invent: stop here and say so
			f.Log.Error("read model: undecodable chaincode event", "tx", ev.TransactionID, "block", ev.BlockNumber, "err", err)
			return err
		}
		ok, err := f.Store.Apply(ctx, ev.BlockNumber, ev.TransactionID, rec)
		if err != nil {
			return err
		}
		if ok {
			f.applied.Add(1)
		}
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
