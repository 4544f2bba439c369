package ledger

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/wire"
)

// MaxEventsPerTx is how many events the gateway packs into one transaction of a bulk request.
const MaxEventsPerTx = wire.MaxEventsPerTx

// MaxAtomicEvents is what the contract accepts in one transaction: more than the gateway packs
// into a bulk's transactions, so an atomic EPCIS capture of up to this many commits whole.
const MaxAtomicEvents = wire.MaxAtomicEvents

// Recorder applies events to the state within one transaction.
type Recorder struct {
	s       State
	caller  Caller
	tx      Tx
	cache   map[string][]byte // the stub does not read its own writes: keep them here
	changed []string          // batch IDs changed by this tx, in first-change order
	batches map[string]*domain.Batch
	lapsed  map[string]domain.Transfer // offers found expired in this tx, by batch
	out     domain.Recorded
}

// NewRecorder prepares recording in tx by caller.
func NewRecorder(s State, caller Caller, tx Tx) *Recorder {
	return &Recorder{s: s, caller: caller, tx: tx, cache: map[string][]byte{}, batches: map[string]*domain.Batch{},
		lapsed: map[string]domain.Transfer{}}
}

// Record applies every event in order. Duplicates (same ID and content) return the original
// record's tx; any refusal aborts the whole transaction, with the failing index in the error.
func (r *Recorder) Record(events []domain.Event) ([]domain.RecordResult, error) {
	if len(events) == 0 {
		return nil, domain.Invalid("/events", "no events given")
	}
	if len(events) > MaxAtomicEvents {
		return nil, domain.Invalid("/events", "%d events in one transaction; at most %d", len(events), MaxAtomicEvents)
	}
	// before the prefetch, which reads the batches the projections name
	for i := range events {
		if err := projectCaptured(&events[i]); err != nil {
			var de *domain.Error
			if errors.As(err, &de) {
				return nil, de.WithIndex(i)
			}
			return nil, fmt.Errorf("project captured event %d (%s): %w", i, events[i].ID, err)
		}
	}
	if err := r.prefetch(events); err != nil {
		return nil, err
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
	if err := MayRecord(r.caller, &e); err != nil {
		return domain.RecordResult{}, err
	}
	fp := domain.Fingerprint(e)
	if err := r.claimID(&e); err != nil {
		return domain.RecordResult{}, err
	}
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
	if err := r.checkActor(&e); err != nil {
		return domain.RecordResult{}, err
	}
	renamed := map[string]string{}
	if err := r.namespaceBatches(&e, renamed); err != nil {
		return domain.RecordResult{}, err
	}
	e.ContentHash = fp
	e.Platform = r.caller.MSPID
	e.TxID = r.tx.ID
	e.RecordTime = r.tx.Time.UTC().Format(time.RFC3339Nano)
	if e.Private != nil {
		if err := r.storePrivate(&e); err != nil {
			return domain.RecordResult{}, err
		}
	} else if e.PrivateHash != "" {
		if err := r.checkCommitment(&e); err != nil {
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
	res := domain.RecordResult{EventID: e.ID, TxID: e.TxID}
	if len(renamed) > 0 {
		res.Renamed = renamed
	}
	return res, nil
}

// claimID gives each platform its own event-ID namespace without renaming anyone's events: the
// first platform to use an ID keeps it as is; another platform's event with the same ID is stored
// (and published) as "{id}@{its MSP ID}", so no platform can block another's IDs by using them
// first. The content hash stays that of the event as sent, so retries remain idempotent.
func (r *Recorder) claimID(e *domain.Event) error {
	if i := strings.LastIndexByte(e.ID, '@'); i >= 0 && strings.HasSuffix(e.ID, "MSP") && e.ID[i+1:] != r.caller.MSPID {
		return domain.Refuse(403, "event-id-namespace", "/id",
			"event id %q is in the namespace of platform %s", e.ID, e.ID[i+1:])
	}
	prev, err := r.get(CompositeKey(objEvent, e.ID))
	if err != nil || prev == nil {
		return err
	}
	var old struct {
		Platform string `json:"platform"`
	}
	if err := json.Unmarshal(prev, &old); err != nil {
		return fmt.Errorf("decode stored event %s: %w", e.ID, err)
	}
	if old.Platform != r.caller.MSPID {
		e.ID = QualifiedID(e.ID, r.caller.MSPID)
	}
	return nil
}

// QualifiedID is the ID under which platform msp's event id is kept when another platform used id
// first.
func QualifiedID(id, msp string) string { return id + "@" + msp }

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

// putEvent stores the event under its ID: the only key the rules read back (idempotency). Lookups by
// batch, stage, product or region are the read model's job, fed by the chaincode event; keeping them
// off the ledger saves a peer round trip and a state write per index entry.
func (r *Recorder) putEvent(e domain.Event) error {
	// A captured EPCIS event stays out of the world state: no rule reads it back, its hash is in
	// ContentHash (a changed event under the same ID is still a conflict), and it is on the ledger
	// in the transaction and in the chaincode event the read models keep it from. Kept here it
	// was most of the bytes every peer writes, compacts and validates per captured event.
	e.EPCIS = nil
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return r.put(CompositeKey(objEvent, e.ID), b)
}

// prefetch reads, in one call, the keys the events will read: their own IDs (idempotency) and every
// batch they name. Keys read later (a recall's descendants, the qualified ID of an event whose ID
// another platform used first) still go one by one.
func (r *Recorder) prefetch(events []domain.Event) error {
	p, ok := r.s.(Prefetcher)
	if !ok {
		return nil
	}
	var keys []string
	seen := map[string]bool{}
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for _, e := range events {
		// not the platform-qualified ID (claimID): it is read only when another platform took the
		// plain one, and every key read is one more entry each peer checks at commit (MVCC)
		add(CompositeKey(objEvent, e.ID))
		for _, k := range registryKeys(e) {
			add(k)
		}
		for _, id := range e.Touched() {
			if n, err := domain.NormalizeID(id, ""); err == nil {
				add(CompositeKey(objBatch, n))
				if isLocal(n) && namespaceOf(n) == "" {
					add(CompositeKey(objBatch, r.ownCode(n)))
				}
			}
		}
	}
	vals, err := p.GetMany(keys)
	if err != nil {
		return fmt.Errorf("prefetch %d keys: %w", len(keys), err)
	}
	if len(vals) != len(keys) {
		return fmt.Errorf("prefetch %d keys: got %d values", len(keys), len(vals))
	}
	for i, k := range keys {
		r.cache[k] = vals[i]
	}
	return nil
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

func (r *Recorder) del(key string) error {
	r.cache[key] = nil
	if err := r.s.Delete(key); err != nil {
		return fmt.Errorf("delete %q: %w", key, err)
	}
	return nil
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
	b, fresh, err := cached(r.batches, id, CompositeKey(objBatch, id), "batch", r.get)
	if err != nil || !fresh {
		return b, err
	}
	if err := r.lapse(b); err != nil {
		return nil, err
	}
	return b, nil
}

// cached returns the record under key decoded as a T, reading and decoding it at most once per
// transaction (cache holds it by id); fresh says it was read just now. It is nil when the state has
// none.
func cached[T any](cache map[string]*T, id, key, kind string, get func(string) ([]byte, error)) (v *T, fresh bool, err error) {
	if v, ok := cache[id]; ok {
		return v, false, nil
	}
	raw, err := get(key)
	if err != nil || raw == nil {
		return nil, false, err
	}
	v = new(T)
	if err := json.Unmarshal(raw, v); err != nil {
		return nil, false, fmt.Errorf("decode %s %s: %w", kind, id, err)
	}
	cache[id] = v
	return v, true, nil
}

// saveBatch writes a batch and marks it changed.
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
