package readmodel

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/agritrace/agritrace/domain"
)

// ErrNotFound is returned for an unknown batch or event.
var ErrNotFound = errors.New("not found")

// Batch returns one batch.
func (s *Store) Batch(ctx context.Context, id string) (*domain.Batch, error) {
	var doc string
	err := s.queryRow(ctx, `SELECT doc FROM batches WHERE id = ?`, id).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("batch %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	var b domain.Batch
	return &b, decodeDoc([]byte(doc), &b)
}

// Event returns one event with its block number.
func (s *Store) Event(ctx context.Context, id string) (*domain.Event, error) {
	var doc string
	var block uint64
	err := s.queryRow(ctx, `SELECT doc, block FROM events WHERE id = ?`, id).Scan(&doc, &block)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("event %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	var e domain.Event
	if err := decodeDoc([]byte(doc), &e); err != nil {
		return nil, err
	}
	e.Block = block
	return &e, nil
}

func scanEvents(rows *sql.Rows) ([]domain.Event, error) {
	defer rows.Close()
	var out []domain.Event
	for rows.Next() {
		var doc sql.RawBytes
		var block uint64
		if err := rows.Scan(&doc, &block); err != nil {
			return nil, err
		}
		var e domain.Event
		if err := decodeDoc(doc, &e); err != nil {
			return nil, err
		}
		e.Block = block
		out = append(out, e)
	}
	return out, rows.Err()
}

func scanBatches(rows *sql.Rows) ([]domain.Batch, error) {
	defer rows.Close()
	var out []domain.Batch
	for rows.Next() {
		var doc sql.RawBytes
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		var b domain.Batch
		if err := decodeDoc(doc, &b); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Lineage returns the IDs reachable from id upstream (parents) or downstream (children) within
// depth generations, nearest first, at most limit of them, and whether more exist beyond either
// bound. The walk runs one generation deeper than asked only to tell whether there is more.
func (s *Store) Lineage(ctx context.Context, id string, up bool, depth, limit int) ([]string, bool, error) {
	from, to := "child", "parent"
	if !up {
		from, to = "parent", "child"
	}
	// the walk starts from the first generation (not from id itself) so that every column comes
	// from edges: PostgreSQL requires both halves of a recursive union to agree on type and collation
	q := fmt.Sprintf(`WITH RECURSIVE walk(id, d) AS (
		SELECT e.%[1]s, 1 FROM edges e WHERE e.%[2]s = ?
		UNION
		SELECT e.%[1]s, walk.d + 1 FROM edges e JOIN walk ON e.%[2]s = walk.id WHERE walk.d < ?
	) SELECT id, MIN(d) FROM walk WHERE id <> ? GROUP BY id ORDER BY MIN(d), id LIMIT ?`, to, from)
	rows, err := s.query(ctx, q, id, depth+1, id, limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("lineage of %s: %w", id, err)
	}
	defer rows.Close()
	var ids []string
	truncated := false
	for rows.Next() {
		var nid string
		var d int
		if err := rows.Scan(&nid, &d); err != nil {
			return nil, false, err
		}
		if d > depth {
			truncated = true
			continue
		}
		ids = append(ids, nid)
	}
	if len(ids) > limit {
		truncated = true
		ids = ids[:limit]
	}
	return ids, truncated, rows.Err()
}

// inListChunk is how many IDs one `IN (…)` list binds: a long list is read a chunk at a time,
// within every SQLite build's limit on bound parameters (999 before 3.32).
const inListChunk = 500

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?,", n), ",") }

func anySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// KnownEvents returns which of ids the read model holds, in a statement per 500 IDs: a bulk's
// replay check then reads back only the events sent before, instead of asking for each one.
func (s *Store) KnownEvents(ctx context.Context, ids []string) (map[string]bool, error) {
	known := map[string]bool{}
	for chunk := range slices.Chunk(ids, inListChunk) {
		rows, err := s.query(ctx, `SELECT id FROM events WHERE id IN (`+placeholders(len(chunk))+`)`, anySlice(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("known events: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("known events: %w", err)
			}
			known[id] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("known events: %w", err)
		}
	}
	return known, nil
}

// Batches returns the batches with the given IDs, in that order (unknown IDs skipped).
func (s *Store) Batches(ctx context.Context, ids []string) ([]domain.Batch, error) {
	out := make([]domain.Batch, 0, len(ids))
	for chunk := range slices.Chunk(ids, inListChunk) {
		rows, err := s.query(ctx, `SELECT doc FROM batches WHERE id IN (`+placeholders(len(chunk))+`)`, anySlice(chunk)...)
		if err != nil {
			return nil, err
		}
		bs, err := scanBatches(rows)
		if err != nil {
			return nil, err
		}
		byID := map[string]domain.Batch{}
		for _, b := range bs {
			byID[b.ID] = b
		}
		for _, id := range chunk {
			if b, ok := byID[id]; ok {
				out = append(out, b)
			}
		}
	}
	return out, nil
}

// EventsOf returns every event of the given batches, by event time.
func (s *Store) EventsOf(ctx context.Context, ids []string) ([]domain.Event, error) {
	var out []domain.Event
	seen := map[string]bool{}
	for chunk := range slices.Chunk(ids, inListChunk) {
		rows, err := s.query(ctx, `SELECT e.doc, e.block FROM events e WHERE e.id IN
			(SELECT event FROM batch_events WHERE batch IN (`+placeholders(len(chunk))+`)) ORDER BY e.event_time, e.id`, anySlice(chunk)...)
		if err != nil {
			return nil, err
		}
		es, err := scanEvents(rows)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			if !seen[e.ID] {
				seen[e.ID] = true
				out = append(out, e)
			}
		}
	}
	if len(ids) > inListChunk {
		domain.SortEvents(out)
	}
	return out, nil
}

// Trail returns a batch with its ancestors and descendants (each way within depth, at most
// maxBatches in all) and their events.
func (s *Store) Trail(ctx context.Context, id string, depth, maxBatches int) (*domain.Trail, error) {
	read := s.trailAtOnce // PostgreSQL: one round trip
	if s.d == sqliteDialect {
		read = s.trailWalk
	}
	if t, ok, err := read(ctx, id, depth, maxBatches); ok || err != nil {
		return t, err
	}
	return s.trailStepwise(ctx, id, depth, maxBatches)
}

// trailStepwise reads a trail one query at a time: the walks first, to fit the size bound, then
// the batches and events they kept.
func (s *Store) trailStepwise(ctx context.Context, id string, depth, maxBatches int) (*domain.Trail, error) {
	root, err := s.Batch(ctx, id)
	if err != nil {
		return nil, err
	}
	t := &domain.Trail{Batch: id, MaxDepth: depth, MaxBatches: maxBatches, RecalledBy: root.RecalledBy}
	budget := maxBatches - 1
	ups, upCut, err := s.Lineage(ctx, id, true, depth, budget)
	if err != nil {
		return nil, err
	}
	downs, downCut, err := s.Lineage(ctx, id, false, depth, max(0, budget-len(ups)))
	if err != nil {
		return nil, err
	}
	t.Truncated = upCut || downCut
	ids := append(append([]string{id}, ups...), downs...)
	if t.Batches, err = s.Batches(ctx, ids); err != nil {
		return nil, err
	}
	ancestors := map[string]bool{}
	for _, u := range ups {
		ancestors[u] = true
	}
	for _, b := range t.Batches {
		if ancestors[b.ID] && b.RecalledBy != "" && t.RecalledBy == "" {
			t.RecalledBy = b.RecalledBy
		}
	}
	if t.Events, err = s.EventsOf(ctx, ids); err != nil {
		return nil, err
	}
	t.LedgerBlock = s.Block()
	return t, nil
}

// cursor encodes keyset pagination positions.
func encodeCursor(parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "\x1f")))
}

func decodeCursor(c string, n int) ([]string, error) {
	if c == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return nil, &FilterError{"cursor", "cursor is not one this service issued"}
	}
	parts := strings.Split(string(b), "\x1f")
	if len(parts) != n {
		return nil, &FilterError{"cursor", "cursor is not one this service issued"}
	}
	return parts, nil
}

// EdgesAmong returns [parent, child, event, kind] for edges touching the given batches.
func (s *Store) EdgesAmong(ctx context.Context, ids []string) ([][4]string, error) {
	var out [][4]string
	for chunk := range slices.Chunk(ids, 400) {
		ph := placeholders(len(chunk))
		args := append(anySlice(chunk), anySlice(chunk)...)
		rows, err := s.db.QueryContext(ctx, `SELECT parent, child, event, kind FROM edges WHERE parent IN (`+ph+`) OR child IN (`+ph+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var e [4]string
			if err := rows.Scan(&e[0], &e[1], &e[2], &e[3]); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, e)
		}
		rows.Close()
	}
	return out, nil
}
