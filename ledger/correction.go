package ledger

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/agritrace/agritrace/domain"
)

const objVoid = "void" // declared event → the declare-error event that voided it

// applyDeclare voids an event its own platform declares erroneous (EPCIS errorDeclaration). The
// batches it changed go back to what they were before it — outputs become void, inputs get back
// what was taken, a sale or a same-platform purchase is undone, an open offer is withdrawn — so
// conservation and custody no longer count it. Only an event nothing has been built on can be
// undone exactly: a batch with a later event refuses, and the later one is declared first.
func (r *Recorder) applyDeclare(e *domain.Event) error {
	d := e.Declaration
	const p = "/errorDeclaration/declaredEvent"
	raw, err := r.get(CompositeKey(objEvent, d.Event))
	if err != nil {
		return err
	}
	if raw == nil {
		return domain.Refuse(404, "not-found", p, "event %s is not on the ledger", d.Event)
	}
	var x domain.Event
	if err := json.Unmarshal(raw, &x); err != nil {
		return fmt.Errorf("decode event %s: %w", d.Event, err)
	}
	if x.Platform != r.caller.MSPID {
		return domain.Refuse(403, "correction-owner", p, "event %s was recorded by %s; only that platform declares it erroneous", x.ID, x.Platform)
	}
	switch x.Type {
	case domain.DeclareError, domain.Register, domain.Certify, domain.Revoke, domain.Suspend, domain.Reinstate, domain.Recall,
		domain.Accept, domain.Reject, domain.Cancel:
		return domain.Refuse(409, "correction-type", p,
			"a %s event is corrected by a new event (registration, certificate status, offer), not declared erroneous", x.Type)
	}
	if prev, err := r.get(CompositeKey(objVoid, x.ID)); err != nil {
		return err
	} else if prev != nil {
		return domain.Refuse(409, "already-declared", p, "event %s was already declared erroneous", x.ID)
	}
	ids := x.Touched()
	for _, id := range ids {
		b, err := r.batch(id)
		if err != nil {
			return err
		}
		if b == nil {
			continue
		}
		if b.LastEvent != x.ID {
			return domain.Refuse(409, "correction-order", p, "batch %s has a later event %s; declare that one erroneous first", id, b.LastEvent)
		}
	}
	if err := r.undo(&x); err != nil {
		return err
	}
	for _, id := range ids {
		b, err := r.batch(id)
		if err != nil {
			return err
		}
		if b == nil {
			continue
		}
		if err := r.saveBatch(b, e); err != nil {
			return err
		}
		e.Batches = appendUnique(e.Batches, id)
	}
	return r.putJSON(CompositeKey(objVoid, x.ID), struct {
		By     string `json:"by"`
		Reason string `json:"reason"`
	}{e.ID, d.Reason})
}

// undo reverses what x did to its batches (they are loaded and last changed by x).
func (r *Recorder) undo(x *domain.Event) error {
	created := map[string]bool{}
	for _, o := range x.Outputs {
		created[o.Batch] = true
	}
	for _, id := range x.ExternalInputs {
		created[id] = true
	}
	for id := range created {
		if b, _ := r.batch(id); b != nil {
			b.Status = domain.Void
		}
	}
	switch x.Type {
	case domain.Process, domain.Split, domain.Merge:
		for i, in := range x.Inputs {
			b, err := r.batch(in.Batch)
			if err != nil || b == nil || created[in.Batch] {
				continue
			}
			if err := giveBack(b, in.Quantity); err != nil {
				return domain.Invalid(fmt.Sprintf("/errorDeclaration/declaredEvent"), "input %d: %v", i, err)
			}
			var kept []string
			for _, c := range b.Children {
				if !created[c] {
					kept = append(kept, c)
				}
			}
			b.Children = kept
		}
	case domain.Sell:
		for _, id := range x.Batches {
			if b, _ := r.batch(id); b != nil {
				b.Status, b.Owner = domain.Active, b.Custodian
			}
		}
	case domain.Purchase, domain.Offer:
		for _, id := range x.Batches {
			b, _ := r.batch(id)
			switch {
			case b == nil:
			case b.Pending != nil && b.Pending.Event == x.ID:
				if err := r.closeOffer(b); err != nil {
					return err
				}
			case x.Type == domain.Purchase:
				b.Owner, b.Custodian = x.Actor, x.Actor // the seller held it before
			}
		}
	}
	return nil
}

// giveBack returns to b what an input portion took (the whole batch when q is nil).
func giveBack(b *domain.Batch, q *domain.Quantity) error {
	if b.Status == domain.Consumed || q == nil || b.Quantity.Unit == "" {
		// taking everything marks a batch consumed without changing its quantity
		b.Status = domain.Active
		return nil
	}
	have, _, err := domain.Base(b.Quantity)
	if err != nil {
		return err
	}
	take, _, err := domain.Base(*q)
	if err != nil {
		return err
	}
	perUnit := have / b.Quantity.Value
	b.Quantity.Value = math.Round((have+take)/perUnit*1e6) / 1e6
	return nil
}
