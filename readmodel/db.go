package readmodel

import (
	"context"
	"database/sql"
)

// db is database/sql speaking the store's dialect: every method taking a query rebinds it, so the
// package's queries are written once with `?`.
type db struct {
	*sql.DB
	d *dialect
}

func (x db) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return x.DB.PrepareContext(ctx, x.d.rebind(q))
}

func (x db) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return x.DB.ExecContext(ctx, x.d.rebind(q), args...)
}

func (x db) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return x.DB.QueryContext(ctx, x.d.rebind(q), args...)
}

func (x db) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return x.DB.QueryRowContext(ctx, x.d.rebind(q), args...)
}

func (x db) BeginTx(ctx context.Context, opts *sql.TxOptions) (*tx, error) {
	t, err := x.DB.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &tx{t, x.d}, nil
}

// Exec, Query, QueryRow and Prepare without a context are shadowed so that none bypasses rebind.
func (x db) Exec(q string, args ...any) (sql.Result, error) {
	return x.ExecContext(context.Background(), q, args...)
}

func (x db) Query(q string, args ...any) (*sql.Rows, error) {
	return x.QueryContext(context.Background(), q, args...)
}

func (x db) QueryRow(q string, args ...any) *sql.Row {
	return x.QueryRowContext(context.Background(), q, args...)
}

func (x db) Prepare(q string) (*sql.Stmt, error) { return x.PrepareContext(context.Background(), q) }

// tx is a transaction speaking the store's dialect.
type tx struct {
	*sql.Tx
	d *dialect
}

func (x *tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return x.Tx.ExecContext(ctx, x.d.rebind(q), args...)
}

func (x *tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return x.Tx.QueryContext(ctx, x.d.rebind(q), args...)
}

func (x *tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return x.Tx.QueryRowContext(ctx, x.d.rebind(q), args...)
}

func (x *tx) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return x.Tx.PrepareContext(ctx, x.d.rebind(q))
}
