package readmodel

import (
	"context"
	"fmt"
	"testing"

	"github.com/agritrace/agritrace/domain"
)

func oneEventTx(tx string) TxRecord {
	id := tx + "-e"
	return TxRecord{TxID: tx, Recorded: domain.Recorded{
		Events:  []domain.Event{{ID: id, Type: domain.Produce, EventTime: "2026-10-01T08:00:00+08:00", TxID: tx, Outputs: []domain.Output{{Batch: "B-" + id}}}},
		Batches: []domain.Batch{{ID: "B-" + id, Status: domain.Active}},
	}}
}

// TestApplyBlockAppliesEachTransactionOnce: blocks delivered again (after a reconnect), partly or
// whole, and a transaction twice in one delivery, each land once.
func TestApplyBlockAppliesEachTransactionOnce(t *testing.T) {
	type step struct {
		block uint64
		txs   []string
		want  int // transactions newly applied
	}
	for _, tc := range []struct {
		name       string
		steps      []step
		wantEvents int
	}{
		{"in order", []step{{1, []string{"a", "b"}, 2}, {2, []string{"c"}, 1}}, 3},
		{"same block again, with one more", []step{{1, []string{"a"}, 1}, {1, []string{"a", "b"}, 1}}, 2},
		{"earlier block again", []step{{1, []string{"a"}, 1}, {2, []string{"b"}, 1}, {1, []string{"a"}, 0}}, 2},
		{"twice in one delivery", []step{{1, []string{"a", "a", "b"}, 2}}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forEachStore(t, func(t *testing.T, s *Store, _ string) {
				ctx := context.Background()
				for i, st := range tc.steps {
					var txs []TxRecord
					for _, id := range st.txs {
						txs = append(txs, oneEventTx(id))
					}
					n, err := s.ApplyBlock(ctx, st.block, txs)
					if err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
					if n != st.want {
						t.Fatalf("step %d applied %d, want %d", i, n, st.want)
					}
				}
				c, err := s.Counts(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if c.Events != tc.wantEvents {
					t.Fatalf("%d events, want %d", c.Events, tc.wantEvents)
				}
				for _, id := range []string{"a"} {
					if _, err := s.Event(ctx, fmt.Sprintf("%s-e", id)); err != nil {
						t.Fatal(err)
					}
				}
			})
		})
	}
}

// TestApplyBlocksSpansBlocks: several blocks in one SQL transaction, delivered again in part after
// a reconnect, land once each, every event with its own block, and the checkpoint names the last
// transaction of the last block.
func TestApplyBlocksSpansBlocks(t *testing.T) {
	blocks := func(spec map[uint64][]string, order ...uint64) []BlockTxs {
		var out []BlockTxs
		for _, b := range order {
			bt := BlockTxs{Block: b}
			for _, id := range spec[b] {
				bt.Txs = append(bt.Txs, oneEventTx(id))
			}
			out = append(out, bt)
		}
		return out
	}
	forEachStore(t, func(t *testing.T, s *Store, _ string) {
		ctx := context.Background()
		for i, st := range []struct {
			blocks []BlockTxs
			want   int
		}{
			{blocks(map[uint64][]string{1: {"a", "b"}, 2: nil, 3: {"c"}}, 1, 2, 3), 3},
			{blocks(map[uint64][]string{3: {"c", "d"}, 4: {"e"}}, 3, 4), 2},
		} {
			n, err := s.ApplyBlocks(ctx, st.blocks)
			if err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			if n != st.want {
				t.Fatalf("step %d applied %d, want %d", i, n, st.want)
			}
		}
		for id, block := range map[string]uint64{"a-e": 1, "c-e": 3, "d-e": 3, "e-e": 4} {
			e, err := s.Event(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if e.Block != block {
				t.Fatalf("event %s in block %d, want %d", id, e.Block, block)
			}
		}
		cp, err := s.Checkpoint(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if cp != (Checkpoint{Block: 4, TxID: "e"}) {
			t.Fatalf("checkpoint %+v", cp)
		}
	})
}
