package readmodel

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"sync"

	"github.com/agritrace/agritrace/domain"
)

// checkBooks keeps every stock check with the book it was counted against, in memory: the
// regulator's granary list and the alert sweep reconcile every count in the country on every
// read, and a check never changes once recorded (reserve_checks takes a check ID once), so each
// read needs only the checks of blocks it has not seen. Blocks before the checkpoint's are
// complete and kept; the checkpoint's own block may still be taking transactions, so its checks
// are read again every time.
type checkBooks struct {
	mu     sync.Mutex
	before uint64 // checks of blocks below this are in kept
	kept   []domain.StockCheck
}

// CheckBooks lists every check with its book, from plain columns (no documents decoded).
// Callers must not modify what it returns.
func (s *Store) CheckBooks(ctx context.Context) ([]domain.StockCheck, error) {
	c := &s.books
	c.mu.Lock()
	defer c.mu.Unlock()
	upTo := s.Block()
	fresh, err := s.checkBooksFrom(ctx, c.before)
	if err != nil {
		return nil, err
	}
	var tail []domain.StockCheck
	for _, ck := range fresh {
		if ck.block < upTo {
			c.kept = append(c.kept, ck.StockCheck)
		} else {
			tail = append(tail, ck.StockCheck)
		}
	}
	c.before = max(c.before, upTo)
	if len(tail) == 0 {
		return c.kept[:len(c.kept):len(c.kept)], nil
	}
	return append(c.kept[:len(c.kept):len(c.kept)], tail...), nil
}

type blockCheck struct {
	domain.StockCheck
	block uint64
}

// checkBooksFrom reads the checks of blocks from block on, with their books, each table in its
// own order rather than through a join.
func (s *Store) checkBooksFrom(ctx context.Context, block uint64) ([]blockCheck, error) {
	// the first read scans the table; later ones take the few new checks through the block index
	q, args := `SELECT id, granary, bin, at, method, counted, block FROM reserve_checks`, []any(nil)
	if block > 0 {
		q, args = q+` WHERE block >= ?`, []any{block}
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []blockCheck
	for rows.Next() {
		var c blockCheck
		var method string
		if err := rows.Scan(&c.ID, &c.Granary, &c.Bin, &c.Time, &method, &c.CountedTonnes, &c.block); err != nil {
			return nil, err
		}
		c.Method = domain.CheckMethod(method)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	byID := make(map[string]int, len(out))
	for i, c := range out {
		byID[c.ID] = i
	}
	q, args = `SELECT check_id, grain, harvest_year, category, tonnes, first_in FROM reserve_check_lots`, nil
	if block > 0 { // the first read takes every book without a join
		q = `SELECT l.check_id, l.grain, l.harvest_year, l.category, l.tonnes, l.first_in
		FROM reserve_check_lots l JOIN reserve_checks c ON c.id = l.check_id WHERE c.block >= ?`
		args = []any{block}
	}
	lots, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer lots.Close()
	for lots.Next() {
		var id, grain, cat string
		var l domain.StockLot
		var firstIn sql.NullString
		if err := lots.Scan(&id, &grain, &l.HarvestYear, &cat, &l.Tonnes, &firstIn); err != nil {
			return nil, fmt.Errorf("book of a check: %w", err)
		}
		i, ok := byID[id]
		if !ok {
			continue // recorded after the first query read the checks: the next read takes it
		}
		c := &out[i]
		l.Granary, l.Bin, l.Grain, l.Category, l.FirstIn = c.Granary, c.Bin, domain.Grain(grain), domain.ReserveCategory(cat), firstIn.String
		c.Book = append(c.Book, l)
	}
	for _, c := range out {
		if len(c.Book) > 1 { // the same sum, in the same order, on either store
			sort.Slice(c.Book, func(i, j int) bool { return c.Book[i].LotKey() < c.Book[j].LotKey() })
		}
	}
	return out, lots.Err()
}
