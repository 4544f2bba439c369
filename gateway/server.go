// Package gateway is the HTTP service through which provincial platforms record events and
// everyone reads the ledger: the native and EPCIS 2.0 ingest APIs, read APIs served from the read
// model, and (through the trace and console packages) the consumer and regulator pages.
package gateway

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/fabric"

	"github.com/agritrace/agritrace/readmodel"
	"github.com/agritrace/agritrace/reserve"
	"github.com/agritrace/agritrace/wire"
)

// Options tune the gateway; zero values take the defaults.
type Options struct {
	MaxBodyBytes int64 // default 10 MiB
	MaxBulk      int   // events per request, default 1000
	EventsPerTx  int   // events packed into one Fabric transaction, default and maximum wire.MaxEventsPerTx
	Parallel     int   // transactions in flight per request, default 4
	// BlockTxs is the orderer's block size (transactions), above which group commit holds small
	// transactions back; 0 reads it from the channel configuration.
	BlockTxs int
	// MaxExportRows caps one CSV export (default MaxExportRows); X-Export-Next continues it.
	MaxExportRows int
	// Org is the org this gateway acts as (its only identity).
	Org domain.Org
	// RegulatorMSP is the MSP ID of the regulator, whose peer co-endorses a private deal inside one
	// platform (two endorsing orgs are needed).
	RegulatorMSP string
	// Reserve configures the reserve and market rules; nil takes reserve.Default().
	Reserve *reserve.Config
	// WebhookAllowPrivate lets EPCIS webhook subscriptions reach loopback, link-local and private
	// addresses (tests, a closed network); also set by AGRITRACE_WEBHOOK_ALLOW_PRIVATE=true.
	WebhookAllowPrivate bool
}

func (o *Options) defaults() {
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = 10 << 20
	}
	if o.MaxBulk == 0 {
		o.MaxBulk = 1000
	}
	if o.EventsPerTx <= 0 || o.EventsPerTx > wire.MaxEventsPerTx {
		o.EventsPerTx = wire.MaxEventsPerTx
	}
	if o.MaxExportRows <= 0 {
		o.MaxExportRows = MaxExportRows
	}
	if o.Parallel == 0 {
		o.Parallel = 4
	}
	o.WebhookAllowPrivate = o.WebhookAllowPrivate || allowPrivateHooksFromEnv()
}

// Server is the gateway.
type Server struct {
	keys     *Keys
	store    *readmodel.Store
	ledger   Ledger
	follower *readmodel.Follower
	opts     Options
	log      *slog.Logger
	metrics  *metrics
	now      func() time.Time
	mux      *http.ServeMux
	auditor  Auditor
	guard    *AuthGuard
	csp      csp
	cop      *http.CrossOriginProtection
	subs     *deliverer // EPCIS webhook subscriptions (epcissub.go)
	running  sync.Map   // capture jobs this gateway is running, by ID: a poll reads them here
	group    *coalescer // group commit of small transactions (coalesce.go)
	blockN   int        // the orderer's block size, read once (blockTxs)
	blockOne sync.Once
	prefixes prefixCache // the registry's company prefixes, for GS1-EPC-Format (epcisformat.go)
}

// New builds the gateway. follower may be nil (tests without a ledger stream).
func New(keys *Keys, store *readmodel.Store, ledger Ledger, follower *readmodel.Follower, opts Options, log *slog.Logger) *Server {
	opts.defaults()
	s := &Server{keys: keys, store: store, ledger: ledger, follower: follower, opts: opts, log: log,
		metrics: newMetrics(store, follower, log), now: time.Now, mux: http.NewServeMux(), guard: &AuthGuard{Log: log}, cop: newCrossOriginProtection()}
	s.group = &coalescer{limit: s.blockTxs, maxEvents: opts.EventsPerTx, maxBytes: wire.MaxTxEventBytes, log: log,
		record: func(ctx context.Context, org string, events []domain.Event) ([]domain.RecordResult, fabric.Committed, error) {
			// one per transaction, however many requests share it; counted when it ends, as the events
			// it commits are, so that counts over a window compare
			defer s.metrics.txs.Add(1)
			return ledger.Record(ctx, org, events, nil, nil)
		}}
	s.routes()
	s.epcisRoutes()
	s.startDeliverer()
	return s
}

// Guard is the limiter of failed authentications (the console's login uses it too).
func (s *Server) Guard() *AuthGuard { return s.guard }

// Mux lets other packages (trace page, console) add their routes.
func (s *Server) Mux() *http.ServeMux { return s.mux }

// Store is the read model behind the server.
func (s *Server) Store() *readmodel.Store { return s.store }

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("POST /v1/events", s.authenticate(s.postEvents, false))
	m.HandleFunc("POST /v1/epcis/capture", s.authenticate(s.postEPCIS, false))
	m.HandleFunc("GET /v1/events", s.authenticate(s.searchEvents, false))
	m.HandleFunc("GET /v1/events/{id}", s.authenticate(s.getEvent, false))
	m.HandleFunc("GET /v1/batches", s.authenticate(s.searchBatches, false))
	m.HandleFunc("GET /v1/batches/{id}", s.authenticate(s.getBatch, false))
	m.HandleFunc("GET /v1/batches/{id}/trail", s.authenticate(s.getTrail, false))
	m.HandleFunc("GET /v1/batches/{id}/history", s.authenticate(s.getHistory, false))
	m.HandleFunc("POST /v1/batches/{id}/recall", s.authenticate(s.postRecall, true))
	m.HandleFunc("POST /v1/batches/{id}/offer", s.authenticate(s.postOffer, false))
	m.HandleFunc("POST /v1/batches/{id}/accept", s.authenticate(s.postAccept, false))
	m.HandleFunc("POST /v1/batches/{id}/reject", s.authenticate(s.postReject, false))
	m.HandleFunc("POST /v1/batches/{id}/cancel", s.authenticate(s.postCancel, false))
	m.HandleFunc("GET /v1/offers", s.authenticate(s.getOffers, false))
	m.HandleFunc("GET /v1/audit", s.authenticate(s.getAudit, true))
	m.HandleFunc("GET /v1/batches/{id}/lineage", s.authenticate(s.getLineage, true))
	m.HandleFunc("GET /v1/batches/{id}/impact", s.authenticate(s.getImpact, true))
	m.HandleFunc("GET /v1/export/batches.csv", s.authenticate(s.exportBatchesCSV, true))
	m.HandleFunc("GET /v1/export/epcis", s.authenticate(s.exportEPCIS, true))
	m.HandleFunc("GET /v1/stats", s.authenticate(s.getStats, true))
	s.registryRoutes()
	m.HandleFunc("GET /openapi.json", s.getOpenAPI)
	m.HandleFunc("GET /healthz", s.getHealth)
	m.HandleFunc("GET /metrics", s.getMetrics)
	s.reserveRoutes()
}

// ServeHTTP adds logging, metrics and panic safety around every route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	rw := &statusWriter{ResponseWriter: w, status: 200}
	h, pattern := s.mux.Handler(r)
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler { //nolint:errorlint // sentinel passed to panic, compared as Go documents
				panic(p) // a handler aborting its stream on purpose: net/http closes the connection
			}
			s.log.Error("panic in handler", "path", r.URL.Path, "panic", p)
			writeProblem(rw, r, newProblem(http.StatusInternalServerError, "internal", "internal error; see the gateway log"))
		}
		route := pattern
		if route == "" {
			route = "unmatched"
		}
		s.metrics.request(route, rw.status, time.Since(start))
		s.log.Debug("http", "method", r.Method, "path", r.URL.Path, "status", rw.status, "dur", time.Since(start))
	}()
	_ = h
	hw := &headerWriter{ResponseWriter: rw, r: r, csp: &s.csp}
	if p := s.edgeChecks(r, pattern); p != nil {
		writeProblem(hw, r, p)
		return
	}
	// the mux's own 404/405 answers are plain text: notFoundWriter turns them into problem+json
	s.mux.ServeHTTP(&notFoundWriter{statusWriter: &statusWriter{ResponseWriter: hw, status: 200}, r: r}, r)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

// Unwrap lets http.ResponseController reach the connection (flushes, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// notFoundWriter turns the mux's plain-text 404/405 into problem+json.
type notFoundWriter struct {
	*statusWriter
	r       *http.Request
	written bool
}

func (w *notFoundWriter) WriteHeader(code int) {
	if (code == http.StatusNotFound || code == http.StatusMethodNotAllowed) &&
		strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain") {
		w.written = true
		kind := "not-found"
		detail := "no such resource: " + w.r.URL.Path + " (see /openapi.json)"
		if code == http.StatusMethodNotAllowed {
			kind, detail = "method-not-allowed", w.r.Method+" is not allowed on "+w.r.URL.Path
		}
		p := newProblem(code, kind, detail)
		p.Instance = w.r.URL.Path
		w.Header().Set("Content-Type", "application/problem+json")
		w.statusWriter.WriteHeader(code)
		_ = jsonEncode(w.statusWriter, p)
		return
	}
	w.statusWriter.WriteHeader(code)
}

func (w *notFoundWriter) Write(b []byte) (int, error) {
	if w.written {
		return len(b), nil
	}
	return w.statusWriter.Write(b)
}

// edgeChecks refuses, before any handler, what no route should see: cross-origin form posts, an
// identifier URL pasted unescaped into the path, query parameters the route does not declare.
func (s *Server) edgeChecks(r *http.Request, pattern string) *Problem {
	if err := s.cop.Check(r); err != nil {
		return newProblem(http.StatusForbidden, "cross-origin",
			"cross-origin "+r.Method+" refused: submit the form from this site's own pages")
	}
	if p := unescapedID(r); p != nil {
		return p
	}
	if p := uncleanPath(r); p != nil {
		return p
	}
	return unknownParams(pattern, r.URL.Query())
}
