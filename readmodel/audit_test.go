package readmodel

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/internal/pgcluster/pgtest"
	"github.com/agritrace/agritrace/ledger"
)

// An audit derives a fresh SQLite read model and compares it with the live one, which may be
// PostgreSQL: the same ledger in the two stores compares equal (whole and fractional tonnages
// included), and a change behind the ledger's back is still found.
func TestCompareAcrossStores(t *testing.T) {
	ctx := context.Background()
	live := open(t, pgtest.URL(t))
	f := &reserveFeed{t: t, state: ledger.NewMemState(), store: live, now: time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)}
	f.tx("HenanMSP", func(r *ledger.ReserveRecorder) error {
		_, err := r.RegisterGranaries([]domain.Granary{{ID: "g1", Name: "库", Owner: domain.Party{Enterprise: "E1"}, Region: "410100",
			Type: domain.CentralDepot, Bins: []domain.Bin{{ID: "P1", CapacityT: 5000}, {ID: "P2", CapacityT: 5000}}}})
		return err
	})
	f.tx("HenanMSP", func(r *ledger.ReserveRecorder) error {
		_, err := r.RecordMovements([]domain.StockMovement{
			{ID: "m1", Kind: domain.StoreIn, Time: "2025-07-01T08:00:00+08:00", Granary: "g1", Bin: "P1", Grain: domain.Wheat, HarvestYear: 2025, Category: domain.CentralReserve, Tonnes: 4000},
			{ID: "m2", Kind: domain.StoreIn, Time: "2025-07-02T08:00:00+08:00", Granary: "g1", Bin: "P2", Grain: domain.Wheat, HarvestYear: 2025, Category: domain.CentralReserve, Tonnes: 1234.5},
		})
		return err
	})
	for _, block := range newFixture().blocks {
		f.block++
		if _, err := live.ApplyBlock(ctx, f.block, block); err != nil {
			t.Fatal(err)
		}
		for _, tx := range block {
			f.txs, f.at = append(f.txs, tx), append(f.at, f.block)
		}
	}
	fresh := open(t, filepath.Join(t.TempDir(), "fresh.db"))
	for i, tx := range f.txs {
		if _, err := fresh.ApplyBlock(ctx, f.at[i], []TxRecord{tx}); err != nil {
			t.Fatal(err)
		}
	}
	if ms, err := Compare(ctx, fresh, live, f.block); err != nil || len(ms) != 0 {
		t.Fatalf("audit of an untouched PostgreSQL read model against SQLite: %v %v", ms, err)
	}
	if _, err := live.DB().Exec(`UPDATE reserve_lots SET tonnes = 1234.25 WHERE bin = 'P2'`); err != nil {
		t.Fatal(err)
	}
	if ms, err := Compare(ctx, fresh, live, f.block); err != nil || len(ms) != 1 || ms[0].Kind != "lot" {
		t.Fatalf("audit of a tampered lot: %v %v", ms, err)
	}
}
