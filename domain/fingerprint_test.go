package domain

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"testing"
)

// marshalledFingerprint is Fingerprint as it was written first: the whole event through
// encoding/json. Fingerprints are on every ledger (contentHash): the quick way must give its value.
func marshalledFingerprint(e Event) string {
	e.RecordTime, e.Platform, e.TxID, e.ContentHash, e.Yield, e.ExternalInputs, e.Block, e.Conservation = "", "", "", "", 0, nil, 0, ""
	if e.Private != nil {
		e.PrivateHash = PrivateHash(*e.Private)
		e.Private = nil
	}
	b, _ := json.Marshal(e)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

var epcisSeeds = []string{
	`{"action":"ADD","bizStep":"commissioning","epcList":["urn:epc:id:sgtin:0614141.107346.1"],"eventTime":"2026-10-01T08:00:00+08:00","type":"ObjectEvent"}`,
	`{"ext:note":"稻谷 <b>&</b>","n":[-0.0,1E+2,0.5e-3,-12,0],"o":{},"a":[],"t":true,"f":false,"z":null}`,
	`{"ext:note":"\u003cb\u003e \"q\" \\ \/ \b\f\n\r\t \u2028 \ud800"}`,
	"{\"s\":\"\u2028\"}", "{\"s\":\"\u2029\"}", "{\"s\":\"\xff\xfe\"}", "{\"s\":\"\xe2\x80\"}", "{\"s\":\"\xe2\"}",
	`{ "a" : 1 }`, ` {"a":1}`, `{"a":1} `, `{"a":1}x`, `{"a":01}`, `{"a":1.}`, `{"a":.5}`, `{"a":1e}`, `{"a":-}`, `{"a":+1}`,
	`{"a":"\x"}`, `{"a":"\u12"}`, `{"a":"\u12G4"}`, `{"a":tru}`, `{"a":nul}`, `{"a",1}`, `{"a":1,}`, `[1,]`, `[`, `{`, `"`, `"a`,
	`[1,2,[3,{"b":[]}]]`, `"x"`, `12`, `null`, `{"a":"<"}`, `{"a":">"}`, `{"a":"&"}`, `{"a":1,"a":2}`,
}

func epcisEvent(raw string) Event {
	e := base()
	e.EPCIS = json.RawMessage(raw)
	e.Attributes = map[string]any{"moisture": 14.5, "warehouse": "3号仓 <A>"}
	return e
}

func TestFingerprintAsMarshalled(t *testing.T) {
	quick := 0
	for _, raw := range epcisSeeds {
		e := epcisEvent(raw)
		if got, want := Fingerprint(e), marshalledFingerprint(e); got != want {
			t.Errorf("EPCIS %q: fingerprint %s, marshalled %s", raw, got, want)
		}
		if compact, escapes := compactJSON([]byte(raw)); compact {
			quick++
			if msg := asMarshalled([]byte(raw), escapes); msg != "" {
				t.Error(msg)
			}
		}
	}
	// the quick way is taken, and not by everything
	if quick < 10 || quick == len(epcisSeeds) {
		t.Errorf("%d of %d seeds taken the quick way", quick, len(epcisSeeds))
	}
	// an event whose other fields encoding/json refuses hashes as it always has (nothing marshalled)
	bad := epcisEvent(epcisSeeds[0])
	bad.Attributes = map[string]any{"c": make(chan int)}
	if Fingerprint(bad) != marshalledFingerprint(bad) {
		t.Error("an unmarshallable event's fingerprint changed")
	}
}

// writeEscaped writes compact JSON as Fingerprint hashes it.
func writeEscaped(w io.Writer, raw []byte) {
	b, _ := appendMarshalled(nil, raw)
	w.Write(b)
}

// asMarshalled reports how what the quick way hashes for compact JSON differs from what
// encoding/json writes ("" when it does not).
func asMarshalled(raw []byte, escapes bool) string {
	var quick bytes.Buffer
	writeEscaped(&quick, raw)
	b, err := json.Marshal(json.RawMessage(raw))
	if err != nil || !bytes.Equal(quick.Bytes(), b) || !escapes && !bytes.Equal(b, raw) {
		return fmt.Sprintf("EPCIS %q taken as compact (escapes %v): the quick way writes %s, encoding/json %s (%v)", raw, escapes, quick.Bytes(), b, err)
	}
	return ""
}

// The quick way writes the EPCIS member last, where encoding/json writes the struct's last field.
func TestEPCISIsEventsLastField(t *testing.T) {
	ty := reflect.TypeFor[Event]()
	if f := ty.Field(ty.NumField() - 1); f.Name != "EPCIS" || f.Tag.Get("json") != "epcis,omitempty" {
		t.Fatalf("Event's last field is %s %q: Fingerprint writes the EPCIS member last", f.Name, f.Tag)
	}
}

func FuzzFingerprintAsMarshalled(f *testing.F) {
	for _, s := range epcisSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		e := epcisEvent(string(raw))
		if got, want := Fingerprint(e), marshalledFingerprint(e); got != want {
			t.Fatalf("EPCIS %q: fingerprint %s, marshalled %s", raw, got, want)
		}
		if compact, escapes := compactJSON(raw); compact {
			if msg := asMarshalled(raw, escapes); msg != "" {
				t.Fatal(msg)
			}
		}
	})
}

// BenchmarkFingerprint is the content fingerprint of a captured event, as the contract takes it
// on every endorsement, the quick way and the way it was.
func BenchmarkFingerprint(b *testing.B) {
	e := base()
	e.EPCIS = json.RawMessage(`{"action":"ADD","bizLocation":{"id":"urn:epc:id:sgln:6901234.00001.0"},"bizStep":"commissioning","eventID":"urn:uuid:bench-0","eventTime":"2026-10-01T08:00:00+08:00","eventTimeZoneOffset":"+08:00","quantityList":[{"epcClass":"urn:epc:class:lgtin:6901234.050002.L0","quantity":1000,"uom":"KGM"}],"type":"ObjectEvent"}`)
	for _, c := range []struct {
		name string
		f    func(Event) string
	}{{"quick", Fingerprint}, {"marshalled", marshalledFingerprint}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				c.f(e)
			}
		})
	}
}
