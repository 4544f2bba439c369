package epcisevent

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/agritrace/agritrace/domain"
)

// benchDoc is a capture document shaped like the bench's: n commissioning ObjectEvents.
func benchDoc(n int) []byte {
	events := make([]map[string]any, n)
	for i := range events {
		events[i] = map[string]any{"type": "ObjectEvent", "eventID": fmt.Sprintf("urn:uuid:bench-run-0-0-%d", i),
			"eventTime": "2026-10-01T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "ADD", "bizStep": "commissioning",
			"quantityList": []map[string]any{{"epcClass": fmt.Sprintf("urn:epc:class:lgtin:6901234.050002.ab%d", i), "quantity": 1000, "uom": "KGM"}},
			"bizLocation":  map[string]string{"id": "urn:epc:id:sgln:6901234.00001.0"}}
	}
	doc, _ := json.Marshal(map[string]any{"@context": []string{"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"},
		"type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-10-01T08:00:00Z", "epcisBody": map[string]any{"eventList": events}})
	return doc
}

// BenchmarkDecode is the gateway's share of capturing a 1,000-event document, per event.
func BenchmarkDecode(b *testing.B) {
	doc := benchDoc(1000)
	for b.Loop() {
		if _, err := Decode(doc, domain.Party{Enterprise: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/event")
}

// BenchmarkProject is the contract's projection check of one captured event.
func BenchmarkProject(b *testing.B) {
	evs, err := Decode(benchDoc(1), domain.Party{Enterprise: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Project(evs[0].EPCIS, evs[0].Actor); err != nil {
			b.Fatal(err)
		}
	}
}
