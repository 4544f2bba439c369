// Package audit re-derives every batch and event from the ledger's blocks (from block 0) and
// compares the result with the gateway's read model.
package audit

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"

	"github.com/agritrace/agritrace/fabric"
	"github.com/agritrace/agritrace/readmodel"
)

// Source is the ledger as blocks.
type Source interface {
	Height(ctx context.Context, channel string) (uint64, error)
	Blocks(ctx context.Context, start uint64) (<-chan *common.Block, error)
}

// Report is the outcome of an audit.
type Report struct {
	Height       uint64               `json:"height"` // blocks examined: 0 .. height-1
	Transactions int                  `json:"transactions"`
	Events       int                  `json:"events"`
	Batches      int                  `json:"batches"`
	ReadModel    readmodel.Counts     `json:"readModel"`
	Mismatches   []readmodel.Mismatch `json:"mismatches"`
	Seconds      float64              `json:"seconds"`
}

// rebuildBatchTxs bounds the transactions Rebuild applies in one SQL transaction.
const rebuildBatchTxs = 256

// Rebuild replays blocks 0..height-1 into store and returns how many transactions it applied.
func Rebuild(ctx context.Context, src Source, chaincode, eventName string, height uint64, store *readmodel.Store, progress io.Writer) (int, error) {
	if height == 0 {
		return 0, nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	blocks, err := src.Blocks(ctx, 0)
	if err != nil {
		return 0, fmt.Errorf("read blocks: %w", err)
	}
	// decode (protobuf + JSON) and apply (SQLite) in two stages, so both cores work during catch-up
	type decoded struct {
		number uint64
		recs   []readmodel.TxRecord
		err    error
	}
	stage := make(chan decoded, 64)
	go func() {
		defer close(stage)
		for b := range blocks {
			n := b.GetHeader().GetNumber()
			d := decoded{number: n}
			evs, err := fabric.ChaincodeEventsOf(b)
			if err != nil {
				d.err = err
			}
			for _, ev := range evs {
				if d.err != nil || ev.Chaincode != chaincode || ev.Name != eventName {
					continue
				}
				rec, err := readmodel.DecodeRecorded(ev.Payload)
				if err != nil {
					d.err = fmt.Errorf("block %d tx %s: undecodable event: %w", n, ev.TxID, err)
					continue
				}
				d.recs = append(d.recs, readmodel.TxRecord{TxID: ev.TxID, Recorded: rec})
			}
			select {
			case stage <- d:
			case <-ctx.Done():
				return
			}
			if d.err != nil || n+1 >= height {
				return
			}
		}
	}()
	txs := 0
	last := time.Now()
	for d := range stage {
		if d.err != nil {
			return txs, d.err
		}
		// apply the blocks decoded meanwhile together, in one SQL transaction: a commit per
		// block of a few dozen events was most of the apply stage's cost
		batch := []readmodel.BlockTxs{{Block: d.number, Txs: d.recs}}
		pending := len(d.recs)
	more:
		for d.err == nil && d.number+1 < height && pending < rebuildBatchTxs {
			select {
			case next, ok := <-stage:
				if !ok {
					break more
				}
				d = next
				if d.err == nil {
					batch = append(batch, readmodel.BlockTxs{Block: d.number, Txs: d.recs})
					pending += len(d.recs)
				}
			default:
				break more
			}
		}
		applied, err := store.ApplyBlocks(ctx, batch)
		if err != nil {
			return txs, err
		}
		txs += applied
		if d.err != nil {
			return txs, d.err
		}
		if progress != nil && time.Since(last) > 2*time.Second {
			fmt.Fprintf(progress, "  replayed %d of %d blocks\n", d.number+1, height)
			last = time.Now()
		}
		if d.number+1 >= height {
			return txs, nil
		}
	}
	return txs, ctx.Err()
}

// Run audits live against the ledger as it stands when the audit starts.
func Run(ctx context.Context, src Source, channel, chaincode, eventName string, live *readmodel.Store, progress io.Writer) (Report, error) {
	start := time.Now()
	var r Report
	h, err := src.Height(ctx, channel)
	if err != nil {
		return r, err
	}
	r.Height = h
	fresh, err := readmodel.Open(":memory:")
	if err != nil {
		return r, err
	}
	defer fresh.Close()
	if progress != nil {
		fmt.Fprintf(progress, "re-deriving the read model from blocks 0..%d\n", h-1)
	}
	if r.Transactions, err = Rebuild(ctx, src, chaincode, eventName, h, fresh, progress); err != nil {
		return r, err
	}
	want, err := fresh.Counts(ctx)
	if err != nil {
		return r, err
	}
	r.Batches, r.Events = want.Batches, want.Events
	// let the live read model reach the same point before comparing
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := live.CatchUp(wctx, want.Block); err != nil {
		return r, fmt.Errorf("read model has not reached block %d (the ledger's last agritrace block): %w", want.Block, err)
	}
	if r.ReadModel, err = live.Counts(ctx); err != nil {
		return r, err
	}
	if r.Mismatches, err = readmodel.Compare(ctx, fresh, live, h-1); err != nil {
		return r, err
	}
	r.Seconds = time.Since(start).Seconds()
	return r, nil
}
