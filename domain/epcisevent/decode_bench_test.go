package epcisevent

import (
	"encoding/json"
	"fmt"
	"syscall"
	"testing"
	"time"

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
	cpu := cpuTime()
	for b.Loop() {
		if _, err := Decode(doc, domain.Party{Enterprise: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	reportPerEvent(b, cpu, 1000)
}

// reportPerEvent reports wall and CPU time (the process's, garbage collection included) per event:
// on a machine shared with other work, CPU time is what compares.
func reportPerEvent(b *testing.B, cpuAtStart time.Duration, events int) {
	n := float64(b.N) * float64(events)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/event")
	b.ReportMetric(float64((cpuTime()-cpuAtStart).Nanoseconds())/n, "cpu-ns/event")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkProject is the contract's projection check of one captured event.
func BenchmarkProject(b *testing.B) {
	evs, err := Decode(benchDoc(1), domain.Party{Enterprise: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	cpu := cpuTime()
	for b.Loop() {
		if _, err := Project(evs[0].EPCIS, evs[0].Actor); err != nil {
			b.Fatal(err)
		}
	}
	reportPerEvent(b, cpu, 1)
}
