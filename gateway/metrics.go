package gateway

import (
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/agritrace/agritrace/readmodel"
)

// metrics are the gateway's Prometheus metrics, on a registry of the server's own rather than
// the global one: tests and the bench run several gateways in one process, and each must expose
// only its own counts.
type metrics struct {
	reg        *prometheus.Registry
	handler    http.Handler // GET /metrics
	recorded   tally
	duplicates tally
	rejected   tally
	txs        tally
	webhooks   tally                    // events delivered to EPCIS subscriptions
	requests   *prometheus.CounterVec   // route, code
	seconds    *prometheus.HistogramVec // route, code
}

// requestBuckets span a cached resolver answer (well under a millisecond) to an ingest that
// waits for its block to commit (a second or two in production, more when the orderer is slow).
var requestBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// httpLabels: route is the mux's pattern ("GET /t/{id}", or "unmatched"), never the raw path, so
// the series stay few whatever clients ask for.
var httpLabels = []string{"route", "code"}

// newMetrics registers the gateway's metrics, the Go runtime's and the process's. The read
// model's are read from store and follower when scraped; follower may be nil (no ledger stream).
func newMetrics(store *readmodel.Store, follower *readmodel.Follower, log *slog.Logger) *metrics {
	reg := prometheus.NewRegistry()
	count := func(name, help string) tally {
		c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
		reg.MustRegister(c)
		return tally{c}
	}
	m := &metrics{
		reg:        reg,
		recorded:   count("agritrace_events_recorded_total", "Events committed to the ledger through this gateway."),
		duplicates: count("agritrace_events_duplicate_total", "Events sent again that the ledger already had (idempotent retries)."),
		rejected:   count("agritrace_events_rejected_total", "Events refused, by the gateway's checks or by the contract."),
		txs:        count("agritrace_fabric_transactions_total", "Fabric transactions this gateway submitted, retries included."),
		webhooks:   count("agritrace_epcis_webhook_events_total", "Events delivered to EPCIS query subscriptions."),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "agritrace_http_requests_total",
			Help: "HTTP requests answered, by route and status code."}, httpLabels),
		seconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "agritrace_http_request_seconds",
			Help:    "Time from a request's arrival to its handler's return, by route and status code.",
			Buckets: requestBuckets}, httpLabels),
	}
	reg.MustRegister(m.requests, m.seconds,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "agritrace_readmodel_block",
			Help: "The last ledger block the read model has applied."},
			func() float64 { return float64(store.Block()) }))
	if follower != nil {
		reg.MustRegister(
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "agritrace_readmodel_applied_total",
				Help: "Transactions this replica's follower has applied to the read model since it started."},
				func() float64 { return float64(follower.Applied()) }),
			// alert when no replica of an org has it: nobody writes the shared read model
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "agritrace_readmodel_leader",
				Help: "1 on the replica that writes the shared read model, 0 on a standby."},
				func() float64 {
					if follower.Role() == "leader" {
						return 1
					}
					return 0
				}))
	}
	// a collector in error must not take the gateway's own counts down with it: serve the rest
	// and log it
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelError), ErrorHandling: promhttp.ContinueOnError})
	return m
}

// request counts one answer of route and the time it took.
func (m *metrics) request(route string, code int, d time.Duration) {
	c := strconv.Itoa(code)
	m.requests.WithLabelValues(route, c).Inc()
	m.seconds.WithLabelValues(route, c).Observe(d.Seconds())
}

// tally is a counter of whole things (events, transactions), added as the handlers count them.
type tally struct{ c prometheus.Counter }

func (t tally) Add(n int64) { t.c.Add(float64(n)) }

func (s *Server) getMetrics(w http.ResponseWriter, r *http.Request) {
	s.metrics.handler.ServeHTTP(w, r)
}
