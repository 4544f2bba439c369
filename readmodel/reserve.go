package readmodel

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/reserve"
)

// Reserve grain tables (migrations/*/00002_regions_reserve_market.sql). Written only from reserve
// transactions' chaincode events (lots carry absolute tonnes and an older block never overwrites a
// newer one, so applying an event again changes nothing), except reserve_alerts: alerts the rules
// raised, kept so that an alert stays listed until a closure from the ledger ends it.

func init() {
	writeSQL["rsvGranary"] = `INSERT INTO reserve_granaries (id, doc, name, platform, region, type, block) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, name = excluded.name, platform = excluded.platform,
		region = excluded.region, type = excluded.type, block = excluded.block WHERE reserve_granaries.block <= excluded.block`
	writeSQL["rsvLot"] = `INSERT INTO reserve_lots (lot, granary, bin, grain, harvest_year, category, authority, tonnes, first_in, platform, block)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (lot) DO UPDATE SET tonnes = excluded.tonnes, first_in = excluded.first_in, platform = excluded.platform, block = excluded.block
		WHERE reserve_lots.block <= excluded.block`
	writeSQL["rsvMovement"] = `INSERT INTO reserve_movements (id, doc, granary, bin, kind, at, batch, block) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`
	writeSQL["rsvCheck"] = `INSERT INTO reserve_checks (id, doc, granary, bin, at, method, counted, block) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO NOTHING`
	writeSQL["rsvCheckLot"] = `INSERT INTO reserve_check_lots (check_id, lot, grain, harvest_year, category, tonnes, first_in) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (check_id, lot) DO NOTHING`
	writeSQL["rsvQuality"] = `INSERT INTO reserve_quality (id, doc, granary, bin, at, block) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`
	writeSQL["rsvClosure"] = `INSERT INTO reserve_closures (alert, doc, block) VALUES (?, ?, ?) ON CONFLICT (alert) DO NOTHING`
	writeSQL["mktCell"] = `INSERT INTO market_cells (platform, region, grain, week, doc, publication, block) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (platform, region, grain, week) DO UPDATE SET doc = excluded.doc, publication = excluded.publication, block = excluded.block
		WHERE market_cells.block <= excluded.block`
	writeSQL["mktSuppressed"] = `INSERT INTO market_suppressed (platform, region, grain, week, publication) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (platform, region, grain, week) DO UPDATE SET publication = excluded.publication`
}

// reserveAudit are the reserve and market tables the audit re-derives from the ledger and compares
// (kept alerts are not among them: they come from the rules and the clock, not from the ledger).
// Tonnes are compared as numbers (rowsMap formats them): the fresh read model is SQLite, the live
// one may be PostgreSQL, and CAST(… AS TEXT) prints 4000 as "4000.0" on one and "4000" on the other.
var reserveAudit = []struct{ kind, query string }{
	{"granary", `SELECT id, doc, block FROM reserve_granaries`},
	{"lot", `SELECT lot, tonnes, block FROM reserve_lots`},
	{"lot-first-in", `SELECT lot, COALESCE(first_in, ''), block FROM reserve_lots`},
	{"movement", `SELECT id, doc, block FROM reserve_movements`},
	{"check", `SELECT id, doc, block FROM reserve_checks`},
	{"quality", `SELECT id, doc, block FROM reserve_quality`},
	{"closure", `SELECT alert, doc, block FROM reserve_closures`},
	{"market-cell", `SELECT platform || ' ' || region || ' ' || grain || ' ' || week, doc, block FROM market_cells`},
}

// putReserve applies one reserve transaction's records.
func (w txWriter) putReserve(ctx context.Context, r *domain.ReserveRecorded, block uint64) error {
	for _, g := range r.Granaries {
		doc, _ := json.Marshal(g)
		if _, err := w["rsvGranary"].ExecContext(ctx, g.ID, string(doc), g.Name, g.Platform, g.Region, string(g.Type), block); err != nil {
			return fmt.Errorf("granary %s: %w", g.ID, err)
		}
	}
	for _, l := range r.Lots {
		if _, err := w["rsvLot"].ExecContext(ctx, l.LotKey(), l.Granary, l.Bin, string(l.Grain), l.HarvestYear, string(l.Category),
			string(l.Authority), l.Tonnes, l.FirstIn, l.Platform, block); err != nil {
			return fmt.Errorf("lot %s: %w", l.LotKey(), err)
		}
	}
	for _, m := range r.Movements {
		doc, _ := json.Marshal(m)
		if _, err := w["rsvMovement"].ExecContext(ctx, m.ID, string(doc), m.Granary, m.Bin, string(m.Kind), utc(m.Time), m.Batch, block); err != nil {
			return fmt.Errorf("movement %s: %w", m.ID, err)
		}
	}
	for _, c := range r.Checks {
		doc, _ := json.Marshal(c)
		if _, err := w["rsvCheck"].ExecContext(ctx, c.ID, string(doc), c.Granary, c.Bin, c.Time, string(c.Method), c.CountedTonnes, block); err != nil {
			return fmt.Errorf("check %s: %w", c.ID, err)
		}
		for _, l := range c.Book {
			if _, err := w["rsvCheckLot"].ExecContext(ctx, c.ID, l.LotKey(), string(l.Grain), l.HarvestYear, string(l.Category), l.Tonnes, l.FirstIn); err != nil {
				return fmt.Errorf("book of check %s: %w", c.ID, err)
			}
		}
	}
	for _, q := range r.Quality {
		doc, _ := json.Marshal(q)
		if _, err := w["rsvQuality"].ExecContext(ctx, q.ID, string(doc), q.Granary, q.Bin, utc(q.Time), block); err != nil {
			return fmt.Errorf("quality %s: %w", q.ID, err)
		}
	}
	for _, c := range r.Closures {
		doc, _ := json.Marshal(c)
		if _, err := w["rsvClosure"].ExecContext(ctx, c.Alert, string(doc), block); err != nil {
			return fmt.Errorf("closure of %s: %w", c.Alert, err)
		}
	}
	return w.putMarket(ctx, r.Market, block)
}

func utc(s string) string {
	t, err := domain.ParseEventTime(s)
	if err != nil {
		return s
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func scanDocs[T any](rows *sql.Rows, err error) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		var v T
		if err := json.Unmarshal([]byte(doc), &v); err != nil {
			return nil, fmt.Errorf("decode stored %T: %w", v, err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Granaries lists granaries, of one platform when platform is set.
func (s *Store) Granaries(ctx context.Context, platform string) ([]domain.Granary, error) {
	return scanDocs[domain.Granary](s.db.QueryContext(ctx,
		`SELECT doc FROM reserve_granaries WHERE (? = '' OR platform = ?) ORDER BY region, id`, platform, platform))
}

// Granary returns one granary.
func (s *Store) Granary(ctx context.Context, id string) (*domain.Granary, error) {
	gs, err := scanDocs[domain.Granary](s.db.QueryContext(ctx, `SELECT doc FROM reserve_granaries WHERE id = ?`, id))
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return nil, fmt.Errorf("granary %s: %w", id, ErrNotFound)
	}
	return &gs[0], nil
}

// Lots lists book stock (non-empty lots), of one granary when granary is set, else of one
// platform when platform is set.
func (s *Store) Lots(ctx context.Context, granary, platform string) ([]domain.StockLot, error) {
	return s.scanLots(s.db.QueryContext(ctx, `SELECT granary, bin, grain, harvest_year, category, authority, tonnes, first_in, platform
		FROM reserve_lots WHERE tonnes > 0 AND (? = '' OR granary = ?) AND (? = '' OR platform = ?) ORDER BY granary, bin, harvest_year, grain, category`,
		granary, granary, platform, platform))
}

func (s *Store) scanLots(rows *sql.Rows, err error) ([]domain.StockLot, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.StockLot
	for rows.Next() {
		var l domain.StockLot
		var grain, cat, auth string
		var firstIn, plat sql.NullString
		if err := rows.Scan(&l.Granary, &l.Bin, &grain, &l.HarvestYear, &cat, &auth, &l.Tonnes, &firstIn, &plat); err != nil {
			return nil, err
		}
		l.Grain, l.Category, l.Authority, l.FirstIn, l.Platform = domain.Grain(grain), domain.ReserveCategory(cat), domain.Authority(auth), firstIn.String, plat.String
		out = append(out, l)
	}
	return out, rows.Err()
}

// Movements lists a granary's movements (all granaries' when empty) in time order.
func (s *Store) Movements(ctx context.Context, granary string) ([]domain.StockMovement, error) {
	return scanDocs[domain.StockMovement](s.db.QueryContext(ctx,
		`SELECT doc FROM reserve_movements WHERE (? = '' OR granary = ?) ORDER BY at, id`, granary, granary))
}

// Checks lists stock checks of a granary (all when empty), oldest first.
func (s *Store) Checks(ctx context.Context, granary string) ([]domain.StockCheck, error) {
	return scanDocs[domain.StockCheck](s.db.QueryContext(ctx,
		`SELECT doc FROM reserve_checks WHERE (? = '' OR granary = ?) ORDER BY at, id`, granary, granary))
}

// Quality lists storage-quality results of a granary (all when empty), oldest first.
func (s *Store) Quality(ctx context.Context, granary string) ([]domain.QualityResult, error) {
	return scanDocs[domain.QualityResult](s.db.QueryContext(ctx,
		`SELECT doc FROM reserve_quality WHERE (? = '' OR granary = ?) ORDER BY at, id`, granary, granary))
}

// ReserveFacts loads everything the reserve rules look at. Of the lots, only those the
// storage-age rule can flag: harvested before the grain's cutoff year (reserve.Config.AgeCutoffs).
func (s *Store) ReserveFacts(ctx context.Context, ageCutoffs map[domain.Grain]int) (reserve.Facts, error) {
	f := reserve.Facts{Granaries: map[string]domain.Granary{}}
	gs, err := s.Granaries(ctx, "")
	if err != nil {
		return f, err
	}
	for _, g := range gs {
		f.Granaries[g.ID] = g
	}
	if f.Lots, err = s.lotsHarvestedBefore(ctx, ageCutoffs); err != nil {
		return f, err
	}
	if f.Checks, err = s.CheckBooks(ctx); err != nil {
		return f, err
	}
	if f.Quality, err = s.Quality(ctx, ""); err != nil {
		return f, err
	}
	// only rotations matter to the rules; stores, moves and sales are already in the lots
	f.Movements, err = scanDocs[domain.StockMovement](s.db.QueryContext(ctx,
		`SELECT doc FROM reserve_movements WHERE kind IN ('rotate-out', 'rotate-in') ORDER BY at, id`))
	return f, err
}

// lotsHarvestedBefore lists the non-empty lots of each grain harvested before its cutoff year.
func (s *Store) lotsHarvestedBefore(ctx context.Context, cutoffs map[domain.Grain]int) ([]domain.StockLot, error) {
	if len(cutoffs) == 0 {
		return nil, nil
	}
	grains := make([]string, 0, len(cutoffs))
	for g := range cutoffs {
		grains = append(grains, string(g))
	}
	sort.Strings(grains) // one statement text per configuration, for the statement cache
	var cond []string
	var args []any
	for _, g := range grains {
		cond = append(cond, `(grain = ? AND harvest_year < ?)`)
		args = append(args, g, cutoffs[domain.Grain(g)])
	}
	return s.scanLots(s.db.QueryContext(ctx, `SELECT granary, bin, grain, harvest_year, category, authority, tonnes, first_in, platform
		FROM reserve_lots WHERE tonnes > 0 AND (`+strings.Join(cond, ` OR `)+`)`, args...))
}

// BookTotal is the book stock of one granary in one reserve category.
type BookTotal struct {
	Granary   string
	Category  domain.ReserveCategory
	Authority domain.Authority
	Tonnes    float64
}

// BookTotals sums the book stock per granary and reserve category, of one platform's granaries
// when platform is set.
func (s *Store) BookTotals(ctx context.Context, platform string) ([]BookTotal, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT granary, category, authority, SUM(tonnes) FROM reserve_lots
		WHERE tonnes > 0 AND (? = '' OR platform = ?) GROUP BY granary, category, authority`, platform, platform)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []BookTotal
	for rows.Next() {
		var t BookTotal
		var cat, auth string
		if err := rows.Scan(&t.Granary, &cat, &auth, &t.Tonnes); err != nil {
			return nil, err
		}
		t.Category, t.Authority = domain.ReserveCategory(cat), domain.Authority(auth)
		out = append(out, t)
	}
	return out, rows.Err()
}

// SweepReserveAlerts evaluates the reserve and market rules over the read model as of now and
// keeps every alert raised: one raised once stays listed even when its cause goes away (the grain
// was rotated, a later count agreed), until the regulator's closure on the ledger ends it. It
// returns the facts it evaluated, so a caller that also reports them reads the read model once.
func (s *Store) SweepReserveAlerts(ctx context.Context, cfg reserve.Config, now time.Time) (reserve.Facts, error) {
	f, err := s.ReserveFacts(ctx, cfg.AgeCutoffs(now))
	if err != nil {
		return f, fmt.Errorf("load reserve facts: %w", err)
	}
	alerts := cfg.Evaluate(f, now)
	cells, err := s.MarketCells(ctx)
	if err != nil {
		return f, err
	}
	alerts = append(alerts, cfg.MarketAlerts(cells, reserve.Combine(cells))...)
	return f, s.saveAlerts(ctx, alerts, now)
}

// OpenAlertCounts counts the open alerts of the given kinds per granary, of one platform's
// granaries when platform is set.
func (s *Store) OpenAlertCounts(ctx context.Context, platform string, kinds []string) (map[string]int, error) {
	q := `SELECT a.granary, COUNT(*) FROM reserve_alerts a LEFT JOIN reserve_closures c ON c.alert = a.id
		WHERE c.alert IS NULL AND a.granary <> '' AND (? = '' OR a.platform = ?)`
	args := []any{platform, platform}
	if len(kinds) > 0 {
		q += ` AND a.kind IN (?` + strings.Repeat(`, ?`, len(kinds)-1) + `)`
		for _, k := range kinds {
			args = append(args, k)
		}
	}
	rows, err := s.db.QueryContext(ctx, q+` GROUP BY a.granary`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var g string
		var n int
		if err := rows.Scan(&g, &n); err != nil {
			return nil, err
		}
		out[g] = n
	}
	return out, rows.Err()
}

func (s *Store) saveAlerts(ctx context.Context, alerts []reserve.Alert, now time.Time) error {
	kept := map[string]bool{}
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM reserve_alerts`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		kept[id] = true
	}
	rows.Close()
	raised := now.UTC().Format(time.RFC3339)
	var fresh []any
	for _, a := range alerts {
		if kept[a.ID] {
			continue
		}
		doc, _ := json.Marshal(a)
		fresh = append(fresh, a.ID, string(a.Kind), string(doc), a.Granary, a.Platform, a.Region, a.Since, raised)
	}
	if len(fresh) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck
	// many rows per statement: a first sweep over a national reserve raises thousands of alerts,
	// and one round trip each is most of its time on PostgreSQL
	const cols, perStmt = 8, 500
	for len(fresh) > 0 {
		n := min(len(fresh)/cols, perStmt)
		q := `INSERT INTO reserve_alerts (id, kind, doc, granary, platform, region, since, raised_at) VALUES ` +
			strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?, ?, ?, ?, ?), `, n), ", ") + ` ON CONFLICT (id) DO NOTHING`
		if _, err := tx.ExecContext(ctx, q, fresh[:n*cols]...); err != nil {
			return fmt.Errorf("keep %d alerts from %v: %w", n, fresh[0], err)
		}
		fresh = fresh[n*cols:]
	}
	return tx.Commit()
}

// AlertFilter selects alerts.
type AlertFilter struct {
	Platform string   // only alerts of this platform's granaries (and market-wide ones when Market)
	Granary  string   // only this granary's
	Kinds    []string // only these kinds
	Open     bool     // only alerts not closed
}

// Alerts lists kept alerts with their closure, newest first.
func (s *Store) Alerts(ctx context.Context, f AlertFilter) ([]reserve.Alert, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT a.doc, a.raised_at, c.doc FROM reserve_alerts a LEFT JOIN reserve_closures c ON c.alert = a.id
		WHERE (? = '' OR a.platform = ? OR a.platform = '') AND (? = '' OR a.granary = ?) ORDER BY a.since DESC, a.id`,
		f.Platform, f.Platform, f.Granary, f.Granary)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	kinds := map[string]bool{}
	for _, k := range f.Kinds {
		kinds[k] = true
	}
	var out []reserve.Alert
	for rows.Next() {
		var doc, raised string
		var closure sql.NullString
		if err := rows.Scan(&doc, &raised, &closure); err != nil {
			return nil, err
		}
		var a reserve.Alert
		if err := json.Unmarshal([]byte(doc), &a); err != nil {
			return nil, fmt.Errorf("decode alert: %w", err)
		}
		if len(kinds) > 0 && !kinds[string(a.Kind)] {
			continue
		}
		if f.Platform != "" && a.Platform == "" && a.Granary != "" {
			continue
		}
		a.Raised = raised
		if closure.Valid {
			var c domain.AlertClosure
			if err := json.Unmarshal([]byte(closure.String), &c); err == nil {
				a.Closed = &c
			}
		}
		if f.Open && a.Closed != nil {
			continue
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Alert returns one kept alert.
func (s *Store) Alert(ctx context.Context, id string) (*reserve.Alert, error) {
	var doc string
	err := s.db.QueryRowContext(ctx, `SELECT doc FROM reserve_alerts WHERE id = ?`, id).Scan(&doc)
	if err == sql.ErrNoRows {
		return nil, fmt.Errorf("alert %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	var a reserve.Alert
	return &a, json.Unmarshal([]byte(doc), &a)
}
