-- The EPCIS view of the ledger (epcis.go) and the gateway's own EPCIS state: named queries,
-- subscriptions, capture jobs (epcisstate.go). Text in byte order (COLLATE "C"), as in 00001.
-- +goose Up
CREATE TABLE IF NOT EXISTS epcis_events (
	seq BIGINT NOT NULL UNIQUE,
	id TEXT COLLATE "C" PRIMARY KEY,
	event_id TEXT COLLATE "C" NOT NULL,
	event_type TEXT COLLATE "C", action TEXT COLLATE "C", biz_step TEXT COLLATE "C", disposition TEXT COLLATE "C", read_point TEXT COLLATE "C", biz_location TEXT COLLATE "C",
	event_time TEXT COLLATE "C", record_time TEXT COLLATE "C", platform TEXT COLLATE "C", block BIGINT,
	doc TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS epcis_events_event_id ON epcis_events(event_id);
CREATE INDEX IF NOT EXISTS epcis_events_time ON epcis_events(event_time, seq);
CREATE INDEX IF NOT EXISTS epcis_events_biz_step ON epcis_events(biz_step, seq);
CREATE INDEX IF NOT EXISTS epcis_events_biz_location ON epcis_events(biz_location, seq);
CREATE INDEX IF NOT EXISTS epcis_events_read_point ON epcis_events(read_point, seq);
CREATE TABLE IF NOT EXISTS epcis_queries (
	name TEXT COLLATE "C" PRIMARY KEY, params TEXT COLLATE "C" NOT NULL, owner TEXT COLLATE "C" NOT NULL, created TEXT COLLATE "C" NOT NULL
);
CREATE TABLE IF NOT EXISTS epcis_subscriptions (
	id TEXT COLLATE "C" PRIMARY KEY, query_name TEXT COLLATE "C" NOT NULL, dest TEXT COLLATE "C" NOT NULL, secret TEXT COLLATE "C" NOT NULL, owner TEXT COLLATE "C" NOT NULL,
	created TEXT COLLATE "C" NOT NULL, last_seq BIGINT NOT NULL, last_block BIGINT NOT NULL,
	failures INTEGER NOT NULL DEFAULT 0, last_error TEXT COLLATE "C" NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS epcis_subscriptions_query ON epcis_subscriptions(query_name);
CREATE TABLE IF NOT EXISTS epcis_capture_jobs (
	id TEXT COLLATE "C" PRIMARY KEY, owner TEXT COLLATE "C" NOT NULL, created TEXT COLLATE "C" NOT NULL, doc TEXT NOT NULL
);

-- +goose Down
DROP TABLE epcis_capture_jobs;
DROP TABLE epcis_subscriptions;
DROP TABLE epcis_queries;
DROP TABLE epcis_events;
