package gateway

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// metrics are a handful of counters in the Prometheus text format: enough for an operator's
// dashboard without pulling a metrics framework into the gateway.
type metrics struct {
	mu         sync.Mutex
	requests   map[string]int64 // route|code
	latencySum map[string]float64
	recorded   atomic.Int64
	duplicates atomic.Int64
	rejected   atomic.Int64
	txs        atomic.Int64
	webhooks   atomic.Int64 // events delivered to EPCIS subscriptions
}

func newMetrics() *metrics {
	return &metrics{requests: map[string]int64{}, latencySum: map[string]float64{}}
}

func (m *metrics) request(route string, code int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests[fmt.Sprintf("%s|%d", route, code)]++
	m.latencySum[route] += d.Seconds()
}

func (s *Server) getMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	m := s.metrics
	fmt.Fprintf(w, "# TYPE agritrace_events_recorded_total counter\nagritrace_events_recorded_total %d\n", m.recorded.Load())
	fmt.Fprintf(w, "# TYPE agritrace_events_duplicate_total counter\nagritrace_events_duplicate_total %d\n", m.duplicates.Load())
	fmt.Fprintf(w, "# TYPE agritrace_events_rejected_total counter\nagritrace_events_rejected_total %d\n", m.rejected.Load())
	fmt.Fprintf(w, "# TYPE agritrace_fabric_transactions_total counter\nagritrace_fabric_transactions_total %d\n", m.txs.Load())
	fmt.Fprintf(w, "# TYPE agritrace_epcis_webhook_events_total counter\nagritrace_epcis_webhook_events_total %d\n", m.webhooks.Load())
	fmt.Fprintf(w, "# TYPE agritrace_readmodel_block gauge\nagritrace_readmodel_block %d\n", s.store.Block())
	if s.follower != nil {
		fmt.Fprintf(w, "# TYPE agritrace_readmodel_applied_total counter\nagritrace_readmodel_applied_total %d\n", s.follower.Applied())
		leader := 0
		if s.follower.Role() == "leader" {
			leader = 1
		}
		// 1 on the replica that writes the shared read model: alert when no replica of an org has it
		fmt.Fprintf(w, "# TYPE agritrace_readmodel_leader gauge\nagritrace_readmodel_leader %d\n", leader)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]string, 0, len(m.requests))
	for k := range m.requests {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintln(w, "# TYPE agritrace_http_requests_total counter")
	for _, k := range keys {
		var route string
		var code int
		for i := len(k) - 1; i >= 0; i-- {
			if k[i] == '|' {
				route = k[:i]
				fmt.Sscan(k[i+1:], &code)
				break
			}
		}
		fmt.Fprintf(w, "agritrace_http_requests_total{route=%q,code=\"%d\"} %d\n", route, code, m.requests[k])
	}
	fmt.Fprintln(w, "# TYPE agritrace_http_request_seconds_sum counter")
	routes := make([]string, 0, len(m.latencySum))
	for k := range m.latencySum {
		routes = append(routes, k)
	}
	sort.Strings(routes)
	for _, rt := range routes {
		fmt.Fprintf(w, "agritrace_http_request_seconds_sum{route=%q} %g\n", rt, m.latencySum[rt])
	}
}

// Health is the /healthz body.
type Health struct {
	Status      string `json:"status"` // ok or degraded
	LedgerBlock uint64 `json:"ledgerBlock"`
	Following   bool   `json:"following"` // read-model event stream connected
	// leader: this replica writes the read model; standby: another replica on the same PostgreSQL does
	ReadModelRole string `json:"readModelRole,omitempty"`
	Batches       int    `json:"batches"`
	Events        int    `json:"events"`
	Org           string `json:"org,omitempty"`  // the org this gateway acts as
	Role          string `json:"role,omitempty"` // platform or regulator (whose gateway serves the console)
}

func (s *Server) getHealth(w http.ResponseWriter, r *http.Request) {
	h, err := s.Health(r.Context())
	if err != nil {
		writeProblem(w, r, newProblem(http.StatusServiceUnavailable, "read-model", err.Error()))
		return
	}
	writeJSON(w, http.StatusOK, h)
}

// Health is what /healthz answers: the read model's block and counts, and whether it follows
// the ledger's block events.
func (s *Server) Health(ctx context.Context) (Health, error) {
	c, err := s.store.Counts(ctx)
	if err != nil {
		return Health{}, fmt.Errorf("read model counts: %w", err)
	}
	h := Health{Status: "ok", LedgerBlock: c.Block, Following: s.follower == nil || s.follower.Connected(), Batches: c.Batches, Events: c.Events,
		Org: s.opts.Org.Key, Role: s.opts.Org.Role}
	if s.follower != nil {
		// a standby replica follows through the leader writing the shared read model
		h.ReadModelRole = s.follower.Role()
		h.Following = h.Following || h.ReadModelRole == "standby"
	}
	if !h.Following {
		h.Status = "degraded"
	}
	return h, nil
}
