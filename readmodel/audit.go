package readmodel

import (
	"context"
	"fmt"
	"strconv"
)

// Mismatch is one difference between the read model and what the ledger says.
type Mismatch struct {
	Kind   string `json:"kind"` // batch, event, edge, batch-event, or a reserve table (granary, lot, movement, …)
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

func (m Mismatch) String() string { return fmt.Sprintf("%s %s: %s", m.Kind, m.ID, m.Reason) }

// Compare reports every row of want (re-derived from the ledger up to maxBlock) that got lacks or
// holds differently, and every row of got up to maxBlock that want does not have. Rows got changed
// after maxBlock are left out: the ledger moved on while the audit ran.
func Compare(ctx context.Context, want, got *Store, maxBlock uint64) ([]Mismatch, error) {
	var out []Mismatch
	for _, t := range append([]struct{ kind, query string }{
		{"batch", `SELECT id, doc, block FROM batches`},
		{"event", `SELECT id, doc || '|' || tx_id, block FROM events`},
		{"edge", `SELECT g.parent || ' -> ' || g.child, g.event, e.block FROM edges g JOIN events e ON e.id = g.event`},
		{"batch-event", `SELECT be.batch || ' @ ' || be.event, be.event_time, e.block FROM batch_events be JOIN events e ON e.id = be.event`},
	}, reserveAudit...) {
		w, _, err := rowsMap(ctx, want, t.query)
		if err != nil {
			return nil, err
		}
		g, later, err := rowsMap(ctx, got, t.query, maxBlock)
		if err != nil {
			return nil, err
		}
		for id, wv := range w {
			if later[id] {
				continue
			}
			gv, ok := g[id]
			switch {
			case !ok:
				out = append(out, Mismatch{t.kind, id, "on the ledger but missing from the read model"})
			case gv != wv:
				out = append(out, Mismatch{t.kind, id, "differs from the ledger"})
			}
		}
		for id := range g {
			if _, ok := w[id]; !ok {
				out = append(out, Mismatch{t.kind, id, "in the read model but not on the ledger"})
			}
		}
	}
	return out, nil
}

// rowsMap reads key → value; rows whose block exceeds the optional maxBlock are reported in later.
// Values are formatted here, not by the database: the fresh read model the audit derives is SQLite
// while the live one may be PostgreSQL, and the two print the same number differently.
func rowsMap(ctx context.Context, s *Store, q string, maxBlock ...uint64) (map[string]string, map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	out, later := map[string]string{}, map[string]bool{}
	for rows.Next() {
		var k string
		var v any
		var block uint64
		if err := rows.Scan(&k, &v, &block); err != nil {
			return nil, nil, err
		}
		if len(maxBlock) > 0 && block > maxBlock[0] {
			later[k] = true
			continue
		}
		out[k] = auditValue(v)
	}
	return out, later, rows.Err()
}

// auditValue is one stored value as text, numbers in Go's shortest exact form whichever driver
// returned them (an integral REAL may come back as an integer).
func auditValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(x), 'g', -1, 64)
	case int64:
		return strconv.FormatFloat(float64(x), 'g', -1, 64)
	default:
		return fmt.Sprint(x)
	}
}
