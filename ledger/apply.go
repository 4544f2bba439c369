package ledger

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/agritrace/agritrace/domain"
)

// MaxRecallBatches bounds how many batches one recall transaction may mark.
const MaxRecallBatches = 5000

// apply enforces the rules of e's type and updates the batches it touches.
func (r *Recorder) apply(e *domain.Event) error {
	switch e.Type {
	case domain.Produce:
		return r.applyProduce(e)
	case domain.Process, domain.Split, domain.Merge:
		return r.applyTransform(e)
	case domain.Purchase, domain.Offer:
		return r.eachHeld(e, true, func(b *domain.Batch) error {
			if b.Pending != nil {
				return domain.Refuse(409, "pending-transfer", "/batches", "batch %s already has a hand-over pending (event %s)", b.ID, b.Pending.Event)
			}
			to := *e.To
			if to.Platform == "" {
				to.Platform = r.caller.MSPID
			}
			if e.Type == domain.Purchase && to.Platform == r.caller.MSPID {
				b.Owner, b.Custodian = to, to // inside one platform the change is immediate
				return nil
			}
			// across platforms the receiver's platform must accept (two-step hand-over)
			return r.offerTo(b, e, to)
		})
	case domain.Accept:
		return r.eachBatch(e, false, func(b *domain.Batch) error {
			if b.Pending == nil {
				return r.lapsedErr(b)
			}
			if b.Pending.To.Platform != r.caller.MSPID {
				return domain.Refuse(403, "custody-accept", "/batches", "batch %s is offered to %s; %s cannot accept it",
					b.ID, b.Pending.To.Platform, r.caller.MSPID)
			}
			if e.Actor.Enterprise != b.Pending.To.Enterprise {
				return domain.Refuse(403, "custody-accept", "/actor/enterprise", "batch %s is offered to enterprise %s; %s cannot accept it for it",
					b.ID, b.Pending.To.Enterprise, e.Actor.Enterprise)
			}
			b.Custodian = b.Pending.To
			if b.Pending.Purchase {
				b.Owner = b.Pending.To
			}
			return r.closeOffer(b)
		})
	case domain.Reject, domain.Cancel:
		return r.applyOfferEnd(e)
	case domain.DeclareError:
		return r.applyDeclare(e)
	case domain.Sell:
		return r.eachHeld(e, true, func(b *domain.Batch) error {
			b.Status = domain.Sold
			if e.To != nil {
				b.Owner = *e.To
			}
			return nil
		})
	case domain.Inspect:
		// inspecting never claims a lot: an unknown one is registered as unclaimed
		return r.eachBatch(e, false, func(b *domain.Batch) error {
			if !r.caller.Regulator && b.Custodian.Platform != r.caller.MSPID {
				return custodyErr(b, r.caller.MSPID)
			}
			return nil
		})
	case domain.Certify:
		return r.applyCertify(e)
	case domain.Revoke, domain.Suspend, domain.Reinstate:
		return r.applyCertStatus(e)
	case domain.Register:
		return r.applyRegister(e)
	case domain.Recall:
		return r.applyRecall(e)
	case domain.Observe:
		// observing never claims a lot either: only its holder records observations
		return r.eachBatch(e, false, func(b *domain.Batch) error {
			if b.Custodian.Platform != r.caller.MSPID {
				return custodyErr(b, r.caller.MSPID)
			}
			return nil
		})
	case domain.Aggregate:
		return r.applyAggregate(e)
	default: // store, transport, observe
		return r.eachHeld(e, e.Type == domain.Store || e.Type == domain.Transport, func(*domain.Batch) error { return nil })
	}
}

func custodyErr(b *domain.Batch, caller string) error {
	if b.Custodian.Platform == "" {
		return domain.Refuse(403, "custody", "/batches",
			"batch %s is on the ledger only as observed, held by no platform; its producer's platform records it first", b.ID)
	}
	return domain.Refuse(403, "custody", "/batches",
		"batch %s is held by %s (%s); platform %s records only for batches its enterprises hold",
		b.ID, b.Custodian.Enterprise, b.Custodian.Platform, caller)
}

// eachBatch loads (or registers as external) every batch of e, runs f, and saves it. With claim,
// an unknown batch is registered as held by the caller; without, as unclaimed.
func (r *Recorder) eachBatch(e *domain.Event, claim bool, f func(*domain.Batch) error) error {
	for i, id := range e.Batches {
		b, err := r.batchOrExternal(id, e, nil, claim, fmt.Sprintf("/batches/%d", i))
		if err != nil {
			return err
		}
		if err := f(b); err != nil {
			if de, ok := domain.AsError(err); ok && de.Pointer == "/batches" {
				de.Pointer = fmt.Sprintf("/batches/%d", i)
				return de
			}
			return err
		}
		if err := r.saveBatch(b, e); err != nil {
			return err
		}
	}
	return nil
}

// eachHeld is eachBatch for events only the custodian's platform may record; with active it also
// requires the batch to be usable (not consumed, sold, recalled, or mid-hand-over).
func (r *Recorder) eachHeld(e *domain.Event, active bool, f func(*domain.Batch) error) error {
	return r.eachBatch(e, true, func(b *domain.Batch) error {
		if b.Custodian.Platform != r.caller.MSPID {
			return custodyErr(b, r.caller.MSPID)
		}
		if active {
			if err := usable(b, "/batches"); err != nil {
				return err
			}
		}
		return f(b)
	})
}

func usable(b *domain.Batch, pointer string) error {
	switch b.Status {
	case domain.Consumed, domain.Sold:
		return domain.Refuse(409, "batch-status", pointer, "batch %s is %s; a consumed or sold batch cannot be used again", b.ID, b.Status)
	case domain.Recalled:
		return domain.Refuse(409, "batch-status", pointer, "batch %s is recalled (event %s)", b.ID, b.RecalledBy)
	case domain.Void:
		return domain.Refuse(409, "batch-status", pointer, "batch %s is void: the event that created it (%s) was declared erroneous", b.ID, b.CreatedBy)
	}
	if b.Pending != nil {
		return domain.Refuse(409, "pending-transfer", pointer, "batch %s is being handed over to %s (event %s); wait for the accept",
			b.ID, b.Pending.To.Platform, b.Pending.Event)
	}
	return nil
}

// batchOrExternal returns the batch, registering an unknown identifier as a batch of external
// origin, so chains that begin outside the ledger still trace. With claim it is held by the caller
// (goods arriving into its custody) — unless its GTIN belongs to another platform's enterprise,
// whose lots only that platform brings onto the ledger; without claim nobody holds it yet.
func (r *Recorder) batchOrExternal(id string, e *domain.Event, q *domain.Quantity, claim bool, pointer string) (*domain.Batch, error) {
	b, err := r.batch(id)
	if err != nil || b != nil {
		return b, err
	}
	holder := domain.Party{}
	if claim {
		if o, err := r.gtinOwner(gtinOf(id)); err != nil {
			return nil, err
		} else if o != nil && o.Platform != r.caller.MSPID {
			return nil, domain.Refuse(403, "gtin-owner", pointer,
				"batch %s is a lot of a GTIN of enterprise %s (platform %s) that is not on the ledger yet; that platform records it first", id, o.Enterprise, o.Platform)
		}
		holder = e.Actor
	}
	b = &domain.Batch{ID: id, Product: domain.Product{Name: "external origin"}, Owner: holder, Custodian: holder,
		Status: domain.Active, External: true, CreatedBy: e.ID}
	if q != nil {
		b.Quantity = *q
	}
	e.ExternalInputs = append(e.ExternalInputs, id)
	r.batches[id] = b
	return b, nil
}

func (r *Recorder) applyProduce(e *domain.Event) error {
	if err := r.checkOutputs(e); err != nil {
		return err
	}
	for i, o := range e.Outputs {
		p := fmt.Sprintf("/outputs/%d/batch", i)
		b, err := r.batch(o.Batch)
		if err != nil {
			return err
		}
		// an external batch may be claimed by its producer: one nobody holds, or one its platform holds
		if b != nil && !(b.External && (b.Custodian.Platform == "" || b.Custodian.Platform == r.caller.MSPID)) {
			return domain.Refuse(409, "unique-batch", p, "batch %s already exists (created by event %s)", o.Batch, b.CreatedBy)
		}
		nb := &domain.Batch{ID: o.Batch, Product: o.Product, Quantity: o.Quantity, Origin: o.Origin,
			Owner: e.Actor, Custodian: e.Actor, Status: domain.Active, CreatedBy: e.ID}
		if b != nil { // the producer claims a batch first seen as an external reference
			nb.Children, nb.Certificates = b.Children, b.Certificates
		}
		if err := r.saveBatch(nb, e); err != nil {
			return err
		}
	}
	return nil
}

// applyTransform consumes inputs and creates outputs (process, split, merge), enforcing that what
// comes out (plus declared loss) does not exceed what went in.
func (r *Recorder) applyTransform(e *domain.Event) error {
	if err := r.checkOutputs(e); err != nil {
		return err
	}
	inBase := map[string]float64{}
	checkable := true
	var inputs []*domain.Batch
	var origin *domain.Origin
	sameOrigin := true
	for i, in := range e.Inputs {
		p := fmt.Sprintf("/inputs/%d", i)
		b, err := r.batchOrExternal(in.Batch, e, in.Quantity, true, p+"/batch")
		if err != nil {
			return err
		}
		if b.Custodian.Platform != r.caller.MSPID {
			de := custodyErr(b, r.caller.MSPID).(*domain.Error)
			de.Pointer = p + "/batch"
			return de
		}
		if err := usable(b, p+"/batch"); err != nil {
			return err
		}
		take := b.Quantity
		if in.Quantity != nil {
			take = *in.Quantity
		}
		if take.Unit == "" {
			checkable = false // an external input of unknown quantity
		} else {
			v, dim, err := domain.Base(take)
			if err != nil {
				return domain.Invalid(p+"/quantity", "%v", err)
			}
			inBase[dim] += v
			if err := consume(b, take, p); err != nil {
				return err
			}
		}
		if b.Quantity.Unit == "" || in.Quantity == nil {
			b.Status = domain.Consumed
		}
		switch {
		case i == 0:
			origin = b.Origin
		case origin == nil || b.Origin == nil || *origin != *b.Origin:
			sameOrigin = false
		}
		inputs = append(inputs, b)
	}
	outBase := map[string]float64{}
	for i, o := range e.Outputs {
		v, dim, err := domain.Base(o.Quantity)
		if err != nil {
			return domain.Invalid(fmt.Sprintf("/outputs/%d/quantity", i), "%v", err)
		}
		outBase[dim] += v
	}
	lossV, lossDim := 0.0, ""
	if e.Loss != nil {
		v, dim, err := domain.Base(*e.Loss)
		if err != nil {
			return domain.Invalid("/loss", "%v", err)
		}
		lossV, lossDim = v, dim
	}
	if checkable {
		if err := conserve(e, inBase, outBase, lossV, lossDim); err != nil {
			return err
		}
	}
	var parents []string
	for _, b := range inputs {
		parents = append(parents, b.ID)
	}
	for i, o := range e.Outputs {
		if existing, err := r.batch(o.Batch); err != nil {
			return err
		} else if existing != nil {
			return domain.Refuse(409, "unique-batch", fmt.Sprintf("/outputs/%d/batch", i), "batch %s already exists (created by event %s)", o.Batch, existing.CreatedBy)
		}
		nb := &domain.Batch{ID: o.Batch, Product: o.Product, Quantity: o.Quantity, Origin: o.Origin,
			Owner: e.Actor, Custodian: e.Actor, Status: domain.Active, Parents: parents, CreatedBy: e.ID}
		if nb.Origin == nil && sameOrigin && origin != nil {
			cp := *origin
			nb.Origin = &cp // a single-origin lot keeps its origin through processing
		}
		for _, in := range inputs {
			in.Children = appendUnique(in.Children, o.Batch)
		}
		if err := r.saveBatch(nb, e); err != nil {
			return err
		}
	}
	for _, b := range inputs {
		if err := r.saveBatch(b, e); err != nil {
			return err
		}
	}
	return nil
}

// consume takes q out of b, converting units; taking everything marks b consumed.
func consume(b *domain.Batch, q domain.Quantity, pointer string) error {
	if b.Quantity.Unit == "" {
		return nil
	}
	have, hdim, err := domain.Base(b.Quantity)
	if err != nil {
		return domain.Invalid(pointer, "batch %s: %v", b.ID, err)
	}
	take, tdim, err := domain.Base(q)
	if err != nil {
		return domain.Invalid(pointer+"/quantity", "%v", err)
	}
	if hdim != tdim {
		return domain.Invalid(pointer+"/quantity", "batch %s is measured in %s; %s cannot be taken from it without a declared netContent", b.ID, b.Quantity.Unit, q.Unit)
	}
	if take > have*(1+1e-9) {
		return domain.Refuse(409, "quantity", pointer+"/quantity", "takes %g %s from batch %s, which holds %g %s", q.Value, q.Unit, b.ID, b.Quantity.Value, b.Quantity.Unit)
	}
	left := have - take
	if left <= have*1e-9 {
		b.Status = domain.Consumed
		return nil
	}
	// keep the batch's own unit
	perUnit := have / b.Quantity.Value
	b.Quantity.Value = math.Round(left/perUnit*1e6) / 1e6
	return nil
}

// conserve checks outputs + loss ≤ inputs per dimension, then records yield and, when the caller
// declared none, the loss.
func conserve(e *domain.Event, in, out map[string]float64, lossV float64, lossDim string) error {
	total := map[string]float64{}
	for d, v := range out {
		total[d] = v
	}
	if lossDim != "" {
		total[lossDim] += lossV
	}
	for dim := range total {
		if _, ok := in[dim]; !ok {
			// without a declared conversion (netContent) the amounts cannot be compared: record that
			// honestly rather than refuse (EPCIS transformations often count outputs as items)
			var dims []string
			for d := range in {
				dims = append(dims, d)
			}
			sort.Strings(dims)
			e.Conservation = fmt.Sprintf("unchecked: inputs in %s, outputs in %s; declare netContent to check", strings.Join(dims, ", "), dim)
			return nil
		}
	}
	for dim, v := range total {
		have := in[dim]
		if !approx(v, have) && v > have {
			return domain.Refuse(422, "conservation", "/outputs", "outputs plus loss (%g %s) exceed inputs (%g %s)", v, baseUnit(dim), have, baseUnit(dim))
		}
	}
	e.Conservation = "checked"
	if len(in) != 1 || len(out) != 1 {
		return nil
	}
	for dim, have := range in {
		got, ok := out[dim]
		if !ok || have <= 0 {
			return nil
		}
		e.Yield = math.Round(got/have*1e4) / 1e4
		if e.Loss == nil && !approx(have, got) {
			e.Loss = &domain.Quantity{Value: math.Round((have-got)*1e6) / 1e6, Unit: baseUnit(dim)}
		}
	}
	return nil
}

func approx(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

func baseUnit(dim string) string {
	switch dim {
	case "mass":
		return "kg"
	case "volume":
		return "l"
	}
	return strings.TrimPrefix(dim, "count:")
}

// applyRecall marks the batch and every descendant, breadth first, up to MaxRecallBatches.
func (r *Recorder) applyRecall(e *domain.Event) error {
	queue := append([]string(nil), e.Batches...)
	seen := map[string]bool{}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if seen[id] {
			continue
		}
		seen[id] = true
		if len(seen) > MaxRecallBatches {
			return domain.Refuse(413, "recall-size", "/batches", "recall reaches more than %d batches; recall the lineage in parts", MaxRecallBatches)
		}
		b, err := r.batchOrExternal(id, e, nil, false, "/batches")
		if err != nil {
			return err
		}
		if b.RecalledBy == "" {
			b.RecalledBy = e.ID
		}
		b.Status = domain.Recalled
		if err := r.saveBatch(b, e); err != nil {
			return err
		}
		queue = append(queue, b.Children...)
	}
	return nil
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	return append(s, v)
}

func (r *Recorder) putJSON(key string, v any) error {
	b, err := jsonMarshal(v)
	if err != nil {
		return err
	}
	return r.put(key, b)
}
