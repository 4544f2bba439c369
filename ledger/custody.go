package ledger

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/agritrace/agritrace/domain"
)

// DefaultOfferTTL is how long a custody offer waits for acceptance unless the regulator's policy
// says otherwise: a mistaken offer must never leave a batch stuck.
const DefaultOfferTTL = 7 * 24 * time.Hour

// Offer index keys: what awaits a platform (in) and what it has offered (out). Written when an
// offer is made and deleted when it is accepted, rejected, cancelled or found expired, so listing
// a platform's open offers is a range over its own keys, not a scan of every batch.
const (
	objOfferIn  = "offer-in"  // receiving platform, batch → Offer
	objOfferOut = "offer-out" // sending platform, batch → Offer
)

// Offer is an open custody offer as listed.
type Offer struct {
	Batch    string       `json:"batch"`
	Event    string       `json:"event"`
	From     domain.Party `json:"from"`
	To       domain.Party `json:"to"`
	Purchase bool         `json:"purchase,omitempty"`
	Expires  string       `json:"expires"`
}

// offerTo opens a hand-over of b to to.
func (r *Recorder) offerTo(b *domain.Batch, e *domain.Event, to domain.Party) error {
	p, err := r.policy()
	if err != nil {
		return err
	}
	ttl := DefaultOfferTTL
	if p.OfferHours > 0 {
		ttl = time.Duration(p.OfferHours) * time.Hour
	}
	b.Pending = &domain.Transfer{Event: e.ID, To: to, From: b.Custodian, Purchase: e.Type == domain.Purchase,
		Expires: r.tx.Time.Add(ttl).UTC().Format(time.RFC3339)}
	o := Offer{Batch: b.ID, Event: e.ID, From: b.Custodian, To: to, Purchase: b.Pending.Purchase, Expires: b.Pending.Expires}
	if err := r.putJSON(CompositeKey(objOfferIn, to.Platform, b.ID), o); err != nil {
		return err
	}
	return r.putJSON(CompositeKey(objOfferOut, b.Custodian.Platform, b.ID), o)
}

// closeOffer ends b's pending hand-over, whatever the outcome.
func (r *Recorder) closeOffer(b *domain.Batch) error {
	t := b.Pending
	b.Pending = nil
	if t == nil {
		return nil
	}
	from := t.From.Platform
	if from == "" {
		from = b.Custodian.Platform
	}
	if err := r.del(CompositeKey(objOfferIn, t.To.Platform, b.ID)); err != nil {
		return err
	}
	return r.del(CompositeKey(objOfferOut, from, b.ID))
}

// lapse ends an offer whose time has passed (at this transaction's time), remembering it so an
// accept can say why there is nothing to accept.
func (r *Recorder) lapse(b *domain.Batch) error {
	if b.Pending == nil || b.Pending.Expires == "" {
		return nil
	}
	exp, err := time.Parse(time.RFC3339, b.Pending.Expires)
	if err != nil || !r.tx.Time.After(exp) {
		return nil
	}
	r.lapsed[b.ID] = *b.Pending
	return r.closeOffer(b)
}

func (r *Recorder) lapsedErr(b *domain.Batch) error {
	if t, ok := r.lapsed[b.ID]; ok {
		return domain.Refuse(409, "offer-expired", "/batches", "the offer of batch %s to %s (event %s) expired at %s; the sender offers again",
			b.ID, t.To.Platform, t.Event, t.Expires)
	}
	return domain.Refuse(409, "custody-accept", "/batches", "batch %s has no pending hand-over", b.ID)
}

// applyOfferEnd records the receiver's reject or the sender's cancel.
func (r *Recorder) applyOfferEnd(e *domain.Event) error {
	return r.eachBatch(e, false, func(b *domain.Batch) error {
		if b.Pending == nil {
			return r.lapsedErr(b)
		}
		switch e.Type {
		case domain.Reject:
			if b.Pending.To.Platform != r.caller.MSPID {
				return domain.Refuse(403, "custody-reject", "/batches", "batch %s is offered to %s; %s cannot reject it",
					b.ID, b.Pending.To.Platform, r.caller.MSPID)
			}
		case domain.Cancel:
			if b.Custodian.Platform != r.caller.MSPID {
				return domain.Refuse(403, "custody-cancel", "/batches", "batch %s is offered by %s; %s cannot cancel the offer",
					b.ID, b.Custodian.Platform, r.caller.MSPID)
			}
		}
		return r.closeOffer(b)
	})
}

// Offers lists the open offers to (in) or from (out) a platform. Offers past their expiry are left
// out (their keys go when the batch is next touched).
func (q Reader) Offers(platform, direction string, now time.Time) ([]Offer, error) {
	obj := map[string]string{"in": objOfferIn, "out": objOfferOut}[direction]
	if obj == "" {
		return nil, domain.Invalid("?direction", "direction must be in or out, got %q", direction)
	}
	kvs, _, err := q.s.Range(obj, []string{platform}, 0, "")
	if err != nil {
		return nil, fmt.Errorf("list offers %s %s: %w", direction, platform, err)
	}
	out := []Offer{}
	for _, kv := range kvs {
		var o Offer
		if err := json.Unmarshal(kv.Value, &o); err != nil {
			return nil, fmt.Errorf("decode %q: %w", kv.Key, err)
		}
		if exp, err := time.Parse(time.RFC3339, o.Expires); err == nil && now.After(exp) {
			continue
		}
		out = append(out, o)
	}
	return out, nil
}
