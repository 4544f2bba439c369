package readmodel

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"

	"github.com/agritrace/agritrace/domain"
)

// TestFollowerAppliesEveryTransaction feeds the follower a stream whose blocks hold several
// transactions (and an event of another name) and checks every event lands and the checkpoint
// names the last transaction of the last block, however the stream is split into SQL batches.
func TestFollowerAppliesEveryTransaction(t *testing.T) {
	for _, tc := range []struct {
		name      string
		perBlock  []int // transactions in each block
		wantBlock uint64
	}{
		{"one tx per block", []int{1, 1, 1}, 3},
		{"several per block", []int{3, 5, 2}, 3},
		{"more than one SQL batch in a block", []int{maxFollowBatch + 7}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store, err := Open(":memory:")
			if err != nil {
				t.Fatal(err)
			}
			defer store.Close()
			var evs []*client.ChaincodeEvent
			want, last := 0, ""
			for b, n := range tc.perBlock {
				for i := 0; i < n; i++ {
					id := fmt.Sprintf("e-%d-%d", b+1, i)
					rec := domain.Recorded{Events: []domain.Event{{ID: id, Type: domain.Produce, EventTime: "2026-10-01T08:00:00+08:00",
						Outputs: []domain.Output{{Batch: "B-" + id}}}}}
					payload, _ := json.Marshal(rec)
					last = "tx-" + id
					evs = append(evs, &client.ChaincodeEvent{BlockNumber: uint64(b + 1), TransactionID: last, EventName: "rec", Payload: payload})
					want++
				}
				evs = append(evs, &client.ChaincodeEvent{BlockNumber: uint64(b + 1), TransactionID: fmt.Sprintf("other-%d", b), EventName: "other"})
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			src := func(ctx context.Context, _ string, _ ...client.ChaincodeEventsOption) (<-chan *client.ChaincodeEvent, error) {
				ch := make(chan *client.ChaincodeEvent, len(evs))
				for _, e := range evs {
					ch <- e
				}
				return ch, nil
			}
			f := &Follower{Store: store, Source: src, Chaincode: "cc", EventName: "rec", Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
			go f.Run(ctx)
			wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
			defer wcancel()
			if err := store.CatchUp(wctx, tc.wantBlock); err != nil {
				t.Fatal(err)
			}
			for f.Applied() < int64(want) && wctx.Err() == nil {
				time.Sleep(5 * time.Millisecond)
			}
			c, err := store.Counts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			cp, _ := store.Checkpoint(ctx)
			if c.Events != want || f.Applied() != int64(want) || cp.Block != tc.wantBlock || cp.TxID != last {
				t.Fatalf("events %d applied %d checkpoint %+v; want %d events, checkpoint %d/%s", c.Events, f.Applied(), cp, want, tc.wantBlock, last)
			}
		})
	}
}
