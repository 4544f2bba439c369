package ledger

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gs1"
)

// Platform-local batch codes (no GTIN) are namespaced by platform, the way event IDs are: the first
// platform to use a code keeps it as is; when another platform creates a batch under a code already
// taken, its batch is "{its MSP ID}:{code}", and that platform's later references to the bare code
// resolve to it. So no platform blocks another's lot codes by using them first, and codes a
// platform did not create stay what they are (a batch handed over keeps its code). GS1 lots need
// none of this: their GTIN says whose they are (see checkGTIN).

// isLocal reports whether a (normalised) batch ID is a platform-local code.
func isLocal(id string) bool {
	p, err := gs1.Parse(id)
	return err == nil && p.Kind == gs1.KindLocal
}

func (r *Recorder) ownCode(code string) string { return r.caller.MSPID + ":" + code }

// namespace of an explicitly qualified code, or "".
func namespaceOf(code string) string {
	if ns, _, ok := strings.Cut(code, ":"); ok && strings.HasSuffix(ns, "MSP") {
		return ns
	}
	return ""
}

// resolveLocal maps a local code as the caller wrote it to the batch it means.
func (r *Recorder) resolveLocal(code string, creating bool, pointer string) (string, error) {
	if !isLocal(code) {
		return code, nil
	}
	if ns := namespaceOf(code); ns != "" {
		if creating && ns != r.caller.MSPID {
			return "", domain.Refuse(403, "batch-namespace", pointer, "batch code %s is in the namespace of platform %s", code, ns)
		}
		return code, nil
	}
	own := r.ownCode(code)
	if b, err := r.batch(own); err != nil || b != nil {
		return own, err
	}
	if !creating {
		return code, nil
	}
	b, err := r.batch(code)
	if err != nil || b == nil {
		return code, err
	}
	if b.External && (b.Custodian.Platform == "" || b.Custodian.Platform == r.caller.MSPID) {
		return code, nil // the producer claims an unclaimed lot or one its own platform holds
	}
	creator, err := r.creatorOf(b)
	if err != nil || creator == r.caller.MSPID || len(own) > 128 {
		return code, err // its own code: the usual unique-batch refusal follows
	}
	return own, nil
}

// creatorOf is the platform whose event created b.
func (r *Recorder) creatorOf(b *domain.Batch) (string, error) {
	raw, err := r.get(CompositeKey(objEvent, b.CreatedBy))
	if err != nil || raw == nil {
		return "", err
	}
	var e struct {
		Platform string `json:"platform"`
	}
	if err := json.Unmarshal(raw, &e); err != nil {
		return "", fmt.Errorf("decode event %s: %w", b.CreatedBy, err)
	}
	return e.Platform, nil
}

// namespaceBatches rewrites the local codes of e to the batches they mean for the caller and
// reports each renamed code in renamed (as sent → as kept).
func (r *Recorder) namespaceBatches(e *domain.Event, renamed map[string]string) error {
	creates := e.Type == domain.Produce || e.Type == domain.Process || e.Type == domain.Split || e.Type == domain.Merge
	fix := func(id *string, creating bool, pointer string) error {
		n, err := r.resolveLocal(*id, creating, pointer)
		if err != nil {
			return err
		}
		if n != *id {
			renamed[*id] = n
			*id = n
		}
		return nil
	}
	for i := range e.Outputs {
		if err := fix(&e.Outputs[i].Batch, creates, fmt.Sprintf("/outputs/%d/batch", i)); err != nil {
			return err
		}
	}
	for i := range e.Inputs {
		if err := fix(&e.Inputs[i].Batch, false, fmt.Sprintf("/inputs/%d/batch", i)); err != nil {
			return err
		}
	}
	for i := range e.Batches {
		if err := fix(&e.Batches[i], false, fmt.Sprintf("/batches/%d", i)); err != nil {
			return err
		}
	}
	return nil
}
