package ledger

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/wire"
)

// MaxEventsPerTx bounds one recording transaction (a bulk request is cut into such chunks); the
// gateway packs by the same constant.
const MaxEventsPerTx = wire.MaxEventsPerTx

// regulatorMay are the event types the regulator org records; commercial events belong to the
// platforms that vouch for the enterprises.
var regulatorMay = map[domain.EventType]bool{domain.Inspect: true, domain.Certify: true, domain.Revoke: true, domain.Recall: true}

// Recorder applies events to the state within one transaction.
type Recorder struct {
	s       State
	caller  Caller
	tx      Tx
	cache   map[string][]byte // the stub does not read its own writes: keep them here
	changed []string          // batch IDs changed by this tx, in first-change order
	batches map[string]*domain.Batch
	out     domain.Recorded
}

// NewRecorder prepares recording in tx by caller.
func NewRecorder(s State, caller Caller, tx Tx) *Recorder {
	return &Recorder{s: s, caller: caller, tx: tx, cache: map[string][]byte{}, batches: map[string]*domain.Batch{}}
}

// Record applies every event in order. Duplicates (same ID and content) return the original
// record's tx; any refusal aborts the whole transaction, with the failing index in the error.
func (r *Recorder) Record(events []domain.Event) ([]domain.RecordResult, error) {
	if len(events) == 0 {
		return nil, domain.Invalid("/events", "no events given")
	}
	if len(events) > MaxEventsPerTx {
		return nil, domain.Invalid("/events", "%d events in one transaction; at most %d", len(events), MaxEventsPerTx)
	}
	seen := map[string]int{}
	results := make([]domain.RecordResult, len(events))
	for i := range events {
		if j, dup := seen[events[i].ID]; dup {
			return nil, domain.Refuse(409, "idempotency", "/id", "event id %q appears twice in one request (indexes %d and %d)", events[i].ID, j, i).WithIndex(i)
		}
		seen[events[i].ID] = i
		res, err := r.recordOne(events[i])
		if err != nil {
			var de *domain.Error
			if errors.As(err, &de) {
				return nil, de.WithIndex(i)
			}
			return nil, fmt.Errorf("record event %d (%s): %w", i, events[i].ID, err)
		}
		results[i] = res
	}
	return results, nil
}

// Emitted is the chaincode event payload: the new events and every batch they changed.
func (r *Recorder) Emitted() domain.Recorded {
	out := r.out
	out.Batches = nil
	for _, id := range r.changed {
		out.Batches = append(out.Batches, *r.batches[id])
	}
	return out
}

func (r *Recorder) recordOne(e domain.Event) (domain.RecordResult, error) {
	if err := domain.Validate(&e, r.tx.Time); err != nil {
		return domain.RecordResult{}, err
	}
	if r.caller.Regulator && !regulatorMay[e.Type] {
		return domain.RecordResult{}, domain.Refuse(403, "regulator-role", "/type",
			"the regulator inspects, certifies, revokes and recalls; it does not record %s events for enterprises", e.Type)
	}
	if !r.caller.mayRecord(string(e.Type)) {
		return domain.RecordResult{}, domain.Refuse(403, "stage-permission", "/type",
			"this identity may record %v, not %s", r.caller.Stages, e.Type)
	}
	if e.Actor.Platform != "" && e.Actor.Platform != r.caller.MSPID {
		return domain.RecordResult{}, domain.Refuse(403, "vouching", "/actor/platform",
			"%s cannot vouch for an enterprise of platform %s", r.caller.MSPID, e.Actor.Platform)
	}
	e.Actor.Platform = r.caller.MSPID
	fp := domain.Fingerprint(e)
	prev, err := r.get(CompositeKey(objEvent, e.ID))
	if err != nil {
		return domain.RecordResult{}, err
	}
	if prev != nil {
		var old domain.Event
		if err := json.Unmarshal(prev, &old); err != nil {
			return domain.RecordResult{}, fmt.Errorf("decode stored event %s: %w", e.ID, err)
		}
		if old.ContentHash == fp {
			return domain.RecordResult{EventID: e.ID, TxID: old.TxID, Duplicate: true}, nil
		}
		return domain.RecordResult{}, domain.Refuse(409, "idempotency", "/id",
			"event %q was already recorded in tx %s with different content; use a new event id", e.ID, old.TxID)
	}
	e.ContentHash = fp
	e.Platform = r.caller.MSPID
	e.TxID = r.tx.ID
	e.RecordTime = r.tx.Time.UTC().Format(time.RFC3339Nano)
	if e.Private != nil {
		if err := r.storePrivate(&e); err != nil {
			return domain.RecordResult{}, err
		}
	}
	if err := r.apply(&e); err != nil {
		return domain.RecordResult{}, err
	}
	if err := r.putEvent(e); err != nil {
		return domain.RecordResult{}, err
	}
	r.out.Events = append(r.out.Events, e)
	return domain.RecordResult{EventID: e.ID, TxID: e.TxID}, nil
}

// storePrivate moves commercial terms into the parties' collection, leaving only a hash public.
func (r *Recorder) storePrivate(e *domain.Event) error {
	counterparty := r.caller.MSPID
	if e.To != nil && e.To.Platform != "" {
		counterparty = e.To.Platform
	}
	b, _ := json.Marshal(e.Private)
	e.PrivateHash = domain.PrivateHash(*e.Private)
	e.Private = nil
	coll := domain.CollectionName(r.caller.MSPID, counterparty)
	if err := r.s.PutPrivate(coll, "terms/"+e.ID, b); err != nil {
		return fmt.Errorf("store private terms of %s in %s: %w", e.ID, coll, err)
	}
	return nil
}

func (r *Recorder) putEvent(e domain.Event) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := r.put(CompositeKey(objEvent, e.ID), b); err != nil {
		return err
	}
	t, _ := domain.ParseEventTime(e.EventTime)
	when := []byte(t.UTC().Format(time.RFC3339Nano))
	ids := map[string]bool{}
	for _, id := range e.Batches {
		ids[id] = true
	}
	for _, in := range e.Inputs {
		ids[in.Batch] = true
	}
	for _, o := range e.Outputs {
		ids[o.Batch] = true
	}
	for id := range ids {
		if err := r.put(CompositeKey(objBatchEvent, id, e.ID), when); err != nil {
			return err
		}
	}
	return r.put(CompositeKey(objStage, e.Type.Stage(), t.UTC().Format("2006-01-02"), e.ID), []byte{0})
}

func (r *Recorder) get(key string) ([]byte, error) {
	if v, ok := r.cache[key]; ok {
		return v, nil
	}
	v, err := r.s.Get(key)
	if err != nil {
		return nil, fmt.Errorf("read %q: %w", key, err)
	}
	return v, nil
}

func (r *Recorder) put(key string, v []byte) error {
	r.cache[key] = v
	if err := r.s.Put(key, v); err != nil {
		return fmt.Errorf("write %q: %w", key, err)
	}
	return nil
}

// batch loads a batch (nil when the ledger has never seen it).
func (r *Recorder) batch(id string) (*domain.Batch, error) {
	if b, ok := r.batches[id]; ok {
		return b, nil
	}
	raw, err := r.get(CompositeKey(objBatch, id))
	if err != nil || raw == nil {
		return nil, err
	}
	var b domain.Batch
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("decode batch %s: %w", id, err)
	}
	r.batches[id] = &b
	return &b, nil
}

// saveBatch writes a batch and its indexes and marks it changed.
func (r *Recorder) saveBatch(b *domain.Batch, e *domain.Event) error {
	b.LastEvent = e.ID
	b.UpdatedAt = e.RecordTime
	raw, err := json.Marshal(b)
	if err != nil {
		return err
	}
	if err := r.put(CompositeKey(objBatch, b.ID), raw); err != nil {
		return err
	}
	if _, ok := r.batches[b.ID]; !ok || !r.isChanged(b.ID) {
		r.changed = append(r.changed, b.ID)
	}
	r.batches[b.ID] = b
	// every state call is a round trip between the chaincode server and the peer: index a batch
	// once, when the event that created it (or gave it a product) is applied
	if b.CreatedBy != e.ID {
		return nil
	}
	if pk := productKey(b.Product); pk != "" {
		if err := r.put(CompositeKey(objProduct, pk, b.ID), []byte{0}); err != nil {
			return err
		}
	}
	if b.Origin != nil && b.Origin.Region != "" {
		if err := r.put(CompositeKey(objRegion, b.Origin.Region, b.ID), []byte{0}); err != nil {
			return err
		}
	}
	return nil
}

func (r *Recorder) isChanged(id string) bool {
	for _, c := range r.changed {
		if c == id {
			return true
		}
	}
	return false
}

func productKey(p domain.Product) string {
	if p.GTIN != "" {
		return p.GTIN
	}
	return p.Code
}
