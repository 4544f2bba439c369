package domain

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestRecordedPayloadRoundTrip(t *testing.T) {
	rec := Recorded{
		Events:  []Event{{ID: "e1", Type: Produce, EventTime: "2026-10-01T08:00:00+08:00", Actor: Party{Enterprise: "COOP", Platform: "HeilongjiangMSP"}, TxID: "tx1", EPCIS: json.RawMessage(`{"type":"ObjectEvent"}`)}},
		Batches: []Batch{{ID: "LOT-1", Product: Product{Name: "稻谷"}, Quantity: Quantity{Value: 1000, Unit: "kg"}, Status: Active, CreatedBy: "e1", LastEvent: "e1"}},
	}
	packed, err := PackRecorded(rec)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := json.Marshal(rec)
	corrupt := append([]byte(nil), packed[:len(packed)/2]...)
	for _, c := range []struct {
		name    string
		payload []byte
		wantErr bool
	}{
		{"packed", packed, false},
		{"plain JSON, as written before packing", plain, false},
		{"truncated packed payload", corrupt, true},
		{"packed payload claiming 4 GiB", []byte("\x00\xff\xff\xff\xff\x0f"), true},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := UnpackRecorded(c.payload)
			if c.wantErr {
				if err == nil {
					t.Fatalf("decoded %+v from a corrupt payload", got)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, rec) {
				t.Fatalf("got %+v, %v; want %+v", got, err, rec)
			}
		})
	}
	if len(packed) >= len(plain) {
		t.Fatalf("packed %d bytes, plain JSON %d", len(packed), len(plain))
	}
}
