package readmodel

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
)

func TestLineage(t *testing.T) {
	cases := []struct {
		name      string
		id        string
		up        bool
		depth     int
		limit     int
		want      []string
		truncated bool
	}{
		{"bag upstream, whole", "B1", true, 10, 100, []string{"P1", "S1", "F1", "F2"}, false},
		{"bag upstream, two generations", "B1", true, 2, 100, []string{"P1", "S1"}, true},
		{"farm downstream, whole", "F1", false, 10, 100, []string{"S1", "P1", "B1", "B2", "B3"}, false},
		{"farm downstream, limited", "F1", false, 10, 3, []string{"S1", "P1", "B1"}, true},
		{"depth exactly the lineage", "F1", false, 3, 100, []string{"S1", "P1", "B1", "B2", "B3"}, false},
		{"unrelated lot", "F3", false, 10, 100, nil, false},
		{"unknown id", "nope", true, 10, 100, nil, false},
	}
	forEachStore(t, func(t *testing.T, s *Store, _ string) {
		newFixture().applyAll(t, s)
		for _, c := range cases {
			got, cut, err := s.Lineage(context.Background(), c.id, c.up, c.depth, c.limit)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if !slices.Equal(got, c.want) || cut != c.truncated {
				t.Errorf("%s: got %v truncated=%v, want %v truncated=%v", c.name, got, cut, c.want, c.truncated)
			}
		}
	})
}

// TestKnownEvents: of a bulk's IDs, the ones recorded before, also past a statement's 500.
func TestKnownEvents(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, _ string) {
		newFixture().applyAll(t, s)
		ids := []string{"e-h1", "new-1", "e-p1"}
		for i := range 600 {
			ids = append(ids, fmt.Sprintf("new-%d", i+2))
		}
		ids = append(ids, "e-r1", "E-H1")
		known, err := s.KnownEvents(context.Background(), ids)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]bool{"e-h1": true, "e-p1": true, "e-r1": true}; !maps.Equal(known, want) {
			t.Fatalf("known %v, want %v", known, want)
		}
		if none, err := s.KnownEvents(context.Background(), nil); err != nil || len(none) != 0 {
			t.Fatalf("no IDs: %v %v", none, err)
		}
	})
}

func TestTrailAndImpact(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, _ string) {
		ctx := context.Background()
		newFixture().applyAll(t, s)
		tr, err := s.Trail(ctx, "B2", 20, 500)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, b := range tr.Batches {
			ids = append(ids, b.ID)
		}
		if want := []string{"B2", "P1", "S1", "F1", "F2"}; !slices.Equal(ids, want) {
			t.Errorf("trail batches %v, want %v", ids, want)
		}
		var evs []string
		for _, e := range tr.Events {
			evs = append(evs, e.ID)
			if e.Block == 0 {
				t.Errorf("event %s without its block", e.ID)
			}
		}
		// by event time: harvests (day 1), merge (5), mill (10), split (11), B2 stored (12), recall (25)
		if want := []string{"e-h1", "e-h2", "e-m1", "e-p1", "e-sp1", "e-st2", "e-r1"}; !slices.Equal(evs, want) {
			t.Errorf("trail events %v, want %v", evs, want)
		}
		if tr.RecalledBy != "e-r1" || tr.LedgerBlock != 4 {
			t.Errorf("trail recalledBy %q block %d, want e-r1 and 4", tr.RecalledBy, tr.LedgerBlock)
		}
		if _, err := s.Trail(ctx, "nope", 20, 500); !errors.Is(err, ErrNotFound) {
			t.Errorf("trail of an unknown batch: %v, want ErrNotFound", err)
		}

		aff, cut, err := s.Impact(ctx, "F2", 50, 5000)
		if err != nil {
			t.Fatal(err)
		}
		holders := map[string]string{}
		for _, a := range aff {
			holders[a.Batch] = a.Custodian.Enterprise
			if a.Quantity == nil || *a.Quantity != (domain.Quantity{Value: 1000, Unit: "kg"}) || a.Region != "230184" {
				t.Errorf("impact row %+v: quantity or region lost", a)
			}
		}
		want := map[string]string{"F2": "SILO", "S1": "MILL", "P1": "MILL", "B1": "SHOP-ZZ", "B2": "SHOP-ZZ", "B3": "MILL"}
		if cut || len(holders) != len(want) {
			t.Errorf("impact of F2: %v (truncated %v), want %v", holders, cut, want)
		}
		for b, h := range want {
			if holders[b] != h {
				t.Errorf("impact: %s held by %q, want %q", b, holders[b], h)
			}
		}
		edges, err := s.EdgesAmong(ctx, []string{"P1"})
		if err != nil {
			t.Fatal(err)
		}
		if len(edges) != 4 { // S1→P1, P1→B1..B3
			t.Errorf("edges touching P1: %v, want 4", edges)
		}
	})
}

func batchIDs(bs []domain.Batch) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.ID)
	}
	return out
}

func eventIDs(es []domain.Event) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func TestSearch(t *testing.T) {
	at := func(d int) time.Time {
		t, _ := time.Parse(time.RFC3339, "2026-09-01T00:00:00+08:00")
		return t.AddDate(0, 0, d-1)
	}
	batchCases := []struct {
		name string
		f    Filter
		want []string
	}{
		{"product code", Filter{Product: "P-小麦"}, []string{"F3"}},
		{"product name part, ASCII case ignored", Filter{Product: "rice"}, []string{"B1", "B2", "B3", "P1"}},
		{"product name, Chinese", Filter{Product: "稻谷"}, []string{"F1", "F2", "S1"}},
		{"province", Filter{Region: "41"}, []string{"F3"}},
		{"county", Filter{Region: "230184"}, []string{"B1", "B2", "B3", "F1", "F2", "P1", "S1"}},
		{"LIKE wildcards are literal", Filter{Region: "2_"}, nil},
		{"status", Filter{Status: "sold"}, nil}, // B1 was sold, then recalled
		{"status recalled", Filter{Status: "recalled"}, []string{"B1", "B2", "B3", "F2", "P1", "S1"}},
		{"enterprise", Filter{Enterprise: "SHOP-ZZ"}, []string{"B1", "B2"}},
		{"stage", Filter{Stage: "store"}, []string{"B2", "F3"}},
		{"event time window", Filter{From: at(10), To: at(12)}, []string{"B1", "B2", "B3", "P1", "S1"}},
	}
	eventCases := []struct {
		name string
		f    Filter
		want []string
	}{
		{"type", Filter{Type: "merge"}, []string{"e-m1"}},
		{"stage in time order", Filter{Stage: "process"}, []string{"e-m1", "e-p1", "e-sp1"}},
		{"actor", Filter{Enterprise: "ACT-sell"}, []string{"e-s1"}},
		{"where it happened or where the goods come from", Filter{Region: "41"}, []string{"e-h3", "e-st3", "e-st2", "e-s1"}},
		{"product", Filter{Product: "小麦"}, []string{"e-h3", "e-st3"}},
		{"from", Filter{From: at(20)}, []string{"e-s1", "e-r1"}},
	}
	forEachStore(t, func(t *testing.T, s *Store, _ string) {
		ctx := context.Background()
		newFixture().applyAll(t, s)
		for _, c := range batchCases {
			c.f.PageSize = 100
			p, err := s.SearchBatches(ctx, c.f)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if got := batchIDs(p.Batches); !slices.Equal(got, c.want) || p.Next != "" {
				t.Errorf("batches, %s: %v (next %q), want %v", c.name, got, p.Next, c.want)
			}
		}
		for _, c := range eventCases {
			c.f.PageSize = 100
			p, err := s.SearchEvents(ctx, c.f)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if got := eventIDs(p.Events); !slices.Equal(got, c.want) {
				t.Errorf("events, %s: %v, want %v", c.name, got, c.want)
			}
		}
		// keyset pagination visits every row once, in order, across pages of 2
		var all []string
		f := Filter{PageSize: 2}
		for pages := 0; ; pages++ {
			p, err := s.SearchEvents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, eventIDs(p.Events)...)
			if p.Next == "" {
				break
			}
			if pages > 10 {
				t.Fatal("pagination does not end")
			}
			f.Cursor = p.Next
		}
		if want := []string{"e-h1", "e-h2", "e-h3", "e-m1", "e-st3", "e-p1", "e-sp1", "e-st2", "e-s1", "e-r1"}; !slices.Equal(all, want) {
			t.Errorf("paged events %v, want %v", all, want)
		}
		var bs []string
		bf := Filter{PageSize: 3}
		for {
			p, err := s.SearchBatches(ctx, bf)
			if err != nil {
				t.Fatal(err)
			}
			bs = append(bs, batchIDs(p.Batches)...)
			if p.Next == "" {
				break
			}
			bf.Cursor = p.Next
		}
		if want := []string{"B1", "B2", "B3", "F1", "F2", "F3", "P1", "S1"}; !slices.Equal(bs, want) {
			t.Errorf("paged batches %v, want %v", bs, want)
		}
		if _, err := s.SearchBatches(ctx, Filter{PageSize: 2, Cursor: "not-ours!"}); err == nil {
			t.Error("a forged cursor was accepted")
		}
	})
}

func TestStatistics(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, _ string) {
		ctx := context.Background()
		newFixture().applyAll(t, s)
		from, _ := time.Parse(time.RFC3339, "2026-08-01T00:00:00Z")
		now, _ := time.Parse(time.RFC3339, "2026-12-01T00:00:00Z")
		st, err := s.Statistics(ctx, from, now, 30, now)
		if err != nil {
			t.Fatal(err)
		}
		cells := map[[3]string]int{}
		total := 0
		for _, c := range st.Activity {
			cells[[3]string{c.Day, c.Province, c.Stage}] = c.Events
			total += c.Events
		}
		// days are UTC: 08:00 +08:00 is 00:00Z the same day
		for k, n := range map[[3]string]int{
			{"2026-09-01", "23", "produce"}: 2, {"2026-09-01", "41", "produce"}: 1, {"2026-09-05", "23", "process"}: 1,
			{"2026-09-20", "41", "sell"}: 1, {"2026-09-25", "--", "around"}: 1,
		} {
			if cells[k] != n {
				t.Errorf("activity %v = %d, want %d (all: %v)", k, cells[k], n, st.Activity)
			}
		}
		if total != 10 {
			t.Errorf("activity counts %d events, want 10", total)
		}
		if len(st.Recalls) != 1 || st.Recalls[0] != (RecallSummary{Event: "e-r1", Batch: "F2", Reason: "cadmium", Time: "2026-09-25T00:00:00Z", Batches: 6}) {
			t.Errorf("recalls %+v", st.Recalls)
		}
		if len(st.LongStored) != 1 || st.LongStored[0].Batch != "F3" || st.LongStored[0].Holder != "GRANARY-YJ" || st.LongStored[0].Days != 86 {
			t.Errorf("long stored %+v, want F3 at GRANARY-YJ for 86 days", st.LongStored)
		}
	})
}

// TestAuditCompare: the audit re-derives into an in-memory SQLite store and compares it with the
// live store, which may be PostgreSQL: documents must come back byte for byte.
func TestAuditCompare(t *testing.T) {
	ctx := context.Background()
	fresh := open(t, ":memory:")
	f := newFixture()
	f.applyAll(t, fresh)
	forEachStore(t, func(t *testing.T, live *Store, _ string) {
		f.apply(t, live, 1, 3)
		mm, err := Compare(ctx, fresh, live, 4)
		if err != nil {
			t.Fatal(err)
		}
		if len(mm) == 0 {
			t.Fatal("a read model one block behind compared equal")
		}
		f.apply(t, live, 4, 4)
		if mm, err = Compare(ctx, fresh, live, 4); err != nil || len(mm) != 0 {
			t.Fatalf("identical read models: %v %v", mm, err)
		}
		for _, q := range []string{`DELETE FROM edges WHERE parent = 'P1' AND child = 'B3'`, `UPDATE batches SET doc = '{}' WHERE id = 'F1'`,
			`INSERT INTO batch_events (batch, event, event_time) VALUES ('F3', 'e-s1', 'x')`} {
			if _, err := live.DB().Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		mm, err = Compare(ctx, fresh, live, 4)
		if err != nil {
			t.Fatal(err)
		}
		got := map[Mismatch]bool{}
		for _, m := range mm {
			got[m] = true
		}
		for _, m := range []Mismatch{{"edge", "P1 -> B3", "on the ledger but missing from the read model"}, {"batch", "F1", "differs from the ledger"},
			{"batch-event", "F3 @ e-s1", "in the read model but not on the ledger"}} {
			if !got[m] {
				t.Errorf("mismatch %v not reported (got %v)", m, mm)
			}
		}
		if len(mm) != 3 {
			t.Errorf("%d mismatches, want 3: %v", len(mm), mm)
		}
		// rows the live store changed after the audited height are the ledger moving on, not errors
		if mm, err = Compare(ctx, fresh, live, 3); err != nil {
			t.Fatal(err)
		}
		for _, m := range mm {
			if m.ID == "B2" || m.ID == "e-r1" {
				t.Errorf("row changed after the audited block reported: %v", m)
			}
		}
	})
}

func TestCheckpoints(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, target string) {
		ctx := context.Background()
		f := newFixture()
		if cp, err := s.Checkpoint(ctx); err != nil || cp != (Checkpoint{}) || s.Block() != 0 {
			t.Fatalf("empty store at %+v (block %d), %v", cp, s.Block(), err)
		}
		f.apply(t, s, 1, 2)
		cp, err := s.Checkpoint(ctx)
		if err != nil || cp != (Checkpoint{2, "tx-2b"}) || s.Block() != 2 {
			t.Fatalf("checkpoint %+v (block %d), %v; want block 2 after tx-2b", cp, s.Block(), err)
		}
		before, _ := s.Counts(ctx)
		// a block delivered again after a reconnect changes nothing
		n, err := s.ApplyBlock(ctx, 2, f.blocks[1])
		if err != nil || n != 0 {
			t.Fatalf("re-applied block: %d new, %v", n, err)
		}
		if ok, err := s.Apply(ctx, 2, "tx-2a", f.blocks[1][0].Recorded); ok || err != nil {
			t.Fatalf("re-applied tx: %v %v", ok, err)
		}
		if after, _ := s.Counts(ctx); after != before {
			t.Fatalf("counts moved on replay: %+v → %+v", before, after)
		}
		// CatchUp: returns at once for a reached block, waits for a later one, gives up with ctx
		if err := s.CatchUp(ctx, 2); err != nil {
			t.Fatal(err)
		}
		short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		err = s.CatchUp(short, 3)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("CatchUp to an unreached block: %v", err)
		}
		done := make(chan error, 1)
		go func() { done <- s.CatchUp(ctx, 3) }()
		f.apply(t, s, 3, 3)
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("CatchUp not woken by the apply")
		}
		s.Close()
		// reopening resumes where it stood, and migrating again is a no-op
		s2 := open(t, target)
		if cp, err := s2.Checkpoint(ctx); err != nil || cp != (Checkpoint{3, "tx-3a"}) || s2.Block() != 3 {
			t.Fatalf("reopened at %+v (block %d), %v", cp, s2.Block(), err)
		}
		if c, _ := s2.Counts(ctx); c.Events != 7 || c.Batches != 8 || c.Edges != 6 {
			t.Errorf("reopened counts %+v, want 7 events, 8 batches, 6 edges", c)
		}
		if _, err := s2.Event(ctx, "e-p1"); err != nil {
			t.Error(err)
		}
		if _, err := s2.Batch(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown batch: %v", err)
		}

		// read-your-writes waits for the transaction, not its block: block 4's first transaction
		// moves the checkpoint to 4 while the second is still to come
		if _, err := s2.ApplyBlock(ctx, 4, f.blocks[3][:1]); err != nil {
			t.Fatal(err)
		}
		short, cancel = context.WithTimeout(ctx, 300*time.Millisecond)
		err = s2.CatchUpTx(short, 4, "tx-4b")
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("CatchUpTx returned before its transaction was applied: %v", err)
		}
		go func() { done <- s2.CatchUpTx(ctx, 4, "tx-4b") }()
		time.Sleep(50 * time.Millisecond)
		if _, err := s2.ApplyBlock(ctx, 4, f.blocks[3][1:2]); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("CatchUpTx not woken by its transaction")
		}
	})
}
