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
	applied                    []domain.Event // the block's new events, in order
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
	r.applied = append(r.applied, e)
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
}

func (r *blockRows) write(ctx context.Context, t *tx) error {
	for _, ins := range blockInserts {
		rows := ins.rows(r)
		for start := 0; start < len(rows); start += rowsPerInsert {
			chunk := rows[start:min(len(rows), start+rowsPerInsert)]
			row := "(" + placeholders(len(chunk[0])) + ")"
			q := "INSERT INTO " + ins.table + " (" + ins.columns + ") VALUES " + strings.TrimSuffix(strings.Repeat(row+",", len(chunk)), ",") + " " + ins.conflict
			args := make([]any, 0, len(chunk)*len(chunk[0]))
			for _, c := range chunk {
				args = append(args, c...)
			}
			if _, err := t.ExecContext(ctx, q, args...); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeRegions records where each batch's raw material grew, in the order the batches were
// written: a batch without an origin inherits its parents' regions, which the statements before
// it may just have written, so these run one by one after the block's rows.
func (r *blockRows) writeRegions(ctx context.Context, w txWriter) error {
	for _, b := range r.regionOf {
		if b.region != "" {
			if _, err := w["region"].ExecContext(ctx, b.batch, b.region); err != nil {
				return err
			}
			continue
		}
		for _, p := range b.parents {
			if _, err := w["inherit"].ExecContext(ctx, b.batch, p); err != nil {
				return fmt.Errorf("inherit regions of %s from %s: %w", b.batch, p, err)
			}
		}
	}
	return nil
}
