package epcis

import (
	"bytes"
	"encoding/json"
	"testing"
)

// writeObject writes what json.Marshal writes for the same map of compact values.
func TestWriteObjectAgreesWithMarshal(t *testing.T) {
	for _, doc := range []string{
		`{"type":"ObjectEvent","eventID":"urn:uuid:1","quantityList":[{"epcClass":"urn:epc:class:lgtin:6901234.050002.L1","quantity":1000.50,"uom":"KGM"}]}`,
		`{"ext:note":"<b>稻 & 谷</b>","z":null,"a":true,"n":1e3,"nested":{"y":"` + "\u2028" + `","x":[1,"\u003c"]}}`,
		`{}`,
		`{"<key>":"v","a\"b":"w"}`,
	} {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if got := writeObject(m); !bytes.Equal(got, want) {
			t.Errorf("writeObject(%s)\n = %s\nwant %s", doc, got, want)
		}
	}
}
