package ledger

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"

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

// recordEmitting records events in one transaction of w and returns what the chaincode event carries.
func recordEmitting(w *world, c Caller, events ...domain.Event) (domain.Recorded, []domain.RecordResult, error) {
	w.tx++
	id := fmt.Sprintf("tx%03d", w.tx)
	w.s.Begin(id)
	r := NewRecorder(w.s, c, Tx{ID: id, Time: t0.Add(time.Duration(w.tx) * time.Minute)})
	res, err := r.Record(events)
	return r.Emitted(), res, err
}

// A captured event travels as its EPCIS event alone (Submission); the contract derives the
// projection and records exactly what the whole event records, keeping the EPCIS event out of the
// state but in the chaincode event, and retries and changes behave as for the whole event.
func TestCapturedSubmissionRecordsWhatTheWholeEventDoes(t *testing.T) {
	events := []domain.Event{
		captured(t, "WAREHOUSE-1", map[string]any{"type": "ObjectEvent", "eventID": "urn:uuid:sub-1", "action": "OBSERVE",
			"bizStep": "storing", "epcList": []string{"LOT-9"}, "readPoint": map[string]any{"id": "urn:epc:id:sgln:0614141.00777.0"}}),
		captured(t, "WAREHOUSE-1", map[string]any{"type": "ObjectEvent", "action": "OBSERVE", // eventID derived from the content
			"bizStep": "shipping", "epcList": []string{"LOT-11"}}),
	}
	whole, sub := newWorld(t), newWorld(t)
	want, wantRes, err := recordEmitting(whole, hlj, events...)
	if err != nil {
		t.Fatal(err)
	}
	var subs []domain.Event
	for _, e := range events {
		s := e.Submission()
		if s.Type != "" || s.Batches != nil || s.EventTime != "" || s.BizStep != "" {
			t.Fatalf("submission of %s carries projection fields: %+v", e.ID, s)
		}
		subs = append(subs, s)
	}
	got, gotRes, err := recordEmitting(sub, hlj, subs...)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotRes, wantRes) {
		t.Fatalf("submission emitted %+v, %+v; the whole events %+v, %+v", got, gotRes, want, wantRes)
	}
	for _, e := range got.Events {
		if len(e.EPCIS) == 0 || len(e.Batches) == 0 {
			t.Fatalf("emitted event %s lacks its EPCIS event or projection: %+v", e.ID, e)
		}
		stored, err := NewReader(sub.s).Event(e.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored.EPCIS) != 0 || stored.ContentHash != e.ContentHash || !reflect.DeepEqual(stored.Batches, e.Batches) {
			t.Fatalf("stored %s: %+v; want the emitted event without its EPCIS event", e.ID, stored)
		}
	}
	// a retry, whole or as a submission, is a duplicate of the original transaction
	for _, retry := range [][]domain.Event{events[:1], subs[:1]} {
		res, err := sub.record(hlj, retry...)
		if err != nil || !res[0].Duplicate || res[0].TxID != gotRes[0].TxID {
			t.Fatalf("retry = %+v, %v; want a duplicate of %s", res, err, gotRes[0].TxID)
		}
	}
	// the same ID with a changed EPCIS event conflicts although nothing of it is in the state
	changed := captured(t, "WAREHOUSE-1", map[string]any{"type": "ObjectEvent", "eventID": "urn:uuid:sub-1", "action": "OBSERVE",
		"bizStep": "storing", "epcList": []string{"LOT-9"}, "readPoint": map[string]any{"id": "urn:epc:id:sgln:0614141.00777.0"},
		"ilmd": map[string]any{"note": "changed"}})
	_, err = sub.record(hlj, changed.Submission())
	wantRule(t, err, 409, "idempotency")
	// a submission under another ID than its EPCIS event's is not that event
	forged := events[0].Submission()
	forged.ID = "urn:uuid:other"
	_, err = sub.record(hlj, forged)
	wantRule(t, err, 400, "epcis-projection")
}
