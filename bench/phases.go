package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/fabric"
	"github.com/agritrace/agritrace/wire"
)

// Env is what the ingest and resolution phases run against.
type Env struct {
	Baseline *fabric.Client // a platform's fabric-gateway connection (for the KV baseline)
	URL      string         // the platform's gateway base URL
	Key      string         // the platform's API key
	KeyName  string         // its name: the enterprise an EPCIS capture's events are recorded for
	Run      string         // unique prefix so repeated runs never collide with earlier events
	Lots     *Lots          // lots created by bulk ingest, for the scan phase
}

// client is the load generator's. It shares the machine with what it measures, so it asks for
// no compression (no server here compresses) and reads a whole page per read (a scanned lot's page
// and its headers are past the default 4 KB): 59 → 55 µs of CPU a request, client and bare server
// together (BenchmarkGetOp).
var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256, DisableCompression: true, ReadBufferSize: 16 << 10}, Timeout: 2 * time.Minute}

func (e Env) post(ctx context.Context, path string, body []byte) (int, []byte, error) {
	req, _ := http.NewRequestWithContext(ctx, "POST", e.URL+path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.Key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// Recorded is the gateway's own count of committed events (agritrace_events_recorded_total).
func (e Env) Recorded(ctx context.Context) (int64, error) {
	return e.counter(ctx, "agritrace_events_recorded_total")
}

// Transactions is the gateway's count of the Fabric transactions it submitted
// (agritrace_fabric_transactions_total): with Recorded, how many events a transaction carried.
func (e Env) Transactions(ctx context.Context) (int64, error) {
	return e.counter(ctx, "agritrace_fabric_transactions_total")
}

// Block is the height the gateway's read model has applied (agritrace_readmodel_block): blocks
// committed over a window, with Transactions, how many transactions a block carried.
func (e Env) Block(ctx context.Context) (int64, error) {
	return e.counter(ctx, "agritrace_readmodel_block")
}

func (e Env) counter(ctx context.Context, name string) (int64, error) {
	m, err := Metrics(ctx, e.URL)
	if err != nil {
		return 0, err
	}
	v, ok := m.Value(name)
	if !ok {
		return 0, fmt.Errorf("GET %s/metrics: no %s", e.URL, name)
	}
	return int64(v), nil
}

// Lots collects the lots that bulk ingest committed.
type Lots struct {
	mu  sync.Mutex
	ids []string
}

func (l *Lots) add(ids ...string) {
	l.mu.Lock()
	l.ids = append(l.ids, ids...)
	l.mu.Unlock()
}

// IDs are the lots collected so far.
func (l *Lots) IDs() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.ids...)
}

func harvest(id string) domain.Event {
	return domain.Event{ID: id, Type: domain.Produce, EventTime: "2026-10-01T08:00:00+08:00", Actor: domain.Party{Enterprise: "BENCH-COOP"},
		Outputs: []domain.Output{{Batch: "BENCH-" + id, Product: domain.Product{Name: "稻谷"}, Quantity: domain.Quantity{Value: 1000, Unit: "kg"},
			Origin: &domain.Origin{Region: "230184"}}}}
}

// BaselineOp is a trivial key-value put through the same fabric-gateway client the gateway uses.
func BaselineOp(e Env) Op {
	return func(ctx context.Context, w int, n int64) (int, error) {
		_, err := e.Baseline.Submit(ctx, wire.BaselinePut, []string{fmt.Sprintf("%s-%d", e.Run, n), "x"}, nil)
		return 1, err
	}
}

// SingleOp is one native event per HTTP request through the gateway.
func SingleOp(e Env) Op {
	return func(ctx context.Context, w int, n int64) (int, error) {
		b, _ := json.Marshal(harvest(fmt.Sprintf("%s-s-%d", e.Run, n)))
		st, body, err := e.post(ctx, "/v1/events", b)
		if err != nil {
			return 0, err
		}
		if st != http.StatusCreated {
			return 0, fmt.Errorf("status %d: %.300s", st, body)
		}
		return 1, nil
	}
}

// BulkOp is one request of perRequest independent harvest events; it returns when all are
// committed. The lots it creates are collected in e.Lots.
func BulkOp(e Env, tag string, perRequest int) Op {
	return func(ctx context.Context, w int, n int64) (int, error) {
		evs := make([]domain.Event, perRequest)
		for i := range evs {
			evs[i] = harvest(fmt.Sprintf("%s-%s-%d-%d", e.Run, tag, n, i))
		}
		accepted, err := e.postBulk(ctx, evs)
		if err != nil {
			return 0, err
		}
		if e.Lots != nil {
			for _, ev := range evs {
				e.Lots.add(ev.Outputs[0].Batch)
			}
		}
		return accepted, nil
	}
}

// postBulk posts events to the native bulk API; all of them must be accepted.
func (e Env) postBulk(ctx context.Context, evs []domain.Event) (int, error) {
	b, _ := json.Marshal(map[string]any{"events": evs})
	st, body, err := e.post(ctx, "/v1/events", b)
	if err != nil {
		return 0, err
	}
	var resp struct{ Accepted, Rejected int }
	if st != http.StatusOK || json.Unmarshal(body, &resp) != nil || resp.Rejected > 0 {
		return 0, fmt.Errorf("status %d: %.300s", st, body)
	}
	return resp.Accepted, nil
}

// Paced spaces the starts of op's calls interval apart across all workers, so a load runs at a
// set rate (when enough workers are free) instead of as fast as it can.
func Paced(interval time.Duration, op Op) Op {
	var mu sync.Mutex
	next := time.Now()
	return func(ctx context.Context, w int, n int64) (int, error) {
		mu.Lock()
		slot := next
		if now := time.Now(); now.After(slot) {
			slot = now // behind schedule: start now rather than bunching up to catch up
		}
		next = slot.Add(interval)
		mu.Unlock()
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(time.Until(slot)):
		}
		return op(ctx, w, n)
	}
}

// GetOp requests base+paths[seq-1] with the given Accept header: started with maxOps =
// len(paths), every path is requested exactly once.
func GetOp(base string, paths []string, accept string) Op {
	return func(ctx context.Context, w int, n int64) (int, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+paths[(n-1)%int64(len(paths))], nil)
		req.Header.Set("Accept", accept)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return 0, fmt.Errorf("GET %s: status %d", req.URL.Path, resp.StatusCode)
		}
		return 1, nil
	}
}

// Chain records a trail of hops transformations and events events in all (storage checks between
// the steps), returning the last batch (what a consumer would scan).
func Chain(ctx context.Context, e Env, hops, events int) (string, error) {
	batch := func(h int) string { return fmt.Sprintf("CHAIN-%s-%d", e.Run, h) }
	first := harvest("chain-" + e.Run + "-h")
	first.Outputs[0].Batch = batch(0)
	evs := []domain.Event{first}
	stores := events - hops
	qty := 1000.0
	for h := 0; h < hops; h++ {
		for i := 0; i < stores/hops+boolInt(h < stores%hops); i++ {
			evs = append(evs, domain.Event{ID: fmt.Sprintf("chain-%s-s%d-%d", e.Run, h, i), Type: domain.Store, EventTime: "2026-10-03T08:00:00+08:00",
				Actor: domain.Party{Enterprise: "BENCH-WH"}, Batches: []string{batch(h)}, Attributes: map[string]any{"temp_c": 12.5, "moisture_pct": 14.1}})
		}
		if h == hops-1 {
			break
		}
		qty *= 0.9
		evs = append(evs, domain.Event{ID: fmt.Sprintf("chain-%s-p%d", e.Run, h), Type: domain.Process, EventTime: "2026-10-02T08:00:00+08:00",
			Actor: domain.Party{Enterprise: "BENCH-MILL"}, Inputs: []domain.Portion{{Batch: batch(h)}},
			Outputs: []domain.Output{{Batch: batch(h + 1), Product: domain.Product{Name: fmt.Sprintf("第%d道工序产品", h+1)}, Quantity: domain.Quantity{Value: qty, Unit: "kg"}}}})
	}
	b, _ := json.Marshal(map[string]any{"events": evs})
	st, body, err := e.post(ctx, "/v1/events", b)
	if err != nil {
		return "", err
	}
	if st != http.StatusOK {
		return "", fmt.Errorf("record the benchmark chain: %d %.500s", st, body)
	}
	return batch(hops - 1), nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// BareHandler serves a fixed body from a bare net/http handler: the baseline of the scan phase,
// run in a process of its own (agritrace bench-bare) as the gateway is.
func BareHandler(body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(body)
	})
}

// PathOf is the resolver path of a batch.
func PathOf(id string) string { return "/t/" + url.PathEscape(id) }
