package epcisevent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/strictjson"
)

// The one-pass decoder must give, for every document, what the decoder it replaced gave (the
// oracle, oracle_test.go): the same projection, the same stored EPCIS bytes, the same content
// fingerprint and the same error, pointer and message included. Events already on ledgers were
// captured with the old one: a changed byte would turn an idempotent retry into a 409.

var oracleActor = domain.Party{Enterprise: "91230100MA1XYZ0001", Platform: "HeilongjiangMSP"}

// sameError reports how two decoding errors differ ("" when they do not).
func sameError(want, got error) string {
	if (want == nil) != (got == nil) {
		return fmt.Sprintf("error %v, oracle %v", got, want)
	}
	if want == nil {
		return ""
	}
	var we, ge *Error
	if errors.As(want, &we) != errors.As(got, &ge) || want.Error() != got.Error() || reflect.TypeOf(want) != reflect.TypeOf(got) {
		return fmt.Sprintf("error %T %q, oracle %T %q", got, got, want, want)
	}
	if we != nil && (we.Pointer != ge.Pointer || we.Detail != ge.Detail) {
		return fmt.Sprintf("error at %q: %s, oracle at %q: %s", ge.Pointer, ge.Detail, we.Pointer, we.Detail)
	}
	return ""
}

// sameEvents reports how two decodings differ, fingerprints included.
func sameEvents(want, got []domain.Event) string {
	if len(want) != len(got) {
		return fmt.Sprintf("%d events, oracle %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(want[i], got[i]) {
			return fmt.Sprintf("event %d:\n got    %+v\n oracle %+v\n EPCIS  %s\n oracle %s", i, got[i], want[i], got[i].EPCIS, want[i].EPCIS)
		}
		if f, o := domain.Fingerprint(got[i]), oldFingerprint(want[i]); f != o {
			return fmt.Sprintf("event %d: fingerprint %s, oracle %s", i, f, o)
		}
	}
	return ""
}

// checkDecode compares Decode with the oracle on data, then Project and DecodeEvent on each
// stored event in the forms the contract gets it.
func checkDecode(t testing.TB, data []byte) {
	t.Helper()
	want, werr := oldDecode(data, oracleActor)
	got, gerr := Decode(data, oracleActor)
	if d := sameError(werr, gerr); d != "" {
		t.Fatalf("Decode %.300q: %s", data, d)
	}
	if d := sameEvents(want, got); d != "" {
		t.Fatalf("Decode %.300q: %s", data, d)
	}
	for _, e := range want {
		checkProject(t, e.EPCIS)
		// as the gateway's submission carries it: encoding/json compacts and escapes <, >, &
		sent, _ := json.Marshal(e.EPCIS)
		checkProject(t, sent)
		var indented bytes.Buffer
		if json.Indent(&indented, e.EPCIS, "", "  ") == nil {
			checkProject(t, indented.Bytes())
		}
	}
}

// checkProject compares Project and DecodeEvent with the oracle on one event.
func checkProject(t testing.TB, raw []byte) {
	t.Helper()
	for _, c := range []struct {
		name      string
		old, next func(json.RawMessage, domain.Party) (domain.Event, error)
	}{{"Project", oldProject, Project}, {"DecodeEvent", oldDecodeOne, DecodeEvent}} {
		want, werr := c.old(raw, oracleActor)
		got, gerr := c.next(raw, oracleActor)
		if d := sameError(werr, gerr); d != "" {
			t.Fatalf("%s %.300q: %s", c.name, raw, d)
		}
		if d := sameEvents([]domain.Event{want}, []domain.Event{got}); d != "" {
			t.Fatalf("%s %.300q: %s", c.name, raw, d)
		}
	}
}

// gs1Events are events shaped as GS1's examples shape them: all five types, every EPC scheme and
// Digital Link key the decoder knows, sensor data, ilmd, extensions, error declarations.
func gs1Events() []map[string]any {
	base := func(typ, action, bizStep string) map[string]any {
		m := map[string]any{"type": typ, "eventTime": "2026-10-01T08:00:00.250+08:00", "eventTimeZoneOffset": "+08:00",
			"bizLocation": map[string]any{"id": "urn:epc:id:sgln:6901234.00001.0"}}
		if action != "" {
			m["action"] = action
		}
		if bizStep != "" {
			m["bizStep"] = bizStep
		}
		return m
	}
	with := func(m map[string]any, kv ...any) map[string]any {
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	epcs := []string{"urn:epc:id:sgtin:0614141.107346.2017", "urn:epc:id:sscc:6901234.0000000071", "urn:epc:id:grai:0614141.12345.400",
		"urn:epc:id:giai:6901234.LOGGER-22", "urn:epc:id:gsrn:0614141.1234567890", "urn:epc:id:gsrnp:0614141.1234567890",
		"urn:epc:id:gdti:0614141.12345.006847", "urn:epc:id:sgcn:4012345.67890.04711", "urn:epc:id:cpi:0614141.123ABC.123456789",
		"urn:epc:id:pgln:0614141.00002", "urn:epc:id:sgln:0614141.12345.400", "urn:epc:id:itip:4012345.012345.01.02.987",
		"urn:epc:id:adi:0614141.12345.1", "urn:epc:idpat:sgtin:0614141.107346.*",
		"https://id.gs1.org/00/069012340000000719", "https://id.gs1.org/01/09506000134352/21/12345",
		"https://id.gs1.org/01/09506000134352/10/ABC123", "https://id.gs1.org/253/0614141123452006847",
		"https://id.gs1.org/255/401234567890104711", "https://id.gs1.org/414/0614141123452/254/400",
		"https://id.gs1.org/417/0614141000028", "https://id.gs1.org/8003/00614141123452400",
		"https://id.gs1.org/8004/061414112345400", "https://id.gs1.org/8006/040123451234560102/21/987",
		"https://id.gs1.org/8010/0614141123ABC/8011/123456789", "https://id.gs1.org/8017/061414112345678902",
		"https://id.gs1.org/8018/061414112345678902", "https://id.gs1.org/01/04012345123456/10/A%2FB"}
	qty := func(class string, q any, uom string) map[string]any {
		m := map[string]any{"epcClass": class}
		if q != nil {
			m["quantity"] = q
		}
		if uom != "" {
			m["uom"] = uom
		}
		return m
	}
	sensors := []any{map[string]any{"sensorMetadata": map[string]any{"time": "2026-10-01T07:00:00+08:00", "deviceID": "urn:epc:id:giai:6901234.SENSOR7"},
		"sensorReport": []any{map[string]any{"type": "gs1:Temperature", "value": -18.5, "uom": "CEL"},
			map[string]any{"type": "gs1:RelativeHumidity", "minValue": 12.0, "maxValue": 14.25, "uom": "P1"}}}}
	var out []map[string]any
	for _, epc := range epcs {
		out = append(out, with(base("ObjectEvent", "OBSERVE", "shipping"), "epcList", []any{epc}))
	}
	out = append(out,
		with(base("ObjectEvent", "ADD", "commissioning"), "eventID", "urn:uuid:6f2b4f0e-0001", "quantityList", []any{
			qty("urn:epc:class:lgtin:6901234.050002.RT2610A", 1200.5, "KGM"), qty("urn:epc:class:lgtin:6901234.050003.MR2610A", 20, "H87"),
			qty("https://id.gs1.org/01/09506000134352/10/ABC", nil, "")},
			"ilmd", map[string]any{"cbvmda:lotNumber": "RT2610A", "cbvmda:itemExpirationDate": "2027-10-01", "hlj:variety": "稻花香2号"},
			"hlj:grower", map[string]any{"hlj:name": "五常市民乐乡稻谷种植专业合作社", "hlj:plots": []any{"P-1", "P-2"}}),
		with(base("ObjectEvent", "ADD", "commissioning"), "epcList", []any{"urn:epc:id:sgtin:0614141.107346.2018"}),
		with(base("ObjectEvent", "OBSERVE", "inspecting"), "readPoint", map[string]any{"id": "geo:44.9167,127.1667"}, "sensorElementList", sensors),
		with(base("ObjectEvent", "OBSERVE", "https://ref.gs1.org/cbv/BizStep-storing"), "epcList", []any{"urn:epc:id:sgtin:0614141.107346.2017"},
			"disposition", "https://ref.gs1.org/cbv/Disp-in_progress", "persistentDisposition", map[string]any{"set": []any{"completeness_verified"}},
			"readPoint", map[string]any{"id": "https://id.gs1.org/414/6901234000054/254/DOCK-2"},
			"certificationInfo", "https://example.org/cert/1", "sensorElementList", sensors),
		with(base("ObjectEvent", "DELETE", "urn:epcglobal:cbv:bizstep:decommissioning"), "epcList", []any{"urn:epc:id:sgtin:0614141.107346.2017"}),
		with(base("ObjectEvent", "OBSERVE", "recalling"), "epcList", []any{"urn:epc:id:sgtin:0614141.107346.2017"}),
		with(base("ObjectEvent", "OBSERVE", "retail_selling"), "quantityList", []any{qty("urn:epc:class:lgtin:6901234.050002.L1", 2.5, "KGM")},
			"bizTransactionList", []any{map[string]any{"type": "inv", "bizTransaction": "urn:epcglobal:cbv:bt:6901234000030:INV-88"}},
			"sourceList", []any{map[string]any{"type": "owning_party", "source": "urn:epc:id:pgln:6901234.00004"}}),
		with(base("AggregationEvent", "ADD", "packing"), "parentID", "urn:epc:id:sscc:6901234.0000000071",
			"childEPCs", []any{"urn:epc:id:sgtin:0614141.107346.2017", "https://id.gs1.org/01/09506000134352/21/S9"},
			"childQuantityList", []any{qty("urn:epc:class:lgtin:6901234.050002.RT2610A", 500, "KGM")}),
		with(base("AggregationEvent", "DELETE", "unpacking"), "parentID", "https://id.gs1.org/00/069012340000000719"),
		with(base("AggregationEvent", "OBSERVE", ""), "childEPCs", []any{"urn:epc:id:sgtin:0614141.107346.2017"}),
		with(base("AssociationEvent", "ADD", "assembling"), "parentID", "urn:epc:id:grai:6901234.00006.TRUCK-1",
			"childEPCs", []any{"urn:epc:id:giai:6901234.LOGGER-22", "urn:epc:id:giai:6901234.SENSOR7"}),
		with(base("TransformationEvent", "", "commissioning"), "eventID", "urn:uuid:6f2b4f0e-0002",
			"inputQuantityList", []any{qty("urn:epc:class:lgtin:6901234.050002.RT2610A", 1000, "KGM")},
			"outputQuantityList", []any{qty("urn:epc:class:lgtin:6901234.050004.BR2610A", 690, "KGM"), qty("urn:epc:class:lgtin:6901234.050004.BR2610B", 20, "")},
			"transformationID", "urn:epc:id:gdti:6901234.00002.MILL-3"),
		with(base("TransformationEvent", "", "transforming"), "inputEPCList", []any{"urn:epc:id:sgtin:0614141.107346.2017"},
			"outputEPCList", []any{"urn:epc:id:sgtin:0614141.107346.2019"}),
		with(base("TransformationEvent", "", ""), "inputEPCList", []any{"urn:epc:id:sgtin:0614141.107346.2017"}),
		with(base("TransactionEvent", "ADD", "receiving"), "parentID", "urn:epc:id:sscc:6901234.0000000071",
			"epcList", []any{"urn:epc:id:sgtin:0614141.107346.2017"},
			"bizTransactionList", []any{map[string]any{"type": "po", "bizTransaction": "urn:epc:id:gdti:6901234.00003.PO-2026-88"}},
			"destinationList", []any{map[string]any{"type": "https://ref.gs1.org/cbv/SDT-owning_party", "destination": "https://id.gs1.org/417/6901234000054"},
				map[string]any{"type": "possessing_party", "destination": "urn:epc:id:pgln:0614141.00002"}}),
		with(base("TransactionEvent", "ADD", "receiving"), "epcList", []any{"urn:epc:id:sgtin:0614141.107346.2017"},
			"destinationList", []any{map[string]any{"type": "possessing_party", "destination": "urn:epc:id:pgln:0614141.00002"}}),
		with(base("TransactionEvent", "DELETE", ""), "epcList", []any{"urn:epc:id:sgtin:0614141.107346.2017"}),
		with(base("ObjectEvent", "OBSERVE", "shipping"), "eventID", "urn:uuid:6f2b4f0e-0003", "epcList", []any{"urn:epc:id:sgtin:0614141.107346.2017"},
			"errorDeclaration", map[string]any{"declarationTime": "2026-10-02T08:00:00+08:00", "reason": "incorrect_data",
				"correctiveEventIDs": []any{"urn:uuid:6f2b4f0e-0004"}, "hlj:note": "wrong lot"}),
		with(base("TransformationEvent", "", "commissioning"), "eventID", "urn:uuid:6f2b4f0e-0005",
			"inputEPCList", []any{"urn:epc:id:sgtin:0614141.107346.2017"}, "outputEPCList", []any{"urn:epc:id:sgtin:0614141.107346.2019"},
			"errorDeclaration", map[string]any{"declarationTime": "2026-10-02T08:00:00+08:00"}),
		with(base("ObjectEvent", "OBSERVE", "shipping"), "eventID", "_:b1", "epcList", []any{"urn:epc:id:sgtin:0614141.107346.2017"},
			"@context", []any{map[string]any{"own": "https://own.example/"}}, "own:x", 1),
		with(base("ObjectEvent", "OBSERVE", "shipping"), "eventTime", "2026-10-01T00:00:00Z", "eventTimeZoneOffset", "-05:30",
			"epcList", []any{"urn:epc:id:sgtin:0614141.107346.2017"}, "ext:number", 1.50e+3, "ext:flag", true, "ext:nothing", nil),
	)
	return out
}

// gs1Docs wraps the events into documents: one event to a document, and all that decode together,
// with and without the sender's namespaces; each also with an escape in its creationDate, which
// sends the whole document the generic way.
func gs1Docs() [][]byte {
	var evs []map[string]any
	for _, e := range gs1Events() {
		b, _ := json.Marshal(e)
		if _, err := oldDecodeOne(b, oracleActor); err == nil {
			evs = append(evs, e)
		}
	}
	ctxs := []any{
		[]any{"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", map[string]any{"hlj": "https://ns.hlj-grain.example/epcis/", "ext": "https://ext.example/"}},
		"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",
		[]any{"https://gs1.github.io/EPCIS/epcis-context.jsonld", "https://ns.example/ctx.jsonld", nil, 7},
	}
	doc := func(ctx any, list []map[string]any) map[string]any {
		d := map[string]any{"type": "EPCISDocument", "schemaVersion": "2.0", "creationDate": "2026-10-06T09:00:00.000+08:00",
			"epcisBody": map[string]any{"eventList": list}}
		if ctx != nil {
			d["@context"] = ctx
		}
		return d
	}
	var out [][]byte
	add := func(v any) {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", " ")
		_ = enc.Encode(v)
		out = append(out, b.Bytes())
		compact, _ := json.Marshal(v) // escapes <, >, &
		out = append(out, compact)
		out = append(out, bytes.Replace(compact, []byte(`"2026-10-06`), []byte(`"\u0032026-10-06`), 1))
	}
	for _, ctx := range ctxs {
		add(doc(ctx, evs))
	}
	for _, e := range gs1Events() {
		add(doc(ctxs[0], []map[string]any{e}))
	}
	return out
}

// docVariants are hand-written documents off the usual shape: every document-level refusal,
// escapes, keys differing in case only, numbers as strings, nulls, strict-JSON refusals.
var docVariants = []string{
	`{"type":"EPCISDocument","epcisBody":{"event":{"type":"ObjectEvent","action":"OBSERVE","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"]}}}`,
	`{"isA":"EPCISDocument","schemaVersion":2.1,"epcisBody":{"eventList":[{"isA":"ObjectEvent","action":"OBSERVE","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"]}]}}`,
	`{"type":"EPCISDocument","schemaVersion":"1.2","epcisBody":{"eventList":[]}}`,
	`{"type":"EPCISDocument","schemaVersion":"\u0032.0","epcisBody":{"eventList":[]}}`,
	`{"type":"EPCISDocument","schemaVersion":null,"epcisBody":{"eventList":null}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":"x"}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":{}}}`,
	`{"type":"EPCISDocument","epcisBody":{}}`,
	`{"type":"EPCISDocument","epcisBody":null}`,
	`{"type":"EPCISDocument","epcisBody":[1]}`,
	`{"type":"EPCISDocument"}`,
	`{"type":"EPCISQueryDocument","epcisBody":{}}`,
	`{"type":7}`, `{}`, `[]`, `null`, `"x"`, `12`, ``, ` `, `{"type":"EPCISDocument"} x`, `{"type":"EPCISDocument",}`,
	`{"type":"EPCISDocument","type":"EPCISDocument","epcisBody":{"eventList":[]}}`,
	`{"type":"EPCISDocument","t\u0079pe":"EPCISDocument","epcisBody":{"eventList":[]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[null,1,"x",[],{}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"event":null}}`,
	`{"type":"EPCISDocument","epcisBody":{"event":[{"type":"ObjectEvent"}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent"}],"event":{"type":"ObjectEvent"}}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","quantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":"12.5","uom":"KGM"}]}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","quantityList":[{"EPCClass":"urn:epc:class:lgtin:4012345.012345.998877","Quantity":3,"UOM":"kgm"}]}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","quantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":3,"epcclass":"urn:epc:class:lgtin:4012345.012345.1"}]}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","quantityList":[null,{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":null,"uom":null}]}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","quantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":0,"uom":"XYZ"}]}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","quantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":1e999}]}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","quantityList":{"epcClass":"x"}}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1",null]}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1",5]}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":null,"sensorElementList":null}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"],"bizLocation":{"ID":"urn:epc:id:sgln:0614141.12345.0"},"readPoint":{"id":"urn:epc:id:sgln:0614141.12345.400","Id":null}}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"],"bizLocation":"urn:epc:id:sgln:0614141.12345.0","readPoint":{"id":5}}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"],"bizLocation":{"id":"nowhere"}}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"],"bizLocation":{"id":"urn:epc:id:sgln:0614141.12345.0","x":{"id":"a","y":[{"id":"b"}]}}}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"],"bizLocation":{"id":"urn:epc:id:sgln:0614141.12345.0","\u0069d":"x"}}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"],"bizLocation":{"id":"urn:epc:id:sgln:0614141.12345.0","ìd":"x"}}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+0800","epcList":["urn:epc:id:sgtin:0614141.107346.1"]}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","epcList":["urn:epc:id:sgtin:0614141.107346.1"]}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01","eventTimeZoneOffset":"+00:00"}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTimeZoneOffset":"+00:00"}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"QuantityEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00"}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","action":"\u0041DD","bizStep":"commissioning","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"],"ext:s":"a\/b\n\u2028<&>"}]}}`,
	"{\"type\":\"EPCISDocument\",\"epcisBody\":{\"eventList\":[{\"type\":\"ObjectEvent\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"eventTimeZoneOffset\":\"+00:00\",\"epcList\":[\"urn:epc:id:sgtin:0614141.107346.1\"],\"ext:s\":\"\u2028 \u2029\"}]}}",
	"{\"type\":\"EPCISDocument\",\"epcisBody\":{\"eventList\":[{\"type\":\"ObjectEvent\",\"eventTime\":\"2026-01-01T00:00:00Z\",\"eventTimeZoneOffset\":\"+00:00\",\"epcList\":[\"urn:epc:id:sgtin:0614141.107346.1\"],\"ext:s\":\"\xff\"}]}}",
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"],"ext:o":{"b":1,"a":2,"b":3}}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"],"ext:n":[-0.0,1E+2,0.5e-3,-12]}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"],"ext:n":01}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"],"ext:a!":1,"ext:a":2,"ext:a ":3}]}}`,
	`{"@context":{"x":"https://x.example/"},"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"],"#":1,"A":2,"@":3,"?":4}]}}`,
	`{"@context":null,"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"]}]}}`,
	`{"@context":["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"]}]}}`,
	`{"@context":[],"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"]}]}}`,
	`{"@context":["https://ref.gs1.org/standards/epcis/epcis-context.jsonld",{"z":"<&>","a":[ 1 , 2 ]}],"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"]}]}}`,
	`{"@context":"https://x.example/c.jsonld","type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"]}]}}`,
	`{"@context":"https://x.example/c.jsonld","type":"EPCISDocument","epcisBody":{"eventList":[{"type":"TransactionEvent","action":"ADD","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"],"destinationList":[{"type":"owning_party","destination":"urn:epc:id:pgln:0614141.00002","Type":"x"}]}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"TransactionEvent","action":"ADD","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"],"destinationList":{"type":"owning_party"}}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"TransactionEvent","action":"ADD","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"],"destinationList":[{"type":"owning_party","destination":"nowhere"}]}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"],"errorDeclaration":"x"}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"AggregationEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","parentID":"urn:epc:id:sscc:1.2"}]}}`,
	`{"type":"EPCISDocument","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","epcList":["urn:epc:id:sgtin:0614141.107346.1"]}]}} `,
	"\t{\"type\":\"EPCISDocument\",\"epcisBody\":{\"eventList\":[ {\"type\" : \"ObjectEvent\" ,\"eventTime\":\"2026-01-01T00:00:00Z\",\"eventTimeZoneOffset\":\"+00:00\",\"epcList\":[ ]} ]}}\r\n",
}

// oracleCorpus is every document the comparison runs on.
func oracleCorpus(t testing.TB) [][]byte {
	var out [][]byte
	for _, glob := range []string{"../../gateway/testdata/epcis/*.jsonld", "../../epcis/testdata/docs/*.jsonld"} {
		files, _ := filepath.Glob(glob)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, b)
		}
	}
	if len(out) < 6 {
		t.Fatalf("only %d test documents found", len(out))
	}
	out = append(out, gs1Docs()...)
	for _, s := range docVariants {
		out = append(out, []byte(s))
	}
	return append(out, benchDoc(3))
}

func TestDecodeMatchesOracle(t *testing.T) {
	corpus := oracleCorpus(t)
	plain := 0
	for _, doc := range corpus {
		checkDecode(t, doc)
		if s := (scanner{src: doc, write: true}); func() bool { _, ok := s.document(); return ok }() {
			plain++
		}
		// every prefix: truncated documents, and the errors on the way
		if len(doc) < 3000 {
			for n := 0; n < len(doc); n += 7 {
				checkDecode(t, doc[:n])
			}
		}
	}
	// both ways are compared, not one alone
	if plain < len(corpus)/3 || plain == len(corpus) {
		t.Fatalf("%d of %d documents took the plain way", plain, len(corpus))
	}
}

// The events of the corpus on their own, with their members reordered and spaced, as the
// contract's projection check and DecodeEvent get them.
func TestProjectMatchesOracle(t *testing.T) {
	for _, e := range gs1Events() {
		b, _ := json.Marshal(e)
		checkProject(t, b)
		var ind bytes.Buffer
		_ = json.Indent(&ind, b, "\t", "\t")
		checkProject(t, ind.Bytes())
		checkProject(t, append(b, " x"...))                                           // trailing data: a decoder reads the first value
		checkProject(t, bytes.Replace(b, []byte(`{"`), []byte(`{"type":"x","`), 1))   // a repeated member: the last one counts
		checkProject(t, bytes.Replace(b, []byte(`"type"`), []byte(`"\u0074ype"`), 1)) // an escaped name
		checkProject(t, bytes.Replace(b, []byte(`+08:00"`), []byte("+08:00\xff\""), 1))
	}
	for _, s := range []string{``, `null`, `[]`, `"x"`, `{}`, `{"type":"ObjectEvent"}`, `{"type":"ObjectEvent"`, ` {"type":"ObjectEvent"} `} {
		checkProject(t, []byte(s))
	}
}

// What the scanner takes on, the strict decoder accepts: the scanner stands in for its check.
func TestScannerWithinStrict(t *testing.T) {
	for _, doc := range oracleCorpus(t) {
		s := scanner{src: doc, write: true}
		if _, ok := s.document(); ok && strictjson.Check(doc) != nil {
			t.Errorf("scanner took %.200q, strictjson refuses it: %v", doc, strictjson.Check(doc))
		}
	}
}

func FuzzDecodeMatchesOracle(f *testing.F) {
	for _, doc := range oracleCorpus(f) {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, data)
		s := scanner{src: data, write: true}
		if _, ok := s.document(); ok {
			if err := strictjson.Check(data); err != nil {
				t.Fatalf("scanner took %q, strictjson refuses it: %v", data, err)
			}
		}
	})
}

func FuzzProjectMatchesOracle(f *testing.F) {
	for _, e := range gs1Events() {
		b, _ := json.Marshal(e)
		f.Add(b)
	}
	for _, s := range docVariants {
		if i := strings.Index(s, `[{"type"`); i > 0 {
			f.Add([]byte(s[i+1:]))
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkProject(t, raw)
	})
}

// zoneOffset accepts exactly the offsets the pattern it replaced did: every character at each
// place on either side of its bounds, one character short and one over.
func TestZoneOffsetMatchesPattern(t *testing.T) {
	places := []string{"+-0 ", "0129/", "03459:", ":0", "05609", "09:"}
	n := 0
	var gen func(prefix string, at int)
	gen = func(prefix string, at int) {
		if at == len(places) {
			for _, s := range []string{prefix, prefix[:5], prefix + "0", prefix + "\n"} {
				if got, want := zoneOffset(s), oldOffsetRe.MatchString(s); got != want {
					t.Errorf("zoneOffset(%q) = %v, pattern %v", s, got, want)
				}
				n++
			}
			return
		}
		for _, c := range places[at] {
			gen(prefix+string(c), at+1)
		}
	}
	gen("", 0)
	if n < 5000 {
		t.Fatalf("only %d offsets tried", n)
	}
}
