package readmodel

import (
	"context"
	"fmt"
)

// Mismatch is one difference between the read model and what the ledger says.
type Mismatch struct {
	Kind   string `json:"kind"` // batch, event, edge
	ID     string `json:"id"`
	Reason string `json:"reason"` // missing, extra, differs
}

func (m Mismatch) String() string { return fmt.Sprintf("%s %s: %s", m.Kind, m.ID, m.Reason) }

// Compare reports every row of want (re-derived from the ledger) that got lacks or holds
// differently, and every row got has that want does not.
func Compare(ctx context.Context, want, got *Store) ([]Mismatch, error) {
	var out []Mismatch
	for _, t := range []struct{ kind, query string }{
		{"batch", `SELECT id, doc FROM batches`},
		{"event", `SELECT id, doc || '|' || tx_id || '|' || block FROM events`},
		{"edge", `SELECT parent || ' -> ' || child, event FROM edges`},
		{"batch-event", `SELECT batch || ' @ ' || event, event_time FROM batch_events`},
	} {
		w, err := rowsMap(ctx, want, t.query)
		if err != nil {
			return nil, err
		}
		g, err := rowsMap(ctx, got, t.query)
		if err != nil {
			return nil, err
		}
		for id, wv := range w {
			gv, ok := g[id]
			switch {
			case !ok:
				out = append(out, Mismatch{t.kind, id, "missing from the read model"})
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

func rowsMap(ctx context.Context, s *Store, q string) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}
