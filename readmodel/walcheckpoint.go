package readmodel

import (
	"context"
	"log/slog"
	"time"
)

// SQLite copies the write-ahead log back into the database file (a checkpoint) every 1,000 pages
// by default, in the commit that crosses the mark: a seventh of applying a block ran inside those
// commits. A goroutine of its own now checkpoints after commits, at most every
// walCheckpointEvery, beside the next block's work; the writer's own checkpoint, at 50,000 pages
// (wal_autocheckpoint in sqlitePragmas), stays as the bound on the log while a checkpoint cannot
// finish (a writer or readers ahead of it). Which commits survive a crash does not change: a
// checkpoint only copies frames already committed to the log.
const walCheckpointEvery = 200 * time.Millisecond

// startWALCheckpointer starts the checkpoint goroutine; Close stops it.
func (s *Store) startWALCheckpointer() {
	kick := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case <-kick:
			}
			if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`); err != nil && ctx.Err() == nil {
				slog.Warn("read model: WAL checkpoint failed; the next commits checkpoint instead", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(walCheckpointEvery):
			}
		}
	}()
	s.kickWAL = kick
	stop := s.stop
	s.stop = func() {
		cancel()
		<-done
		stop()
	}
}

// committed tells the checkpoint goroutine (if any) that the log grew.
func (s *Store) committed() {
	if s.kickWAL != nil {
		select {
		case s.kickWAL <- struct{}{}:
		default:
		}
	}
}
