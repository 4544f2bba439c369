package epcisevent_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
	"github.com/agritrace/agritrace/gs1"
	"github.com/agritrace/agritrace/internal/epcisdocs"
)

// TestMemberPointerFindsTheProjectedValue: for every batch the projection of every test event names
// (inputs, outputs, batches), the member MemberPointer points at holds that very batch, and for a
// quantity the projection took from a quantity list, that very quantity.
func TestMemberPointerFindsTheProjectedValue(t *testing.T) {
	checked := 0
	for _, e := range epcisdocs.Events(t, domain.Party{Enterprise: "T"}) {
		var doc any
		if err := json.Unmarshal(e.EPCIS, &doc); err != nil {
			t.Fatal(err)
		}
		check := func(native, batch string, qty *domain.Quantity) {
			t.Helper()
			p := epcisevent.MemberPointer(e.EPCIS, native+"/batch")
			v, ok := at(doc, p).(string)
			if n, err := gs1.Normalize(v); !ok || err != nil || n != batch {
				t.Errorf("event %s: %s/batch → %q holds %v, the projection names %s", e.ID, native, p, at(doc, p), batch)
			}
			checked++
			qp := epcisevent.MemberPointer(e.EPCIS, native+"/quantity/value")
			if !strings.Contains(strings.ToLower(qp), "quantitylist") {
				return // an EPC stands for one piece: its quantity is the EPC itself
			}
			if got, ok := at(doc, qp).(float64); qty == nil || !ok || got != qty.Value {
				t.Errorf("event %s: %s/quantity → %q holds %v, the projection took %v", e.ID, native, qp, at(doc, qp), qty)
			}
		}
		for i, in := range e.Inputs {
			check(fmt.Sprintf("/inputs/%d", i), in.Batch, in.Quantity)
		}
		for i, out := range e.Outputs {
			check(fmt.Sprintf("/outputs/%d", i), out.Batch, &out.Quantity)
		}
		for i, b := range e.Batches {
			p := epcisevent.MemberPointer(e.EPCIS, fmt.Sprintf("/batches/%d", i))
			held := at(doc, p)
			if q, isQty := held.(map[string]any); isQty {
				held = q["epcClass"] // a quantity element stands for its class
			}
			v, ok := held.(string)
			if n, err := gs1.Normalize(v); !ok || err != nil || n != b {
				t.Errorf("event %s: /batches/%d → %q holds %v, the projection names %s", e.ID, i, p, at(doc, p), b)
			}
			checked++
		}
	}
	t.Logf("%d projected batches found in their EPCIS members", checked)
	if checked < 10 {
		t.Fatalf("only %d projected batches in the test documents", checked)
	}
}

func TestMemberPointerOfEventFields(t *testing.T) {
	raw := json.RawMessage(`{"type":"ObjectEvent","eventID":"urn:uuid:1","eventTime":"2026-10-01T08:00:00+08:00","eventTimeZoneOffset":"+08:00",` +
		`"action":"OBSERVE","bizStep":"receiving","epcList":["urn:epc:id:sgtin:6901234.050002.1"],"readPoint":{"id":"urn:epc:id:sgln:6901234.00001.0"}}`)
	for native, want := range map[string]string{
		"/id":               "/eventID",
		"/eventTime":        "/eventTime",
		"/location/id":      "/readPoint",
		"/batches/0":        "/epcList/0",
		"/batches/1":        "", // no such batch: the event
		"/actor/enterprise": "", // EPCIS has no actor: the event
		"":                  "",
		"/outputs/0/batch":  "", // an observation has no outputs
		"/batches/x":        "",
		"/epcis/epcList/0":  "/epcList/0", // the contract's own reading of the EPCIS event
		"/epcis":            "",
	} {
		if got := epcisevent.MemberPointer(raw, native); got != want {
			t.Errorf("MemberPointer(%q) = %q, want %q", native, got, want)
		}
	}
}

// at is the value at JSON pointer p in doc (nil when there is none).
func at(doc any, p string) any {
	if p == "" {
		return doc
	}
	for _, seg := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
		switch v := doc.(type) {
		case map[string]any:
			doc = v[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(v) {
				return nil
			}
			doc = v[i]
		default:
			return nil
		}
	}
	return doc
}
