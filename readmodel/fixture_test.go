package readmodel

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/internal/pgcluster/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, 0)) }

// backends are the two stores every behaviour test runs on. Each call gives a new, empty store
// target: a SQLite file in a temp dir, or a fresh database on the package's throw-away cluster.
var backends = []struct {
	name   string
	target func(t *testing.T) string
}{
	{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "readmodel.db") }},
	{"postgres", func(t *testing.T) string { return pgtest.URL(t) }},
}

// forEachStore runs f as a subtest on each backend, with an empty store and its target.
func forEachStore(t *testing.T, f func(t *testing.T, s *Store, target string)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			target := b.target(t)
			f(t, open(t, target), target)
		})
	}
}

func open(t *testing.T, target string) *Store {
	t.Helper()
	s, err := Open(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// The fixture ledger, block by block:
//
//	block 1: farms F1, F2 (region 230184, 五常), F3 (410726, 延津) harvested
//	block 2: F1 + F2 merged into silo S1; F3 stored
//	block 3: S1 milled into flour P1 (Rice Flour), P1 split into bags B1, B2, B3
//	block 4: B1 sold; B2 stored; recall of F2 marks F2, S1, P1, B1, B2, B3
type fixture struct {
	blocks [][]TxRecord
}

const day = "2026-09-%02dT08:00:00+08:00"

func ev(id string, typ domain.EventType, d int, region string) domain.Event {
	return domain.Event{ID: id, Type: typ, EventTime: fmt.Sprintf(day, d), Actor: domain.Party{Enterprise: "ACT-" + string(typ)},
		Location: &domain.Location{Region: region}, Platform: "HeilongjiangMSP", ContentHash: "h-" + id}
}

func lot(id, name, region string, st domain.Status, custodian string, parents ...string) domain.Batch {
	return domain.Batch{ID: id, Product: domain.Product{Name: name, Code: "P-" + name}, Quantity: domain.Quantity{Value: 1000, Unit: "kg"},
		Origin: &domain.Origin{Region: region}, Status: st, Parents: parents, Custodian: domain.Party{Enterprise: custodian},
		Owner: domain.Party{Enterprise: custodian}, UpdatedAt: "2026-09-30T00:00:00Z"}
}

func newFixture() fixture {
	var f fixture
	tx := func(id string, evs []domain.Event, bs ...domain.Batch) TxRecord {
		for i := range evs {
			evs[i].TxID = id
		}
		return TxRecord{TxID: id, Recorded: domain.Recorded{Events: evs, Batches: bs}}
	}
	produce := func(id, batch, region string) domain.Event {
		e := ev(id, domain.Produce, 1, region)
		e.Outputs = []domain.Output{{Batch: batch}}
		return e
	}
	f.blocks = append(f.blocks, []TxRecord{
		tx("tx-1a", []domain.Event{produce("e-h1", "F1", "230184"), produce("e-h2", "F2", "230184")},
			lot("F1", "稻谷", "230184", domain.Active, "COOP-WC"), lot("F2", "稻谷", "230184", domain.Active, "COOP-WC")),
		tx("tx-1b", []domain.Event{produce("e-h3", "F3", "410726")}, lot("F3", "小麦", "410726", domain.Active, "COOP-YJ")),
	})
	merge := ev("e-m1", domain.Merge, 5, "230184")
	merge.Inputs = []domain.Portion{{Batch: "F1"}, {Batch: "F2"}}
	merge.Outputs = []domain.Output{{Batch: "S1"}}
	store3 := ev("e-st3", domain.Store, 6, "410726")
	store3.Batches = []string{"F3"}
	f3 := lot("F3", "小麦", "410726", domain.Active, "GRANARY-YJ")
	f3.LastEvent = "e-st3"
	f.blocks = append(f.blocks, []TxRecord{
		tx("tx-2a", []domain.Event{merge}, lot("F1", "稻谷", "230184", domain.Consumed, "SILO"), lot("F2", "稻谷", "230184", domain.Consumed, "SILO"),
			lot("S1", "仓储稻谷", "230184", domain.Active, "SILO", "F1", "F2")),
		tx("tx-2b", []domain.Event{store3}, f3),
	})
	mill := ev("e-p1", domain.Process, 10, "230184")
	mill.Inputs = []domain.Portion{{Batch: "S1"}}
	mill.Outputs = []domain.Output{{Batch: "P1"}}
	split := ev("e-sp1", domain.Split, 11, "230184")
	split.Inputs = []domain.Portion{{Batch: "P1"}}
	split.Outputs = []domain.Output{{Batch: "B1"}, {Batch: "B2"}, {Batch: "B3"}}
	f.blocks = append(f.blocks, []TxRecord{
		tx("tx-3a", []domain.Event{mill, split}, lot("S1", "仓储稻谷", "230184", domain.Consumed, "MILL", "F1", "F2"),
			lot("P1", "Rice Flour", "230184", domain.Consumed, "MILL", "S1"),
			lot("B1", "Rice 5kg", "230184", domain.Active, "MILL", "P1"), lot("B2", "Rice 5kg", "230184", domain.Active, "MILL", "P1"),
			lot("B3", "Rice 5kg", "230184", domain.Active, "MILL", "P1")),
	})
	sell := ev("e-s1", domain.Sell, 20, "410105")
	sell.Batches = []string{"B1"}
	storeB2 := ev("e-st2", domain.Store, 12, "410105")
	storeB2.Batches = []string{"B2"}
	recall := ev("e-r1", domain.Recall, 25, "")
	recall.Batches = []string{"F2"}
	recall.Reason = "cadmium"
	recalled := func(b domain.Batch) domain.Batch { b.Status, b.RecalledBy = domain.Recalled, "e-r1"; return b }
	b2 := lot("B2", "Rice 5kg", "230184", domain.Active, "SHOP-ZZ", "P1")
	b2.LastEvent = "e-st2"
	f.blocks = append(f.blocks, []TxRecord{
		tx("tx-4a", []domain.Event{sell}, lot("B1", "Rice 5kg", "230184", domain.Sold, "SHOP-ZZ", "P1")),
		tx("tx-4b", []domain.Event{storeB2}, b2),
		tx("tx-4c", []domain.Event{recall},
			recalled(lot("F2", "稻谷", "230184", domain.Consumed, "SILO")), recalled(lot("S1", "仓储稻谷", "230184", domain.Consumed, "MILL", "F1", "F2")),
			recalled(lot("P1", "Rice Flour", "230184", domain.Consumed, "MILL", "S1")), recalled(lot("B1", "Rice 5kg", "230184", domain.Sold, "SHOP-ZZ", "P1")),
			recalled(b2), recalled(lot("B3", "Rice 5kg", "230184", domain.Active, "MILL", "P1"))),
	})
	return f
}

// apply writes blocks [from, to] (1-based) of the fixture into s.
func (f fixture) apply(t *testing.T, s *Store, from, to int) {
	t.Helper()
	for b := from; b <= to; b++ {
		if _, err := s.ApplyBlock(context.Background(), uint64(b), f.blocks[b-1]); err != nil {
			t.Fatalf("apply block %d: %v", b, err)
		}
	}
}

func (f fixture) applyAll(t *testing.T, s *Store) { f.apply(t, s, 1, len(f.blocks)) }
