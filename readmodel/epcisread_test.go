package readmodel

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/epcis"
	"github.com/agritrace/agritrace/internal/epcisdocs"
	"github.com/agritrace/agritrace/seeds"
)

// TestEPCISRenderedOnRead: an event's EPCIS document, rendered when it is read from the event the
// store keeps, is byte for byte the rendering of the event as it was applied (with its block), on
// both backends: every seed event, vendor extensions and all, and every captured event of the
// gateway's EPCIS test documents (every event type and identifier shape).
func TestEPCISRenderedOnRead(t *testing.T) {
	var applied []domain.Event
	for _, c := range seeds.Chains() {
		for _, s := range c.Steps {
			applied = append(applied, s.Events...)
		}
	}
	odd := ev("ODD-1", domain.Store, 3, "230184")
	odd.Batches = []string{"LOT <1> & 稻"}
	odd.Attributes = map[string]any{"moisture": 14.5, "bins": []any{1.0, "二号仓"}}
	odd.Extensions = json.RawMessage(`{"ext:grade":"<A>","disposition":"in_progress","ext:n":{"b":1,"a":[1,2]}}`)
	captured := ev("CAP-1", domain.Produce, 2, "230184")
	captured.Outputs = []domain.Output{{Batch: "https://id.gs1.org/01/06901234100037/10/C1", Quantity: domain.Quantity{Value: 5, Unit: "t"}}}
	captured.EPCIS = json.RawMessage(`{"type":"ObjectEvent","eventID":"urn:uuid:cap-1","action":"ADD","bizStep":"commissioning","eventTime":"2026-09-02T08:00:00+08:00","eventTimeZoneOffset":"+08:00"}`)
	applied = append(applied, odd, captured)
	applied = append(applied, epcisdocs.Events(t, domain.Party{Enterprise: "COOP-1"})...)

	tricky := ev("CAP-2", domain.Observe, 3, "230184")
	tricky.Batches = []string{"LOT-2"}
	tricky.EPCIS = json.RawMessage(`{"type":"ObjectEvent","action":"OBSERVE","eventTime":"2026-09-03T08:00:00+08:00","ext:note":"<b>稻 & 谷</b>` + "\u2028" + `"}`) // no eventID
	applied = append(applied, tricky)
	seen := map[string]bool{}
	for i := range applied {
		// seed IDs repeat across chains' steps only by mistake; the store keeps the first
		if seen[applied[i].ID] {
			applied[i].ID = fmt.Sprintf("%s-%d", applied[i].ID, i)
		}
		seen[applied[i].ID] = true
		applied[i].Platform, applied[i].TxID = "HeilongjiangMSP", fmt.Sprintf("tx-%d", i)
		applied[i].RecordTime = "2026-11-26T01:02:03.5Z"
	}
	forEachStore(t, func(t *testing.T, s *Store, _ string) {
		var blocks []BlockTxs
		for i, e := range applied {
			blocks = append(blocks, BlockTxs{Block: uint64(10 + i/7), Txs: []TxRecord{{TxID: e.TxID, Recorded: domain.Recorded{Events: []domain.Event{e}}}}})
		}
		if _, err := s.ApplyBlocks(t.Context(), blocks); err != nil {
			t.Fatal(err)
		}
		page, err := s.QueryEPCIS(t.Context(), EPCISQuery{Limit: len(applied) + 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Events) != len(applied) {
			t.Fatalf("%d EPCIS events, want %d", len(page.Events), len(applied))
		}
		for i, got := range page.Events {
			e := applied[i]
			e.Block = uint64(10 + i/7)
			want, err := epcis.EventJSON(e)
			if err != nil {
				t.Fatal(err)
			}
			if got.Block != e.Block || string(got.Event) != string(want) {
				t.Errorf("event %s (block %d):\n got %s\nwant %s", e.ID, got.Block, got.Event, want)
			}
		}
	})
}
