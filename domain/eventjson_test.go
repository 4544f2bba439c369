package domain_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
)

// captured decodes one EPCIS ObjectEvent as the gateway does, so its EPCIS is the canonical form
// the decoder writes.
func captured(t *testing.T) domain.Event {
	t.Helper()
	doc := `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0",
		"creationDate":"2026-10-01T08:00:00Z","epcisBody":{"eventList":[{"type":"ObjectEvent","eventID":"urn:uuid:6c0f5a1e-0d2b-4c55-9a55-2f1b0a7d5e01",
		"eventTime":"2026-10-01T08:00:00+08:00","eventTimeZoneOffset":"+08:00","action":"ADD","bizStep":"commissioning",
		"quantityList":[{"epcClass":"urn:epc:class:lgtin:6901234.050002.L1","quantity":1000,"uom":"KGM"}],
		"bizLocation":{"id":"urn:epc:id:sgln:6901234.00001.0"}}]}}`
	evs, err := epcisevent.Decode([]byte(doc), domain.Party{Enterprise: "COOP-1", Platform: "HeilongjiangMSP"})
	if err != nil {
		t.Fatal(err)
	}
	return evs[0]
}

// TestMarshalEvents: the events of a transaction's argument and chaincode event are the JSON
// json.Marshal writes, byte for byte, whatever their EPCIS holds.
func TestMarshalEvents(t *testing.T) {
	native := domain.Event{ID: "e1", Type: domain.Produce, EventTime: "2026-10-01T08:00:00+08:00", Actor: domain.Party{Enterprise: "COOP"},
		Outputs:    []domain.Output{{Batch: "LOT-1", Product: domain.Product{Name: "稻谷"}, Quantity: domain.Quantity{Value: 1000.5, Unit: "kg"}}},
		Attributes: map[string]any{"moisture_pct": 14.1, "bins": []any{1.0, "二号仓"}, "dryer": map[string]any{"on": true, "temp_c": -3.25e1}},
		Extensions: json.RawMessage(`{"example:grade":"一等","example:n":12}`), PrivateHash: "ab12", Batches: []string{}}
	plain := captured(t)
	amp := plain
	amp.EPCIS = json.RawMessage(`{"example:note":"gate <2> & dock","type":"ObjectEvent"}`)
	spaced := plain
	spaced.EPCIS = json.RawMessage(`{ "type" : "ObjectEvent" }`)
	for _, c := range []struct {
		name   string
		events []domain.Event
	}{
		{"none", nil},
		{"empty", []domain.Event{}},
		{"native", []domain.Event{native}},
		{"captured", []domain.Event{plain, native, plain.Submission()}},
		{"captured with & < >", []domain.Event{amp}},
		{"EPCIS not compact", []domain.Event{spaced}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := domain.MarshalEvents(c.events)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := json.Marshal(c.events)
			if string(got) != string(want) {
				t.Fatalf("got  %s\nwant %s", got, want)
			}
			var back []domain.Event
			if err := json.Unmarshal(got, &back); err != nil || len(back) != len(c.events) {
				t.Fatalf("read back %d events of %d: %v", len(back), len(c.events), err)
			}
			// the contract reads them with UnmarshalEvents: the same events as encoding/json's
			if v2, err := domain.UnmarshalEvents(got); err != nil || !reflect.DeepEqual(v2, back) {
				t.Fatalf("UnmarshalEvents: %v\n%+v\nencoding/json:\n%+v", err, v2, back)
			}
			for i := range back {
				if back[i].ID != c.events[i].ID || domain.Fingerprint(back[i]) != domain.Fingerprint(c.events[i]) {
					t.Fatalf("event %d changed in the round trip: %+v", i, back[i])
				}
			}
			for _, e := range c.events {
				n, err := domain.EventSize(e)
				one, _ := domain.MarshalEvents([]domain.Event{e})
				if err != nil || n != len(one)-2 {
					t.Fatalf("EventSize %d, want %d (%v)", n, len(one)-2, err)
				}
				single, err := domain.MarshalEvent(e)
				if want, _ := json.Marshal(e); err != nil || string(single) != string(want) {
					t.Fatalf("MarshalEvent: %s (%v)\nwant %s", single, err, want)
				}
			}
		})
	}
}

// TestPackRecordedReserve: what a reserve transaction recorded survives the chaincode event.
func TestPackRecordedReserve(t *testing.T) {
	rec := domain.Recorded{Events: []domain.Event{captured(t)},
		Reserve: &domain.ReserveRecorded{Granaries: []domain.Granary{{ID: "G-1", Name: "一号库"}}}}
	p, err := domain.PackRecorded(rec)
	if err != nil {
		t.Fatal(err)
	}
	back, err := domain.UnpackRecorded(p)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(rec)
	got, _ := json.Marshal(back)
	if string(got) != string(want) {
		t.Fatalf("round trip:\ngot  %s\nwant %s", got, want)
	}
}
