package readmodel

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"
)

// writerLockID is the PostgreSQL advisory lock whose holder is the one replica that follows the
// ledger and writes the read model.
const writerLockID = 0x61677269_00000002 // "agri", 2

// Lease is the right to write the read model. With PostgreSQL it is a session advisory lock held
// on a dedicated connection, through which the holder's writes also go: if that session ends
// (the process died, the connection broke), the lock is free for another replica and this one
// can no longer write. With SQLite one process owns the file and the lease is always granted.
type Lease struct {
	s      *Store
	conn   *sql.Conn
	ctx    context.Context
	cancel context.CancelFunc
}

// Context ends when the lease is lost or released.
func (l *Lease) Context() context.Context { return l.ctx }

// AcquireWriter blocks until this process holds the writer lock (polling every poll) or ctx ends.
func (s *Store) AcquireWriter(ctx context.Context, poll time.Duration) (*Lease, error) {
	if !s.d.dollar {
		lctx, cancel := context.WithCancel(ctx)
		return &Lease{s: s, ctx: lctx, cancel: cancel}, nil
	}
	for {
		conn, err := s.db.Conn(ctx)
		if err == nil {
			var got bool
			if err = conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, int64(writerLockID)).Scan(&got); err == nil && got {
				return s.hold(ctx, conn), nil
			}
			conn.Close()
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err != nil {
			err = fmt.Errorf("try the writer lock: %w", err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(poll):
		}
	}
}

// hold routes this store's writes through conn and watches the session: a failed ping means the
// lock may be another replica's now, so the lease ends.
func (s *Store) hold(ctx context.Context, conn *sql.Conn) *Lease {
	lctx, cancel := context.WithCancel(ctx)
	l := &Lease{s: s, conn: conn, ctx: lctx, cancel: cancel}
	s.wmu.Lock()
	s.wconn = conn
	s.wmu.Unlock()
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-lctx.Done():
				return
			case <-t.C:
			}
			s.wmu.Lock()
			pctx, pcancel := context.WithTimeout(lctx, 3*time.Second)
			err := conn.PingContext(pctx)
			pcancel()
			s.wmu.Unlock()
			if err != nil && lctx.Err() == nil {
				cancel()
				return
			}
		}
	}()
	return l
}

// Release gives the lock up (closing its session) and stops routing writes through it.
func (l *Lease) Release() {
	l.cancel()
	if l.conn == nil {
		return
	}
	l.s.wmu.Lock()
	if l.s.wconn == l.conn {
		l.s.wconn = nil
	}
	l.s.wmu.Unlock()
	// a plain Close would return the session to the pool with the lock still held: unlock, and
	// discard the connection (ErrBadConn) so that a broken session is not reused either
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, _ = l.conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, int64(writerLockID))
	_ = l.conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = l.conn.Close()
}
