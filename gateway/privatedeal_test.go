package gateway_test

import (
	"context"
	"io"
	"slices"
	"sync"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/fabric"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/internal/memgateway"
	"github.com/agritrace/agritrace/internal/memledger"
	"github.com/agritrace/agritrace/seeds"
)

// spyLedger records who would endorse each transaction that carries private terms.
type spyLedger struct {
	*memledger.Ledger
	mu        sync.Mutex
	withTerms map[string][]string // event ID → endorsing orgs of the transaction carrying its terms
	committed map[string]string   // event ID → org that committed its terms alone
}

func (s *spyLedger) Record(ctx context.Context, org string, events []domain.Event, private map[string]domain.Private, endorsers []string) ([]domain.RecordResult, fabric.Committed, error) {
	s.mu.Lock()
	for id := range private {
		s.withTerms[id] = slices.Sorted(slices.Values(endorsers))
	}
	s.mu.Unlock()
	return s.Ledger.Record(ctx, org, events, private, endorsers)
}

func (s *spyLedger) CommitPrivate(ctx context.Context, org, eventID string, p domain.Private) (fabric.Committed, error) {
	s.mu.Lock()
	s.committed[eventID] = org
	s.mu.Unlock()
	return s.Ledger.CommitPrivate(ctx, org, eventID, p)
}

// TestPrivateTermsReachOnlyTheirParties loads the rice chain and follows its two priced deals: the
// purchase inside 黑龙江 (farmer → co-op) commits its terms alone, in 黑龙江's own collection, and
// its public event carries only their hash; the sale from 黑龙江 to 河南 is endorsed by exactly those
// two platforms. No transaction carrying terms asks the regulator (or anyone else) to endorse.
func TestPrivateTermsReachOnlyTheirParties(t *testing.T) {
	var spy *spyLedger
	site := memgateway.Start(t, func(mem *memledger.Ledger) gateway.Ledger {
		spy = &spyLedger{Ledger: mem, withTerms: map[string][]string{}, committed: map[string]string{}}
		return spy
	})
	if _, err := seeds.Load(context.Background(), seeds.SameURL(site.URL, site.Keys), []seeds.Chain{seeds.WuchangRice()}, io.Discard); err != nil {
		t.Fatal(err)
	}

	const inside, across = "seed-rice-02-purchase", "seed-rice-10-sale-to-henan"
	if spy.committed[inside] != "hlj" {
		t.Errorf("terms of the deal inside 黑龙江 were committed by %q, want hlj alone", spy.committed[inside])
	}
	if e, ok := spy.withTerms[inside]; ok {
		t.Errorf("the deal inside 黑龙江 sent its terms to endorsers %v", e)
	}
	if got := spy.withTerms[across]; !slices.Equal(got, []string{"HeilongjiangMSP", "HenanMSP"}) {
		t.Errorf("the 黑龙江→河南 sale was endorsed with its terms by %v, want exactly its two platforms", got)
	}
	for id, e := range spy.withTerms {
		if slices.Contains(e, "RegulatorMSP") {
			t.Errorf("terms of %s went to the regulator's peer (endorsers %v)", id, e)
		}
	}
	ev, err := site.Store.Event(context.Background(), inside)
	if err != nil {
		t.Fatal(err)
	}
	if ev.PrivateHash == "" || ev.Private != nil {
		t.Errorf("public event of the deal inside 黑龙江: privateHash %q, private %+v", ev.PrivateHash, ev.Private)
	}
	terms := spy.State.Privates[domain.CollectionName("HeilongjiangMSP")]["terms/"+inside]
	if len(terms) == 0 {
		t.Fatal("the terms are not in 黑龙江's own collection")
	}
	if h, _ := spy.State.PrivateHash(domain.CollectionName("HeilongjiangMSP"), "terms/"+inside); len(h) == 0 {
		t.Fatal("no hash of the committed terms")
	}
}
