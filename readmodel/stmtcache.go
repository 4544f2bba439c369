package readmodel

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStatements bounds the statement cache: queries with IN lists come in one text per list
// length (up to 500), and a few kinds of them are hot; anything past the bound runs unprepared.
const maxCachedStatements = 2048

// stmtCache keeps the read paths' statements prepared: SQLite compiles a statement's text into a
// program, and for a consumer's scan (a lineage walk and a few lookups) compiling them again on
// every request cost more than running them.
type stmtCache struct {
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

func (s *Store) prepared(ctx context.Context, q string) *sql.Stmt {
	c := &s.cache
	c.mu.RLock()
	st := c.stmts[q]
	c.mu.RUnlock()
	if st != nil {
		return st
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st = c.stmts[q]; st != nil {
		return st
	}
	if len(c.stmts) >= maxCachedStatements {
		return nil
	}
	st, err := s.db.PrepareContext(ctx, q)
	if err != nil {
		return nil // the unprepared query reports the error
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[q] = st
	return st
}

func (s *Store) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := s.prepared(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.db.QueryContext(ctx, q, args...)
}

func (s *Store) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := s.prepared(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.db.QueryRowContext(ctx, q, args...)
}
