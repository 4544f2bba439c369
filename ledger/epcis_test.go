package ledger

import (
	"encoding/json"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
)

// captured is an EPCIS event as the gateway records it: the event of record and its projection.
func captured(t *testing.T, enterprise string, event map[string]any) domain.Event {
	t.Helper()
	event["eventTime"], event["eventTimeZoneOffset"] = "2026-10-08T08:30:00+08:00", "+08:00"
	raw, _ := json.Marshal(event)
	e, err := epcisevent.DecodeEvent(raw, domain.Party{Enterprise: enterprise})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestProjectionMustMatchTheCapturedEvent(t *testing.T) {
	w := newWorld(t)
	e := captured(t, "WAREHOUSE-1", map[string]any{"type": "ObjectEvent", "eventID": "urn:uuid:obs-1", "action": "OBSERVE",
		"bizStep": "storing", "epcList": []string{"LOT-9"}})
	forged := e
	forged.Batches = []string{"LOT-10"} // the rules would act on a batch the event of record does not name
	_, err := w.record(hlj, forged)
	wantRule(t, err, 400, "epcis-projection")
	forged = e
	forged.Type = domain.Sell
	_, err = w.record(hlj, forged)
	wantRule(t, err, 400, "epcis-projection")
	w.ok(hlj, e)
}
