package readmodel

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

// migrations holds the schema as versioned SQL, one directory per dialect. A change to the schema
// is a new numbered file in both directories; applied versions are recorded in goose_db_version.
//
//go:embed migrations
var migrations embed.FS

// migrateLockID is the advisory lock under which PostgreSQL migrations run, so that replicas
// starting together migrate once.
const migrateLockID = 0x61677269_00000001 // "agri", 1

// migrate brings the schema up to the newest version.
func migrate(ctx context.Context, x db) error {
	fsys, err := fs.Sub(migrations, "migrations/"+x.d.name)
	if err != nil {
		return err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if x.d.dollar {
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(migrateLockID), lock.WithLockTimeout(1, 300))
		if err != nil {
			return err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(x.d.goose, x.DB, fsys, opts...)
	if err != nil {
		return fmt.Errorf("read model migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate read model schema: %w", err)
	}
	return nil
}
