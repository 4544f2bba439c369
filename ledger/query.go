package ledger

import (
	"encoding/json"
	"fmt"

	"github.com/agritrace/agritrace/domain"
)

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

// Reader answers queries from the world state.
type Reader struct{ s State }

// NewReader returns a query reader over s.
func NewReader(s State) Reader { return Reader{s} }

// Batch returns a batch by canonical ID.
func (q Reader) Batch(id string) (*domain.Batch, error) {
	raw, err := q.s.Get(CompositeKey(objBatch, id))
	if err != nil {
		return nil, fmt.Errorf("read batch %s: %w", id, err)
	}
	if raw == nil {
		return nil, domain.Refuse(404, "not-found", "", "batch %s is not on the ledger", id)
	}
	var b domain.Batch
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, fmt.Errorf("decode batch %s: %w", id, err)
	}
	return &b, nil
}

// Event returns an event by ID.
func (q Reader) Event(id string) (*domain.Event, error) {
	raw, err := q.s.Get(CompositeKey(objEvent, id))
	if err != nil {
		return nil, fmt.Errorf("read event %s: %w", id, err)
	}
	if raw == nil {
		return nil, domain.Refuse(404, "not-found", "", "event %s is not on the ledger", id)
	}
	var e domain.Event
	if err := json.Unmarshal(raw, &e); err != nil {
		return nil, fmt.Errorf("decode event %s: %w", id, err)
	}
	return &e, nil
}

// History returns every committed version of a batch.
func (q Reader) History(id string) ([]BatchVersion, error) {
	vs, err := q.s.History(CompositeKey(objBatch, id))
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", id, err)
	}
	out := make([]BatchVersion, 0, len(vs))
	for _, v := range vs {
		bv := BatchVersion{TxID: v.TxID, Timestamp: v.Timestamp, IsDelete: v.IsDelete}
		if len(v.Value) > 0 {
			var b domain.Batch
			if err := json.Unmarshal(v.Value, &b); err != nil {
				return nil, fmt.Errorf("decode version %s of %s: %w", v.TxID, id, err)
			}
			bv.Batch = &b
		}
		out = append(out, bv)
	}
	if len(out) == 0 {
		return nil, domain.Refuse(404, "not-found", "", "batch %s has no history on the ledger", id)
	}
	return out, nil
}

// BatchVersion is one committed version of a batch.
type BatchVersion struct {
	TxID      string        `json:"txId"`
	Timestamp string        `json:"timestamp"`
	IsDelete  bool          `json:"isDelete,omitempty"`
	Batch     *domain.Batch `json:"batch,omitempty"`
}
