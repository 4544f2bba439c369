package readmodel

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/pressly/goose/v3"
)

// dialect is what differs between the two stores. Everything else — every query — is written
// once, with `?` placeholders, in SQL both SQLite and PostgreSQL accept.
type dialect struct {
	name  string // "sqlite" or "postgres": the migrations directory too
	goose goose.Dialect
	// dollar: placeholders are $1, $2, … (PostgreSQL), rebound from `?` when a statement is prepared
	dollar bool
	// ilike is the operator matching like SQLite's LIKE (case-insensitive for ASCII)
	ilike string
	// notify, if set, is run inside every write transaction so other replicas learn of the new
	// checkpoint on commit; its one argument is the block
	notify  string
	rebinds sync.Map // query → rebound query
}

var (
	sqliteDialect   = &dialect{name: "sqlite", goose: goose.DialectSQLite3, ilike: "LIKE"}
	postgresDialect = &dialect{name: "postgres", goose: goose.DialectPostgres, dollar: true, ilike: "ILIKE",
		notify: `SELECT pg_notify('` + checkpointChannel + `', CAST(? AS TEXT))`}
)

// checkpointChannel is the PostgreSQL NOTIFY channel announcing checkpoint moves.
const checkpointChannel = "agritrace_readmodel_checkpoint"

// IsPostgres tells whether a --db target names a PostgreSQL database rather than a SQLite file.
func IsPostgres(target string) bool {
	return strings.HasPrefix(target, "postgres://") || strings.HasPrefix(target, "postgresql://")
}

// jsonText extracts a text value at path (object keys, or array indexes as decimal strings) from
// a column holding a JSON document. The document is kept as text in both stores so that audit
// comparisons see byte-identical documents.
func (d *dialect) jsonText(col string, path ...string) string {
	if d.dollar {
		return fmt.Sprintf("(CAST(%s AS jsonb) #>> '{%s}')", col, strings.Join(path, ","))
	}
	var p strings.Builder
	p.WriteString("$")
	for _, k := range path {
		if _, err := strconv.Atoi(k); err == nil {
			p.WriteString("[" + k + "]")
		} else {
			p.WriteString("." + k)
		}
	}
	return fmt.Sprintf("json_extract(%s, '%s')", col, p.String())
}

// rebind turns `?` placeholders into $1, $2, … for PostgreSQL, leaving quoted text and
// identifiers alone (sqlx.Rebind does not skip them: a '?' in a literal would become a parameter).
func (d *dialect) rebind(q string) string {
	if !d.dollar || !strings.Contains(q, "?") {
		return q
	}
	if r, ok := d.rebinds.Load(q); ok {
		return r.(string)
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0 // a doubled quote closes and reopens: same result
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	r := b.String()
	d.rebinds.Store(q, r)
	return r
}

// chinaDay is the calendar day (YYYY-MM-DD) in China (UTC+8, no daylight saving) of a column
// holding an RFC 3339 UTC time.
func (d *dialect) chinaDay(col string) string {
	if d.dollar {
		return fmt.Sprintf("to_char(CAST(%s AS timestamptz) AT TIME ZONE 'UTC' + interval '8 hours', 'YYYY-MM-DD')", col)
	}
	return fmt.Sprintf("date(%s, '+8 hours')", col)
}
