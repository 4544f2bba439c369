-- Indexes for the reserve reads every granary list makes (reserve.go, reserve_checks.go): the
-- stock checks of blocks not read before, and the lots the storage-age rule can flag (a grain
-- harvested before its cutoff year).
-- +goose Up
CREATE INDEX IF NOT EXISTS reserve_checks_block ON reserve_checks(block);
CREATE INDEX IF NOT EXISTS reserve_lots_grain_year ON reserve_lots(grain, harvest_year);

-- +goose Down
DROP INDEX reserve_lots_grain_year;
DROP INDEX reserve_checks_block;
