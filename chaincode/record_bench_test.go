package chaincode

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
	"github.com/agritrace/agritrace/ledger"
)

// BenchmarkRecordCaptured is one endorsement of a 200-event EPCIS capture transaction: the
// argument as the gateway sent it before (whole events, plain JSON: the contract re-projects and
// compares) and as it sends it now (domain.Event.Submission, packed: the contract projects); and,
// for comparison, the same events sent natively.
func BenchmarkRecordCaptured(b *testing.B) {
	events := make([]domain.Event, 200)
	for i := range events {
		raw, _ := json.Marshal(map[string]any{"type": "ObjectEvent", "eventID": fmt.Sprintf("urn:uuid:bench-%d", i),
			"eventTime": "2026-10-01T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "ADD", "bizStep": "commissioning",
			"quantityList": []map[string]any{{"epcClass": fmt.Sprintf("urn:epc:class:lgtin:6901234.050002.L%d", i), "quantity": 1000, "uom": "KGM"}},
			"bizLocation":  map[string]string{"id": "urn:epc:id:sgln:6901234.00001.0"}})
		e, err := epcisevent.DecodeEvent(raw, domain.Party{Enterprise: "COOP-1", Platform: "HeilongjiangMSP"})
		if err != nil {
			b.Fatal(err)
		}
		events[i] = e
	}
	whole, _ := json.Marshal(events)
	sub := make([]domain.Event, len(events))
	for i := range events {
		sub[i] = events[i].Submission()
	}
	subJSON, _ := json.Marshal(sub)
	// the same events sent natively (no EPCIS event), as the bench's native twin sends them
	native := make([]domain.Event, len(events))
	for i := range events {
		native[i] = events[i]
		native[i].EPCIS = nil
	}
	nativeJSON, _ := json.Marshal(native)
	for _, c := range []struct{ name, arg string }{
		{"whole events, plain", string(whole)},
		{"submissions, packed", string(domain.PackJSON(subJSON))},
		{"native events, packed", string(domain.PackJSON(nativeJSON))},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				h := &harness{t: nil, cc: &Contract{RegulatorMSP: "RegulatorMSP"}, mem: ledger.NewMemState()}
				ctx := h.ctx("HeilongjiangMSP", nil, nil)
				b.StartTimer()
				if _, err := h.cc.RecordEvents(ctx, c.arg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(c.arg))/float64(len(events)), "arg-B/event")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(events)), "ns/event")
		})
	}
}
