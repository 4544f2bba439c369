-- Regions a batch's raw material grew in, reserve grain (reserve.go) and market monitoring
-- (market.go). Text in byte order (COLLATE "C"), as in 00001; documents stay plain text.
-- +goose Up
-- where a batch's raw material grew: its own origin, or every origin of its parents, so flour and
-- noodles are found by the region of the wheat they were made from
CREATE TABLE IF NOT EXISTS batch_regions (
	batch TEXT COLLATE "C" NOT NULL, region TEXT COLLATE "C" NOT NULL,
	PRIMARY KEY (batch, region)
);
CREATE INDEX IF NOT EXISTS batch_regions_region ON batch_regions(region);
CREATE TABLE IF NOT EXISTS reserve_granaries (
	id TEXT COLLATE "C" PRIMARY KEY, doc TEXT NOT NULL, name TEXT COLLATE "C", platform TEXT COLLATE "C", region TEXT COLLATE "C", type TEXT COLLATE "C", block BIGINT
);
CREATE INDEX IF NOT EXISTS reserve_granaries_platform ON reserve_granaries(platform);
CREATE TABLE IF NOT EXISTS reserve_lots (
	lot TEXT COLLATE "C" PRIMARY KEY, granary TEXT COLLATE "C" NOT NULL, bin TEXT COLLATE "C" NOT NULL, grain TEXT COLLATE "C", harvest_year INTEGER,
	category TEXT COLLATE "C", authority TEXT COLLATE "C", tonnes DOUBLE PRECISION, first_in TEXT COLLATE "C", platform TEXT COLLATE "C", block BIGINT
);
CREATE INDEX IF NOT EXISTS reserve_lots_granary ON reserve_lots(granary, bin);
CREATE TABLE IF NOT EXISTS reserve_movements (
	id TEXT COLLATE "C" PRIMARY KEY, doc TEXT NOT NULL, granary TEXT COLLATE "C", bin TEXT COLLATE "C", kind TEXT COLLATE "C", at TEXT COLLATE "C", batch TEXT COLLATE "C", block BIGINT
);
CREATE INDEX IF NOT EXISTS reserve_movements_granary ON reserve_movements(granary, at);
CREATE TABLE IF NOT EXISTS reserve_checks (
	id TEXT COLLATE "C" PRIMARY KEY, doc TEXT NOT NULL, granary TEXT COLLATE "C", bin TEXT COLLATE "C", at TEXT COLLATE "C", method TEXT COLLATE "C", counted DOUBLE PRECISION, block BIGINT
);
CREATE TABLE IF NOT EXISTS reserve_check_lots (
	check_id TEXT COLLATE "C" NOT NULL, lot TEXT COLLATE "C" NOT NULL, grain TEXT COLLATE "C", harvest_year INTEGER, category TEXT COLLATE "C", tonnes DOUBLE PRECISION, first_in TEXT COLLATE "C",
	PRIMARY KEY (check_id, lot)
);
CREATE INDEX IF NOT EXISTS reserve_checks_granary ON reserve_checks(granary, bin, at);
CREATE TABLE IF NOT EXISTS reserve_quality (
	id TEXT COLLATE "C" PRIMARY KEY, doc TEXT NOT NULL, granary TEXT COLLATE "C", bin TEXT COLLATE "C", at TEXT COLLATE "C", block BIGINT
);
CREATE TABLE IF NOT EXISTS reserve_closures (
	alert TEXT COLLATE "C" PRIMARY KEY, doc TEXT NOT NULL, block BIGINT
);
CREATE TABLE IF NOT EXISTS reserve_alerts (
	id TEXT COLLATE "C" PRIMARY KEY, kind TEXT COLLATE "C" NOT NULL, doc TEXT NOT NULL, granary TEXT COLLATE "C", platform TEXT COLLATE "C", region TEXT COLLATE "C", since TEXT COLLATE "C", raised_at TEXT COLLATE "C"
);
CREATE INDEX IF NOT EXISTS reserve_alerts_granary ON reserve_alerts(granary);
CREATE TABLE IF NOT EXISTS market_cells (
	platform TEXT COLLATE "C" NOT NULL, region TEXT COLLATE "C" NOT NULL, grain TEXT COLLATE "C" NOT NULL, week TEXT COLLATE "C" NOT NULL,
	doc TEXT NOT NULL, publication TEXT COLLATE "C", block BIGINT,
	PRIMARY KEY (platform, region, grain, week)
);
CREATE TABLE IF NOT EXISTS market_suppressed (
	platform TEXT COLLATE "C" NOT NULL, region TEXT COLLATE "C" NOT NULL, grain TEXT COLLATE "C" NOT NULL, week TEXT COLLATE "C" NOT NULL, publication TEXT COLLATE "C",
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
