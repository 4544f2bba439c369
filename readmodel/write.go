package readmodel

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/agritrace/agritrace/domain"
)

// blockRows collects the rows of one block's transactions and writes each table with a few
// multi-row INSERTs: one statement per row was a network round trip each on PostgreSQL.
type blockRows struct {
	events, batchEvents, edges [][]any
	batches                    [][]any
	batchAt                    map[string]int // batch id → its row: a batch written twice keeps its last version
	// the EPCIS view of the block's new events, in order (seq numbered by write), and the lineage
	// edges of their packing, written after the block's other edges as they always were
	epcis, packing [][]any
	// where each batch written (in order, every time) grew: its own origin, or its parents'
	regionOf []batchRegion
}

type batchRegion struct {
	batch, region string
	parents       []string
}

func newBlockRows() *blockRows { return &blockRows{batchAt: map[string]int{}} }

func (r *blockRows) event(e domain.Event, block uint64) error {
	doc, err := json.Marshal(e)
	if err != nil {
		return err
	}
	t, _ := domain.ParseEventTime(e.EventTime)
	when := t.UTC().Format(time.RFC3339Nano)
	region := ""
	if e.Location != nil {
		region = e.Location.Region
	}
	row, packing, err := epcisRow(e, block)
	if err != nil {
		return fmt.Errorf("EPCIS view: %w", err)
	}
	r.epcis = append(r.epcis, row)
	r.packing = append(r.packing, packing...)
	r.events = append(r.events, []any{e.ID, string(doc), string(e.Type), e.Type.Stage(), when, e.Platform, e.Actor.Enterprise, region, e.ContentHash, e.TxID, block})
	ids := map[string]bool{}
	add := func(b string) {
		if !ids[b] {
			ids[b] = true
			r.batchEvents = append(r.batchEvents, []any{b, e.ID, when})
		}
	}
	for _, b := range e.Batches {
		add(b)
	}
	for _, in := range e.Inputs {
		add(in.Batch)
	}
	for _, o := range e.Outputs {
		add(o.Batch)
	}
	for _, in := range e.Inputs {
		for _, o := range e.Outputs {
			r.edges = append(r.edges, []any{in.Batch, o.Batch, e.ID, string(e.Type)})
		}
	}
	return nil
}

func (r *blockRows) batch(b domain.Batch, block uint64) error {
	doc, err := json.Marshal(b)
	if err != nil {
		return err
	}
	region := ""
	if b.Origin != nil {
		region = b.Origin.Region
	}
	pk := b.Product.GTIN
	if pk == "" {
		pk = b.Product.Code
	}
	r.regionOf = append(r.regionOf, batchRegion{b.ID, region, b.Parents})
	row := []any{b.ID, string(doc), pk, b.Product.Name, b.Product.Category, region, string(b.Status), b.External,
		b.Custodian.Enterprise, b.Custodian.Platform, b.Owner.Enterprise, b.RecalledBy, b.UpdatedAt, b.UpdatedAt, block}
	if i, ok := r.batchAt[b.ID]; ok {
		row[12] = r.batches[i][12] // created when first written
		r.batches[i] = row
		return nil
	}
	r.batchAt[b.ID] = len(r.batches)
	r.batches = append(r.batches, row)
	return nil
}

// rowsPerInsert keeps a statement's parameters (≤ 15 a row) under both SQLite's 32,766 and
// PostgreSQL's 65,535.
const rowsPerInsert = 500

var blockInserts = []struct {
	table, columns, conflict string
	rows                     func(*blockRows) [][]any
}{
	{"events", "id, doc, type, stage, event_time, platform, actor, region, content_hash, tx_id, block", "",
		func(r *blockRows) [][]any { return r.events }},
	{"batch_events", "batch, event, event_time", "ON CONFLICT DO NOTHING", func(r *blockRows) [][]any { return r.batchEvents }},
	{"edges", "parent, child, event, kind", "ON CONFLICT DO NOTHING", func(r *blockRows) [][]any { return r.edges }},
	{"batches", "id, doc, product_key, product_name, category, region, status, external, custodian, custodian_platform, owner, recalled_by, created_at, updated_at, block",
		`ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, product_key = excluded.product_key, product_name = excluded.product_name,
		category = excluded.category, region = excluded.region, status = excluded.status, external = excluded.external,
		custodian = excluded.custodian, custodian_platform = excluded.custodian_platform, owner = excluded.owner,
		recalled_by = excluded.recalled_by, updated_at = excluded.updated_at, block = excluded.block`,
		func(r *blockRows) [][]any { return r.batches }},
	{"edges", "parent, child, event, kind", "ON CONFLICT DO NOTHING", func(r *blockRows) [][]any { return r.packing }},
	{"epcis_events", "seq, id, event_id, event_type, action, biz_step, disposition, read_point, biz_location, event_time, record_time, platform, block, doc", "",
		func(r *blockRows) [][]any { return r.epcis }},
}

// exec runs a multi-row INSERT: prepared once (in the store's statement cache) when it has the
// full rowsPerInsert rows, the shape nearly every chunk of a catch-up has — compiling a statement
// of 7,000 parameters on every chunk was a tenth of catch-up on SQLite.
func (s *Store) execInsert(ctx context.Context, t *tx, q string, full bool, args []any) error {
	if full && !s.oneConn {
		if st := s.prepared(ctx, q); st != nil {
			_, err := t.StmtContext(ctx, st).ExecContext(ctx, args...)
			return err
		}
	}
	_, err := t.ExecContext(ctx, q, args...)
	return err
}

func (r *blockRows) write(ctx context.Context, s *Store, t *tx, w txWriter) error {
	for _, ins := range blockInserts {
		rows := ins.rows(r)
		if ins.table == "epcis_events" && len(rows) > 0 {
			// numbered in commit order after the last event there; read once the block's first
			// INSERT holds the write lock, so no other writer can number in between
			var last int64
			if err := w["epcisLastSeq"].QueryRowContext(ctx).Scan(&last); err != nil {
				return fmt.Errorf("last EPCIS seq: %w", err)
			}
			for i, row := range rows {
				row[0] = last + int64(i) + 1
			}
		}
		for start := 0; start < len(rows); start += rowsPerInsert {
			chunk := rows[start:min(len(rows), start+rowsPerInsert)]
			row := "(" + placeholders(len(chunk[0])) + ")"
			q := "INSERT INTO " + ins.table + " (" + ins.columns + ") VALUES " + strings.TrimSuffix(strings.Repeat(row+",", len(chunk)), ",") + " " + ins.conflict
			args := make([]any, 0, len(chunk)*len(chunk[0]))
			for _, c := range chunk {
				args = append(args, c...)
			}
			if err := s.execInsert(ctx, t, q, len(chunk) == rowsPerInsert, args); err != nil {
				return fmt.Errorf("insert into %s: %w", ins.table, err)
			}
		}
	}
	return nil
}

// writeRegions records where each batch's raw material grew, in the order the batches were
// written: a batch without an origin inherits its parents' regions, which the statements before
// it may just have written. Runs of batches with their own origin go in multi-row INSERTs; each
// inheriting batch is one INSERT … SELECT in its place in the order.
func (r *blockRows) writeRegions(ctx context.Context, s *Store, t *tx, w txWriter) error {
	var run [][]any
	flush := func() error {
		for start := 0; start < len(run); start += rowsPerInsert {
			chunk := run[start:min(len(run), start+rowsPerInsert)]
			args := make([]any, 0, 2*len(chunk))
			for _, c := range chunk {
				args = append(args, c...)
			}
			q := "INSERT INTO batch_regions (batch, region) VALUES " + strings.TrimSuffix(strings.Repeat("(?,?),", len(chunk)), ",") + " ON CONFLICT DO NOTHING"
			if err := s.execInsert(ctx, t, q, len(chunk) == rowsPerInsert, args); err != nil {
				return fmt.Errorf("insert into batch_regions: %w", err)
			}
		}
		run = run[:0]
		return nil
	}
	for _, b := range r.regionOf {
		if b.region != "" {
			run = append(run, []any{b.batch, b.region})
			continue
		}
		if err := flush(); err != nil {
			return err
		}
		for _, p := range b.parents {
			if _, err := w["inherit"].ExecContext(ctx, b.batch, p); err != nil {
				return fmt.Errorf("inherit regions of %s from %s: %w", b.batch, p, err)
			}
		}
	}
	return flush()
}
