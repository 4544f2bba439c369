package strictjson_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/strictjson"
)

var event = []byte(`{"id":"e-1","type":"produce","eventTime":"2026-10-08T08:30:00+08:00","actor":{"enterprise":"93230184MA1ABCDE0X","name":"五常市民乐乡稻谷种植专业合作社"},` +
	`"location":{"id":"urn:epc:id:sgln:6901234.00001.0","name":"民乐乡红光村","region":"230184"},` +
	`"outputs":[{"batch":"urn:epc:class:lgtin:6901234.010003.WC2610","product":{"name":"稻谷","gtin":"06901234100037","category":"grain","variety":"稻花香2号"},` +
	`"quantity":{"value":12000,"unit":"kg"},"origin":{"region":"230184","plot":"红光村三组-07","harvestDate":"2026-09-28"}}],` +
	`"attributes":{"moisture_pct":14.2,"grain_temp_c":12.5}}`)

// BenchmarkStrictEvent is the strict decoder on one native event.
func BenchmarkStrictEvent(b *testing.B) {
	for b.Loop() {
		var e domain.Event
		if err := strictjson.Unmarshal(event, &e); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkV1Event is what the gateway did before: encoding/json with DisallowUnknownFields.
func BenchmarkV1Event(b *testing.B) {
	for b.Loop() {
		var e domain.Event
		dec := json.NewDecoder(bytes.NewReader(event))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			b.Fatal(err)
		}
	}
}
