package epcisevent

import (
	"bytes"
	"encoding/json"
	"testing"
)

// canonicalPlain gives exactly Canonical's bytes whenever it takes a document on.
func FuzzCanonicalPlain(f *testing.F) {
	for _, s := range []string{
		`{"type":"ObjectEvent","eventID":"urn:uuid:1","quantityList":[{"epcClass":"urn:epc:class:lgtin:6901234.050002.L1","quantity":1000.50,"uom":"KGM"}]}`,
		`{ "b" : [ 1 , 2e10 , -0.0 , true , false , null , { } , [ ] ] , "a" : "稻谷 <&>" }`,
		`{"a":1,"a":2}`, `{"ab":1,"a":2,"a\u0062":3}`, `{"a":"x\ny"}`, `{"z":{"y":{"x":[{"b":1,"a":2}]}}}`,
		"{\"a\":\"\u2028\"}", "{\"a\":\"\xff\"}", `{"a":1e400}`, `{"":0,"~":1,"é":2,"a":3}`, `[]`, `{}`, `{"a":1} `, ` {"a":1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if !json.Valid(src) {
			return
		}
		got, ok := canonicalPlain(src)
		if !ok {
			return
		}
		want, err := Canonical(src)
		if err != nil {
			t.Fatalf("canonicalPlain took %q, Canonical refuses it: %v", src, err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("canonicalPlain(%q)\n = %s\nwant %s", src, got, want)
		}
	})
}

// The event shapes a capture carries take the one-pass way (else it would save nothing).
func TestCanonicalPlainTakesEvents(t *testing.T) {
	for _, s := range []string{
		`{"type":"ObjectEvent","eventTime":"2026-10-01T08:00:00+08:00","quantityList":[{"epcClass":"urn:epc:class:lgtin:6901234.050002.L1","quantity":1000,"uom":"KGM"}],"bizLocation":{"id":"urn:epc:id:sgln:6901234.00001.0"}}`,
		`{"type":"ObjectEvent","ext:note":"稻谷 <b>&</b>","sensorElementList":[{"sensorReport":[{"type":"Temperature","value":-18.5}]}]}`,
	} {
		if _, ok := canonicalPlain([]byte(s)); !ok {
			t.Errorf("canonicalPlain refused %s", s)
		}
	}
}
