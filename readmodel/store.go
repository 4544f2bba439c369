// Package readmodel is the gateway's query store: an embedded SQLite database of batches, events
// and lineage edges. It is written only by Apply, from the chaincode events of committed blocks,
// together with the checkpoint of the last applied transaction — so after a crash it resumes with
// no gap and applies nothing twice, and it can always be rebuilt from block 0 and audited.
package readmodel

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // pure-Go SQLite: no cgo toolchain needed on the host

	"github.com/agritrace/agritrace/domain"
)

// Store is the read model.
type Store struct {
	db    *sql.DB
	block atomic.Uint64 // checkpoint block, kept in memory for cheap cache validation
	// statements of Apply, prepared once: parsing SQL was a visible share of the gateway's CPU
	stmts map[string]*sql.Stmt
	// advanced is closed (and replaced) whenever the checkpoint moves, waking CatchUp waiters
	mu       sync.Mutex
	advanced chan struct{}
	cache    stmtCache // prepared read statements
}

func (s *Store) signal() {
	s.mu.Lock()
	close(s.advanced)
	s.advanced = make(chan struct{})
	s.mu.Unlock()
}

func (s *Store) waitAdvance() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.advanced
}

var writeSQL = map[string]string{
	"seen": `SELECT COUNT(*) FROM events WHERE tx_id = ?`,
	"checkpoint": `INSERT INTO checkpoint (id, block, tx) VALUES (1, ?, ?)
		ON CONFLICT(id) DO UPDATE SET block = excluded.block, tx = excluded.tx`,
	"event": `INSERT INTO events (id, doc, type, stage, event_time, platform, actor, region, content_hash, tx_id, block)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
	"batchEvent": `INSERT OR IGNORE INTO batch_events (batch, event, event_time) VALUES (?, ?, ?)`,
	"edge":       `INSERT OR IGNORE INTO edges (parent, child, event, kind) VALUES (?, ?, ?, ?)`,
	"region":     `INSERT OR IGNORE INTO batch_regions (batch, region) VALUES (?, ?)`,
	"inherit":    `INSERT OR IGNORE INTO batch_regions (batch, region) SELECT ?, region FROM batch_regions WHERE batch = ?`,
	"batch": `INSERT INTO batches (id, doc, product_key, product_name, category, region, status, external,
		custodian, custodian_platform, owner, recalled_by, created_at, updated_at, block) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, product_key = excluded.product_key, product_name = excluded.product_name,
		category = excluded.category, region = excluded.region, status = excluded.status, external = excluded.external,
		custodian = excluded.custodian, custodian_platform = excluded.custodian_platform, owner = excluded.owner,
		recalled_by = excluded.recalled_by, updated_at = excluded.updated_at, block = excluded.block`,
}

// schemas are the tables of other parts of the read model (reserve.go, market.go), created after schema.
var schemas []string

// txWriter is Apply's prepared statements bound to one SQL transaction.
type txWriter map[string]*sql.Stmt

func (s *Store) writer(ctx context.Context, tx *sql.Tx) txWriter {
	w := txWriter{}
	for k, st := range s.stmts {
		w[k] = tx.StmtContext(ctx, st)
	}
	return w
}

const schema = `
CREATE TABLE IF NOT EXISTS checkpoint (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	block INTEGER NOT NULL,
	tx TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS batches (
	id TEXT PRIMARY KEY,
	doc TEXT NOT NULL,
	product_key TEXT, product_name TEXT, category TEXT,
	region TEXT, status TEXT, external INTEGER,
	custodian TEXT, custodian_platform TEXT, owner TEXT,
	recalled_by TEXT, created_at TEXT, updated_at TEXT,
	block INTEGER -- block of the last change
);
CREATE INDEX IF NOT EXISTS batches_product ON batches(product_key);
CREATE INDEX IF NOT EXISTS batches_region ON batches(region);
CREATE INDEX IF NOT EXISTS batches_status ON batches(status);
CREATE INDEX IF NOT EXISTS batches_custodian ON batches(custodian);
CREATE TABLE IF NOT EXISTS events (
	id TEXT PRIMARY KEY,
	doc TEXT NOT NULL,
	type TEXT, stage TEXT, event_time TEXT, platform TEXT, actor TEXT, region TEXT,
	content_hash TEXT, tx_id TEXT, block INTEGER
);
CREATE INDEX IF NOT EXISTS events_stage_time ON events(stage, event_time);
CREATE INDEX IF NOT EXISTS events_time ON events(event_time);
CREATE INDEX IF NOT EXISTS events_actor ON events(actor);
CREATE INDEX IF NOT EXISTS events_tx ON events(tx_id);
CREATE TABLE IF NOT EXISTS batch_events (
	batch TEXT NOT NULL, event TEXT NOT NULL, event_time TEXT,
	PRIMARY KEY (batch, event)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS edges (
	parent TEXT NOT NULL, child TEXT NOT NULL, event TEXT, kind TEXT,
	PRIMARY KEY (parent, child)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS edges_child ON edges(child);
-- where a batch's raw material grew: its own origin, or every origin of its parents, so flour and
-- noodles are found by the region of the wheat they were made from
CREATE TABLE IF NOT EXISTS batch_regions (
	batch TEXT NOT NULL, region TEXT NOT NULL,
	PRIMARY KEY (batch, region)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS batch_regions_region ON batch_regions(region);
`

// Open opens (creating if needed) the read model at path; ":memory:" gives a private in-memory store.
func Open(path string) (*Store, error) {
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(on)"
	if path == ":memory:" {
		dsn = "file::memory:?_pragma=busy_timeout(5000)"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open read model %s: %w", path, err)
	}
	if path == ":memory:" {
		db.SetMaxOpenConns(1) // each connection would be a different in-memory database
	}
	for _, sc := range append([]string{schema}, schemas...) {
		if _, err := db.Exec(sc); err != nil {
			db.Close()
			return nil, fmt.Errorf("create read model schema: %w", err)
		}
	}
	s := &Store{db: db, stmts: map[string]*sql.Stmt{}, advanced: make(chan struct{})}
	for k, q := range writeSQL {
		st, err := db.Prepare(q)
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("prepare %s: %w", k, err)
		}
		s.stmts[k] = st
	}
	cp, err := s.Checkpoint(context.Background())
	if err != nil {
		db.Close()
		return nil, err
	}
	s.block.Store(cp.Block)
	return s, nil
}

// Block is the block the read model reflects (the checkpoint), without a query.
func (s *Store) Block() uint64 { return s.block.Load() }

// Close closes the database.
func (s *Store) Close() error {
	s.cache.mu.Lock()
	for _, st := range s.cache.stmts {
		st.Close()
	}
	s.cache.stmts = nil
	s.cache.mu.Unlock()
	return s.db.Close()
}

// DB exposes the database for tests and tools that tamper with or inspect it.
func (s *Store) DB() *sql.DB { return s.db }

// Checkpoint is the position of the last applied transaction.
type Checkpoint struct {
	Block uint64
	TxID  string
}

// BlockNumber and TransactionID make Checkpoint a fabric-gateway client.Checkpoint.
func (c Checkpoint) BlockNumber() uint64   { return c.Block }
func (c Checkpoint) TransactionID() string { return c.TxID }

// Checkpoint returns where the read model stands (zero when empty).
func (s *Store) Checkpoint(ctx context.Context) (Checkpoint, error) {
	var c Checkpoint
	err := s.db.QueryRowContext(ctx, `SELECT block, tx FROM checkpoint WHERE id = 1`).Scan(&c.Block, &c.TxID)
	if errors.Is(err, sql.ErrNoRows) {
		return Checkpoint{}, nil
	}
	return c, err
}

// Apply applies one transaction's chaincode event and moves the checkpoint in the same SQL
// transaction. A transaction already applied (delivered again after a reconnect) is skipped.
func (s *Store) Apply(ctx context.Context, block uint64, txID string, rec domain.Recorded) (bool, error) {
	applied, err := s.ApplyBlock(ctx, block, []TxRecord{{TxID: txID, Recorded: rec}})
	return applied > 0, err
}

// TxRecord is one transaction's chaincode event payload.
type TxRecord struct {
	TxID     string
	Recorded domain.Recorded
}

// ApplyBlock applies the transactions of one block in one SQL transaction (catch-up from block 0
// applies whole blocks at once) and returns how many were new.
func (s *Store) ApplyBlock(ctx context.Context, block uint64, txs []TxRecord) (int, error) {
	if len(txs) == 0 {
		return 0, nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback() //nolint:errcheck
	w := s.writer(ctx, tx)
	n := 0
	last := ""
	// blocks are applied in order, so only a block at or before the checkpoint can hold
	// transactions applied already (delivered again after a reconnect): a query per transaction
	// to find out was a fifth of applying a one-event transaction
	mayBeSeen := block <= s.block.Load()
	here := map[string]bool{}
	for _, t := range txs {
		seen := 0
		if mayBeSeen {
			if err := w["seen"].QueryRowContext(ctx, t.TxID).Scan(&seen); err != nil {
				return 0, err
			}
		}
		last = t.TxID
		if seen > 0 || here[t.TxID] || (len(t.Recorded.Events) == 0 && t.Recorded.Reserve.Empty()) {
			continue
		}
		here[t.TxID] = true
		if t.Recorded.Reserve != nil {
			if err := w.putReserve(ctx, t.Recorded.Reserve, block); err != nil {
				return 0, fmt.Errorf("apply reserve records of tx %s: %w", t.TxID, err)
			}
		}
		for _, e := range t.Recorded.Events {
			if err := w.putEvent(ctx, e, block); err != nil {
				return 0, fmt.Errorf("apply event %s of tx %s: %w", e.ID, t.TxID, err)
			}
		}
		for _, b := range t.Recorded.Batches {
			if err := w.putBatch(ctx, b, block); err != nil {
				return 0, fmt.Errorf("apply batch %s of tx %s: %w", b.ID, t.TxID, err)
			}
		}
		n++
	}
	if _, err := w["checkpoint"].ExecContext(ctx, block, last); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	for {
		cur := s.block.Load()
		if block <= cur || s.block.CompareAndSwap(cur, block) {
			break
		}
	}
	s.signal()
	return n, nil
}

func (w txWriter) putEvent(ctx context.Context, e domain.Event, block uint64) error {
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
	if _, err := w["event"].ExecContext(ctx, e.ID, string(doc), string(e.Type), e.Type.Stage(), when, e.Platform, e.Actor.Enterprise, region, e.ContentHash, e.TxID, block); err != nil {
		return err
	}
	ids := map[string]bool{}
	for _, b := range e.Batches {
		ids[b] = true
	}
	for _, in := range e.Inputs {
		ids[in.Batch] = true
	}
	for _, o := range e.Outputs {
		ids[o.Batch] = true
	}
	for id := range ids {
		if _, err := w["batchEvent"].ExecContext(ctx, id, e.ID, when); err != nil {
			return err
		}
	}
	for _, in := range e.Inputs {
		for _, o := range e.Outputs {
			if _, err := w["edge"].ExecContext(ctx, in.Batch, o.Batch, e.ID, string(e.Type)); err != nil {
				return err
			}
		}
	}
	return w.putEPCIS(ctx, e, block)
}

func (w txWriter) putBatch(ctx context.Context, b domain.Batch, block uint64) error {
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
	_, err = w["batch"].ExecContext(ctx, b.ID, string(doc), pk, b.Product.Name, b.Product.Category, region, string(b.Status), b.External,
		b.Custodian.Enterprise, b.Custodian.Platform, b.Owner.Enterprise, b.RecalledBy, b.UpdatedAt, b.UpdatedAt, block)
	if err != nil {
		return err
	}
	if region != "" {
		_, err = w["region"].ExecContext(ctx, b.ID, region)
		return err
	}
	for _, p := range b.Parents {
		if _, err := w["inherit"].ExecContext(ctx, b.ID, p); err != nil {
			return fmt.Errorf("inherit regions of %s from %s: %w", b.ID, p, err)
		}
	}
	return nil
}

// Regions are the GB/T 2260 codes of where a batch's raw material grew (inherited through
// processing, splits and merges).
func (s *Store) Regions(ctx context.Context, id string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT region FROM batch_regions WHERE batch = ? ORDER BY region`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
