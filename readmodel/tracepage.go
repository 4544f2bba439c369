package readmodel

import (
	"context"
	"fmt"
)

// ChangedSince reports whether anything a trail of these batches is made of was written after
// block: a batch's own row (its status, custodian, a recall reaching it), or an event recorded
// against one of them — which is also the only way a new edge can reach a batch, since an edge is
// written with the event that consumes its parent into its child. A trail that was complete
// (not cut by its depth or size) and whose batches have not changed is the same trail at the
// newer block, so a consumer page rendered from it can still be served.
func (s *Store) ChangedSince(ctx context.Context, ids []string, block uint64) (bool, error) {
	for start := 0; start < len(ids); start += 400 {
		chunk := anySlice(ids[start:min(len(ids), start+400)])
		in := placeholders(len(chunk))
		args := append(append(append(append([]any{}, chunk...), block), chunk...), block)
		var changed bool
		err := s.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM batches WHERE id IN (`+in+`) AND block > ?)
			OR EXISTS (SELECT 1 FROM batch_events be JOIN events e ON e.id = be.event WHERE be.batch IN (`+in+`) AND e.block > ?)`,
			args...).Scan(&changed)
		if err != nil {
			return false, fmt.Errorf("changes to %d batches since block %d: %w", len(ids), block, err)
		}
		if changed {
			return true, nil
		}
	}
	return false, nil
}
