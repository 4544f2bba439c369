package ledger

import (
	"net/http"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/domain"
)

// TestCommittedPrivateTerms: a deal inside one platform records its public event with only the
// hash of terms committed beforehand to that platform's collection; the ledger accepts the event
// only when the collection holds terms with exactly that hash.
func TestCommittedPrivateTerms(t *testing.T) {
	terms := domain.Private{Price: 3.62, Currency: "CNY", Salt: strings.Repeat("5a", 16)}
	other := terms
	other.Price = 3.70
	buy := func(id, hash string) domain.Event {
		e := on(ev(id, domain.Purchase, "COOP-1"), "LOT-1")
		e.To = &domain.Party{Enterprise: "COOP-2"}
		e.PrivateHash = hash
		return e
	}
	tests := []struct {
		name      string
		commit    *domain.Private // terms committed to 黑龙江's collection before the event
		committer Caller
		hash      string
		status    int // 0: recorded
		rule      string
	}{
		{"terms committed with that hash", &terms, hlj, domain.PrivateHash(terms), 0, ""},
		{"nothing committed", nil, hlj, domain.PrivateHash(terms), http.StatusConflict, domain.RuleTermsNotCommitted},
		{"other terms committed", &other, hlj, domain.PrivateHash(terms), http.StatusConflict, "private-terms"},
		{"committed by another platform (its own collection)", &terms, ha, domain.PrivateHash(terms), http.StatusConflict, domain.RuleTermsNotCommitted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			w.ok(hlj, produce("p", "LOT-1", 1000))
			if tc.commit != nil {
				if err := CommitPrivateTerms(w.s, tc.committer, "buy", *tc.commit); err != nil {
					t.Fatal(err)
				}
			}
			_, err := w.record(hlj, buy("buy", tc.hash))
			if tc.status == 0 {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			wantRule(t, err, tc.status, tc.rule)
		})
	}
	w := newWorld(t)
	wantRule(t, CommitPrivateTerms(w.s, reg, "x", terms), http.StatusForbidden, "regulator-role")
	unsalted := terms
	unsalted.Salt = ""
	if err := CommitPrivateTerms(w.s, hlj, "x", unsalted); err == nil {
		t.Fatal("unsalted terms committed")
	}
}
