package readmodel

import (
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// postgresSession are settings every read-model connection to PostgreSQL starts with, unless the
// URL sets them itself (`?jit=on` keeps JIT).
//
// jit: the generic plan of a downward lineage walk (prepared, so planned once for any lot) expects
// the average lot's children, ~700 at 10⁷ events because flour lots split into thousands, and
// ~1.8×10⁷ rows for the recursion, a cost of ~2×10⁶, over jit_optimize_above_cost. PostgreSQL then
// compiled and optimised the query with LLVM on every execution: ~120–130 ms of JIT for a walk that
// read 4 cached pages in 0.04 ms, measured with auto_explain at 10⁷ events. Every query of the read
// model is a short index walk that JIT cannot speed up.
var postgresSession = map[string]string{"jit": "off"}

// openPostgres opens a pool of connections to the database at url with postgresSession applied.
func openPostgres(url string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse PostgreSQL URL: %w", err)
	}
	for k, v := range postgresSession {
		if _, set := cfg.RuntimeParams[k]; !set {
			cfg.RuntimeParams[k] = v
		}
	}
	return stdlib.OpenDB(*cfg), nil
}
