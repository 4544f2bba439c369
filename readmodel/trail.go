package readmodel

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/agritrace/agritrace/domain"
)

// trailSQL reads a whole trail in one statement: the walks up and down (one generation past the
// depth and one batch past the size, to tell whether they reached a bound), then the documents of
// the batch, its ancestors and descendants and of their events. Read step by step it was five
// statements, and on SQLite each statement's start (a read transaction, the WAL's read lock, the
// pool's connection) cost as much as a small trail's work; one statement also reads the trail from
// one snapshot while blocks are being applied. Rows come as (part, id, depth, doc, block, time):
// part 1 the batches' documents, 2 and 3 the walks up and down (by depth, then id), 4 the events'
// documents by event time, then id.
const trailSQL = `WITH RECURSIVE
up(id, d) AS (
	SELECT e.parent, 1 FROM edges e WHERE e.child = ?
	UNION
	SELECT e.parent, up.d + 1 FROM edges e JOIN up ON e.child = up.id WHERE up.d < ?),
down(id, d) AS (
	SELECT e.child, 1 FROM edges e WHERE e.parent = ?
	UNION
	SELECT e.child, down.d + 1 FROM edges e JOIN down ON e.parent = down.id WHERE down.d < ?),
ups AS (SELECT id, MIN(d) AS d FROM up WHERE id <> ? GROUP BY id ORDER BY MIN(d), id LIMIT ?),
downs AS (SELECT id, MIN(d) AS d FROM down WHERE id <> ? GROUP BY id ORDER BY MIN(d), id LIMIT ?),
ids AS (SELECT b.id FROM batches b WHERE b.id = ? UNION SELECT id FROM ups WHERE d <= ? UNION SELECT id FROM downs WHERE d <= ?)
SELECT 1 AS part, b.id, 0 AS d, b.doc, b.block, NULL AS at FROM batches b WHERE b.id IN (SELECT id FROM ids)
UNION ALL SELECT 2, id, d, NULL, NULL, NULL FROM ups
UNION ALL SELECT 3, id, d, NULL, NULL, NULL FROM downs
UNION ALL SELECT 4, e.id, 0, e.doc, e.block, e.event_time FROM events e
	WHERE e.id IN (SELECT be.event FROM batch_events be WHERE be.batch IN (SELECT id FROM ids))
ORDER BY 1, 6, 3, 2`

// trailAtOnce reads the trail of id with trailSQL. ok is false when a walk reached the depth or
// the size bound: which batches such a trail keeps depends on how many ancestors took the budget,
// and Trail then reads it step by step.
func (s *Store) trailAtOnce(ctx context.Context, id string, depth, maxBatches int) (t *domain.Trail, ok bool, err error) {
	budget := maxBatches - 1
	rows, err := s.query(ctx, trailSQL, id, depth+1, id, depth+1, id, budget+1, id, budget+1, id, depth, depth)
	if err != nil {
		return nil, false, fmt.Errorf("trail of %s: %w", id, err)
	}
	defer rows.Close()
	t = &domain.Trail{Batch: id, MaxDepth: depth, MaxBatches: maxBatches}
	byID := map[string]domain.Batch{}
	var ups, downs []string
	for rows.Next() {
		var part, d int
		var rid string
		var doc, at sql.RawBytes
		var block sql.NullInt64
		if err := rows.Scan(&part, &rid, &d, &doc, &block, &at); err != nil {
			return nil, false, fmt.Errorf("trail of %s: %w", id, err)
		}
		switch part {
		case 1:
			var b domain.Batch
			if err := decodeDoc(doc, &b); err != nil {
				return nil, false, fmt.Errorf("trail of %s: batch %s: %w", id, rid, err)
			}
			byID[rid] = b
		case 2, 3:
			if d > depth {
				return nil, false, nil
			}
			if part == 2 {
				ups = append(ups, rid)
			} else {
				downs = append(downs, rid)
			}
		case 4:
			var e domain.Event
			if err := decodeDoc(doc, &e); err != nil {
				return nil, false, fmt.Errorf("trail of %s: event %s: %w", id, rid, err)
			}
			e.Block = uint64(block.Int64)
			t.Events = append(t.Events, e)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("trail of %s: %w", id, err)
	}
	root, found := byID[id]
	if !found {
		return nil, false, fmt.Errorf("batch %s: %w", id, ErrNotFound)
	}
	if len(ups)+len(downs) > budget {
		return nil, false, nil
	}
	t.RecalledBy = root.RecalledBy
	t.Batches = make([]domain.Batch, 0, 1+len(ups)+len(downs))
	t.Batches = append(t.Batches, root)
	addLineage(t, byID, ups, downs)
	t.LedgerBlock = s.Block()
	return t, true, nil
}
