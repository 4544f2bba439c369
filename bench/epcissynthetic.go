package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
	"github.com/agritrace/agritrace/epcis"
	"github.com/agritrace/agritrace/readmodel"
)

// SyntheticEPCIS fills store with events captured EPCIS events, written the way a gateway's read
// model receives them: 1,000-event capture documents decoded by the capture decoder (each event
// kept as captured, with its projection), committed 200 events a transaction, five transactions a
// block, through ApplyBlock. Each lot of grain is commissioned (ObjectEvent ADD with a quantity),
// packed onto a pallet (AggregationEvent), shipped (ObjectEvent with a read point, a purchase
// order and a destination) and received (ObjectEvent), so pages mix shapes and sizes.
func SyntheticEPCIS(ctx context.Context, store *readmodel.Store, events int) error {
	const perDoc, perTx, txPerBlock = 1000, 200, 5
	t0 := time.Date(2026, 9, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))
	rt0 := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	block, written := uint64(0), 0
	for doc := 0; written < events; doc++ {
		n := min(perDoc, events-written)
		list := make([]map[string]any, 0, n)
		for i := 0; len(list) < n; i++ {
			list = append(list, syntheticLot(doc*perDoc+i, t0)...)
		}
		list = list[:n]
		body, err := json.Marshal(map[string]any{"@context": []string{epcis.StandardContext}, "type": "EPCISDocument",
			"schemaVersion": "2.0", "creationDate": "2026-09-01T00:00:00Z", "epcisBody": map[string]any{"eventList": list}})
		if err != nil {
			return err
		}
		evs, err := epcisevent.Decode(body, domain.Party{Enterprise: "SYN"})
		if err != nil {
			return fmt.Errorf("synthetic EPCIS document %d: %w", doc, err)
		}
		var txs []readmodel.TxRecord
		for lo := 0; lo < len(evs); lo += perTx {
			chunk := evs[lo:min(lo+perTx, len(evs))]
			id := fmt.Sprintf("syn-epcis-tx-%d-%d", doc, lo)
			for i := range chunk {
				chunk[i].TxID, chunk[i].Platform = id, "HeilongjiangMSP"
				chunk[i].RecordTime = rt0.Add(time.Duration(written+lo+i) * time.Millisecond).Format(time.RFC3339Nano)
			}
			txs = append(txs, readmodel.TxRecord{TxID: id, Recorded: domain.Recorded{Events: chunk}})
			if len(txs) == txPerBlock {
				block++
				if _, err := store.ApplyBlock(ctx, block, txs); err != nil {
					return err
				}
				txs = nil
			}
		}
		if len(txs) > 0 {
			block++
			if _, err := store.ApplyBlock(ctx, block, txs); err != nil {
				return err
			}
		}
		written += len(evs)
	}
	return nil
}

// syntheticLot is the four events of lot k: commissioning, packing, shipping, receiving.
func syntheticLot(k int, t0 time.Time) []map[string]any {
	lot := fmt.Sprintf("urn:epc:class:lgtin:6901234.050002.SYN%d", k)
	pallet := fmt.Sprintf("urn:epc:id:sscc:6901234.%010d", k)
	at := func(h int) string {
		return t0.Add(time.Duration(k)*time.Minute + time.Duration(h)*time.Hour).Format(time.RFC3339)
	}
	farm := map[string]string{"id": fmt.Sprintf("urn:epc:id:sgln:6901234.%05d.0", k%997)}
	depot := map[string]string{"id": "urn:epc:id:sgln:6901234.00002.0"}
	base := func(typ string, h int, bizStep string) map[string]any {
		return map[string]any{"type": typ, "eventID": fmt.Sprintf("urn:uuid:00000000-0000-4000-8000-%012d", k*4+h),
			"eventTime": at(h), "eventTimeZoneOffset": "+08:00", "bizStep": bizStep}
	}
	produce := base("ObjectEvent", 0, "commissioning")
	produce["action"], produce["readPoint"], produce["bizLocation"] = "ADD", farm, farm
	produce["quantityList"] = []map[string]any{{"epcClass": lot, "quantity": 1000 + k%500, "uom": "KGM"}}
	produce["ilmd"] = map[string]any{"cbvmda:harvestStartDate": "2026-09-01", "cbvmda:countryOfOrigin": "CN"}
	pack := base("AggregationEvent", 1, "packing")
	pack["action"], pack["parentID"], pack["readPoint"] = "ADD", pallet, farm
	pack["childQuantityList"] = []map[string]any{{"epcClass": lot, "quantity": 1000 + k%500, "uom": "KGM"}}
	ship := base("ObjectEvent", 2, "shipping")
	ship["action"], ship["disposition"], ship["epcList"], ship["readPoint"] = "OBSERVE", "in_transit", []string{pallet}, farm
	ship["bizTransactionList"] = []map[string]string{{"type": "po", "bizTransaction": fmt.Sprintf("urn:epcglobal:cbv:bt:6901234000054:PO%d", k)}}
	ship["destinationList"] = []map[string]string{{"type": "location", "destination": depot["id"]}}
	recv := base("ObjectEvent", 3, "receiving")
	recv["action"], recv["disposition"], recv["epcList"], recv["readPoint"], recv["bizLocation"] = "OBSERVE", "in_progress", []string{pallet}, depot, depot
	return []map[string]any{produce, pack, ship, recv}
}
