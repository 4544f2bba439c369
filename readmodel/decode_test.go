package readmodel

import (
	stdjson "encoding/json"
	"reflect"
	"testing"

	"github.com/agritrace/agritrace/domain"
)

var decodeSamples = []struct {
	name string
	v    any
}{
	{"retail lot", domain.Batch{ID: "SC-B-1-2", Product: domain.Product{Name: "大米 5kg", Code: "SC-大米 5kg"}, Quantity: domain.Quantity{Value: 5, Unit: "kg"},
		Origin: &domain.Origin{Region: "230101"}, Status: "sold", Parents: []string{"SC-P-1"}, Custodian: domain.Party{Enterprise: "SHOP-23-1"},
		Owner: domain.Party{Enterprise: "SHOP-23-1", Name: "超市"}, LastEvent: "sc-sell-SC-B-1-2", UpdatedAt: "2026-09-01T08:00:00+08:00"}},
	{"captured EPCIS event", domain.Event{ID: "e1", Type: "store", EventTime: "2026-09-01T08:00:00+08:00", Actor: domain.Party{Enterprise: "X", Name: "五常"},
		Batches: []string{"B1"}, Attributes: map[string]any{"moisture": 13.5, "n": []any{1.0, "x"}, "m": map[string]any{"a": nil}},
		Extensions: stdjson.RawMessage(`{"ex:a":[1,2,{"b":"c"}]}`), EPCIS: stdjson.RawMessage(`{"type":"ObjectEvent","x":1.50}`), Yield: 0.9, Block: 7}},
}

// decodeDoc reads the store's documents exactly as encoding/json does (raw EPCIS JSON and
// free-form attributes included).
func TestDecodeDocMatchesEncodingJSON(t *testing.T) {
	for _, c := range decodeSamples {
		t.Run(c.name, func(t *testing.T) {
			doc, err := stdjson.Marshal(c.v)
			if err != nil {
				t.Fatal(err)
			}
			want := reflect.New(reflect.TypeOf(c.v))
			got := reflect.New(reflect.TypeOf(c.v))
			if err := stdjson.Unmarshal(doc, want.Interface()); err != nil {
				t.Fatal(err)
			}
			if err := decodeDoc(doc, got.Interface()); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(want.Elem().Interface(), got.Elem().Interface()) {
				t.Fatalf("decodeDoc\n got %+v\nwant %+v", got.Elem(), want.Elem())
			}
		})
	}
}

// go test -run '^$' -bench DecodeDoc ./readmodel/
func BenchmarkDecodeDoc(b *testing.B) {
	doc, _ := stdjson.Marshal(decodeSamples[0].v)
	b.Run("encoding/json", func(b *testing.B) {
		for b.Loop() {
			var x domain.Batch
			_ = stdjson.Unmarshal(doc, &x)
		}
	})
	b.Run("decodeDoc", func(b *testing.B) {
		for b.Loop() {
			var x domain.Batch
			_ = decodeDoc(doc, &x)
		}
	})
	b.Run("decodeDoc, recall fields only", func(b *testing.B) {
		for b.Loop() {
			var x affectedDoc
			_ = decodeDoc(doc, &x)
		}
	})
}
