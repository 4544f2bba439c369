-- The first schema. IF NOT EXISTS: read models created before migrations were versioned are
-- adopted as they are.
-- +goose Up
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

-- +goose Down
DROP TABLE edges;
DROP TABLE batch_events;
DROP TABLE events;
DROP TABLE batches;
DROP TABLE checkpoint;
