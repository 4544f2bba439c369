package gateway

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
)

// A native event may carry a captured EPCIS event. The contract is sent only the EPCIS event and
// derives the native fields from it, so the gateway refuses native fields that are not that
// projection (instead of letting them be replaced silently) before any ledger round trip, and
// records one whose fields are.
func TestNativeEventWithEPCISMustBeItsProjection(t *testing.T) {
	e := newEnv(t)
	raw, _ := json.Marshal(map[string]any{"type": "ObjectEvent", "eventID": "urn:uuid:native-epcis-1", "action": "OBSERVE",
		"bizStep": "storing", "eventTime": "2026-01-05T08:30:00+08:00", "eventTimeZoneOffset": "+08:00", "epcList": []string{"LOT-NE-1"}})
	good, err := epcisevent.DecodeEvent(raw, domain.Party{Enterprise: "WAREHOUSE-1"})
	if err != nil {
		t.Fatal(err)
	}
	forged := good
	forged.Batches = []string{"LOT-NE-2"}
	for _, c := range []struct {
		name    string
		body    any
		status  int
		pointer string
	}{
		{"single, forged", forged, http.StatusBadRequest, "/epcis"},
		{"bulk, forged", map[string]any{"events": []domain.Event{forged}}, http.StatusMultiStatus, "/events/0/epcis"},
		{"single, its projection", good, http.StatusCreated, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			calls := e.ledger.Calls
			r := e.post("/v1/events", "hlj", c.body)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			var p *Problem
			switch r.status {
			case http.StatusBadRequest:
				pp := r.problem(t)
				p = &pp
			case http.StatusMultiStatus:
				var bulk BulkResponse
				r.json(t, &bulk)
				p = bulk.Results[0].Problem
			}
			if c.pointer == "" {
				return
			}
			if p == nil || p.Rule != "epcis-projection" || p.Pointer != c.pointer {
				t.Fatalf("problem %+v, want rule epcis-projection at %s", p, c.pointer)
			}
			if e.ledger.Calls != calls {
				t.Fatalf("the ledger was called for a refused event")
			}
		})
	}
}
