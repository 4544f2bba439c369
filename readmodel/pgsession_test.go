package readmodel

import (
	"testing"

	"github.com/agritrace/agritrace/internal/pgcluster/pgtest"
)

// The read model's PostgreSQL connections run without JIT (its compile time dwarfed the lineage
// walks at 10⁷ events), whatever the server's default, unless the operator's URL asks for it.
func TestPostgresSessionJIT(t *testing.T) {
	base := pgtest.URL(t)
	for _, c := range []struct {
		name, query, want string
	}{
		{"URL asks for JIT", "&jit=on", "on"},
		{"default", "", "off"},
		{"server JIT threshold at zero", "&jit_above_cost=0", "off"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := open(t, base+c.query)
			var got string
			if err := s.DB().QueryRowContext(t.Context(), "SHOW jit").Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("jit with URL query %q: %s, want %s", c.query, got, c.want)
			}
		})
	}
}
