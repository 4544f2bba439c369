package readmodel

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/agritrace/agritrace/internal/pgcluster/pgtest"
)

func TestRebind(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`SELECT a FROM t WHERE x = ? AND y IN (?, ?)`, `SELECT a FROM t WHERE x = $1 AND y IN ($2, $3)`},
		{`SELECT '?' || ? FROM "odd?name" WHERE z LIKE ? ESCAPE '\'`, `SELECT '?' || $1 FROM "odd?name" WHERE z LIKE $2 ESCAPE '\'`},
		{`SELECT 'it''s ?', ?`, `SELECT 'it''s ?', $1`},
		{`SELECT 1`, `SELECT 1`},
	} {
		if got := postgresDialect.rebind(c.in); got != c.want {
			t.Errorf("rebind %q = %q, want %q", c.in, got, c.want)
		}
		if got := sqliteDialect.rebind(c.in); got != c.in {
			t.Errorf("sqlite rebind changed %q", c.in)
		}
	}
}

// TestReplicasOnePostgres: several stores (gateway replicas) on one database — migrations run
// once when they open together, exactly one holds the writer lease, a standby takes over when the
// writer's session dies, a replica that lost its session cannot write, and every replica's
// checkpoint follows the writer's commits.
func TestReplicasOnePostgres(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	replicas := make([]*Store, 3)
	var wg sync.WaitGroup
	errs := make([]error, len(replicas))
	for i := range replicas {
		wg.Add(1)
		go func() { defer wg.Done(); replicas[i], errs[i] = Open(url) }()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
		t.Cleanup(func() { replicas[i].Close() })
	}
	a, b, c := replicas[0], replicas[1], replicas[2]

	la, err := a.AcquireWriter(ctx, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	// nobody else gets the lease while a holds it
	short, cancel := context.WithTimeout(ctx, 400*time.Millisecond)
	_, err = b.AcquireWriter(short, 50*time.Millisecond)
	cancel()
	if err == nil {
		t.Fatal("a second replica got the writer lease")
	}

	f := newFixture()
	f.apply(t, a, 1, 2)
	// the others learn of the commit through NOTIFY, not by being written to
	waitBlock(t, b, 2)
	waitBlock(t, c, 2)

	// b and c stand by; a's session dies (as when its process is killed)
	got := make(chan *Store, 2)
	sctx, stopStandby := context.WithCancel(ctx)
	defer stopStandby()
	for _, s := range []*Store{b, c} {
		go func() {
			if l, err := s.AcquireWriter(sctx, 50*time.Millisecond); err == nil {
				got <- s
				<-sctx.Done()
				l.Release()
			}
		}()
	}
	var pid int
	if err := la.conn.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if _, err := b.DB().Exec(`SELECT pg_terminate_backend($1)`, pid); err != nil {
		t.Fatal(err)
	}
	var leader *Store
	select {
	case leader = <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("no standby took the writer lease within 5 s of the writer's session ending")
	}
	select {
	case other := <-got:
		t.Fatalf("two standbys hold the lease: %p and %p", leader, other)
	case <-time.After(300 * time.Millisecond):
	}
	// a, fenced: its writes went through the dead session and fail; the lease says it is over
	if _, err := a.ApplyBlock(ctx, 3, f.blocks[2]); err == nil {
		t.Fatal("the replica whose lock session ended could still write")
	}
	select {
	case <-la.Context().Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the lost lease was not noticed")
	}
	la.Release()

	f.apply(t, leader, 3, 4)
	for _, s := range replicas {
		waitBlock(t, s, 4)
	}
	// everything once: the new writer resumed from the shared checkpoint
	cnt, err := a.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cnt.Events != 10 || cnt.Batches != 8 {
		t.Errorf("after takeover: %+v, want 10 events and 8 batches", cnt)
	}
}

func waitBlock(t *testing.T, s *Store, block uint64) {
	t.Helper()
	// well under the 5 s re-read: the NOTIFY is what moves it
	deadline := time.Now().Add(2 * time.Second)
	for s.Block() < block {
		if time.Now().After(deadline) {
			t.Fatalf("replica's checkpoint at %d, want %d within 2 s", s.Block(), block)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
