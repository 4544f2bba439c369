package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"time"

	"github.com/agritrace/agritrace/wire"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/readmodel"
)

// Limits of read queries.
const (
	DefaultTrailDepth = 20
	MaxTrailDepth     = 50
	DefaultTrailLimit = 500
	MaxTrailLimit     = 5000
	DefaultPageSize   = 50
	MaxPageSize       = 500
)

func (s *Server) pathID(r *http.Request) (string, *Problem) {
	raw := r.PathValue("id")
	id, err := domain.NormalizeID(raw, "")
	if err != nil {
		p := problemFrom(err)
		p.Type, p.Detail = problemBase+"bad-identifier", "path identifier: "+p.Detail
		p.Pointer = ""
		return "", p
	}
	return id, nil
}

func notFound(what string) *Problem {
	return newProblem(http.StatusNotFound, "not-found", what+" is not in the ledger (as of the read model's block); check the identifier")
}

// readProblem maps a read-model error: an unknown batch or event is a 404 naming it.
func readProblem(err error, what string) *Problem {
	if errors.Is(err, readmodel.ErrNotFound) {
		return notFound(what)
	}
	return problemFrom(err)
}

// walkParams reads the batch in the path and the depth and limit of a lineage walk.
func (s *Server) walkParams(r *http.Request, defDepth, maxDepth, defLimit, maxLimit int) (string, int, int, *Problem) {
	id, p := s.pathID(r)
	if p != nil {
		return "", 0, 0, p
	}
	depth, p := intParam(r.URL.Query(), "depth", defDepth, 1, maxDepth)
	if p != nil {
		return "", 0, 0, p
	}
	limit, p := intParam(r.URL.Query(), "limit", defLimit, 1, maxLimit)
	return id, depth, limit, p
}

// BatchResponse wraps a batch with the block height the read model reflects.
type BatchResponse struct {
	LedgerBlock uint64        `json:"ledgerBlock"`
	Batch       *domain.Batch `json:"batch"`
}

func (s *Server) getBatch(w http.ResponseWriter, r *http.Request) {
	id, p := s.pathID(r)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	b, err := s.store.Batch(r.Context(), id)
	if err == nil {
		var ok bool
		if ok, err = s.viewer(caller(r)).batch(r.Context(), b); err == nil && !ok {
			err = readmodel.ErrNotFound
		}
	}
	if err != nil {
		writeProblem(w, r, readProblem(err, "batch "+id))
		return
	}
	writeJSON(w, http.StatusOK, BatchResponse{LedgerBlock: s.store.Block(), Batch: b})
}

func intParam(q url.Values, name string, def, lo, hi int) (int, *Problem) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		p := newProblem(http.StatusBadRequest, "bad-parameter", fmt.Sprintf("%s must be an integer in %d..%d, got %q", name, lo, hi, clip(v)))
		p.Pointer = "?" + name
		return 0, p
	}
	return n, nil
}

func (s *Server) getTrail(w http.ResponseWriter, r *http.Request) {
	id, depth, limit, p := s.walkParams(r, DefaultTrailDepth, MaxTrailDepth, DefaultTrailLimit, MaxTrailLimit)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	t, err := s.store.Trail(r.Context(), id, depth, limit)
	if err == nil {
		err = s.viewer(caller(r)).trail(r.Context(), t)
	}
	if err != nil {
		writeProblem(w, r, readProblem(err, "batch "+id))
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// getHistory reads the ledger itself (GetHistoryForKey): every committed version of the batch.
func (s *Server) getHistory(w http.ResponseWriter, r *http.Request) {
	id, p := s.pathID(r)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	if b, err := s.store.Batch(r.Context(), id); err == nil {
		if ok, err := s.viewer(caller(r)).batch(r.Context(), b); err == nil && !ok {
			writeProblem(w, r, notFound("batch "+id))
			return
		}
	}
	raw, err := s.ledger.Evaluate(r.Context(), caller(r).Org, wire.GetHistory, id)
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Batch    string          `json:"batch"`
		Source   string          `json:"source"`
		Versions json.RawMessage `json:"versions"`
	}{id, "ledger", raw})
}

// EventResponse wraps an event.
type EventResponse struct {
	LedgerBlock uint64        `json:"ledgerBlock"`
	Event       *domain.Event `json:"event"`
}

func (s *Server) getEvent(w http.ResponseWriter, r *http.Request) {
	e, err := s.store.Event(r.Context(), r.PathValue("id"))
	if err == nil {
		var ok bool
		if ok, err = s.viewer(caller(r)).event(r.Context(), e); err == nil && !ok {
			err = readmodel.ErrNotFound
		}
	}
	if err != nil {
		writeProblem(w, r, readProblem(err, "event "+r.PathValue("id")))
		return
	}
	writeJSON(w, http.StatusOK, EventResponse{LedgerBlock: s.store.Block(), Event: e})
}

var regionPrefix = regexp.MustCompile(`^[1-9][0-9](?:[0-9]{2}){0,2}$`)

var stages = map[string]bool{"produce": true, "purchase": true, "store": true, "process": true, "sell": true, "around": true}
var statuses = map[string]bool{"active": true, "consumed": true, "sold": true, "recalled": true, "void": true}

// ParseFilter reads the query parameters shared by batch and event searches. Every refused
// parameter is reported at once (in the problem's "errors"), not only the first.
func ParseFilter(q url.Values) (readmodel.Filter, *Problem) {
	var errs fieldErrors
	bad := func(param, format string, a ...any) { errs.add("?"+param, "bad-parameter", fmt.Sprintf(format, a...)) }
	if name, ok := epcisParam(q); ok {
		bad(name, "%s is an EPCIS query parameter: ask GET /epcis/events, which answers the standard queries", name)
	}
	f := readmodel.Filter{Product: q.Get("product"), Region: q.Get("region"), Stage: q.Get("stage"),
		Type: q.Get("type"), Enterprise: q.Get("enterprise"), Status: q.Get("status"), Cursor: q.Get("cursor")}
	for _, name := range []string{"product", "enterprise", "region", "stage", "type", "status"} {
		if err := readmodel.CheckTerm(name, q.Get(name)); err != nil {
			var fe *readmodel.FilterError
			if errors.As(err, &fe) {
				bad(name, "%s", fe.Detail)
			}
		}
	}
	if f.Region != "" && !regionPrefix.MatchString(f.Region) {
		bad("region", "region must be a GB/T 2260 code or prefix of 2, 4 or 6 digits (province, city, county), got %q", clip(f.Region))
	}
	if f.Stage != "" && !stages[f.Stage] {
		bad("stage", "stage must be one of produce, purchase, store, process, sell, around; got %q", clip(f.Stage))
	}
	if f.Status != "" && !statuses[f.Status] {
		bad("status", "status must be one of active, consumed, sold, recalled, void; got %q", clip(f.Status))
	}
	if f.Type != "" && !domain.EventType(f.Type).Valid() {
		bad("type", "unknown event type %q", clip(f.Type))
	}
	for _, name := range []string{"from", "to"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			if d, derr := time.ParseInLocation("2006-01-02", v, time.FixedZone("CST", 8*3600)); derr == nil {
				t, err = d, nil
			}
		}
		if err != nil {
			bad(name, "%s must be RFC 3339 (2026-10-01T00:00:00+08:00) or a date (2026-10-01, China time), got %q", name, clip(v))
			continue
		}
		if name == "from" {
			f.From = t
		} else {
			f.To = t
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		bad("to", "empty time range: from %s is not before to %s", q.Get("from"), q.Get("to"))
	}
	n, p := intParam(q, "page_size", DefaultPageSize, 1, MaxPageSize)
	if p != nil {
		errs.add(p.Pointer, "bad-parameter", p.Detail)
	}
	f.PageSize = n
	if p := errs.problem(); p != nil {
		return readmodel.Filter{}, p
	}
	return f, nil
}

// SearchResponse is a page of a search.
type SearchResponse struct {
	LedgerBlock uint64 `json:"ledgerBlock"`
	Next        string `json:"next,omitempty"` // pass as ?cursor= for the next page
	Batches     any    `json:"batches,omitempty"`
	Events      any    `json:"events,omitempty"`
}

func (s *Server) searchBatches(w http.ResponseWriter, r *http.Request) {
	f, p := ParseFilter(r.URL.Query())
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	page, err := s.store.SearchBatches(r.Context(), f)
	if err != nil {
		writeProblem(w, r, cursorOr(err))
		return
	}
	// a platform sees the batches it holds, held or traded: a page may come back shorter than asked,
	// the cursor still goes on
	v := s.viewer(caller(r))
	kept := page.Batches[:0]
	for i := range page.Batches {
		ok, err := v.batch(r.Context(), &page.Batches[i])
		if err != nil {
			writeProblem(w, r, problemFrom(err))
			return
		}
		if ok {
			kept = append(kept, page.Batches[i])
		}
	}
	page.Batches = kept
	writeJSON(w, http.StatusOK, SearchResponse{LedgerBlock: s.store.Block(), Next: page.Next, Batches: page.Batches})
}

func (s *Server) searchEvents(w http.ResponseWriter, r *http.Request) {
	f, p := ParseFilter(r.URL.Query())
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	page, err := s.store.SearchEvents(r.Context(), f)
	if err != nil {
		writeProblem(w, r, cursorOr(err))
		return
	}
	v := s.viewer(caller(r))
	kept := page.Events[:0]
	for i := range page.Events {
		ok, err := v.event(r.Context(), &page.Events[i])
		if err != nil {
			writeProblem(w, r, problemFrom(err))
			return
		}
		if ok {
			kept = append(kept, page.Events[i])
		}
	}
	page.Events = kept
	writeJSON(w, http.StatusOK, SearchResponse{LedgerBlock: s.store.Block(), Next: page.Next, Events: page.Events})
}

// cursorOr maps a filter the read model refused to a 400 naming the parameter.
func cursorOr(err error) *Problem {
	var fe *readmodel.FilterError
	if errors.As(err, &fe) {
		p := newProblem(http.StatusBadRequest, "bad-parameter", fe.Detail)
		p.Pointer = "?" + fe.Param
		return p
	}
	return problemFrom(err)
}
