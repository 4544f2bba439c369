// Package readmodel is the gateway's query store: batches, events and lineage edges in an
// embedded SQLite database or in PostgreSQL (several gateway replicas of one org). It is written only by Apply, from the chaincode events of committed blocks,
// together with the checkpoint of the last applied transaction — so after a crash it resumes with
// no gap and applies nothing twice, and it can always be rebuilt from block 0 and audited.
package readmodel

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // pure-Go SQLite: no cgo toolchain needed on the host

	"github.com/agritrace/agritrace/domain"
)

// Store is the read model.
type Store struct {
	db    db
	d     *dialect
	block atomic.Uint64 // checkpoint block, kept in memory for cheap cache validation
	// statements of Apply, prepared once: parsing SQL was a visible share of the gateway's CPU
	stmts map[string]*sql.Stmt
	// advanced is closed (and replaced) whenever the checkpoint moves, waking CatchUp waiters
	mu       sync.Mutex
	advanced chan struct{}
	// wconn, while set, is the connection holding the writer lock (PostgreSQL replicas): writes go
	// through it, so a replica whose lock session ended cannot write. wmu serialises its users.
	wmu   sync.Mutex
	wconn *sql.Conn
	stop  context.CancelFunc // ends the checkpoint watcher
	cache stmtCache          // prepared read statements
	books checkBooks         // stock checks with their books (reserve_checks.go)
	// oneConn: the pool is a single connection (in-memory SQLite), so nothing can be prepared on the
	// pool while a write transaction holds it
	oneConn bool
	kickWAL chan struct{} // wakes the WAL checkpointer (SQLite files; walcheckpoint.go)
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

// advance moves the in-memory checkpoint forward (never back) and wakes waiters: on every
// commit, not only when the block changes, since a block's transactions are applied one by one.
func (s *Store) advance(block uint64) {
	for {
		cur := s.block.Load()
		if block <= cur || s.block.CompareAndSwap(cur, block) {
			break
		}
	}
	s.signal()
}

// writeSQL are Apply's statements, in SQL both dialects accept.
var writeSQL = map[string]string{
	"seen": `SELECT COUNT(*) FROM events WHERE tx_id = ?`,
	// never backwards: a late writer (a replica that lost the lock mid-transaction) cannot undo
	"checkpoint": `INSERT INTO checkpoint (id, block, tx) VALUES (1, ?, ?)
		ON CONFLICT(id) DO UPDATE SET block = excluded.block, tx = excluded.tx WHERE excluded.block >= checkpoint.block`,
	"inherit": `INSERT INTO batch_regions (batch, region) SELECT ?, region FROM batch_regions WHERE batch = ? ON CONFLICT DO NOTHING`,
}

// txWriter is Apply's prepared statements bound to one SQL transaction.
type txWriter map[string]*sql.Stmt

func (s *Store) writer(ctx context.Context, t *tx) txWriter {
	w := txWriter{}
	for k, st := range s.stmts {
		w[k] = t.StmtContext(ctx, st)
	}
	return w
}

// sqlitePragmas: WAL with synchronous NORMAL keeps every commit atomic and the file consistent
// after a crash (the last commits may be lost, and are replayed from the checkpoint); a 64 MiB
// page cache per connection instead of 2 MiB, and statement journals in memory, because a
// catch-up transaction of thousands of rows otherwise spilled pages to the WAL and wrote
// its statement journal to a temporary file (a quarter of catch-up was those system calls); the
// writer's own WAL checkpoint at 50,000 pages, not 1,000, as the goroutine of walcheckpoint.go
// does that work beside it (at 10,000 a catch-up's commits, each larger, still checkpointed on the
// writing goroutine: 1.3 s of run 20261126T032919Z's 9.7 s catch-up), and the log file cut back to
// 64 MiB once checkpointed; readers map up to 4 GiB of the file instead of copying each page in
// with a pread — during ingest every commit empties the readers' page caches, and a consumer scan
// read its trail's pages again (gateway CPU 0.174 → 0.159 ms a scan, bench runs 20261125T232013Z
// and 20261125T232635Z).
const sqlitePragmas = "_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(on)" +
	"&_pragma=cache_size(-65536)&_pragma=temp_store(MEMORY)&_pragma=wal_autocheckpoint(50000)&_pragma=journal_size_limit(67108864)&_pragma=mmap_size(4294967296)"

// Open opens (creating and migrating if needed) the read model at target: a PostgreSQL URL
// (postgres://…), a SQLite file path, or ":memory:" for a private in-memory SQLite store.
func Open(target string) (*Store, error) {
	d, driver, dsn := sqliteDialect, "sqlite", "file:"+target+"?"+sqlitePragmas
	switch {
	case IsPostgres(target):
		d, driver, dsn = postgresDialect, "pgx", target
	case target == ":memory:":
		dsn = "file::memory:?_pragma=busy_timeout(5000)"
	}
	var raw *sql.DB
	var err error
	if d == postgresDialect {
		raw, err = openPostgres(dsn)
	} else {
		raw, err = sql.Open(driver, dsn)
	}
	if err != nil {
		return nil, fmt.Errorf("open read model %s: %w", redact(target), err)
	}
	switch {
	case target == ":memory:":
		raw.SetMaxOpenConns(1) // each connection would be a different in-memory database
	default:
		// database/sql keeps 2 idle connections by default: concurrent scans then open (and prepare
		// statements on) a new SQLite connection per query
		raw.SetMaxOpenConns(32)
		raw.SetMaxIdleConns(32)
	}
	s := &Store{db: db{raw, d}, d: d, stmts: map[string]*sql.Stmt{}, advanced: make(chan struct{}), stop: func() {}, oneConn: target == ":memory:"}
	ctx := context.Background()
	if err := migrate(ctx, s.db); err != nil {
		raw.Close()
		return nil, err
	}
	stmts := writeSQL
	if d.notify != "" {
		stmts = maps.Clone(writeSQL)
		stmts["notify"] = d.notify
	}
	for k, q := range stmts {
		st, err := s.db.Prepare(q)
		if err != nil {
			raw.Close()
			return nil, fmt.Errorf("prepare %s: %w", k, err)
		}
		s.stmts[k] = st
	}
	cp, err := s.Checkpoint(ctx)
	if err != nil {
		raw.Close()
		return nil, err
	}
	s.block.Store(cp.Block)
	if !d.dollar && !s.oneConn {
		s.startWALCheckpointer()
	}
	if d.dollar {
		wctx, stop := context.WithCancel(context.Background())
		s.stop = stop
		go s.watchCheckpoint(wctx, target)
	}
	return s, nil
}

// Dialect is "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.d.name }

// Block is the block the read model reflects (the checkpoint), without a query.
func (s *Store) Block() uint64 { return s.block.Load() }

// Close closes the database.
func (s *Store) Close() error {
	s.stop()
	s.cache.mu.Lock()
	for _, st := range s.cache.stmts {
		st.Close()
	}
	s.cache.stmts = nil
	s.cache.mu.Unlock()
	return s.db.Close()
}

// DB exposes the database for tests and tools that tamper with or inspect it (queries given to it
// directly are not rebound: use the dialect's placeholders or none).
func (s *Store) DB() *sql.DB { return s.db.DB }

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

// BlockTxs is one block's transactions.
type BlockTxs struct {
	Block uint64
	Txs   []TxRecord
}

// ApplyBlock applies the transactions of one block in one SQL transaction and returns how many
// were new.
func (s *Store) ApplyBlock(ctx context.Context, block uint64, txs []TxRecord) (int, error) {
	return s.ApplyBlocks(ctx, []BlockTxs{{block, txs}})
}

// ApplyBlocks applies the transactions of consecutive blocks in one SQL transaction and moves the
// checkpoint to the last of them: catch-up applies as many blocks at once as have arrived, since a
// commit and a round of statements per block of a few dozen events was most of its cost.
func (s *Store) ApplyBlocks(ctx context.Context, blocks []BlockTxs) (int, error) {
	var lastBlock uint64
	last := ""
	for _, b := range blocks {
		if len(b.Txs) > 0 {
			lastBlock, last = b.Block, b.Txs[len(b.Txs)-1].TxID
		}
	}
	if !anyTxs(blocks) {
		return 0, nil
	}
	release, tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, err
	}
	defer release()
	defer tx.Rollback() //nolint:errcheck
	w := s.writer(ctx, tx)
	var todo []blockTx
	events := 0
	here := map[string]bool{}
	for _, b := range blocks {
		// blocks are applied in order, so only a block at or before the checkpoint can hold
		// transactions applied already (delivered again after a reconnect): a query per transaction
		// to find out was a fifth of applying a one-event transaction
		mayBeSeen := b.Block <= s.block.Load()
		for i := range b.Txs {
			t := &b.Txs[i]
			seen := 0
			if mayBeSeen {
				if err := w["seen"].QueryRowContext(ctx, t.TxID).Scan(&seen); err != nil {
					return 0, err
				}
			}
			if seen > 0 || here[t.TxID] || (len(t.Recorded.Events) == 0 && t.Recorded.Reserve.Empty()) {
				continue
			}
			here[t.TxID] = true
			if t.Recorded.Reserve != nil {
				if err := w.putReserve(ctx, t.Recorded.Reserve, b.Block); err != nil {
					return 0, fmt.Errorf("apply reserve records of tx %s: %w", t.TxID, err)
				}
			}
			todo = append(todo, blockTx{b.Block, t})
			events += len(t.Recorded.Events)
		}
	}
	type built struct {
		rows epcisRows
		err  error
	}
	var epcis chan built
	if events >= parallelFrom {
		epcis = make(chan built, 1) // buffered: an early return leaves no goroutine blocked
		go func() {
			r, err := epcisView(todo)
			epcis <- built{r, err}
		}()
	}
	rows := newBlockRows()
	// the batches' rows are built beside the events' when there are many (each was a tenth of
	// applying a catch-up's blocks, on the one goroutine that writes); they fill other fields of rows
	batchRows := func() error {
		for _, t := range todo {
			for _, bt := range t.tx.Recorded.Batches {
				if err := rows.batch(bt, t.block); err != nil {
					return fmt.Errorf("apply batch %s of tx %s: %w", bt.ID, t.tx.TxID, err)
				}
			}
		}
		return nil
	}
	var batchesBuilt chan error
	if events >= parallelFrom {
		batchesBuilt = make(chan error, 1) // buffered: an early return leaves no goroutine blocked
		go func() { batchesBuilt <- batchRows() }()
	}
	for _, t := range todo {
		for _, e := range t.tx.Recorded.Events {
			if err := rows.event(e, t.block); err != nil {
				return 0, fmt.Errorf("apply event %s of tx %s: %w", e.ID, t.tx.TxID, err)
			}
		}
	}
	if batchesBuilt != nil {
		err = <-batchesBuilt
	} else {
		err = batchRows()
	}
	if err != nil {
		return 0, err
	}
	if err := rows.write(ctx, s, tx); err != nil {
		return 0, fmt.Errorf("apply blocks up to %d: %w", lastBlock, err)
	}
	if err := rows.writeRegions(ctx, s, tx, w); err != nil {
		return 0, fmt.Errorf("apply blocks up to %d: %w", lastBlock, err)
	}
	var ep built
	if epcis != nil {
		ep = <-epcis
	} else {
		ep.rows, ep.err = epcisView(todo)
	}
	if ep.err != nil {
		return 0, ep.err
	}
	if err := ep.rows.write(ctx, s, tx, w); err != nil {
		return 0, fmt.Errorf("apply blocks up to %d: %w", lastBlock, err)
	}
	if _, err := w["checkpoint"].ExecContext(ctx, lastBlock, last); err != nil {
		return 0, err
	}
	if st, ok := w["notify"]; ok {
		if _, err := st.ExecContext(ctx, strconv.FormatUint(lastBlock, 10)); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	s.committed()
	s.advance(lastBlock)
	return len(todo), nil
}

func anyTxs(blocks []BlockTxs) bool {
	for _, b := range blocks {
		if len(b.Txs) > 0 {
			return true
		}
	}
	return false
}

// beginWrite starts a write transaction: on the writer-lock connection while this replica holds
// the lock, on the pool otherwise (SQLite, tools, tests). release must be called after Commit or
// Rollback.
func (s *Store) beginWrite(ctx context.Context) (func(), *tx, error) {
	s.wmu.Lock()
	if s.wconn == nil {
		s.wmu.Unlock()
		t, err := s.db.BeginTx(ctx, nil)
		return func() {}, t, err
	}
	t, err := s.wconn.BeginTx(ctx, nil)
	if err != nil {
		s.wmu.Unlock()
		return nil, nil, fmt.Errorf("begin on the writer-lock connection: %w", err)
	}
	return s.wmu.Unlock, &tx{t, s.d}, nil
}

// redact drops a password from a database URL before it is logged or wrapped in an error.
func redact(target string) string {
	if u, err := url.Parse(target); err == nil && u.User != nil {
		return u.Redacted()
	}
	return target
}

// DiskBytes is the space the read model takes on disk, indexes included (the SQLite file after a
// WAL checkpoint; the PostgreSQL database).
func (s *Store) DiskBytes(ctx context.Context) (int64, error) {
	var n int64
	if s.d.dollar {
		err := s.db.QueryRowContext(ctx, `SELECT pg_database_size(current_database())`).Scan(&n)
		return n, err
	}
	if _, err := s.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return 0, err
	}
	err := s.db.QueryRowContext(ctx, `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`).Scan(&n)
	return n, err
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
