package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
	"github.com/agritrace/agritrace/epcis"
	"github.com/agritrace/agritrace/readmodel"
	"github.com/agritrace/agritrace/wire"
)

// The GS1 EPCIS 2.0 REST binding under /epcis: capture jobs, the standard event queries, the
// resource collections, named queries and their webhook subscriptions. Access is as in the native
// API: any key reads, platform keys capture what their stages allow.

// GS1 headers every /epcis answer carries.
var gs1Headers = map[string]string{
	"GS1-EPCIS-Version":                  "2.0.0",
	"GS1-EPCIS-Min":                      "2.0.0",
	"GS1-EPCIS-Max":                      "2.0.0",
	"GS1-CBV-Version":                    "2.0.0",
	"GS1-CBV-Min":                        "2.0.0",
	"GS1-CBV-Max":                        "2.0.0",
	"GS1-Extensions":                     "",
	"GS1-EPCIS-Capture-Limit":            fmt.Sprint(epcisevent.MaxEvents),
	"GS1-EPCIS-Max-Result-Count":         fmt.Sprint(epcisMaxPerPage),
	"GS1-Vendor-Version":                 "agritrace",
	"GS1-Capture-Error-Behaviour-Values": "rollback, proceed",
	// events come back as captured unless a query asks otherwise (epcisformat.go)
	epcFormatHeader: string(epcis.NoPreference.Applied()),
}

func (s *Server) epcisRoutes() {
	read := func(h http.HandlerFunc) http.HandlerFunc { return s.authenticate(s.gs1(h), false) }
	allow := map[string][]string{}
	var paths []string
	handle := func(method, path string, h http.HandlerFunc) {
		s.mux.HandleFunc(method+" "+path, read(h))
		if _, seen := allow[path]; !seen {
			paths = append(paths, path)
		}
		allow[path] = append(allow[path], method)
	}
	handle("POST", "/epcis/capture", s.epcisCapture)
	handle("GET", "/epcis/capture", s.epcisJobs)
	handle("GET", "/epcis/capture/{captureID}", s.epcisJob)
	handle("GET", "/epcis", s.epcisTopLevel)
	handle("GET", "/epcis/events", s.epcisEvents)
	handle("POST", "/epcis/events", s.epcisCaptureEvent)
	handle("GET", "/epcis/events/{eventID}", s.epcisEvent)
	for _, c := range epcisCollections {
		handle("GET", "/epcis/"+c.path, s.epcisCollection(c.list(s.store)))
		handle("GET", "/epcis/"+c.path+"/{"+c.wildcard+"}", s.epcisSubResources(c.param, c.wildcard))
		handle("GET", "/epcis/"+c.path+"/{"+c.wildcard+"}/events", s.epcisFixed(c.param, c.wildcard))
	}
	handle("GET", "/epcis/queries", s.epcisQueries)
	handle("POST", "/epcis/queries", s.epcisCreateQuery)
	handle("GET", "/epcis/queries/{queryName}", s.epcisQuery)
	handle("DELETE", "/epcis/queries/{queryName}", s.epcisDeleteQuery)
	handle("GET", "/epcis/queries/{queryName}/events", s.epcisQueryEvents)
	handle("GET", "/epcis/queries/{queryName}/subscriptions", s.epcisSubscriptions)
	handle("POST", "/epcis/queries/{queryName}/subscriptions", s.epcisSubscribe)
	handle("GET", "/epcis/queries/{queryName}/subscriptions/{subscriptionID}", s.epcisSubscription)
	handle("DELETE", "/epcis/queries/{queryName}/subscriptions/{subscriptionID}", s.epcisUnsubscribe)
	handle("DELETE", "/epcis/nextPageToken/{token}", s.epcisReleaseToken)
	// OPTIONS needs no key: it says what the server supports (Allow and the GS1 headers), on
	// every resource of the binding
	for _, path := range paths {
		ms := allow[path]
		slices.SortFunc(ms, func(a, b string) int {
			return strings.Index("GET POST DELETE", a) - strings.Index("GET POST DELETE", b)
		})
		methods := strings.Join(append([]string{"OPTIONS"}, ms...), ", ")
		s.mux.HandleFunc("OPTIONS "+path, s.gs1(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", methods)
			w.WriteHeader(http.StatusNoContent)
		}))
	}
}

// gs1 adds the GS1 headers and refuses an EPCIS version the server does not speak.
func (s *Server) gs1(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range gs1Headers {
			w.Header().Set(k, v)
		}
		// the largest body this gateway reads, whatever its operator set
		w.Header().Set("GS1-EPCIS-Capture-File-Size-Limit", strconv.FormatInt(s.opts.MaxBodyBytes, 10))
		if v := r.Header.Get("GS1-EPCIS-Version"); v != "" && !strings.HasPrefix(v, "2.") {
			p := newProblem(http.StatusNotAcceptable, "epcis-version", "this server speaks EPCIS 2.0, not "+v)
			p.Rule = "EPCISVersionNotSupported"
			writeProblem(w, r, p)
			return
		}
		next(w, r)
	}
}

// epcisCapture accepts an EPCISDocument: it is decoded and checked now (so a malformed document,
// a forbidden stage or a changed event under a known eventID is refused at once), then recorded
// by a capture job. By default the capture is atomic (one Fabric transaction: all or nothing);
// with "GS1-Capture-Error-Behaviour: proceed" every good event is recorded and the job lists the
// refused ones.
func (s *Server) epcisCapture(w http.ResponseWriter, r *http.Request) {
	behaviour := strings.ToLower(strings.TrimSpace(r.Header.Get("GS1-Capture-Error-Behaviour")))
	switch behaviour {
	case "":
		behaviour = "rollback"
	case "rollback", "proceed":
	default:
		p := newProblem(http.StatusBadRequest, "capture-error-behaviour", "GS1-Capture-Error-Behaviour is rollback or proceed, not "+behaviour)
		p.Pointer = "GS1-Capture-Error-Behaviour"
		writeProblem(w, r, p)
		return
	}
	body, p := s.readBody(w, r, "application/ld+json", "application/json")
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	key := caller(r)
	events, list, err := epcisevent.DecodeCapture(body, domain.Party{Enterprise: key.Name})
	if err == nil && behaviour == "rollback" {
		if p := atomicFits(events); p != nil {
			writeProblem(w, r, p)
			return
		}
	}
	if err != nil {
		p := epcisProblem(err)
		p.Rule = "ValidationException"
		writeProblem(w, r, p)
		return
	}
	job := readmodel.CaptureJob{ID: uuid.NewString(), Owner: key.Name, CreatedAt: readmodel.JobTime(s.now()),
		Running: true, Behaviour: behaviour, Events: len(events)}
	at := eventIn(list)
	plan := s.admitAll(r.Context(), key, events, at)
	if behaviour == "rollback" && len(plan.problems) > 0 {
		// atomic: nothing is recorded; the first refusal answers (400, 403 or 409)
		first := plan.problems[0]
		if len(plan.problems) > 1 {
			first.Detail += fmt.Sprintf(" (and %d more refusals; nothing was captured)", len(plan.problems)-1)
		}
		writeProblem(w, r, first)
		return
	}
	for _, p := range plan.problems {
		job.Errors = append(job.Errors, mustJSON(p))
	}
	if err := s.store.PutJob(r.Context(), job); err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	s.running.Store(job.ID, job)
	go s.runCapture(key, job, events, plan, at)
	w.Header().Set("Location", "/epcis/capture/"+job.ID)
	w.WriteHeader(http.StatusAccepted)
}

// atomicFits refuses (413) an atomic capture that one ledger transaction cannot carry: all or
// nothing is one Fabric transaction, bounded by Fabric's message limit (wire.MaxTxEventBytes of
// events) and the contract (wire.MaxAtomicEvents).
func atomicFits(events []domain.Event) *Problem {
	size := 0
	for i := range events {
		size += eventBytes(events[i])
	}
	if len(events) <= wire.MaxAtomicEvents && size <= wire.MaxTxEventBytes {
		return nil
	}
	p := newProblem(http.StatusRequestEntityTooLarge, "capture-limit", fmt.Sprintf(
		"an atomic capture is one ledger transaction: at most %d events and %d bytes of events (Fabric's message limit), this document has %d events, %d bytes as recorded; split it, or send GS1-Capture-Error-Behaviour: proceed (up to %d events)",
		wire.MaxAtomicEvents, wire.MaxTxEventBytes, len(events), size, epcisevent.MaxEvents))
	p.Rule, p.Pointer = "CaptureLimitExceededException", "/epcisBody/eventList"
	return p
}

// admission is what admitAll found of a capture's events.
type admission struct {
	todo     []int // the indexes still to record (not refused, not replays)
	sizes    []int // each event's size in a transaction, as admit measured it
	problems []*Problem
}

// admitAll checks every event.
func (s *Server) admitAll(ctx context.Context, key *APIKey, events []domain.Event, at func(int) string) admission {
	a := admission{sizes: make([]int, len(events))}
	now := s.now()
	known := s.knownEvents(ctx, events)
	for i := range events {
		size, dup, p := s.admit(ctx, key, &events[i], now, known)
		switch {
		case p != nil:
			idx := i
			p.Index = &idx
			p.underEvent(at(i), events[i], "")
			a.problems = append(a.problems, p)
		case dup == nil:
			a.todo = append(a.todo, i)
			a.sizes[i] = size
		}
	}
	return a
}

// runCapture records a capture job's events and finishes the job.
func (s *Server) runCapture(key *APIKey, job readmodel.CaptureJob, events []domain.Event, plan admission, at func(int) string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var results []EventResult
	if job.Behaviour == "rollback" {
		results = s.recordAtomic(ctx, key, events, plan.todo, at)
	} else {
		results = make([]EventResult, len(events))
		for i := range results {
			results[i] = EventResult{Index: i, EventID: events[i].ID, Status: "duplicate"}
		}
		s.submitAll(ctx, key, events, plan.sizes, plan.todo, nil, results)
		s.awaitReadModel(ctx, results)
		underEvents(results, events, at)
	}
	for _, res := range results {
		if res.Status == "rejected" && res.Problem != nil {
			job.Errors = append(job.Errors, mustJSON(res.Problem))
		}
	}
	job.Running, job.Success = false, len(job.Errors) == 0
	job.FinishedAt = readmodel.JobTime(s.now())
	job.Results = mustJSON(results)
	if err := s.store.PutJob(ctx, job); err != nil {
		s.log.Error("epcis: could not finish capture job", "job", job.ID, "err", err)
	}
	// after the store has it: a poll now reads the finished job there
	s.running.Delete(job.ID)
}

// recordAtomic records events in one transaction: the contract applies all of them or none. A
// refusal's pointer is put under at(i), where the refused event is in the request.
func (s *Server) recordAtomic(ctx context.Context, key *APIKey, events []domain.Event, todo []int, at func(int) string) []EventResult {
	results := make([]EventResult, len(events))
	for i := range results {
		results[i] = EventResult{Index: i, EventID: events[i].ID, Status: "duplicate"}
	}
	if len(todo) == 0 {
		return results
	}
	batch := make([]domain.Event, len(todo))
	for j, i := range todo {
		batch[j] = events[i]
	}
	recs, committed, err := s.ledger.Record(ctx, key.Org, batch, nil, nil)
	s.metrics.txs.Add(1)
	if err != nil {
		p := problemFrom(err)
		if de, ok := domain.AsError(err); ok && de.Index != nil && *de.Index >= 0 && *de.Index < len(todo) {
			bad := todo[*de.Index]
			p.Index = &bad
			p.Pointer = de.Pointer
			p.underEvent(at(bad), events[bad], fmt.Sprintf("/events/%d", *de.Index))
		}
		for _, i := range todo {
			results[i].Status, results[i].Problem = "rejected", nil
		}
		results[todo[0]].Problem = p // one refusal voids the whole capture: report it once
		s.metrics.rejected.Add(int64(len(todo)))
		return results
	}
	for j, i := range todo {
		results[i].TxID, results[i].Block, results[i].Status = recs[j].TxID, committed.Block, "committed"
		if recs[j].Duplicate {
			results[i].Status = "duplicate"
		}
	}
	s.metrics.recorded.Add(int64(len(todo)))
	s.awaitReadModel(ctx, results)
	return results
}

func (s *Server) epcisJobs(w http.ResponseWriter, r *http.Request) {
	jobs, err := s.store.Jobs(r.Context(), caller(r).Name, 100)
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	writeJSON(w, http.StatusOK, jobs)
}

func (s *Server) epcisJob(w http.ResponseWriter, r *http.Request) {
	// a platform polls its running jobs a few times a second each: those this gateway runs are
	// answered from memory, as they stand in the store (a job changes there only when it finishes)
	var j readmodel.CaptureJob
	var err error
	if v, ok := s.running.Load(r.PathValue("captureID")); ok {
		j = v.(readmodel.CaptureJob)
	} else {
		j, err = s.store.Job(r.Context(), r.PathValue("captureID"))
	}
	if err != nil || j.Owner != caller(r).Name {
		// another key's job is as unknown as a missing one
		writeProblem(w, r, newProblem(http.StatusNotFound, "not-found", "no capture job "+r.PathValue("captureID")+" of this key"))
		return
	}
	writeJSON(w, http.StatusOK, j)
}

// epcisEvents answers GET /epcis/events with the standard query parameters.
func (s *Server) epcisEvents(w http.ResponseWriter, r *http.Request) {
	q, p := ParseEPCISQuery(r.URL.Query())
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	s.answerQuery(w, r, "SimpleEventQuery", q, false)
}

// epcisFixed serves /{collection}/{value}/events: the query with one parameter fixed by the path.
func (s *Server) epcisFixed(param, pathValue string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := r.URL.Query()
		v.Set(param, r.PathValue(pathValue))
		q, p := ParseEPCISQuery(v)
		if p != nil {
			writeProblem(w, r, p)
			return
		}
		s.answerQuery(w, r, "SimpleEventQuery", q, false)
	}
}

func (s *Server) epcisEvent(w http.ResponseWriter, r *http.Request) {
	q := readmodel.EPCISQuery{EventIDs: []string{r.PathValue("eventID")}, Limit: epcisMaxPerPage}
	s.answerQuery(w, r, "SimpleEventQuery", q, true)
}

// answerQuery runs q and writes an EPCISQueryDocument, with a Link to the next page.
func (s *Server) answerQuery(w http.ResponseWriter, r *http.Request, name string, q readmodel.EPCISQuery, one bool) {
	format, applied, p := s.epcFormatter(r)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	page, err := s.store.QueryEPCIS(r.Context(), q)
	if err != nil {
		writeProblem(w, r, queryProblem(err, q))
		return
	}
	if one && len(page.Events) == 0 {
		writeProblem(w, r, newProblem(http.StatusNotFound, "not-found", "no event with eventID "+r.PathValue("eventID")))
		return
	}
	list := make([]json.RawMessage, len(page.Events))
	for i, e := range page.Events {
		if list[i], err = format(e.Event); err != nil {
			writeProblem(w, r, problemFrom(fmt.Errorf("event %d: %w", e.Seq, err)))
			return
		}
	}
	doc, err := epcis.QueryDocument(name, "", list, s.now())
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	if page.Next != "" {
		v := r.URL.Query()
		v.Set("nextPageToken", page.Next)
		next := r.URL.Path + "?" + v.Encode()
		w.Header().Set("Link", "<"+next+`>; rel="next"`)
		w.Header().Set("GS1-Next-Page-Token", page.Next)
	}
	w.Header().Set(epcFormatHeader, string(applied))
	w.Header().Set("Content-Type", "application/ld+json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(doc)
}

// queryProblem is the standard's exception for what the query of q failed with.
func queryProblem(err error, q readmodel.EPCISQuery) *Problem {
	switch {
	case errors.Is(err, readmodel.ErrBadCursor):
		return queryParamProblem("nextPageToken", err.Error())
	case errors.Is(err, readmodel.ErrQueryTooLarge):
		p := newProblem(http.StatusRequestEntityTooLarge, "query-too-large", fmt.Sprintf(
			"more than maxEventCount=%d events match; narrow the query, raise maxEventCount, or use eventCountLimit for the first N", q.MaxCount))
		p.Rule, p.Pointer = "QueryTooLargeException", "?maxEventCount"
		return p
	case errors.Is(err, readmodel.ErrQueryTooComplex):
		p := newProblem(http.StatusRequestEntityTooLarge, "query-too-complex", fmt.Sprintf(
			"maxEventCount=%d cannot be checked: the query matches on event fields no index holds and too few of the events examined match; add an indexed condition (eventType, EQ_bizStep, MATCH_epc, times…)", q.MaxCount))
		p.Rule, p.Pointer = "QueryTooComplexException", "?maxEventCount"
		return p
	}
	return problemFrom(err)
}

// epcisQueryFor resolves a named query into a runnable query.
func (s *Server) epcisQueryFor(ctx context.Context, name string) (readmodel.NamedQuery, readmodel.EPCISQuery, *Problem) {
	nq, err := s.store.Query(ctx, name)
	if errors.Is(err, readmodel.ErrNotFound) {
		return nq, readmodel.EPCISQuery{}, newProblem(http.StatusNotFound, "not-found", "no named query "+name)
	}
	if err != nil {
		return nq, readmodel.EPCISQuery{}, problemFrom(err)
	}
	v, _ := url.ParseQuery(nq.Params)
	q, p := ParseEPCISQuery(v)
	return nq, q, p
}

func (s *Server) epcisQueries(w http.ResponseWriter, r *http.Request) {
	qs, err := s.store.Queries(r.Context())
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	writeJSON(w, http.StatusOK, qs)
}

// epcisCreateQuery stores {"name": ..., "query": {param: value}} (values as strings or lists).
func (s *Server) epcisCreateQuery(w http.ResponseWriter, r *http.Request) {
	body, p := s.readBody(w, r, "application/json", "application/ld+json")
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	var req struct {
		Name  string         `json:"name"`
		Query map[string]any `json:"query"`
	}
	if p := decodeStrict(body, &req, ""); p != nil {
		writeProblem(w, r, p)
		return
	}
	if !queryNameRe.MatchString(req.Name) {
		writeProblem(w, r, newProblemAt(http.StatusBadRequest, "validation", "/name", "query name is 1–100 letters, digits, _ or -"))
		return
	}
	v := url.Values{}
	for k, x := range req.Query {
		switch y := x.(type) {
		case string:
			v.Set(k, y)
		case float64:
			v.Set(k, fmt.Sprint(y))
		case []any:
			var parts []string
			for _, e := range y {
				parts = append(parts, fmt.Sprint(e))
			}
			v.Set(k, strings.Join(parts, "|"))
		default:
			writeProblem(w, r, newProblemAt(http.StatusBadRequest, "validation", "/query/"+k, "a query parameter is a string, number or list"))
			return
		}
	}
	if _, p := ParseEPCISQuery(v); p != nil {
		p.Pointer = "/query/" + strings.TrimPrefix(p.Pointer, "?")
		writeProblem(w, r, p)
		return
	}
	nq := readmodel.NamedQuery{Name: req.Name, Params: v.Encode(), Owner: caller(r).Name, Created: readmodel.JobTime(s.now())}
	if err := s.store.PutQuery(r.Context(), nq); errors.Is(err, readmodel.ErrExists) {
		writeProblem(w, r, newProblemAt(http.StatusConflict, "query-exists", "/name", "a query named "+req.Name+" exists"))
		return
	} else if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	w.Header().Set("Location", "/epcis/queries/"+url.PathEscape(req.Name))
	writeJSON(w, http.StatusCreated, nq)
}

func (s *Server) epcisQuery(w http.ResponseWriter, r *http.Request) {
	nq, _, p := s.epcisQueryFor(r.Context(), r.PathValue("queryName"))
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	writeJSON(w, http.StatusOK, nq)
}

func (s *Server) epcisDeleteQuery(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("queryName")
	nq, err := s.store.Query(r.Context(), name)
	if err == nil && nq.Owner != caller(r).Name {
		writeProblem(w, r, newProblem(http.StatusForbidden, "query-owner", "only the key that created query "+name+" may delete it"))
		return
	}
	if err := s.store.DeleteQuery(r.Context(), name); errors.Is(err, readmodel.ErrNotFound) {
		writeProblem(w, r, newProblem(http.StatusNotFound, "not-found", "no named query "+name))
		return
	} else if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) epcisQueryEvents(w http.ResponseWriter, r *http.Request) {
	if isWebSocket(r) {
		s.epcisStream(w, r)
		return
	}
	nq, q, p := s.epcisQueryFor(r.Context(), r.PathValue("queryName"))
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	v := r.URL.Query()
	for _, k := range []string{"perPage", "nextPageToken"} {
		if x := v.Get(k); x != "" {
			extra, p := ParseEPCISQuery(url.Values{k: {x}})
			if p != nil {
				writeProblem(w, r, p)
				return
			}
			if k == "perPage" {
				q.Limit = extra.Limit
			} else {
				q.Cursor = extra.Cursor
			}
		}
	}
	s.answerQuery(w, r, nq.Name, q, false)
}

var queryNameRe = regexp.MustCompile(`^[A-Za-z0-9_-]{1,100}$`)

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}
