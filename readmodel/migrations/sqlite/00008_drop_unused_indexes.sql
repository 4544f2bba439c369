-- Indexes no query reads, dropped: every row applied paid for them. A batch search by enterprise
-- tests custodian OR owner OR the names in the document, and an event search actor OR the name,
-- so neither can use an index on custodian or actor; nothing filters batches by their own region
-- column (searches go through batch_regions). Checked with EXPLAIN on both stores (PostgreSQL with
-- sequential scans disabled): neither search used them.
-- +goose Up
DROP INDEX IF EXISTS batches_region;
DROP INDEX IF EXISTS batches_custodian;
DROP INDEX IF EXISTS events_actor;

-- +goose Down
CREATE INDEX events_actor ON events(actor);
CREATE INDEX batches_custodian ON batches(custodian);
CREATE INDEX batches_region ON batches(region);
