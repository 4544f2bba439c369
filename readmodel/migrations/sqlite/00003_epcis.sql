-- The EPCIS view of the ledger (epcis.go) and the gateway's own EPCIS state: named queries,
-- subscriptions, capture jobs (epcisstate.go). IF NOT EXISTS: read models that created these
-- tables before migrations were versioned are adopted as they are.
-- +goose Up
CREATE TABLE IF NOT EXISTS epcis_events (
	seq INTEGER NOT NULL UNIQUE,
	id TEXT PRIMARY KEY,
	event_id TEXT NOT NULL,
	event_type TEXT, action TEXT, biz_step TEXT, disposition TEXT, read_point TEXT, biz_location TEXT,
	event_time TEXT, record_time TEXT, platform TEXT, block INTEGER,
	doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS epcis_events_event_id ON epcis_events(event_id);
CREATE INDEX IF NOT EXISTS epcis_events_time ON epcis_events(event_time, seq);
CREATE INDEX IF NOT EXISTS epcis_events_biz_step ON epcis_events(biz_step, seq);
CREATE INDEX IF NOT EXISTS epcis_events_biz_location ON epcis_events(biz_location, seq);
CREATE INDEX IF NOT EXISTS epcis_events_read_point ON epcis_events(read_point, seq);
CREATE TABLE IF NOT EXISTS epcis_queries (
	name TEXT PRIMARY KEY, params TEXT NOT NULL, owner TEXT NOT NULL, created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS epcis_subscriptions (
	id TEXT PRIMARY KEY, query_name TEXT NOT NULL, dest TEXT NOT NULL, secret TEXT NOT NULL, owner TEXT NOT NULL,
	created TEXT NOT NULL, last_seq INTEGER NOT NULL, last_block INTEGER NOT NULL,
	failures INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS epcis_subscriptions_query ON epcis_subscriptions(query_name);
CREATE TABLE IF NOT EXISTS epcis_capture_jobs (
	id TEXT PRIMARY KEY, owner TEXT NOT NULL, created TEXT NOT NULL, doc TEXT NOT NULL
);

-- +goose Down
DROP TABLE epcis_capture_jobs;
DROP TABLE epcis_subscriptions;
DROP TABLE epcis_queries;
DROP TABLE epcis_events;
