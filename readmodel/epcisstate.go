package readmodel

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// The gateway's own EPCIS state (tables in migrations/*/00003_epcis.sql): named queries, their
// webhook subscriptions (with the commit position delivered so far, so delivery resumes after a
// restart) and capture jobs. Unlike the tables above it is not derived from blocks; an audit does
// not compare it.

// ErrExists is returned when creating something whose name is taken.
var ErrExists = errors.New("already exists")

// NamedQuery is a stored EPCIS query: its parameters as a URL query string.
type NamedQuery struct {
	Name    string `json:"name"`
	Params  string `json:"query"`
	Owner   string `json:"-"`
	Created string `json:"createdAt"`
}

// PutQuery stores a named query; a taken name is ErrExists.
func (s *Store) PutQuery(ctx context.Context, q NamedQuery) error {
	res, err := s.db.ExecContext(ctx, `INSERT INTO epcis_queries (name, params, owner, created) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		q.Name, q.Params, q.Owner, q.Created)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("query %s: %w", q.Name, ErrExists)
	}
	return nil
}

// Query returns a named query.
func (s *Store) Query(ctx context.Context, name string) (NamedQuery, error) {
	q := NamedQuery{Name: name}
	err := s.db.QueryRowContext(ctx, `SELECT params, owner, created FROM epcis_queries WHERE name = ?`, name).Scan(&q.Params, &q.Owner, &q.Created)
	if errors.Is(err, sql.ErrNoRows) {
		return q, fmt.Errorf("query %s: %w", name, ErrNotFound)
	}
	return q, err
}

// Queries lists the named queries by name.
func (s *Store) Queries(ctx context.Context) ([]NamedQuery, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, params, owner, created FROM epcis_queries ORDER BY name LIMIT 1000`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []NamedQuery{}
	for rows.Next() {
		var q NamedQuery
		if err := rows.Scan(&q.Name, &q.Params, &q.Owner, &q.Created); err != nil {
			return nil, err
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// DeleteQuery removes a named query and its subscriptions.
func (s *Store) DeleteQuery(ctx context.Context, name string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck
	res, err := tx.ExecContext(ctx, `DELETE FROM epcis_queries WHERE name = ?`, name)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("query %s: %w", name, ErrNotFound)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM epcis_subscriptions WHERE query_name = ?`, name); err != nil {
		return err
	}
	return tx.Commit()
}

// Subscription is a webhook on a named query. LastSeq/LastBlock is what has been delivered.
type Subscription struct {
	ID        string `json:"subscriptionID"`
	Query     string `json:"queryName"`
	Dest      string `json:"dest"`
	Secret    string `json:"-"`
	Owner     string `json:"-"`
	Created   string `json:"createdAt"`
	LastSeq   int64  `json:"-"`
	LastBlock uint64 `json:"lastDeliveredBlock"`
	Failures  int    `json:"failures"`
	LastError string `json:"lastError,omitempty"`
	Suspended bool   `json:"suspended,omitempty"` // set by the gateway: too many failures in a row
	// EPCFormat is the GS1-EPC-Format its deliveries are written in ("" = as captured).
	EPCFormat string `json:"epcFormat,omitempty"`
}

const subCols = `id, query_name, dest, secret, owner, created, last_seq, last_block, failures, last_error, epc_format`

func scanSub(sc interface{ Scan(...any) error }) (Subscription, error) {
	var x Subscription
	err := sc.Scan(&x.ID, &x.Query, &x.Dest, &x.Secret, &x.Owner, &x.Created, &x.LastSeq, &x.LastBlock, &x.Failures, &x.LastError, &x.EPCFormat)
	return x, err
}

// AddSubscription stores a subscription.
func (s *Store) AddSubscription(ctx context.Context, x Subscription) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO epcis_subscriptions (`+subCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, '', ?)`,
		x.ID, x.Query, x.Dest, x.Secret, x.Owner, x.Created, x.LastSeq, x.LastBlock, x.EPCFormat)
	return err
}

// Subscriptions lists the subscriptions of a named query, or all when query is "".
func (s *Store) Subscriptions(ctx context.Context, query string) ([]Subscription, error) {
	q, args := `SELECT `+subCols+` FROM epcis_subscriptions ORDER BY created, id`, []any{}
	if query != "" {
		q, args = `SELECT `+subCols+` FROM epcis_subscriptions WHERE query_name = ? ORDER BY created, id`, []any{query}
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Subscription{}
	for rows.Next() {
		x, err := scanSub(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Subscription returns one subscription of a query.
func (s *Store) Subscription(ctx context.Context, query, id string) (Subscription, error) {
	x, err := scanSub(s.db.QueryRowContext(ctx, `SELECT `+subCols+` FROM epcis_subscriptions WHERE query_name = ? AND id = ?`, query, id))
	if errors.Is(err, sql.ErrNoRows) {
		return x, fmt.Errorf("subscription %s: %w", id, ErrNotFound)
	}
	return x, err
}

// DeleteSubscription removes one subscription.
func (s *Store) DeleteSubscription(ctx context.Context, query, id string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM epcis_subscriptions WHERE query_name = ? AND id = ?`, query, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("subscription %s: %w", id, ErrNotFound)
	}
	return nil
}

// Delivered moves a subscription's checkpoint past an event that its receiver acknowledged.
func (s *Store) Delivered(ctx context.Context, id string, seq int64, block uint64) error {
	_, err := s.db.ExecContext(ctx, `UPDATE epcis_subscriptions SET last_seq = ?, last_block = ?, failures = 0, last_error = '' WHERE id = ? AND last_seq < ?`,
		seq, block, id, seq)
	return err
}

// DeliveryFailed records a failed attempt (the backoff grows with failures).
func (s *Store) DeliveryFailed(ctx context.Context, id, reason string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE epcis_subscriptions SET failures = failures + 1, last_error = ? WHERE id = ?`, reason, id)
	return err
}

// CaptureJob is the state of one EPCIS capture (the binding's capture job resource).
type CaptureJob struct {
	ID         string            `json:"captureID"`
	Owner      string            `json:"-"`
	CreatedAt  string            `json:"createdAt"`
	FinishedAt string            `json:"finishedAt,omitempty"`
	Running    bool              `json:"running"`
	Success    bool              `json:"success"`
	Behaviour  string            `json:"captureErrorBehaviour"`
	Events     int               `json:"eventCount"`
	Errors     []json.RawMessage `json:"errors"`
	Results    json.RawMessage   `json:"results,omitempty"`
}

// PutJob creates or replaces a capture job.
func (s *Store) PutJob(ctx context.Context, j CaptureJob) error {
	doc, err := json.Marshal(j)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO epcis_capture_jobs (id, owner, created, doc) VALUES (?, ?, ?, ?)
		ON CONFLICT(id) DO UPDATE SET doc = excluded.doc`, j.ID, j.Owner, j.CreatedAt, string(doc))
	return err
}

// Job returns a capture job.
func (s *Store) Job(ctx context.Context, id string) (CaptureJob, error) {
	var j CaptureJob
	var doc string
	err := s.db.QueryRowContext(ctx, `SELECT owner, doc FROM epcis_capture_jobs WHERE id = ?`, id).Scan(&j.Owner, &doc)
	if errors.Is(err, sql.ErrNoRows) {
		return j, fmt.Errorf("capture job %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return j, err
	}
	owner := j.Owner
	err = json.Unmarshal([]byte(doc), &j)
	j.Owner = owner
	return j, err
}

// Jobs lists an owner's capture jobs, newest first.
func (s *Store) Jobs(ctx context.Context, owner string, limit int) ([]CaptureJob, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT doc FROM epcis_capture_jobs WHERE owner = ? ORDER BY created DESC, id DESC LIMIT ?`, owner, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []CaptureJob{}
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		var j CaptureJob
		if err := json.Unmarshal([]byte(doc), &j); err != nil {
			return nil, err
		}
		j.Owner = owner
		out = append(out, j)
	}
	return out, rows.Err()
}

// JobTime is how job timestamps are written.
func JobTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
