package main

import (
	"os"
	"path/filepath"

	"github.com/agritrace/agritrace/readmodel"
)

// openReadModel opens the gateway's read model: a SQLite file (its directory created) or, for a
// postgres:// URL, a PostgreSQL database that several replicas of one org's gateway share — the
// follower then writes only while this replica holds the writer lock (see readmodel.Follower.Run).
func openReadModel(target string) (*readmodel.Store, error) {
	if !readmodel.IsPostgres(target) && target != ":memory:" {
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return nil, err
		}
	}
	return readmodel.Open(target)
}
