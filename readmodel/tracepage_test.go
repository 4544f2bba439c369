package readmodel

import (
	"context"
	"testing"
)

// TestChangedSince: a batch counts as changed after a block when an event names it (as subject,
// input or output) or when its row is rewritten without an event of its own (a recall reaching
// descendants), and not when only other batches moved.
func TestChangedSince(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, _ string) {
		f := newFixture()
		f.applyAll(t, s)
		for _, tc := range []struct {
			ids   []string
			since uint64
			want  bool
		}{
			{[]string{"F3"}, 1, true},        // stored in block 2
			{[]string{"F3"}, 2, false},       // nothing after
			{[]string{"F1"}, 1, true},        // merged (an input) in block 2
			{[]string{"S1"}, 2, true},        // milled (an input) in block 3
			{[]string{"B3"}, 3, true},        // no event of its own in block 4, but recalled with its ancestor
			{[]string{"F1", "F3"}, 3, false}, // the recall reached F2, not F1
			{[]string{"F1", "F3", "F2"}, 3, true},
			{[]string{"B1"}, 4, false},
			{[]string{"NOT-A-BATCH"}, 0, false},
			{nil, 0, false},
		} {
			got, err := s.ChangedSince(context.Background(), tc.ids, tc.since)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("ChangedSince(%v, %d) = %v, want %v", tc.ids, tc.since, got, tc.want)
			}
		}
	})
}
