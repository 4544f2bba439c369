package readmodel

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/agritrace/agritrace/domain"
)

// Affected is one batch a recall reaches, with who holds it and who owns (bought) it.
type Affected struct {
	Batch     string           `json:"batch"`
	Product   string           `json:"product"`
	Status    string           `json:"status"`
	Custodian domain.Party     `json:"custodian"`
	Owner     domain.Party     `json:"owner"`
	Region    string           `json:"region,omitempty"`
	Quantity  *domain.Quantity `json:"quantity,omitempty"` // the same object as everywhere else in the API
}

// Impact lists the batch and every descendant (within depth and limit) with its custodian.
func (s *Store) Impact(ctx context.Context, id string, depth, limit int) ([]Affected, bool, error) {
	if _, err := s.Batch(ctx, id); err != nil {
		return nil, false, err
	}
	ids, truncated, err := s.Lineage(ctx, id, false, depth, limit)
	if err != nil {
		return nil, false, err
	}
	return s.affected(ctx, append([]string{id}, ids...), truncated)
}

// affectedDoc is the part of a batch document a recall list shows: decoding only these fields
// (the parents list of a merged lot alone runs to hundreds of IDs) was most of an impact's time.
type affectedDoc struct {
	ID      string `json:"id"`
	Product struct {
		Name string `json:"name"`
	} `json:"product"`
	Quantity domain.Quantity `json:"quantity"`
	Origin   *struct {
		Region string `json:"region"`
	} `json:"origin"`
	Owner     domain.Party  `json:"owner"`
	Custodian domain.Party  `json:"custodian"`
	Status    domain.Status `json:"status"`
}

// affected reads the batches ids (in that order, unknown ones skipped) as recall list entries.
func (s *Store) affected(ctx context.Context, ids []string, truncated bool) ([]Affected, bool, error) {
	byID := make(map[string]Affected, len(ids))
	for chunk := range slices.Chunk(ids, inListChunk) {
		rows, err := s.query(ctx, `SELECT doc FROM batches WHERE id IN (`+placeholders(len(chunk))+`)`, anySlice(chunk)...)
		if err != nil {
			return nil, false, err
		}
		for rows.Next() {
			var doc sql.RawBytes
			if err := rows.Scan(&doc); err != nil {
				rows.Close()
				return nil, false, err
			}
			var b affectedDoc
			if err := decodeDoc(doc, &b); err != nil {
				rows.Close()
				return nil, false, fmt.Errorf("batch document: %w", err)
			}
			a := Affected{Batch: b.ID, Product: b.Product.Name, Status: string(b.Status), Custodian: b.Custodian, Owner: b.Owner}
			if b.Origin != nil {
				a.Region = b.Origin.Region
			}
			if b.Quantity.Unit != "" {
				q := b.Quantity
				a.Quantity = &q
			}
			byID[b.ID] = a
		}
		if err := rows.Close(); err != nil {
			return nil, false, err
		}
	}
	out := make([]Affected, 0, len(byID))
	for _, id := range ids {
		if a, ok := byID[id]; ok {
			out = append(out, a)
		}
	}
	return out, truncated, nil
}

// StageCount is one cell of the activity statistics.
type StageCount struct {
	Day      string `json:"day"`      // the day in China (UTC+8)
	Province string `json:"province"` // first two digits of the GB/T 2260 code of where it happened
	Stage    string `json:"stage"`
	Events   int    `json:"events"`
}

// RecallSummary is one recall and how many batches it reached.
type RecallSummary struct {
	Event   string `json:"event"`
	Batch   string `json:"batch"`
	Reason  string `json:"reason"`
	Time    string `json:"time"`
	Batches int    `json:"batches"`
}

// LongStored is a batch sitting in storage for longer than the threshold.
type LongStored struct {
	Batch   string `json:"batch"`
	Product string `json:"product"`
	Holder  string `json:"holder"`               // the custodian's code
	Name    string `json:"holderName,omitempty"` // and name
	Since   string `json:"since"`
	Days    int    `json:"days"`
}

// Stats is the regulator's statistics panel.
type Stats struct {
	Activity   []StageCount    `json:"activity"`
	Recalls    []RecallSummary `json:"recalls"`
	LongStored []LongStored    `json:"longStored"`
}

// Statistics computes events per stage, province and day in China (within [from, to)), the recalls, and
// active batches whose last event is a storage event older than storedDays.
func (s *Store) Statistics(ctx context.Context, from, to time.Time, storedDays int, now time.Time) (Stats, error) {
	var st Stats
	// event_time is stored in UTC; the day is China's (UTC+8)
	rows, err := s.db.QueryContext(ctx, `SELECT `+s.d.chinaDay("event_time")+`, COALESCE(NULLIF(substr(region, 1, 2), ''), '--'), stage, COUNT(*)
		FROM events WHERE event_time >= ? AND event_time < ? GROUP BY 1, 2, 3 ORDER BY 1 DESC, 2, 3`,
		from.UTC().Format(time.RFC3339Nano), to.UTC().Format(time.RFC3339Nano))
	if err != nil {
		return st, err
	}
	for rows.Next() {
		var c StageCount
		if err := rows.Scan(&c.Day, &c.Province, &c.Stage, &c.Events); err != nil {
			rows.Close()
			return st, err
		}
		st.Activity = append(st.Activity, c)
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, `SELECT e.id, `+s.d.jsonText("e.doc", "batches", "0")+`, COALESCE(`+s.d.jsonText("e.doc", "reason")+`, ''), e.event_time,
		(SELECT COUNT(*) FROM batches b WHERE b.recalled_by = e.id) FROM events e WHERE e.type = 'recall' ORDER BY e.event_time DESC`)
	if err != nil {
		return st, err
	}
	for rows.Next() {
		var r RecallSummary
		if err := rows.Scan(&r.Event, &r.Batch, &r.Reason, &r.Time, &r.Batches); err != nil {
			rows.Close()
			return st, err
		}
		st.Recalls = append(st.Recalls, r)
	}
	rows.Close()
	cutoff := now.Add(-time.Duration(storedDays) * 24 * time.Hour).UTC().Format(time.RFC3339Nano)
	rows, err = s.db.QueryContext(ctx, `SELECT b.id, b.product_name, b.custodian, COALESCE(`+s.d.jsonText("b.doc", "custodian", "name")+`, ''), e.event_time FROM batches b
		JOIN events e ON e.id = `+s.d.jsonText("b.doc", "lastEvent")+`
		WHERE b.status = 'active' AND e.type = 'store' AND e.event_time < ? ORDER BY e.event_time LIMIT 500`, cutoff)
	if err != nil {
		return st, err
	}
	defer rows.Close()
	for rows.Next() {
		var l LongStored
		if err := rows.Scan(&l.Batch, &l.Product, &l.Holder, &l.Name, &l.Since); err != nil {
			return st, err
		}
		if t, err := time.Parse(time.RFC3339Nano, l.Since); err == nil {
			l.Days = int(now.Sub(t).Hours() / 24)
		}
		st.LongStored = append(st.LongStored, l)
	}
	return st, rows.Err()
}
