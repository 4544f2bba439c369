package domain

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 10, 8, 12, 0, 0, 0, time.UTC)

const usccBody = "93230184MA1BX4TQ5"

var coopUSCC = usccBody + string(USCCCheck(usccBody))

func badUSCC() string {
	c := byte('0')
	if coopUSCC[17] == '0' {
		c = '1'
	}
	return usccBody + string(c)
}

func base() Event {
	return Event{ID: "e-1", Type: Produce, EventTime: "2026-10-08T08:30:00+08:00",
		Actor: Party{Enterprise: coopUSCC},
		Outputs: []Output{{Batch: "urn:epc:class:lgtin:4012345.012345.998877",
			Product:  Product{Name: "稻谷", GTIN: "04012345123456", Category: "grain"},
			Quantity: Quantity{Value: 1000, Unit: "kg"}, Origin: &Origin{Region: "230184", HarvestDate: "2026-10-01"}}}}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		mut     func(e *Event)
		pointer string // "" = valid
	}{
		{"valid produce", func(e *Event) {}, ""},
		{"missing id", func(e *Event) { e.ID = "" }, "/id"},
		{"id with space", func(e *Event) { e.ID = "a b" }, "/id"},
		{"unknown type", func(e *Event) { e.Type = "harvestt" }, "/type"},
		{"time without zone", func(e *Event) { e.EventTime = "2026-10-08T08:30:00" }, "/eventTime"},
		{"zone out of range", func(e *Event) { e.EventTime = "2026-10-08T08:30:00+15:00" }, "/eventTime"},
		{"future beyond tolerance", func(e *Event) { e.EventTime = "2026-10-08T12:30:00Z" }, "/eventTime"},
		{"within tolerance", func(e *Event) { e.EventTime = "2026-10-08T12:05:00Z" }, ""},
		{"before 1990", func(e *Event) { e.EventTime = "1989-01-01T00:00:00Z" }, "/eventTime"},
		{"no actor", func(e *Event) { e.Actor.Enterprise = " " }, "/actor/enterprise"},
		{"bad USCC check", func(e *Event) { e.Actor.Enterprise = badUSCC() }, "/actor/enterprise"},
		{"bad output id", func(e *Event) { e.Outputs[0].Batch = "urn:epc:id:sgtin:12.3.4" }, "/outputs/0/batch"},
		{"bad GTIN", func(e *Event) { e.Outputs[0].Product.GTIN = "04012345123457" }, "/outputs/0/product/gtin"},
		{"no product name", func(e *Event) { e.Outputs[0].Product.Name = "" }, "/outputs/0/product/name"},
		{"bad category", func(e *Event) { e.Outputs[0].Product.Category = "meat" }, "/outputs/0/product/category"},
		{"negative quantity", func(e *Event) { e.Outputs[0].Quantity.Value = -1 }, "/outputs/0/quantity/value"},
		{"huge quantity", func(e *Event) { e.Outputs[0].Quantity.Value = 1e12 }, "/outputs/0/quantity/value"},
		{"unknown unit", func(e *Event) { e.Outputs[0].Quantity.Unit = "bushel" }, "/outputs/0/quantity/unit"},
		{"bad net content", func(e *Event) {
			e.Outputs[0].Quantity = Quantity{Value: 1, Unit: "bag", NetContent: &Quantity{Value: 2, Unit: "box"}}
		}, "/outputs/0/quantity/netContent"},
		{"bad region", func(e *Event) { e.Outputs[0].Origin.Region = "23018" }, "/outputs/0/origin/region"},
		{"bad harvest date", func(e *Event) { e.Outputs[0].Origin.HarvestDate = "2026-13-01" }, "/outputs/0/origin/harvestDate"},
		{"no outputs", func(e *Event) { e.Outputs = nil }, "/outputs"},
		{"bad document hash", func(e *Event) { e.Documents = []Document{{Name: "质检报告.pdf", SHA256: "abc"}} }, "/documents/0/sha256"},
		{"document without name", func(e *Event) { e.Documents = []Document{{SHA256: strings.Repeat("a", 64)}} }, "/documents/0/name"},
		{"ledger field from caller", func(e *Event) { e.TxID = "x" }, ""},
		{"bad location region", func(e *Event) { e.Location = &Location{Region: "x"} }, "/location/region"},
		{"bad location id", func(e *Event) { e.Location = &Location{ID: "urn:epc:id:sgln:1.2.3"} }, "/location/id"},
		{"split with one output", func(e *Event) {
			e.Type, e.Inputs = Split, []Portion{{Batch: "A"}}
		}, "/outputs"},
		{"merge with one input", func(e *Event) { e.Type, e.Inputs = Merge, []Portion{{Batch: "A"}} }, "/inputs"},
		{"process without inputs", func(e *Event) { e.Type = Process }, "/inputs"},
		{"purchase without to", func(e *Event) { e.Type, e.Batches = Purchase, []string{"A"} }, "/to"},
		{"inspect without result", func(e *Event) {
			e.Type, e.Batches, e.Inspection = Inspect, []string{"A"}, &Inspection{Item: "moisture", Result: "ok"}
		}, "/inspection/result"},
		{"certify without type", func(e *Event) {
			e.Type, e.Batches, e.Certificate = Certify, []string{"A"}, &Certificate{ID: "C"}
		}, "/certificate/type"},
		{"recall without reason", func(e *Event) { e.Type, e.Batches = Recall, []string{"A"} }, "/reason"},
		{"store without batches", func(e *Event) { e.Type = Store }, "/batches"},
		{"bad input quantity", func(e *Event) {
			e.Type, e.Inputs = Process, []Portion{{Batch: "A", Quantity: &Quantity{Value: 0, Unit: "kg"}}}
		}, "/inputs/0/quantity/value"},
		{"invalid utf-8 attribute", func(e *Event) { e.Attributes = map[string]any{"x": "\xff"} }, "/attributes/x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := base()
			tc.mut(&e)
			err := Validate(&e, now)
			if tc.name == "ledger field from caller" {
				if err == nil {
					t.Fatal("caller-set txId accepted")
				}
				return
			}
			if tc.pointer == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			de, ok := AsError(err)
			if !ok || de.Pointer != tc.pointer || de.Status != 400 {
				t.Fatalf("got %v, want 400 at %s", err, tc.pointer)
			}
		})
	}
}

func TestValidateNormalises(t *testing.T) {
	e := base()
	if err := Validate(&e, now); err != nil {
		t.Fatal(err)
	}
	if e.Outputs[0].Batch != "https://id.gs1.org/01/04012345123456/10/998877" {
		t.Fatalf("output not normalised: %s", e.Outputs[0].Batch)
	}
}

func TestUnitsAndUSCC(t *testing.T) {
	for _, tc := range []struct {
		q    Quantity
		v    float64
		dim  string
		fail bool
	}{
		{Quantity{Value: 2, Unit: "t"}, 2000, "mass", false},
		{Quantity{Value: 10, Unit: "jin"}, 5, "mass", false},
		{Quantity{Value: 500, Unit: "ml"}, 0.5, "volume", false},
		{Quantity{Value: 3, Unit: "bag"}, 3, "count:bag", false},
		{Quantity{Value: 3, Unit: "bag", NetContent: &Quantity{Value: 5, Unit: "kg"}}, 15, "mass", false},
		{Quantity{Value: 3, Unit: "bag", NetContent: &Quantity{Value: 5, Unit: "box"}}, 0, "", true},
		{Quantity{Value: 3, Unit: "bag", NetContent: &Quantity{Value: 5, Unit: "?"}}, 0, "", true},
		{Quantity{Value: 1, Unit: "acre"}, 0, "", true},
	} {
		v, dim, err := Base(tc.q)
		if (err != nil) != tc.fail || (!tc.fail && (v != tc.v || dim != tc.dim)) {
			t.Errorf("Base(%+v) = %v %s %v", tc.q, v, dim, err)
		}
	}
	if u, ok := UnitFromUNECE("KGM"); !ok || u != "kg" {
		t.Error("KGM")
	}
	if u, ok := UnitFromUNECE("bag"); !ok || u != "bag" {
		t.Error("bag")
	}
	if _, ok := UnitFromUNECE("XYZ"); ok {
		t.Error("XYZ accepted")
	}
	body := "91350100M000100Y4"
	if code := body + string(USCCCheck(body)); !ValidUSCC(code) || code != "91350100M000100Y43" {
		t.Errorf("USCC check of published example: %s", code)
	}
	if ValidUSCC("91350100M000100Y44") || ValidUSCC("short") {
		t.Error("invalid USCC accepted")
	}
}

func TestErrorsAndStages(t *testing.T) {
	e := Refuse(403, "custody", "/batches/0", "held by %s", "X")
	wrapped := errors.New("endorse failed: chaincode response 500, " + e.Error())
	got, ok := AsError(wrapped)
	if !ok || got.Rule != "custody" || got.Status != 403 || got.Detail != "held by X" {
		t.Fatalf("round trip through text: %+v", got)
	}
	if _, ok := AsError(errors.New("plain")); ok {
		t.Error("plain error decoded")
	}
	if _, ok := AsError(nil); ok {
		t.Error("nil decoded")
	}
	ix := e.WithIndex(3)
	if ix.Pointer != "/events/3/batches/0" || *ix.Index != 3 || e.Index != nil {
		t.Fatalf("WithIndex = %+v", ix)
	}
	stages := map[EventType]string{Produce: "produce", Accept: "purchase", Store: "store", Split: "process", Sell: "sell", Inspect: "around"}
	for typ, want := range stages {
		if typ.Stage() != want {
			t.Errorf("%s.Stage() = %s", typ, typ.Stage())
		}
	}
	if CollectionName("B", "A") != "terms_A_B" || CollectionName("A", "A") != "terms_A" {
		t.Error("collection names")
	}
}

func TestFingerprint(t *testing.T) {
	a, b := base(), base()
	b.TxID, b.RecordTime, b.Platform = "tx", "now", "P"
	if Fingerprint(a) != Fingerprint(b) {
		t.Error("ledger-set fields change the fingerprint")
	}
	b.Outputs[0].Quantity.Value = 999
	if Fingerprint(a) == Fingerprint(b) {
		t.Error("content change not detected")
	}
	p1, p2 := base(), base()
	p1.Private, p2.Private = &Private{Price: 1}, &Private{Price: 2}
	if Fingerprint(p1) == Fingerprint(p2) {
		t.Error("private terms do not count")
	}
}

func FuzzValidate(f *testing.F) {
	seed, _ := json.Marshal(base())
	f.Add(seed)
	f.Add([]byte(`{"id":"x","type":"process","eventTime":"2026-01-01T00:00:00Z","actor":{"enterprise":"E"},"inputs":[{"batch":"A"}],"outputs":[{"batch":"B","product":{"name":"n"},"quantity":{"value":1,"unit":"bag","netContent":{"value":1,"unit":"kg"}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var e Event
		if json.Unmarshal(data, &e) != nil {
			return
		}
		err := Validate(&e, now)
		if err != nil {
			if _, ok := AsError(err); !ok {
				t.Fatalf("validation error without rule: %v", err)
			}
			return
		}
		// a valid event stays valid (normalisation is idempotent)
		if err := Validate(&e, now); err != nil {
			t.Fatalf("normalised event no longer valid: %v", err)
		}
	})
}

func TestEPCISMappingTable(t *testing.T) {
	for _, tc := range []struct {
		typ, action, step string
		want              EventType
		ok                bool
	}{
		{"ObjectEvent", "ADD", "commissioning", Produce, true},
		{"ObjectEvent", "ADD", "", Produce, true},
		{"ObjectEvent", "OBSERVE", "receiving", Store, true},
		{"ObjectEvent", "OBSERVE", "shipping", Transport, true},
		{"ObjectEvent", "OBSERVE", "retail_selling", Sell, true},
		{"ObjectEvent", "DELETE", "recalling", Recall, true},
		{"ObjectEvent", "DELETE", "destroying", Observe, true},
		{"TransformationEvent", "", "commissioning", Process, true},
		{"AggregationEvent", "ADD", "packing", Aggregate, true},
		{"AssociationEvent", "ADD", "assembling", Aggregate, true},
		{"TransactionEvent", "ADD", "", Observe, true},
		{"SensorEvent", "", "", "", false},
	} {
		got, ok := MapEPCIS(tc.typ, tc.action, tc.step)
		if ok != tc.ok || got != tc.want {
			t.Errorf("MapEPCIS(%s, %s, %s) = %s %v", tc.typ, tc.action, tc.step, got, ok)
		}
	}
	for _, et := range EventTypes {
		if ExportBizStep(et) == "" {
			t.Errorf("%s exports without a bizStep", et)
		}
	}
	if ExportBizStep(Observe) != "other" || ExportBizStep(Sell) != "retail_selling" {
		t.Error("export bizSteps")
	}
	if u := Units(); len(u) != 11 || !ValidUnit("jin") || ValidUnit("担") {
		t.Error("units")
	}
	if _, err := ParseEventTime("2026-10-01T08:00:00+08:00"); err != nil {
		t.Error(err)
	}
	if err := ValidQuantity(Quantity{Value: 1, Unit: "kg", NetContent: &Quantity{Value: -1, Unit: "kg"}}, "/q"); err == nil {
		t.Error("negative net content accepted")
	}
}
