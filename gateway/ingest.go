package gateway

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/fabric"
	"github.com/agritrace/agritrace/ledger"
	"github.com/agritrace/agritrace/strictjson"
)

// EventResult is the outcome of one event of a request.
type EventResult struct {
	Index   int      `json:"index"`
	EventID string   `json:"eventId"`
	Status  string   `json:"status"` // committed, duplicate, rejected
	TxID    string   `json:"txId,omitempty"`
	Block   uint64   `json:"block,omitempty"`
	Problem *Problem `json:"problem,omitempty"`
	// Renamed: platform-local batch codes kept under this platform's namespace (another platform
	// had used the code first), as sent → as kept.
	Renamed map[string]string `json:"renamed,omitempty"`
}

// BulkResponse answers a bulk request.
type BulkResponse struct {
	Accepted   int           `json:"accepted"`
	Duplicates int           `json:"duplicates"`
	Rejected   int           `json:"rejected"`
	Results    []EventResult `json:"results"`
}

// readBody enforces the content type and size limit.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, types ...string) ([]byte, *Problem) {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	ok := false
	for _, t := range types {
		ok = ok || (err == nil && mt == t)
	}
	if !ok {
		return nil, newProblem(http.StatusUnsupportedMediaType, "unsupported-media-type",
			fmt.Sprintf("Content-Type %q is not accepted here; send %s", ct, strings.Join(types, " or ")))
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, newProblem(http.StatusRequestEntityTooLarge, "body-too-large",
			fmt.Sprintf("request body exceeds %d bytes; split the batch", s.opts.MaxBodyBytes))
	}
	if err != nil {
		return nil, newProblem(http.StatusBadRequest, "bad-body", "could not read the request body: "+err.Error())
	}
	return body, nil
}

// postEvents records one native event or {"events": [...]}.
func (s *Server) postEvents(w http.ResponseWriter, r *http.Request) {
	body, p := s.readBody(w, r, "application/json")
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		writeProblem(w, r, jsonProblem(fmt.Errorf("want a JSON object: one event, or {\"events\": [...]}"), body, ""))
		return
	}
	// one strict pass decodes a single event; a bulk shows up as the member "events", which an
	// event does not have
	var e domain.Event
	if err := strictjson.Unmarshal(trimmed, &e); err == nil {
		events := []domain.Event{e}
		res := s.ingest(r.Context(), caller(r), events, capturedProblems(events, nil))
		s.writeSingle(w, r, res[0])
		return
	} else if !isBulk(err) {
		writeProblem(w, r, jsonProblem(err, trimmed, ""))
		return
	}
	var raws []json.RawMessage
	if p := decodeStrict(trimmed, &struct {
		Events *[]json.RawMessage `json:"events"`
	}{&raws}, ""); p != nil {
		writeProblem(w, r, p)
		return
	}
	if len(raws) == 0 || len(raws) > s.opts.MaxBulk {
		p := newProblem(http.StatusBadRequest, "bulk-size", fmt.Sprintf("a bulk request carries 1 to %d events, got %d", s.opts.MaxBulk, len(raws)))
		if len(raws) > s.opts.MaxBulk {
			p.Status, p.Title = http.StatusRequestEntityTooLarge, http.StatusText(http.StatusRequestEntityTooLarge)
		}
		p.Pointer = "/events"
		writeProblem(w, r, p)
		return
	}
	events := make([]domain.Event, len(raws))
	pre := make([]*Problem, len(raws))
	for i, raw := range raws {
		if p := decodeStrict(raw, &events[i], fmt.Sprintf("/events/%d", i)); p != nil {
			i := i
			p.Index = &i
			pre[i] = p
		}
	}
	results := s.ingest(r.Context(), caller(r), events, capturedProblems(events, pre))
	writeBulk(w, results)
}

// capturedProblems adds to pre (decoding problems, may be nil) the native events that carry a
// captured EPCIS event whose projection their native fields are not. The contract is sent only the
// EPCIS event of such an event (domain.Event.Submission) and derives the rest, so a mismatch is
// refused here rather than silently replaced. Events from an EPCIS capture are projections by
// construction and skip this.
func capturedProblems(events []domain.Event, pre []*Problem) []*Problem {
	for i := range events {
		if len(events[i].EPCIS) == 0 || (pre != nil && pre[i] != nil) {
			continue
		}
		if err := ledger.CheckProjection(events[i]); err != nil {
			if pre == nil {
				pre = make([]*Problem, len(events))
			}
			pre[i] = problemFrom(err)
		}
	}
	return pre
}

func (s *Server) writeSingle(w http.ResponseWriter, r *http.Request, res EventResult) {
	switch res.Status {
	case "committed":
		writeJSON(w, http.StatusCreated, res)
	case "duplicate":
		writeJSON(w, http.StatusOK, res)
	default:
		p := res.Problem
		p.Index = nil
		if strings.HasPrefix(p.Pointer, "/events/0") {
			p.Pointer = strings.TrimPrefix(p.Pointer, "/events/0")
		}
		for k := range p.Errors {
			p.Errors[k].Pointer = strings.TrimPrefix(p.Errors[k].Pointer, "/events/0")
		}
		writeProblem(w, r, p)
	}
}

func writeBulk(w http.ResponseWriter, results []EventResult) {
	resp := BulkResponse{Results: results}
	for _, r := range results {
		switch r.Status {
		case "committed":
			resp.Accepted++
		case "duplicate":
			resp.Duplicates++
		default:
			resp.Rejected++
		}
	}
	status := http.StatusOK
	if resp.Rejected > 0 {
		status = http.StatusMultiStatus
	}
	writeJSON(w, status, resp)
}

// ingest validates, de-duplicates, packs and submits events, returning one result per event.
// pre holds decoding problems found earlier (nil entries for good events).
func (s *Server) ingest(ctx context.Context, key *APIKey, events []domain.Event, pre []*Problem) []EventResult {
	results := make([]EventResult, len(events))
	sizes := make([]int, len(events))
	var todo []int
	private := map[string]domain.Private{}
	now := s.now()
	known := s.knownEvents(ctx, events)
	for i := range events {
		e := &events[i]
		results[i] = EventResult{Index: i, EventID: e.ID}
		reject := func(p *Problem) {
			idx := i
			p.Index = &idx
			if !strings.HasPrefix(p.Pointer, "/events/") {
				p.Pointer = fmt.Sprintf("/events/%d%s", i, p.Pointer)
			}
			for k := range p.Errors {
				p.Errors[k].Pointer = fmt.Sprintf("/events/%d%s", i, p.Errors[k].Pointer)
			}
			results[i].Status, results[i].Problem = "rejected", p
			s.metrics.rejected.Add(1)
		}
		if pre != nil && pre[i] != nil {
			reject(pre[i])
			continue
		}
		if e.ID == "" {
			// retries are only safe with the caller's own IDs; generated ones are returned to it
			e.ID = uuid.NewString()
			results[i].EventID = e.ID
		}
		if e.Private != nil && e.Private.Salt == "" {
			e.Private.Salt = privateSalt(key, e.ID)
		}
		size, dup, p := s.admit(ctx, key, e, now, known)
		if p != nil {
			reject(p)
			continue
		}
		if dup != nil {
			results[i] = *dup
			results[i].Index = i
			s.metrics.duplicates.Add(1)
			continue
		}
		if e.Private != nil {
			private[e.ID] = *e.Private
		}
		sizes[i] = size
		todo = append(todo, i)
	}
	s.submitAll(ctx, key, events, sizes, todo, private, results)
	s.awaitReadModel(ctx, results)
	return results
}

// admit runs the checks that need no ledger round trip: the permission function the contract
// applies (so a refusal costs no Fabric round trip), validation, size, and replay against the read
// model (a duplicate returns its original record). size is the event's eventBytes, for packing.
func (s *Server) admit(ctx context.Context, key *APIKey, e *domain.Event, now time.Time, known map[string]bool) (size int, dup *EventResult, p *Problem) {
	if e.Type.Valid() {
		if err := ledger.MayRecord(key.Caller(), e); err != nil {
			return 0, nil, problemFrom(err)
		}
	}
	e.Actor.Platform = key.MSPID
	if err := domain.Validate(e, now); err != nil {
		return 0, nil, problemFrom(err)
	}
	size = eventBytes(*e)
	if p := checkEventSize(size); p != nil {
		return 0, nil, p
	}
	dup, p = s.replay(ctx, *e, key.MSPID, known)
	return size, dup, p
}

// knownEvents is which of the events' IDs the read model holds (nil when it cannot say: replay
// then asks about each event).
func (s *Server) knownEvents(ctx context.Context, events []domain.Event) map[string]bool {
	ids := make([]string, 0, len(events))
	for _, e := range events {
		if e.ID != "" {
			ids = append(ids, e.ID)
		}
	}
	known, err := s.store.KnownEvents(ctx, ids)
	if err != nil {
		s.log.Warn("replay check event by event", "err", err)
		return nil
	}
	return known
}

// awaitReadModel gives read-your-writes: it waits (briefly) until the read model has applied the
// highest block this request committed, so a GET right after a POST sees the new events.
func (s *Server) awaitReadModel(ctx context.Context, results []EventResult) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	done := map[string]bool{}
	for _, r := range results {
		if r.Status != "committed" || done[r.TxID] {
			continue
		}
		done[r.TxID] = true
		// the transaction itself, not only its block: with other clients' transactions in the same
		// block, the checkpoint reaches the block before this one is applied
		if err := s.store.CatchUpTx(ctx, r.Block, r.TxID); err != nil {
			s.log.Warn("read model behind the ledger", "block", r.Block, "tx", r.TxID, "err", err)
			return
		}
	}
}

// privateSalt derives the salt of an event's private terms from a secret of the calling key (its
// stored hash, which never leaves the gateway) and the event ID: unguessable by anyone else, and
// the same on every retry, so the public hash, and with it idempotency, stays stable.
func privateSalt(key *APIKey, eventID string) string {
	m := hmac.New(sha256.New, []byte("agritrace private-terms salt\x00"+key.Hash))
	m.Write([]byte(eventID))
	return hex.EncodeToString(m.Sum(nil))
}

func newProblemAt(status int, kind, pointer, detail string) *Problem {
	p := newProblem(status, kind, detail)
	p.Rule, p.Pointer = kind, pointer
	return p
}

// replay answers a re-sent event from the read model: same content → the original record;
// different content → 409. Events the read model has not seen yet are checked by the contract.
// known, when set, is which event IDs the read model held a moment ago (knownEvents): the others
// are not read back one by one.
func (s *Server) replay(ctx context.Context, e domain.Event, msp string, known map[string]bool) (*EventResult, *Problem) {
	if known != nil && !known[e.ID] {
		return nil, nil
	}
	old, err := s.store.Event(ctx, e.ID)
	if err == nil && old.Platform != msp {
		// another platform used the ID first: this platform's event lives in its own namespace
		old, err = s.store.Event(ctx, ledger.QualifiedID(e.ID, msp))
	}
	if err != nil { // not seen yet (or unreadable): the contract decides
		return nil, nil
	}
	if old.ContentHash != domain.Fingerprint(e) {
		return nil, newProblemAt(http.StatusConflict, "idempotency", "/id",
			fmt.Sprintf("event %q was already recorded in tx %s with different content; use a new event id", e.ID, old.TxID))
	}
	return &EventResult{EventID: old.ID, Status: "duplicate", TxID: old.TxID, Block: old.Block}, nil
}

// submitAll packs events into transactions: events that share a batch stay together and in order
// (so they never conflict with each other), independent groups go in parallel. sizes[i] is event
// i's size as admit measured it.
func (s *Server) submitAll(ctx context.Context, key *APIKey, events []domain.Event, sizes []int, todo []int, private map[string]domain.Private, results []EventResult) {
	lanes := fitBytes(pack(events, todo, s.opts.EventsPerTx, private), sizes)
	sem := make(chan struct{}, s.opts.Parallel)
	var wg sync.WaitGroup
	for _, lane := range lanes {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			for _, chunk := range lane {
				s.submitChunk(ctx, key, events, chunk, private, results)
			}
		}()
	}
	wg.Wait()
}

// submitChunk submits one transaction. When the contract refuses event k, k is reported and the
// rest resubmitted without it (a later event may depend on it and be refused in turn).
func (s *Server) submitChunk(ctx context.Context, key *APIKey, events []domain.Event, chunk []int, private map[string]domain.Private, results []EventResult) {
	for len(chunk) > 0 {
		batch := make([]domain.Event, len(chunk))
		priv := map[string]domain.Private{}
		for j, i := range chunk {
			batch[j] = events[i]
			batch[j].Private = nil
			if p, ok := private[events[i].ID]; ok {
				priv[events[i].ID] = p
			}
		}
		ownDeals := len(priv) > 0
		if p := s.commitOwnDeals(ctx, key, batch, priv); p != nil {
			for _, i := range chunk {
				results[i].Status, results[i].Problem = "rejected", p
				s.metrics.rejected.Add(1)
			}
			return
		}
		var (
			recs      []domain.RecordResult
			committed fabric.Committed
			err       error
		)
		for attempt := 0; ; attempt++ {
			if len(priv) == 0 {
				recs, committed, err = s.group.Record(ctx, key.Org, batch)
			} else {
				recs, committed, err = s.ledger.Record(ctx, key.Org, batch, priv, s.endorsers(key, batch, priv))
				s.metrics.txs.Add(1)
			}
			if !ownDeals || attempt >= termsLagRetries || !termsNotYetSeen(err) {
				break
			}
			// the terms' transaction committed on this org's peer; the other endorser may not have
			// committed that block yet
			select {
			case <-ctx.Done():
			case <-time.After(time.Duration(attempt+1) * 50 * time.Millisecond):
			}
		}
		if err == nil {
			for j, i := range chunk {
				res := &results[i]
				res.TxID, res.Block, res.Status = recs[j].TxID, committed.Block, "committed"
				res.EventID = recs[j].EventID // qualified when another platform used the ID first
				res.Renamed = recs[j].Renamed
				if recs[j].Duplicate {
					res.Status, res.Block = "duplicate", 0
					if old, err := s.store.Event(ctx, res.EventID); err == nil {
						res.Block = old.Block
					}
					s.metrics.duplicates.Add(1)
				} else {
					s.metrics.recorded.Add(1)
				}
			}
			return
		}
		p := problemFrom(err)
		if de, ok := domain.AsError(err); ok && de.Index != nil && *de.Index >= 0 && *de.Index < len(chunk) {
			bad := chunk[*de.Index]
			p.Index = &bad
			p.Pointer = fmt.Sprintf("/events/%d%s", bad, strings.TrimPrefix(de.Pointer, fmt.Sprintf("/events/%d", *de.Index)))
			results[bad].Status, results[bad].Problem = "rejected", p
			s.metrics.rejected.Add(1)
			chunk = append(chunk[:*de.Index:*de.Index], chunk[*de.Index+1:]...)
			continue
		}
		// the whole transaction failed (endorsement, ordering, commit): nothing of it is on the ledger
		for _, i := range chunk {
			cp := *p
			idx := i
			cp.Index = &idx
			results[i].Status, results[i].Problem, results[i].TxID = "rejected", &cp, p.TxID
			s.metrics.rejected.Add(1)
		}
		return
	}
}

// termsLagRetries bounds the wait (about 5 s in all) for the other endorsing peer to commit the
// block that holds a deal's private terms.
const termsLagRetries = 12

// termsNotYetSeen is the contract's refusal of an event whose committed private terms its peer
// has not seen (yet).
func termsNotYetSeen(err error) bool {
	de, ok := domain.AsError(err)
	return ok && de.Rule == domain.RuleTermsNotCommitted
}

// commitOwnDeals handles the private terms of deals inside the caller's platform: no second party
// on the network may see them, yet two orgs must endorse the public event. So the terms go first
// into the platform's own collection in a transaction its peer alone endorses, and the event then
// carries only their salted hash (see ledger.CommitPrivateTerms). Retries are safe: the salt is
// derived per key and event, so the same terms give the same value and hash.
func (s *Server) commitOwnDeals(ctx context.Context, key *APIKey, batch []domain.Event, priv map[string]domain.Private) *Problem {
	for j := range batch {
		p, ok := priv[batch[j].ID]
		if !ok || (batch[j].To != nil && batch[j].To.Platform != "" && batch[j].To.Platform != key.MSPID) {
			continue
		}
		if _, err := s.ledger.CommitPrivate(ctx, key.Org, batch[j].ID, p); err != nil {
			return problemFrom(fmt.Errorf("commit private terms of event %s: %w", batch[j].ID, err))
		}
		batch[j].PrivateHash = domain.PrivateHash(p)
		delete(priv, batch[j].ID)
	}
	return nil
}

// endorsers are the orgs that must endorse a transaction with private terms: exactly the parties
// of the collection (deals inside one platform were committed apart, see commitOwnDeals).
func (s *Server) endorsers(key *APIKey, batch []domain.Event, priv map[string]domain.Private) []string {
	if len(priv) == 0 {
		return nil
	}
	set := map[string]bool{key.MSPID: true}
	for _, e := range batch {
		if _, ok := priv[e.ID]; ok && e.To != nil && e.To.Platform != "" {
			set[e.To.Platform] = true
		}
	}
	out := make([]string, 0, len(set))
	for m := range set {
		out = append(out, m)
	}
	return out
}

// pack groups events that touch a common batch (union-find) into lanes. A lane is a sequence of
// transactions submitted in order; lanes are independent and go in parallel. Small groups share
// one transaction of at most n events; a group larger than n becomes a lane of several; events with
// private terms travel one per transaction, since each needs its own endorsing orgs.
func pack(events []domain.Event, todo []int, n int, private map[string]domain.Private) [][][]int {
	parent := map[int]int{}
	var find func(int) int
	find = func(x int) int {
		if parent[x] != x {
			parent[x] = find(parent[x])
		}
		return parent[x]
	}
	owner := map[string]int{}
	for _, i := range todo {
		parent[i] = i
	}
	for _, i := range todo {
		for _, b := range events[i].Touched() {
			if j, ok := owner[b]; ok {
				parent[find(i)] = find(j)
			} else {
				owner[b] = i
			}
		}
	}
	groups := map[int][]int{}
	var order []int
	for _, i := range todo {
		r := find(i)
		if _, ok := groups[r]; !ok {
			order = append(order, r)
		}
		groups[r] = append(groups[r], i)
	}
	var lanes [][][]int
	var cur []int
	flush := func() {
		if len(cur) > 0 {
			lanes = append(lanes, [][]int{cur})
			cur = nil
		}
	}
	for _, r := range order {
		g := groups[r]
		hasPrivate := false
		for _, i := range g {
			if _, ok := private[events[i].ID]; ok {
				hasPrivate = true
			}
		}
		switch {
		case hasPrivate:
			var lane [][]int
			for _, i := range g {
				lane = append(lane, []int{i})
			}
			lanes = append(lanes, lane)
		case len(g) > n:
			var lane [][]int
			for len(g) > 0 {
				k := min(n, len(g))
				lane = append(lane, g[:k])
				g = g[k:]
			}
			lanes = append(lanes, lane)
		default:
			if len(cur)+len(g) > n {
				flush()
			}
			cur = append(cur, g...)
		}
	}
	flush()
	return lanes
}
