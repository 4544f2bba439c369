package readmodel

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/agritrace/agritrace/domain"
)

// trailRootSQL reads a batch, its events and its edges both ways in one statement: rows (part,
// id, doc, block, event time), part 1 the batch, 2 its events, 3 its parents, 4 its children. A
// batch with no edges (a lot not yet processed or split) needs nothing more. Nothing is ordered
// in SQL: each ORDER BY of a compound statement is a temporary B-tree, which cost more than the
// lookups themselves; the events are sorted here.
const trailRootSQL = `SELECT 1 AS part, b.id, b.doc, b.block, NULL AS at FROM batches b WHERE b.id = ?
UNION ALL SELECT 2, e.id, e.doc, e.block, e.event_time FROM batch_events be JOIN events e ON e.id = be.event WHERE be.batch = ?
UNION ALL SELECT 3, g.parent, NULL, NULL, NULL FROM edges g WHERE g.child = ?
UNION ALL SELECT 4, g.child, NULL, NULL, NULL FROM edges g WHERE g.parent = ?`

// trailWalk reads a trail on SQLite generation by generation: the batch with its events and edges
// in one statement, then one statement per further generation (both ways at once), then the
// documents of the batches it reached and of their events. On SQLite a statement costs a few
// microseconds in-process, while a recursive walk's temporary tables (the union, the grouping,
// the ordering) cost several times a whole small trail: this read a lone lot in a quarter of
// trailAtOnce's CPU (BenchmarkTrail). ok is false when a walk reached the depth or size bound
// (Trail then reads it step by step).
func (s *Store) trailWalk(ctx context.Context, id string, depth, maxBatches int) (t *domain.Trail, ok bool, err error) {
	rows, err := s.query(ctx, trailRootSQL, id, id, id, id)
	if err != nil {
		return nil, false, fmt.Errorf("trail of %s: %w", id, err)
	}
	t = &domain.Trail{Batch: id, MaxDepth: depth, MaxBatches: maxBatches}
	var root *domain.Batch
	var events []rawEvent
	var parents, children []string
	err = scanTrailRows(rows, func(part int, rid string, doc []byte, block uint64, at string) error {
		switch part {
		case 1:
			root = new(domain.Batch)
			return decodeDoc(doc, root)
		case 2:
			events = append(events, rawEvent{id: rid, at: at, doc: slices.Clone(doc), block: block})
		case 3:
			parents = append(parents, rid)
		case 4:
			children = append(children, rid)
		}
		return nil
	})
	if err != nil {
		return nil, false, fmt.Errorf("trail of %s: %w", id, err)
	}
	if root == nil {
		return nil, false, fmt.Errorf("batch %s: %w", id, ErrNotFound)
	}
	t.RecalledBy = root.RecalledBy
	t.Batches = []domain.Batch{*root}
	t.LedgerBlock = s.Block()
	if len(parents) == 0 && len(children) == 0 {
		sortEvents(events)
		t.Events = make([]domain.Event, len(events))
		for i, e := range events {
			if err := decodeDoc(e.doc, &t.Events[i]); err != nil {
				return nil, false, fmt.Errorf("trail of %s: %w", id, err)
			}
			t.Events[i].Block = e.block
		}
		return t, true, nil
	}
	ups, downs, ok, err := s.walkGenerations(ctx, id, parents, children, depth, maxBatches-1)
	if !ok || err != nil {
		return nil, false, err
	}
	return t, true, s.trailDocs(ctx, t, ups, downs)
}

// rawEvent is an event's row, decoded once its place in the trail is known.
type rawEvent struct {
	id, at string // the event's id and stored event time: the trail's order
	doc    []byte
	block  uint64
}

// sortEvents puts events in the order the read model lists them: by stored event time, then id.
func sortEvents(events []rawEvent) {
	slices.SortFunc(events, func(a, b rawEvent) int {
		if c := strings.Compare(a.at, b.at); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
}

// walkGenerations finds the ancestors and descendants of id from its parents and children, each
// way by depth and then id (as Lineage orders them), one statement per generation. ok is false
// once a walk goes past depth or the two together past budget.
func (s *Store) walkGenerations(ctx context.Context, id string, parents, children []string, depth, budget int) (ups, downs []string, ok bool, err error) {
	seenUp, seenDown := map[string]bool{id: true}, map[string]bool{id: true}
	frontier := func(found []string, seen map[string]bool) []string {
		var out []string
		for _, f := range found {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
		slices.Sort(out)
		return out
	}
	up, down := frontier(parents, seenUp), frontier(children, seenDown)
	for d := 1; len(up)+len(down) > 0; d++ {
		if d > depth {
			return nil, nil, false, nil
		}
		ups, downs = append(ups, up...), append(downs, down...)
		if len(ups)+len(downs) > budget {
			return nil, nil, false, nil
		}
		var q string
		var args []any
		if len(up) > 0 {
			q = `SELECT 3, parent, NULL, NULL, NULL FROM edges WHERE child IN (` + placeholders(len(up)) + `)`
			args = anySlice(up)
		}
		if len(down) > 0 {
			if q != "" {
				q += " UNION ALL "
			}
			q += `SELECT 4, child, NULL, NULL, NULL FROM edges WHERE parent IN (` + placeholders(len(down)) + `)`
			args = append(args, anySlice(down)...)
		}
		rows, err := s.query(ctx, q, args...)
		if err != nil {
			return nil, nil, false, fmt.Errorf("lineage of %s, generation %d: %w", id, d+1, err)
		}
		var nextUp, nextDown []string
		err = scanTrailRows(rows, func(part int, rid string, _ []byte, _ uint64, _ string) error {
			if part == 3 {
				nextUp = append(nextUp, rid)
			} else {
				nextDown = append(nextDown, rid)
			}
			return nil
		})
		if err != nil {
			return nil, nil, false, fmt.Errorf("lineage of %s, generation %d: %w", id, d+1, err)
		}
		up, down = frontier(nextUp, seenUp), frontier(nextDown, seenDown)
	}
	return ups, downs, true, nil
}

// trailDocs adds to t (holding its root batch) the documents of the batches ups and downs and
// the events of all of them, in one statement.
func (s *Store) trailDocs(ctx context.Context, t *domain.Trail, ups, downs []string) error {
	others := append(append([]string{}, ups...), downs...)
	all := append([]string{t.Batch}, others...)
	rows, err := s.query(ctx, `SELECT 1 AS part, b.id, b.doc, b.block, NULL AS at FROM batches b WHERE b.id IN (`+placeholders(len(others))+`)
		UNION ALL SELECT 2, e.id, e.doc, e.block, e.event_time FROM batch_events be JOIN events e ON e.id = be.event
			WHERE be.batch IN (`+placeholders(len(all))+`)`, append(anySlice(others), anySlice(all)...)...)
	if err != nil {
		return fmt.Errorf("trail of %s: %w", t.Batch, err)
	}
	byID := map[string]domain.Batch{}
	var events []rawEvent
	seen := map[string]bool{} // an event of two batches of the trail comes once for each
	err = scanTrailRows(rows, func(part int, rid string, doc []byte, block uint64, at string) error {
		if part == 1 {
			var b domain.Batch
			if err := decodeDoc(doc, &b); err != nil {
				return fmt.Errorf("batch %s: %w", rid, err)
			}
			byID[rid] = b
			return nil
		}
		if !seen[rid] {
			seen[rid] = true
			events = append(events, rawEvent{id: rid, at: at, doc: slices.Clone(doc), block: block})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("trail of %s: %w", t.Batch, err)
	}
	sortEvents(events)
	t.Events = make([]domain.Event, len(events))
	for i, e := range events {
		if err := decodeDoc(e.doc, &t.Events[i]); err != nil {
			return fmt.Errorf("trail of %s: event %s: %w", t.Batch, e.id, err)
		}
		t.Events[i].Block = e.block
	}
	addLineage(t, byID, ups, downs)
	return nil
}

// addLineage appends to t the batches up and down its lineage, in walk order; a recall upstream
// reaches the trail (a recall downstream does not make its inputs unsafe).
func addLineage(t *domain.Trail, byID map[string]domain.Batch, ups, downs []string) {
	for _, u := range ups {
		if b, ok := byID[u]; ok {
			t.Batches = append(t.Batches, b)
			if t.RecalledBy == "" {
				t.RecalledBy = b.RecalledBy
			}
		}
	}
	for _, d := range downs {
		if b, ok := byID[d]; ok {
			t.Batches = append(t.Batches, b)
		}
	}
}

// scanTrailRows calls f for each (part, id, doc, block, time) row; doc is valid only during the call.
func scanTrailRows(rows *sql.Rows, f func(part int, id string, doc []byte, block uint64, at string) error) error {
	defer rows.Close()
	for rows.Next() {
		var part int
		var id string
		var doc, at sql.RawBytes
		var block sql.NullInt64
		if err := rows.Scan(&part, &id, &doc, &block, &at); err != nil {
			return err
		}
		if err := f(part, id, doc, uint64(block.Int64), string(at)); err != nil {
			return err
		}
	}
	return rows.Err()
}
