-- The GS1-EPC-Format a webhook subscription asked for when it was made: its deliveries write
-- identifiers so ('' = as captured).
-- +goose Up
ALTER TABLE epcis_subscriptions ADD COLUMN epc_format TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE epcis_subscriptions DROP COLUMN epc_format;
