-- Indexes that deliver batches in ID order within one product key, one product name or one
-- region (search.go pages through batches by ID): a search over a region prefix or a product is
-- then a handful of short index ranges, one per region or name, instead of a scan of every batch.
-- +goose Up
DROP INDEX IF EXISTS batches_product;
CREATE INDEX IF NOT EXISTS batches_product_id ON batches(product_key, id);
CREATE INDEX IF NOT EXISTS batches_product_name_id ON batches(product_name, id);
DROP INDEX IF EXISTS batch_regions_region;
CREATE INDEX IF NOT EXISTS batch_regions_region_batch ON batch_regions(region, batch);

-- +goose Down
DROP INDEX batch_regions_region_batch;
CREATE INDEX batch_regions_region ON batch_regions(region);
DROP INDEX batches_product_name_id;
DROP INDEX batches_product_id;
CREATE INDEX batches_product ON batches(product_key);
