package epcisevent

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
)

// TestProjection checks the native projection of each shape in the all-types document and that
// the captured event is kept whole.
func TestProjection(t *testing.T) {
	doc, err := os.ReadFile("../../epcis/testdata/docs/all-types.jsonld")
	if err != nil {
		t.Fatal(err)
	}
	evs, err := Decode(doc, domain.Party{Enterprise: "P"})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct {
		typ      domain.EventType
		batches  int
		location string
		to       string
	}{
		{domain.Produce, 0, "https://id.gs1.org/414/6901234000016", ""},          // commissioning: outputs, not batches
		{domain.Observe, 0, "geo:44.9167,127.1667", ""},                          // sensor readings of a place
		{domain.Aggregate, 4, "https://id.gs1.org/414/6901234000016", ""},        // pallet first, then its contents
		{domain.Process, 0, "https://id.gs1.org/414/6901234000023", ""},          // transformation
		{domain.Purchase, 1, "", "https://id.gs1.org/417/6901234000054"},         // ownership to the owning_party destination
		{domain.Aggregate, 3, "https://id.gs1.org/414/6901234000054", ""},        // association of assets (no lineage)
		{domain.Store, 1, "https://id.gs1.org/414/6901234000054/254/DOCK-2", ""}, // receiving
	} {
		e := evs[i]
		loc := ""
		if e.Location != nil {
			loc = e.Location.ID
		}
		to := ""
		if e.To != nil {
			to = e.To.Enterprise
		}
		if e.Type != want.typ || len(e.Batches) != want.batches || loc != want.location || to != want.to {
			t.Errorf("event %d: %s, %d batches, at %q, to %q; want %+v", i, e.Type, len(e.Batches), loc, to, want)
		}
		if err := domain.Validate(&e, time.Now()); err != nil {
			t.Errorf("event %d does not validate: %v", i, err)
		}
		// the event of record is the captured event, with the document's namespaces
		var got, sent map[string]any
		_ = json.Unmarshal(e.EPCIS, &got)
		var d struct {
			EPCISBody struct {
				EventList []map[string]any `json:"eventList"`
			} `json:"epcisBody"`
		}
		_ = json.Unmarshal(doc, &d)
		sent = d.EPCISBody.EventList[i]
		for k, v := range sent {
			if b1, _ := json.Marshal(v); !bytes.Equal(b1, mustMarshal(got[k])) {
				t.Errorf("event %d field %s changed: %s", i, k, mustMarshal(got[k]))
			}
		}
		if got["@context"] == nil {
			t.Errorf("event %d lost the document's namespaces", i)
		}
	}
	if evs[3].Inputs[0].Quantity.Value != 1000 || evs[3].Outputs[0].Quantity != (domain.Quantity{Value: 690, Unit: "kg"}) {
		t.Errorf("transformation quantities: %+v → %+v", evs[3].Inputs, evs[3].Outputs)
	}
	// a changed quantity under the same eventID changes the content fingerprint
	changed, _ := Decode(bytes.Replace(doc, []byte(`"quantity": 1200.5`), []byte(`"quantity": 1300`), 1), domain.Party{Enterprise: "P"})
	if changed[0].ID != evs[0].ID || domain.Fingerprint(changed[0]) == domain.Fingerprint(evs[0]) {
		t.Error("a changed quantity kept the fingerprint")
	}
	// key order and spacing do not
	var m map[string]any
	_ = json.Unmarshal(doc, &m)
	compact, _ := json.Marshal(m)
	same, _ := Decode(compact, domain.Party{Enterprise: "P"})
	if domain.Fingerprint(same[0]) != domain.Fingerprint(evs[0]) {
		t.Error("re-serialising the document changed the fingerprint")
	}
}

func mustMarshal(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
