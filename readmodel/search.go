package readmodel

import (
	"context"
	"strings"
	"time"

	"github.com/agritrace/agritrace/domain"
)

// Filter selects batches or events. Empty fields do not filter.
type Filter struct {
	Product    string    // GTIN-14, product code, or part of the product name
	Region     string    // GB/T 2260 prefix: 23 (province), 2301 (city), 230184 (county); batches match by their own or inherited origin
	Stage      string    // produce, purchase, store, process, sell, around
	Type       string    // event type (events only)
	Enterprise string    // custodian or owner (batches), actor (events): the code, or part of the name
	Status     string    // batch status (batches only)
	From, To   time.Time // event time range [From, To)
	PageSize   int
	Cursor     string
}

// BatchPage is one page of batches.
type BatchPage struct {
	Batches []domain.Batch `json:"batches"`
	Next    string         `json:"next,omitempty"`
}

// EventPage is one page of events.
type EventPage struct {
	Events []domain.Event `json:"events"`
	Next   string         `json:"next,omitempty"`
}

func likePrefix(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// prefixOf matches col starting with p. An ASCII prefix (region codes) becomes a range, which
// both stores serve from the column's index; SQLite's LIKE, case-insensitive, cannot use it.
func prefixOf(col, p string) (string, []any) {
	last := p[len(p)-1]
	for i := 0; i < len(p); i++ {
		if p[i] >= 0x7f {
			return col + ` LIKE ? ESCAPE '\'`, []any{likePrefix(p)}
		}
	}
	return col + ` >= ? AND ` + col + ` < ?`, []any{p, p[:len(p)-1] + string(last+1)}
}

// SearchBatches pages through batches matching f, ordered by ID.
func (s *Store) SearchBatches(ctx context.Context, f Filter) (BatchPage, error) {
	if err := f.check(); err != nil {
		return BatchPage{}, err
	}
	var product, region cond
	if f.Product != "" {
		product = cond{`(b.product_key = ? OR b.product_name ` + s.d.ilike + ` ? ESCAPE '\')`,
			[]any{f.Product, "%" + strings.TrimSuffix(likePrefix(f.Product), "%") + "%"}}
	}
	if f.Region != "" {
		// every batch with an origin of its own has it in batch_regions too (writeRegions)
		grew, a := prefixOf("br.region", f.Region)
		region = cond{`EXISTS (SELECT 1 FROM batch_regions br WHERE br.batch = b.id AND ` + grew + `)`, a}
	}
	var where []string
	var args []any
	if f.Status != "" {
		where = append(where, `b.status = ?`)
		args = append(args, f.Status)
	}
	if f.Enterprise != "" {
		name := "%" + strings.TrimSuffix(likePrefix(f.Enterprise), "%") + "%"
		where = append(where, `(b.custodian = ? OR b.owner = ? OR `+s.d.jsonText("b.doc", "custodian", "name")+` `+s.d.ilike+` ? ESCAPE '\'
			OR `+s.d.jsonText("b.doc", "owner", "name")+` `+s.d.ilike+` ? ESCAPE '\')`)
		args = append(args, f.Enterprise, f.Enterprise, name, name)
	}
	if f.Stage != "" || !f.From.IsZero() || !f.To.IsZero() {
		sub := `EXISTS (SELECT 1 FROM batch_events be JOIN events e ON e.id = be.event WHERE be.batch = b.id`
		if f.Stage != "" {
			sub += ` AND e.stage = ?`
			args = append(args, f.Stage)
		}
		if !f.From.IsZero() {
			sub += ` AND e.event_time >= ?`
			args = append(args, f.From.UTC().Format(time.RFC3339Nano))
		}
		if !f.To.IsZero() {
			sub += ` AND e.event_time < ?`
			args = append(args, f.To.UTC().Format(time.RFC3339Nano))
		}
		where = append(where, sub+")")
	}
	cur, err := decodeCursor(f.Cursor, 1)
	if err != nil {
		return BatchPage{}, err
	}
	after := ""
	if cur != nil {
		after = cur[0]
	}
	arms, err := s.batchArms(ctx, f, product, cond{strings.Join(where, " AND "), args}, after, f.PageSize+1)
	if err != nil {
		return BatchPage{}, err
	}
	var q string
	switch {
	case arms != nil && len(arms.sql) == 0:
		return BatchPage{Batches: []domain.Batch{}}, nil
	case arms != nil:
		q = `SELECT b.doc FROM batches b WHERE b.id IN (` + strings.Join(arms.sql, " UNION ") + `) ORDER BY b.id LIMIT ?`
		args = arms.args
	default:
		if cur != nil {
			where = append(where, `b.id > ?`)
			args = append(args, cur[0])
		}
		for _, c := range []cond{product, region} {
			if c.sql != "" {
				where = append(where, c.sql)
				args = append(args, c.args...)
			}
		}
		q = `SELECT b.doc FROM batches b`
		if len(where) > 0 {
			q += ` WHERE ` + strings.Join(where, " AND ")
		}
		q += ` ORDER BY b.id LIMIT ?`
	}
	args = append(args, f.PageSize+1)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return BatchPage{}, err
	}
	bs, err := scanBatches(rows)
	if err != nil {
		return BatchPage{}, err
	}
	p := BatchPage{Batches: bs}
	if len(bs) > f.PageSize {
		p.Batches = bs[:f.PageSize]
		p.Next = encodeCursor(p.Batches[f.PageSize-1].ID)
	}
	if p.Batches == nil {
		p.Batches = []domain.Batch{}
	}
	return p, nil
}

// SearchEvents pages through events matching f, ordered by event time.
func (s *Store) SearchEvents(ctx context.Context, f Filter) (EventPage, error) {
	if err := f.check(); err != nil {
		return EventPage{}, err
	}
	var where []string
	var args []any
	if f.Stage != "" {
		where = append(where, `e.stage = ?`)
		args = append(args, f.Stage)
	}
	if f.Type != "" {
		where = append(where, `e.type = ?`)
		args = append(args, f.Type)
	}
	if f.Enterprise != "" {
		where = append(where, `(e.actor = ? OR `+s.d.jsonText("e.doc", "actor", "name")+` `+s.d.ilike+` ? ESCAPE '\')`)
		args = append(args, f.Enterprise, "%"+strings.TrimSuffix(likePrefix(f.Enterprise), "%")+"%")
	}
	if f.Region != "" {
		// where it happened, or where the goods come from
		here, a1 := prefixOf("e.region", f.Region)
		from, a2 := prefixOf("br.region", f.Region)
		where = append(where, `(`+here+` OR EXISTS (SELECT 1 FROM batch_events be JOIN batch_regions br ON br.batch = be.batch
			WHERE be.event = e.id AND `+from+`))`)
		args = append(append(args, a1...), a2...)
	}
	if f.Product != "" {
		where = append(where, `EXISTS (SELECT 1 FROM batch_events be JOIN batches b ON b.id = be.batch
			WHERE be.event = e.id AND (b.product_key = ? OR b.product_name `+s.d.ilike+` ? ESCAPE '\'))`)
		args = append(args, f.Product, "%"+strings.TrimSuffix(likePrefix(f.Product), "%")+"%")
	}
	if !f.From.IsZero() {
		where = append(where, `e.event_time >= ?`)
		args = append(args, f.From.UTC().Format(time.RFC3339Nano))
	}
	if !f.To.IsZero() {
		where = append(where, `e.event_time < ?`)
		args = append(args, f.To.UTC().Format(time.RFC3339Nano))
	}
	cur, err := decodeCursor(f.Cursor, 2)
	if err != nil {
		return EventPage{}, err
	}
	if cur != nil {
		where = append(where, `(e.event_time, e.id) > (?, ?)`)
		args = append(args, cur[0], cur[1])
	}
	q := `SELECT e.doc, e.block FROM events e`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY e.event_time, e.id LIMIT ?`
	args = append(args, f.PageSize+1)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return EventPage{}, err
	}
	es, err := scanEvents(rows)
	if err != nil {
		return EventPage{}, err
	}
	p := EventPage{Events: es}
	if len(es) > f.PageSize {
		p.Events = es[:f.PageSize]
		last := p.Events[f.PageSize-1]
		t, _ := domain.ParseEventTime(last.EventTime)
		p.Next = encodeCursor(t.UTC().Format(time.RFC3339Nano), last.ID)
	}
	if p.Events == nil {
		p.Events = []domain.Event{}
	}
	return p, nil
}

// Counts summarises the read model (audit and /healthz).
type Counts struct {
	Batches int    `json:"batches"`
	Events  int    `json:"events"`
	Edges   int    `json:"edges"`
	Block   uint64 `json:"block"`
}

// Counts returns the row counts and the checkpoint block.
func (s *Store) Counts(ctx context.Context) (Counts, error) {
	var c Counts
	for table, dst := range map[string]*int{"batches": &c.Batches, "events": &c.Events, "edges": &c.Edges} {
		if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(dst); err != nil {
			return c, err
		}
	}
	cp, err := s.Checkpoint(ctx)
	c.Block = cp.Block
	return c, err
}
