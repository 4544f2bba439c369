package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/fabric"
)

// Env is what the ingest and resolution phases run against.
type Env struct {
	Baseline *fabric.Client // a platform's fabric-gateway connection (for the KV baseline)
	URL      string         // gateway base URL
	Key      string         // a platform's API key
	Workers  int
	Duration time.Duration
	Run      string // unique prefix so repeated runs never collide with earlier events
}

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}, Timeout: 2 * time.Minute}

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

func harvest(id string) domain.Event {
	return domain.Event{ID: id, Type: domain.Produce, EventTime: "2026-10-01T08:00:00+08:00", Actor: domain.Party{Enterprise: "BENCH-COOP"},
		Outputs: []domain.Output{{Batch: "BENCH-" + id, Product: domain.Product{Name: "稻谷"}, Quantity: domain.Quantity{Value: 1000, Unit: "kg"},
			Origin: &domain.Origin{Region: "230184"}}}}
}

// Baseline: a trivial key-value put through the same fabric-gateway client, 16 concurrent clients.
func Baseline(ctx context.Context, e Env) Result {
	return Run(ctx, e.Workers, e.Duration, 0, func(ctx context.Context, w int, n int64) (int, error) {
		_, err := e.Baseline.Submit(ctx, "baseline:Put", []string{fmt.Sprintf("%s-%d", e.Run, n), "x"}, nil)
		return 1, err
	})
}

// SingleIngest: one native event per HTTP request through the gateway, 16 concurrent platforms.
func SingleIngest(ctx context.Context, e Env) Result {
	return Run(ctx, e.Workers, e.Duration, 0, func(ctx context.Context, w int, n int64) (int, error) {
		b, _ := json.Marshal(harvest(fmt.Sprintf("%s-s-%d", e.Run, n)))
		st, body, err := e.post(ctx, "/v1/events", b)
		if err != nil {
			return 0, err
		}
		if st != http.StatusCreated {
			return 0, fmt.Errorf("status %d: %s", st, body)
		}
		return 1, nil
	})
}

// BulkIngest: requests of perRequest independent events; latency is request → all committed.
func BulkIngest(ctx context.Context, e Env, workers, perRequest int) Result {
	return Run(ctx, workers, e.Duration, 0, func(ctx context.Context, w int, n int64) (int, error) {
		evs := make([]domain.Event, perRequest)
		for i := range evs {
			evs[i] = harvest(fmt.Sprintf("%s-b-%d-%d", e.Run, n, i))
		}
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
	})
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

// Resolve loads GET path on base with the given Accept header.
func Resolve(ctx context.Context, base, path, accept string, workers int, dur time.Duration) Result {
	return Run(ctx, workers, dur, 0, func(ctx context.Context, w int, n int64) (int, error) {
		req, _ := http.NewRequestWithContext(ctx, "GET", base+path, nil)
		req.Header.Set("Accept", accept)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return 0, fmt.Errorf("status %d", resp.StatusCode)
		}
		return 1, nil
	})
}

// BareServer serves a fixed body of the given size from a bare net/http handler (the baseline of
// the resolution benchmark).
func BareServer(body []byte) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(body)
	})}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// PathOf is the resolver path of a batch.
func PathOf(id string) string { return "/t/" + url.PathEscape(id) }
