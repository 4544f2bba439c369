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

// BatchEvents returns a batch's events in event-time order.
func (q Reader) BatchEvents(id string) ([]domain.Event, error) {
	kvs, _, err := q.s.Range(objBatchEvent, []string{id}, 0, "")
	if err != nil {
		return nil, fmt.Errorf("list events of %s: %w", id, err)
	}
	out := make([]domain.Event, 0, len(kvs))
	for _, kv := range kvs {
		_, attrs := SplitCompositeKey(kv.Key)
		e, err := q.Event(attrs[1])
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	domain.SortEvents(out)
	return out, nil
}

// Trail walks up to depth generations each way, visiting at most maxBatches batches.
func (q Reader) Trail(id string, depth, maxBatches int) (*domain.Trail, error) {
	root, err := q.Batch(id)
	if err != nil {
		return nil, err
	}
	t := &domain.Trail{Batch: id, MaxDepth: depth, MaxBatches: maxBatches}
	seen := map[string]bool{id: true}
	t.Batches = append(t.Batches, *root)
	if root.RecalledBy != "" {
		t.RecalledBy = root.RecalledBy
	}
	walk := func(next func(*domain.Batch) []string, up bool) error {
		frontier := []*domain.Batch{root}
		for d := 0; d < depth && len(frontier) > 0; d++ {
			var nf []*domain.Batch
			for _, b := range frontier {
				for _, nid := range next(b) {
					if seen[nid] {
						continue
					}
					if len(seen) >= maxBatches {
						t.Truncated = true
						return nil
					}
					seen[nid] = true
					nb, err := q.Batch(nid)
					if err != nil {
						return err
					}
					if up && nb.RecalledBy != "" && t.RecalledBy == "" {
						t.RecalledBy = nb.RecalledBy
					}
					t.Batches = append(t.Batches, *nb)
					nf = append(nf, nb)
				}
			}
			frontier = nf
		}
		if len(frontier) > 0 {
			for _, b := range frontier {
				if len(next(b)) > 0 {
					t.Truncated = true
				}
			}
		}
		return nil
	}
	if err := walk(func(b *domain.Batch) []string { return b.Parents }, true); err != nil {
		return nil, err
	}
	if err := walk(func(b *domain.Batch) []string { return b.Children }, false); err != nil {
		return nil, err
	}
	evSeen := map[string]bool{}
	for _, b := range t.Batches {
		es, err := q.BatchEvents(b.ID)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			if !evSeen[e.ID] {
				evSeen[e.ID] = true
				t.Events = append(t.Events, e)
			}
		}
	}
	domain.SortEvents(t.Events)
	return t, nil
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

// Page is one page of IDs from an index.
type Page struct {
	IDs      []string `json:"ids"`
	Bookmark string   `json:"bookmark,omitempty"`
}

// Index lists batch IDs by product or origin region, or event IDs by stage (and date).
func (q Reader) Index(kind string, attrs []string, pageSize int, bookmark string) (Page, error) {
	obj := map[string]string{"product": objProduct, "region": objRegion, "stage": objStage}[kind]
	if obj == "" {
		return Page{}, domain.Invalid("/kind", "index %q: one of product, region, stage", kind)
	}
	if pageSize < 1 || pageSize > 1000 {
		return Page{}, domain.Invalid("/pageSize", "page size must be 1..1000, got %d", pageSize)
	}
	kvs, next, err := q.s.Range(obj, attrs, pageSize, bookmark)
	if err != nil {
		return Page{}, fmt.Errorf("list %s index: %w", kind, err)
	}
	p := Page{Bookmark: next}
	for _, kv := range kvs {
		_, a := SplitCompositeKey(kv.Key)
		p.IDs = append(p.IDs, a[len(a)-1])
	}
	return p, nil
}
