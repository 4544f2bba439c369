package readmodel

import (
	"context"
	"database/sql"
	"fmt"
)

// The REST binding's top-level resource collections (eventTypes, epcs, bizSteps, bizLocations,
// readPoints, dispositions) list the distinct values the repository knows, in text order, a page
// at a time: each page starts after the last value of the one before.

// EPCISVocabulary lists the distinct values of one column of the EPCIS view, at most limit of
// them after the value after.
func (s *Store) EPCISVocabulary(ctx context.Context, column, after string, limit int) ([]string, error) {
	switch column {
	case "biz_step", "biz_location", "read_point", "disposition", "event_type":
	default:
		return nil, fmt.Errorf("no EPCIS vocabulary column %q", column)
	}
	return s.distinctAfter(ctx, "SELECT DISTINCT "+column+" FROM epcis_events WHERE "+column+" > ? ORDER BY "+column+" LIMIT ?", after, limit)
}

// EPCs lists the identifiers the repository knows, at most limit of them after the identifier
// after. Every EPC and EPC class of an event is a batch of its projection, kept in IndexKey form,
// so the batches are the EPCs; the primary key makes each page one index range.
func (s *Store) EPCs(ctx context.Context, after string, limit int) ([]string, error) {
	return s.distinctAfter(ctx, "SELECT id FROM batches WHERE id > ? ORDER BY id LIMIT ?", after, limit)
}

func (s *Store) distinctAfter(ctx context.Context, query, after string, limit int) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, query, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var v sql.NullString
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		if v.String != "" {
			out = append(out, v.String)
		}
	}
	return out, rows.Err()
}
