package bench

import (
	"context"
	"fmt"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/readmodel"
)

// SyntheticReserve is a reserve of granaries × bins, each bin holding one lot of wheat and counted
// once against its book (counts within a few per mille of the book, some outside tolerance), as
// the ledger records them, block by block: the first block registers the granaries and their
// stock, then each granary's counts come in a block of their own (a regulator's team counts one
// depot at a time). It is what the regulator's granary list reconciles.
func SyntheticReserve(granaries, bins int) []*domain.ReserveRecorded {
	stock := &domain.ReserveRecorded{}
	blocks := []*domain.ReserveRecorded{stock}
	for g := 0; g < granaries; g++ {
		gr := domain.Granary{ID: fmt.Sprintf("SYN-G%04d", g), Name: fmt.Sprintf("合成储备库 %d", g), Region: fmt.Sprintf("23%04d", g%10000),
			Type: domain.CentralDepot, Platform: "HeilongjiangMSP", Owner: domain.Party{Enterprise: fmt.Sprintf("SYN-DEPOT-%d", g)}}
		counts := &domain.ReserveRecorded{}
		for b := 0; b < bins; b++ {
			bin := fmt.Sprintf("P%02d", b+1)
			gr.Bins = append(gr.Bins, domain.Bin{ID: bin, Type: "平房仓", CapacityT: 5000})
			lot := domain.StockLot{Granary: gr.ID, Bin: bin, Grain: domain.Wheat, HarvestYear: 2024, Category: domain.CentralReserve,
				Authority: domain.CentralAuthority, Tonnes: 4000, FirstIn: "2025-06-01T00:00:00Z", Platform: "HeilongjiangMSP"}
			stock.Lots = append(stock.Lots, lot)
			counted := 4000 * (0.99 + 0.001*float64((g*bins+b)%15))
			counts.Checks = append(counts.Checks, domain.StockCheck{ID: fmt.Sprintf("SYN-CK-%s-%s", gr.ID, bin), Time: "2026-10-01T10:00:00+08:00",
				Granary: gr.ID, Bin: bin, Method: domain.Weighbridge, CountedTonnes: counted, Book: []domain.StockLot{lot}})
		}
		stock.Granaries = append(stock.Granaries, gr)
		blocks = append(blocks, counts)
	}
	return blocks
}

// LoadSyntheticReserve applies SyntheticReserve's blocks to store, from block 1, and returns them.
func LoadSyntheticReserve(ctx context.Context, store *readmodel.Store, granaries, bins int) ([]*domain.ReserveRecorded, error) {
	blocks := SyntheticReserve(granaries, bins)
	for i, rec := range blocks {
		tx := readmodel.TxRecord{TxID: fmt.Sprintf("syn-reserve-%d", i), Recorded: domain.Recorded{Reserve: rec}}
		if _, err := store.ApplyBlock(ctx, uint64(i+1), []readmodel.TxRecord{tx}); err != nil {
			return nil, fmt.Errorf("synthetic reserve block %d: %w", i+1, err)
		}
	}
	return blocks, nil
}
