package bench

import (
	"fmt"

	"github.com/agritrace/agritrace/domain"
)

// SyntheticReserve is a reserve of granaries × bins, each bin holding one lot of wheat and counted
// once against its book (counts within a few per mille of the book, some outside tolerance), as
// the ledger records them: what the regulator's granary list reconciles.
func SyntheticReserve(granaries, bins int) *domain.ReserveRecorded {
	rec := &domain.ReserveRecorded{}
	for g := 0; g < granaries; g++ {
		gr := domain.Granary{ID: fmt.Sprintf("SYN-G%04d", g), Name: fmt.Sprintf("合成储备库 %d", g), Region: fmt.Sprintf("23%04d", g%10000),
			Type: domain.CentralDepot, Platform: "HeilongjiangMSP", Owner: domain.Party{Enterprise: fmt.Sprintf("SYN-DEPOT-%d", g)}}
		for b := 0; b < bins; b++ {
			bin := fmt.Sprintf("P%02d", b+1)
			gr.Bins = append(gr.Bins, domain.Bin{ID: bin, Type: "平房仓", CapacityT: 5000})
			lot := domain.StockLot{Granary: gr.ID, Bin: bin, Grain: domain.Wheat, HarvestYear: 2024, Category: domain.CentralReserve,
				Authority: domain.CentralAuthority, Tonnes: 4000, FirstIn: "2025-06-01T00:00:00Z", Platform: "HeilongjiangMSP"}
			rec.Lots = append(rec.Lots, lot)
			counted := 4000 * (0.99 + 0.001*float64((g*bins+b)%15))
			rec.Checks = append(rec.Checks, domain.StockCheck{ID: fmt.Sprintf("SYN-CK-%s-%s", gr.ID, bin), Time: "2026-10-01T10:00:00+08:00",
				Granary: gr.ID, Bin: bin, Method: domain.Weighbridge, CountedTonnes: counted, Book: []domain.StockLot{lot}})
		}
		rec.Granaries = append(rec.Granaries, gr)
	}
	return rec
}
