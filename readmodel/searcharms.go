package readmodel

import (
	"context"
	"strconv"
	"strings"
)

// cond is one SQL condition with its arguments.
type cond struct {
	sql  string
	args []any
}

// arms are the parts of a batch search that each read one short index range in ID order — one
// region, one product key, one product name — with at most a page of IDs each; the page is the
// first IDs of their union. Paging through batches by ID and testing each against a region or
// product condition read every batch before the first match when the match was rare (one flour lot
// in 2,300 batches, a county far down the ID order): hundreds of milliseconds at 4×10⁵ events.
type arms struct {
	sql  []string
	args []any
}

// maxArms bounds the index ranges of one search (SQLite allows 500 terms in a compound SELECT);
// a region prefix or a product name matching more values is searched the old way. A variable so
// that a test can compare both plans.
var maxArms = 400

// batchArms returns the arms of a batch search by region (its counties) or else by product (its
// key and the names containing the term), each arm also holding the other conditions; nil when
// the search has neither or has too many values to split on.
func (s *Store) batchArms(ctx context.Context, f Filter, product, others cond, after string, page int) (*arms, error) {
	var a arms
	// by is the column the arm's index delivers in ID order: the range starts after the cursor
	add := func(from, on, by string, v any, extra ...cond) {
		q := `SELECT ` + by + ` AS id FROM ` + from + ` WHERE ` + on
		a.args = append(a.args, v)
		if after != "" {
			extra = append(extra, cond{by + ` > ?`, []any{after}})
		}
		for _, c := range append(extra, others) {
			if c.sql != "" {
				q += ` AND ` + c.sql
				a.args = append(a.args, c.args...)
			}
		}
		a.sql = append(a.sql, `SELECT id FROM (`+q+` ORDER BY `+by+` LIMIT ?) a`+strconv.Itoa(len(a.sql)))
		a.args = append(a.args, page)
	}
	switch {
	case f.Region != "":
		lo, hi, ok := prefixRange(f.Region)
		if !ok {
			return nil, nil
		}
		regions, err := s.distinct(ctx, "batch_regions", "region", lo, hi, "")
		if err != nil || regions == nil {
			return nil, err
		}
		for _, r := range regions {
			add(`batch_regions br JOIN batches b ON b.id = br.batch`, `br.region = ?`, `br.batch`, r, product)
		}
	case f.Product != "":
		names, err := s.distinct(ctx, "batches", "product_name", "", "", "%"+strings.TrimSuffix(likePrefix(f.Product), "%")+"%")
		if err != nil || names == nil {
			return nil, err
		}
		add(`batches b`, `b.product_key = ?`, `b.id`, f.Product)
		for _, n := range names {
			add(`batches b`, `b.product_name = ?`, `b.id`, n)
		}
	default:
		return nil, nil
	}
	return &a, nil
}

// distinct lists the distinct values of an indexed column in [lo, hi) (hi "" for no bound) that
// match the LIKE pattern like (if given), one index seek per value (a loose index scan, which
// neither SQLite nor PostgreSQL does by itself); nil when there are more than maxArms values in
// the range.
func (s *Store) distinct(ctx context.Context, table, col, lo, hi, like string) ([]string, error) {
	bound, hiArgs := "", []any{}
	if hi != "" {
		bound, hiArgs = ` AND `+col+` < ?`, []any{hi}
	}
	test, likeArgs := `1 = 1`, []any{}
	if like != "" {
		test, likeArgs = `v `+s.d.ilike+` ? ESCAPE '\'`, []any{like}
	}
	q := `WITH RECURSIVE r(v, n) AS (
		SELECT MIN(` + col + `), 1 FROM ` + table + ` WHERE ` + col + ` >= ?` + bound + `
		UNION ALL
		SELECT (SELECT MIN(` + col + `) FROM ` + table + ` WHERE ` + col + ` > r.v` + bound + `), r.n + 1 FROM r WHERE r.v IS NOT NULL AND r.n <= ?
	) SELECT v, CASE WHEN ` + test + ` THEN 1 ELSE 0 END FROM r WHERE v IS NOT NULL`
	args := append(append(append(append([]any{lo}, hiArgs...), hiArgs...), maxArms), likeArgs...)
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	seen := 0
	for rows.Next() {
		var v string
		var match int
		if err := rows.Scan(&v, &match); err != nil {
			return nil, err
		}
		seen++
		if match == 1 {
			out = append(out, v)
		}
	}
	if seen > maxArms {
		return nil, rows.Err()
	}
	return out, rows.Err()
}

// prefixRange is the range [lo, hi) of the strings starting with an ASCII prefix p.
func prefixRange(p string) (string, string, bool) {
	for i := 0; i < len(p); i++ {
		if p[i] >= 0x7f {
			return "", "", false
		}
	}
	return p, p[:len(p)-1] + string(p[len(p)-1]+1), true
}
