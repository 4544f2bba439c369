package readmodel

import (
	"context"
	"fmt"
	"testing"

	"github.com/agritrace/agritrace/domain"
)

// TestPreparedReadsPastTheCacheBound: reads answer the same whether their statement is cached or
// the cache is full and they run unprepared.
func TestPreparedReadsPastTheCacheBound(t *testing.T) {
	ctx := context.Background()
	s, err := Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var tx TxRecord
	tx.TxID = "tx-1"
	var ids []string
	for i := 0; i < 40; i++ {
		id := fmt.Sprintf("B%02d", i)
		ids = append(ids, id)
		tx.Recorded.Batches = append(tx.Recorded.Batches, batchFor(id))
		tx.Recorded.Events = append(tx.Recorded.Events, eventFor("e"+id, id))
	}
	if _, err := s.ApplyBlock(ctx, 1, []TxRecord{tx}); err != nil {
		t.Fatal(err)
	}
	check := func(stage string) {
		for n := 1; n <= len(ids); n++ {
			bs, err := s.Batches(ctx, ids[:n])
			if err != nil || len(bs) != n || bs[n-1].ID != ids[n-1] {
				t.Fatalf("%s: Batches of %d ids: %d batches, %v", stage, n, len(bs), err)
			}
		}
		if _, err := s.Batch(ctx, "B07"); err != nil {
			t.Fatalf("%s: %v", stage, err)
		}
	}
	check("cached")
	for i := 0; len(s.cache.stmts) < maxCachedStatements; i++ {
		s.prepared(ctx, fmt.Sprintf("SELECT %d", i))
	}
	check("cache full")
}

func batchFor(id string) domain.Batch {
	return domain.Batch{ID: id, Status: domain.Active, UpdatedAt: "2026-10-01T00:00:00Z"}
}

func eventFor(id, batch string) domain.Event {
	return domain.Event{ID: id, Type: domain.Produce, EventTime: "2026-10-01T08:00:00+08:00", TxID: "tx-1", Outputs: []domain.Output{{Batch: batch}}}
}
