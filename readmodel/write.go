package readmodel

import (
	"context"
	"encoding/json"
	"fmt"
	"math/bits"
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
	// where each batch written (in order, every time) grew: its own origin, or its parents'
	regionOf []batchRegion
}

type batchRegion struct {
	batch, region string
	parents       []string
}

func newBlockRows() *blockRows { return &blockRows{batchAt: map[string]int{}} }

func (r *blockRows) event(e domain.Event, block uint64) error {
	doc, err := domain.MarshalEvent(e)
	if err != nil {
		return err
	}
	t, _ := domain.ParseEventTime(e.EventTime)
	when := t.UTC().Format(time.RFC3339Nano)
	region := ""
	if e.Location != nil {
		region = e.Location.Region
	}
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

// insert is a table's multi-row INSERT: its columns, and what a row already there makes it do.
type insert struct {
	table, columns, conflict string
}

var (
	eventsInsert      = insert{"events", "id, doc, type, stage, event_time, platform, actor, region, content_hash, tx_id, block", ""}
	batchEventsInsert = insert{"batch_events", "batch, event, event_time", "ON CONFLICT DO NOTHING"}
	edgesInsert       = insert{"edges", "parent, child, event, kind", "ON CONFLICT DO NOTHING"}
	batchesInsert     = insert{"batches", "id, doc, product_key, product_name, category, region, status, external, custodian, custodian_platform, owner, recalled_by, created_at, updated_at, block",
		`ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, product_key = excluded.product_key, product_name = excluded.product_name,
		category = excluded.category, region = excluded.region, status = excluded.status, external = excluded.external,
		custodian = excluded.custodian, custodian_platform = excluded.custodian_platform, owner = excluded.owner,
		recalled_by = excluded.recalled_by, updated_at = excluded.updated_at, block = excluded.block`}
	batchRegionsInsert = insert{"batch_regions", "batch, region", "ON CONFLICT DO NOTHING"}
	epcisInsert        = insert{"epcis_events", "seq, id, event_id, event_type, action, biz_step, disposition, read_point, biz_location, event_time, record_time, platform, block, doc", ""}
)

// exec runs a multi-row INSERT, prepared once in the store's statement cache: compiling a
// statement of up to 7,000 parameters on every chunk was a tenth of catch-up on SQLite.
func (s *Store) execInsert(ctx context.Context, t *tx, q string, args []any) error {
	if !s.oneConn {
		if st := s.prepared(ctx, q); st != nil {
			_, err := t.StmtContext(ctx, st).ExecContext(ctx, args...)
			return err
		}
	}
	_, err := t.ExecContext(ctx, q, args...)
	return err
}

// insertRows writes rows into one table with multi-row INSERTs of rowsPerInsert rows, and the rest
// in INSERTs of a power of two rows each (437 = 256 + 128 + 32 + 16 + 4 + 1): a table has then at
// most ten statement shapes, each compiled once. The live follower's blocks are a few hundred rows
// a table, and compiling an INSERT of their exact size on every block was 6% of the gateway's CPU
// under ingest (run 20261126T032919Z's profiles).
func (s *Store) insertRows(ctx context.Context, t *tx, ins insert, rows [][]any) error {
	for start := 0; start < len(rows); {
		n := len(rows) - start
		if n >= rowsPerInsert {
			n = rowsPerInsert
		} else {
			n = 1 << (bits.Len(uint(n)) - 1)
		}
		chunk := rows[start : start+n]
		start += n
		row := "(" + placeholders(len(chunk[0])) + ")"
		q := "INSERT INTO " + ins.table + " (" + ins.columns + ") VALUES " + strings.TrimSuffix(strings.Repeat(row+",", len(chunk)), ",") + " " + ins.conflict
		args := make([]any, 0, len(chunk)*len(chunk[0]))
		for _, c := range chunk {
			args = append(args, c...)
		}
		if err := s.execInsert(ctx, t, q, args); err != nil {
			return fmt.Errorf("insert into %s: %w", ins.table, err)
		}
	}
	return nil
}

// write writes the events, their batches and lineage.
func (r *blockRows) write(ctx context.Context, s *Store, t *tx) error {
	for _, w := range []struct {
		ins  insert
		rows [][]any
	}{{eventsInsert, r.events}, {batchEventsInsert, r.batchEvents}, {edgesInsert, r.edges}, {batchesInsert, r.batches}} {
		if err := s.insertRows(ctx, t, w.ins, w.rows); err != nil {
			return err
		}
	}
	return nil
}

// epcisRows are the EPCIS view of new events, in order (seq numbered when written), and the
// lineage edges of their packing, written after the events' other edges as they always were.
type epcisRows struct {
	rows, packing [][]any
}

// parallelFrom is the number of events from which an apply builds rows on goroutines of their own
// beside the one that writes: the EPCIS view (when its documents were rendered as events were
// applied, a quarter of applying a block, and catch-up's apply stage kept one core busy while the
// other, decoding blocks, waited for it), and the batches' rows. Below it a goroutine costs more
// than it saves.
const parallelFrom = 64

// epcisView builds the EPCIS view of txs' events, in order: their rows and packing edges.
func epcisView(txs []blockTx) (epcisRows, error) {
	var out epcisRows
	for _, t := range txs {
		for _, e := range t.tx.Recorded.Events {
			row, packing, err := epcisRow(e, t.block)
			if err != nil {
				return epcisRows{}, fmt.Errorf("EPCIS view of event %s of tx %s: %w", e.ID, t.tx.TxID, err)
			}
			out.rows = append(out.rows, row)
			out.packing = append(out.packing, packing...)
		}
	}
	return out, nil
}

// write writes the packing edges and the EPCIS rows, numbered in commit order after the last
// event there; read inside the write transaction, so no other writer can number in between.
func (r epcisRows) write(ctx context.Context, s *Store, t *tx, w txWriter) error {
	if err := s.insertRows(ctx, t, edgesInsert, r.packing); err != nil {
		return err
	}
	if len(r.rows) == 0 {
		return nil
	}
	var last int64
	if err := w["epcisLastSeq"].QueryRowContext(ctx).Scan(&last); err != nil {
		return fmt.Errorf("last EPCIS seq: %w", err)
	}
	for i, row := range r.rows {
		row[0] = last + int64(i) + 1
	}
	return s.insertRows(ctx, t, epcisInsert, r.rows)
}

// blockTx is a transaction to apply, with its block.
type blockTx struct {
	block uint64
	tx    *TxRecord
}

// writeRegions records where each batch's raw material grew, in the order the batches were
// written: a batch without an origin inherits its parents' regions, which the statements before
// it may just have written. Runs of batches with their own origin go in multi-row INSERTs; each
// inheriting batch is one INSERT … SELECT in its place in the order.
func (r *blockRows) writeRegions(ctx context.Context, s *Store, t *tx, w txWriter) error {
	var run [][]any
	flush := func() error {
		if err := s.insertRows(ctx, t, batchRegionsInsert, run); err != nil {
			return err
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
