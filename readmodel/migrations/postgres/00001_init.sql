-- The first schema, as in SQLite, with PostgreSQL types. Text that is compared, ordered or
-- paginated on is COLLATE "C": byte order, as SQLite orders it, whatever the database's locale,
-- and prefix LIKE (regions) served by the plain indexes. Documents stay text, not jsonb, so the
-- audit compares the very bytes the ledger's event carried.
-- +goose Up
CREATE TABLE checkpoint (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	block BIGINT NOT NULL,
	tx TEXT NOT NULL
);
CREATE TABLE batches (
	id TEXT COLLATE "C" PRIMARY KEY,
	doc TEXT NOT NULL,
	product_key TEXT COLLATE "C", product_name TEXT COLLATE "C", category TEXT COLLATE "C",
	region TEXT COLLATE "C", status TEXT COLLATE "C", external BOOLEAN,
	custodian TEXT COLLATE "C", custodian_platform TEXT COLLATE "C", owner TEXT COLLATE "C",
	recalled_by TEXT COLLATE "C", created_at TEXT COLLATE "C", updated_at TEXT COLLATE "C",
	block BIGINT -- block of the last change
);
CREATE INDEX batches_product ON batches(product_key);
CREATE INDEX batches_region ON batches(region);
CREATE INDEX batches_status ON batches(status);
CREATE INDEX batches_custodian ON batches(custodian);
CREATE TABLE events (
	id TEXT COLLATE "C" PRIMARY KEY,
	doc TEXT NOT NULL,
	type TEXT COLLATE "C", stage TEXT COLLATE "C", event_time TEXT COLLATE "C", platform TEXT COLLATE "C",
	actor TEXT COLLATE "C", region TEXT COLLATE "C", content_hash TEXT COLLATE "C", tx_id TEXT COLLATE "C",
	block BIGINT
);
CREATE INDEX events_stage_time ON events(stage, event_time);
CREATE INDEX events_time ON events(event_time);
CREATE INDEX events_actor ON events(actor);
CREATE INDEX events_tx ON events(tx_id);
CREATE TABLE batch_events (
	batch TEXT COLLATE "C" NOT NULL, event TEXT COLLATE "C" NOT NULL, event_time TEXT COLLATE "C",
	PRIMARY KEY (batch, event)
);
CREATE TABLE edges (
	parent TEXT COLLATE "C" NOT NULL, child TEXT COLLATE "C" NOT NULL, event TEXT COLLATE "C", kind TEXT COLLATE "C",
	PRIMARY KEY (parent, child)
);
CREATE INDEX edges_child ON edges(child);

-- +goose Down
DROP TABLE edges;
DROP TABLE batch_events;
DROP TABLE events;
DROP TABLE batches;
DROP TABLE checkpoint;
