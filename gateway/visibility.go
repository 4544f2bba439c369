package gateway

import (
	"context"

	"github.com/agritrace/agritrace/domain"
)

// viewer decides what one API key reads (commercial privacy between platforms): the regulator
// reads everything public; a platform reads its own platform's events and, in full, the events of
// batches its enterprises hold, held or traded — anything else only as the public trail shows it
// (redact). Unknown and invisible answer the same 404, so a key cannot probe what others record.
type viewer struct {
	s         *Server
	msp       string
	regulator bool
	batches   map[string]bool // decisions of this request
}

func (s *Server) viewer(key *APIKey) *viewer {
	return &viewer{s: s, msp: key.MSPID, regulator: key.Role == domain.RoleRegulator, batches: map[string]bool{}}
}

func (v *viewer) involved(p *domain.Party) bool { return p != nil && p.Platform == v.msp }

// batch: the platform holds or owns it, it is offered to or by it, or it recorded an event on it or
// received it in one (held or traded).
func (v *viewer) batch(ctx context.Context, b *domain.Batch) (bool, error) {
	if v.regulator || v.involved(&b.Custodian) || v.involved(&b.Owner) {
		return true, nil
	}
	if b.Pending != nil && (v.involved(&b.Pending.To) || v.involved(&b.Pending.From)) {
		return true, nil
	}
	if ok, seen := v.batches[b.ID]; seen {
		return ok, nil
	}
	evs, err := v.s.store.EventsOf(ctx, []string{b.ID})
	if err != nil {
		return false, err
	}
	ok := false
	for i := range evs {
		ok = ok || evs[i].Platform == v.msp || v.involved(evs[i].To)
	}
	v.batches[b.ID] = ok
	return ok, nil
}

// event: its own platform's, one it is the receiver of, or one on a batch it may see.
func (v *viewer) event(ctx context.Context, e *domain.Event) (bool, error) {
	if v.regulator || e.Platform == v.msp || v.involved(e.To) {
		return true, nil
	}
	ids := e.Touched()
	if len(ids) == 0 {
		return e.Type == domain.Register, nil // the registry is public
	}
	bs, err := v.s.store.Batches(ctx, ids)
	if err != nil {
		return false, err
	}
	for i := range bs {
		if ok, err := v.batch(ctx, &bs[i]); err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// redact keeps of an event what the consumer page may show: what happened to which batches, when,
// where and by whom, with its ledger proof — not the counterparty, the commitment to private terms
// or the platform's own attributes.
func redact(e domain.Event) domain.Event {
	e.To, e.PrivateHash, e.Attributes, e.Extensions, e.ContentHash = nil, "", nil, nil, ""
	return e
}

// trail redacts the events of a trail the viewer may not read in full.
func (v *viewer) trail(ctx context.Context, t *domain.Trail) error {
	if v.regulator {
		return nil
	}
	for i := range t.Events {
		ok, err := v.event(ctx, &t.Events[i])
		if err != nil {
			return err
		}
		if !ok {
			t.Events[i] = redact(t.Events[i])
		}
	}
	return nil
}
