-- Regions a batch's raw material grew in, reserve grain (reserve.go) and market monitoring
-- (market.go). IF NOT EXISTS: read models that created these tables before migrations were
-- versioned are adopted as they are.
-- +goose Up
-- where a batch's raw material grew: its own origin, or every origin of its parents, so flour and
-- noodles are found by the region of the wheat they were made from
CREATE TABLE IF NOT EXISTS batch_regions (
	batch TEXT NOT NULL, region TEXT NOT NULL,
	PRIMARY KEY (batch, region)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS batch_regions_region ON batch_regions(region);
CREATE TABLE IF NOT EXISTS reserve_granaries (
	id TEXT PRIMARY KEY, doc TEXT NOT NULL, name TEXT, platform TEXT, region TEXT, type TEXT, block BIGINT
);
CREATE INDEX IF NOT EXISTS reserve_granaries_platform ON reserve_granaries(platform);
CREATE TABLE IF NOT EXISTS reserve_lots (
	lot TEXT PRIMARY KEY, granary TEXT NOT NULL, bin TEXT NOT NULL, grain TEXT, harvest_year INTEGER,
	category TEXT, authority TEXT, tonnes DOUBLE PRECISION, first_in TEXT, platform TEXT, block BIGINT
);
CREATE INDEX IF NOT EXISTS reserve_lots_granary ON reserve_lots(granary, bin);
CREATE TABLE IF NOT EXISTS reserve_movements (
	id TEXT PRIMARY KEY, doc TEXT NOT NULL, granary TEXT, bin TEXT, kind TEXT, at TEXT, batch TEXT, block BIGINT
);
CREATE INDEX IF NOT EXISTS reserve_movements_granary ON reserve_movements(granary, at);
CREATE TABLE IF NOT EXISTS reserve_checks (
	id TEXT PRIMARY KEY, doc TEXT NOT NULL, granary TEXT, bin TEXT, at TEXT, method TEXT, counted DOUBLE PRECISION, block BIGINT
);
CREATE TABLE IF NOT EXISTS reserve_check_lots (
	check_id TEXT NOT NULL, lot TEXT NOT NULL, grain TEXT, harvest_year INTEGER, category TEXT, tonnes DOUBLE PRECISION, first_in TEXT,
	PRIMARY KEY (check_id, lot)
);
CREATE INDEX IF NOT EXISTS reserve_checks_granary ON reserve_checks(granary, bin, at);
CREATE TABLE IF NOT EXISTS reserve_quality (
	id TEXT PRIMARY KEY, doc TEXT NOT NULL, granary TEXT, bin TEXT, at TEXT, block BIGINT
);
CREATE TABLE IF NOT EXISTS reserve_closures (
	alert TEXT PRIMARY KEY, doc TEXT NOT NULL, block BIGINT
);
CREATE TABLE IF NOT EXISTS reserve_alerts (
	id TEXT PRIMARY KEY, kind TEXT NOT NULL, doc TEXT NOT NULL, granary TEXT, platform TEXT, region TEXT, since TEXT, raised_at TEXT
);
CREATE INDEX IF NOT EXISTS reserve_alerts_granary ON reserve_alerts(granary);
CREATE TABLE IF NOT EXISTS market_cells (
	platform TEXT NOT NULL, region TEXT NOT NULL, grain TEXT NOT NULL, week TEXT NOT NULL,
	doc TEXT NOT NULL, publication TEXT, block BIGINT,
	PRIMARY KEY (platform, region, grain, week)
);
CREATE TABLE IF NOT EXISTS market_suppressed (
	platform TEXT NOT NULL, region TEXT NOT NULL, grain TEXT NOT NULL, week TEXT NOT NULL, publication TEXT,
	PRIMARY KEY (platform, region, grain, week)
);

-- +goose Down
DROP TABLE market_suppressed;
DROP TABLE market_cells;
DROP TABLE reserve_alerts;
DROP TABLE reserve_closures;
DROP TABLE reserve_quality;
DROP TABLE reserve_check_lots;
DROP TABLE reserve_checks;
DROP TABLE reserve_movements;
DROP TABLE reserve_lots;
DROP TABLE reserve_granaries;
DROP TABLE batch_regions;
