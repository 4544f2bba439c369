package readmodel

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"

	"github.com/agritrace/agritrace/domain"
)

// TestTrailReaders: the one-statement trail and the generation walk (each where it reads a trail
// whole) and Trail (whichever its store uses, falling back to the steps at a bound) give the
// stepwise trail, for every batch of the fixture at bounds that cut nothing, cut by depth, and cut
// by size.
func TestTrailReaders(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, _ string) {
		newFixture().applyAll(t, s)
		ctx := context.Background()
		bounds := []struct{ depth, size int }{{30, 300}, {1, 300}, {2, 300}, {30, 3}, {30, 1}, {1, 2}}
		for _, id := range []string{"F1", "F2", "F3", "S1", "P1", "B1", "B2", "B3"} {
			for _, bd := range bounds {
				want, err := s.trailStepwise(ctx, id, bd.depth, bd.size)
				if err != nil {
					t.Fatal(err)
				}
				got, err := s.Trail(ctx, id, bd.depth, bd.size)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("Trail of %s at depth %d, size %d:\n got  %+v\n want %+v", id, bd.depth, bd.size, got, want)
				}
				for name, read := range map[string]func(context.Context, string, int, int) (*domain.Trail, bool, error){
					"trailAtOnce": s.trailAtOnce, "trailWalk": s.trailWalk} {
					got, whole, err := read(ctx, id, bd.depth, bd.size)
					if err != nil {
						t.Fatal(err)
					}
					if whole && !reflect.DeepEqual(got, want) {
						t.Errorf("%s of %s at depth %d, size %d:\n got  %+v\n want %+v", name, id, bd.depth, bd.size, got, want)
					}
					if whole == want.Truncated {
						t.Errorf("%s of %s at depth %d, size %d: whole %v, but the trail is truncated: %v", name, id, bd.depth, bd.size, whole, want.Truncated)
					}
				}
			}
		}
		if _, err := s.Trail(ctx, "nope", 30, 300); !errors.Is(err, ErrNotFound) {
			t.Errorf("trail of an unknown batch: %v, want ErrNotFound", err)
		}
	})
}

// BenchmarkTrail: a lone lot (F3: two events, no lineage) read by the generation walk and step by
// step; the rice bag B2 of the fixture (five batches up and their events) read by the generation
// walk, in one statement and step by step, on a SQLite file; the lone lot also under a context
// that can be cancelled, as a request's can. CPU per read (this process's, from getrusage) is
// the figure to compare on a shared machine.
func BenchmarkTrail(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "readmodel.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	for i, blk := range newFixture().blocks {
		if _, err := s.ApplyBlock(ctx, uint64(i+1), blk); err != nil {
			b.Fatal(err)
		}
	}
	// a request's context, which can be cancelled: each statement read under it is watched
	request, cancel := context.WithCancel(ctx)
	defer cancel()
	for _, v := range []struct {
		name string
		read func() error
	}{
		{"lone-lot/walk", func() error { _, _, err := s.trailWalk(ctx, "F3", 30, 300); return err }},
		{"lone-lot/walk-cancellable", func() error { _, _, err := s.trailWalk(request, "F3", 30, 300); return err }},
		{"lone-lot/stepwise", func() error { _, err := s.trailStepwise(ctx, "F3", 30, 300); return err }},
		{"walk", func() error { _, _, err := s.trailWalk(ctx, "B2", 30, 300); return err }},
		{"at-once", func() error { _, _, err := s.trailAtOnce(ctx, "B2", 30, 300); return err }},
		{"stepwise", func() error { _, err := s.trailStepwise(ctx, "B2", 30, 300); return err }},
	} {
		b.Run(v.name, func(b *testing.B) {
			var before, after syscall.Rusage
			syscall.Getrusage(syscall.RUSAGE_SELF, &before)
			for i := 0; i < b.N; i++ {
				if err := v.read(); err != nil {
					b.Fatal(err)
				}
			}
			syscall.Getrusage(syscall.RUSAGE_SELF, &after)
			cpu := after.Utime.Nano() + after.Stime.Nano() - before.Utime.Nano() - before.Stime.Nano()
			b.ReportMetric(float64(cpu)/1e3/float64(b.N), "cpu-µs/op")
		})
	}
}
