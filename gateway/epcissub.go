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
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/agritrace/agritrace/epcis"
	"github.com/agritrace/agritrace/readmodel"
)

// Webhook subscriptions on named queries. The deliverer walks the read model's EPCIS view in
// commit order from each subscription's checkpoint, posts the matching events as an
// EPCISQueryDocument signed with HMAC-SHA256 of the body under the subscription's secret, and moves
// the checkpoint (stored with the subscription) only after the receiver answers 2xx. Failures back
// off exponentially; a restarted gateway resumes from the stored checkpoint, so every matching
// event is delivered at least once and in order.

// SignatureHeader carries hex(HMAC-SHA256(signatureToken, body)) on every delivery.
const SignatureHeader = "GS1-Signature"

const (
	deliveryBatch = 100
	maxBackoff    = time.Minute
	// MaxDeliveryFailures consecutive failed attempts (about 20 minutes with the backoff) suspend
	// a subscription: a receiver gone for good is not called forever. Its checkpoint stays, so
	// nothing is skipped; deleting it and subscribing again with an initialRecordTime resumes.
	MaxDeliveryFailures = 30
	deliveryPeriod      = time.Second // look again even without a new block (retries, new subscriptions)
)

type deliverer struct {
	ctx    context.Context // ends when the server closes (streams end with it)
	client *http.Client
	wake   chan struct{}
	mu     sync.Mutex
	retry  map[string]time.Time // subscription → earliest next attempt
	open   map[string]int       // API key → its open WebSocket streams (epcisstream.go)
	cancel context.CancelFunc
	done   chan struct{}
}

// startDeliverer runs the deliverer until Close.
func (s *Server) startDeliverer() {
	ctx, cancel := context.WithCancel(context.Background())
	s.subs = &deliverer{ctx: ctx, client: hookClient(s.opts.WebhookAllowPrivate), wake: make(chan struct{}, 1),
		retry: map[string]time.Time{}, open: map[string]int{}, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(s.subs.done)
		for {
			advanced := s.store.Advanced()
			s.deliverAll(ctx)
			select {
			case <-ctx.Done():
				return
			case <-advanced:
			case <-s.subs.wake:
			case <-time.After(deliveryPeriod):
			}
		}
	}()
}

// Close stops background work (subscription delivery); the store stays open.
func (s *Server) Close() {
	if s.subs != nil {
		s.subs.cancel()
		<-s.subs.done
	}
}

func (s *Server) deliverAll(ctx context.Context) {
	subs, err := s.store.Subscriptions(ctx, "")
	if err != nil {
		if ctx.Err() == nil {
			s.log.Warn("epcis subscriptions: cannot list", "err", err)
		}
		return
	}
	for _, sub := range subs {
		if sub.Failures >= MaxDeliveryFailures {
			continue
		}
		s.subs.mu.Lock()
		wait := time.Until(s.subs.retry[sub.ID])
		s.subs.mu.Unlock()
		if wait > 0 {
			continue
		}
		if err := s.deliver(ctx, sub); err != nil && ctx.Err() == nil {
			// exponential, capped, with jitter so receivers coming back are not hit all at once
			back := min(500*time.Millisecond<<min(sub.Failures, 10), maxBackoff)
			back = back/2 + rand.N(back/2+1)
			s.subs.mu.Lock()
			s.subs.retry[sub.ID] = time.Now().Add(back)
			s.subs.mu.Unlock()
			_ = s.store.DeliveryFailed(ctx, sub.ID, err.Error())
			s.log.Warn("epcis subscription: delivery failed; retrying", "subscription", sub.ID, "dest", sub.Dest, "in", back, "err", err)
		}
	}
}

// deliver sends everything pending for one subscription, batch by batch.
func (s *Server) deliver(ctx context.Context, sub readmodel.Subscription) error {
	_, q, p := s.epcisQueryFor(ctx, sub.Query)
	if p != nil {
		return fmt.Errorf("query %s: %s", sub.Query, p.Detail)
	}
	// the format asked for when subscribing; the registry is read as this gateway's own org
	format := s.formatFor(ctx, epcis.EPCFormat(sub.EPCFormat), s.opts.Org.Key)
	_, err := s.walk(ctx, sub.Query, sub.ID, q, sub.LastSeq, format, func(body []byte, events int, page readmodel.EPCISPage) error {
		if body != nil {
			if err := s.post(ctx, sub, body); err != nil {
				return err
			}
			s.metrics.webhooks.Add(int64(events))
		}
		return s.store.Delivered(ctx, sub.ID, page.LastSeq, page.LastBlock)
	})
	return err
}

// walk is what every subscription does, webhook or WebSocket: it reads the events matching q
// committed after position from, in commit order, deliveryBatch rows at a time, and hands each
// page to sent as an EPCISQueryDocument (body nil when no row of the page matched; the position
// still moves). format, when set, rewrites each event (GS1-EPC-Format). It returns the position
// reached; sent failing stops it there.
func (s *Server) walk(ctx context.Context, query, subID string, q readmodel.EPCISQuery, from int64,
	format func(json.RawMessage) (json.RawMessage, error), sent func(body []byte, events int, page readmodel.EPCISPage) error) (int64, error) {
	q.AfterSeq, q.ByEventTime, q.Desc, q.Limit, q.Cursor = from, false, false, deliveryBatch, ""
	q.CountLimit, q.MaxCount = 0, 0 // a poll's bounds; subscribing to such a query is refused
	for ctx.Err() == nil {
		page, err := s.store.QueryEPCIS(ctx, q)
		if err != nil {
			return q.AfterSeq, err
		}
		if page.LastSeq <= q.AfterSeq {
			return q.AfterSeq, nil // nothing new
		}
		var body []byte
		if len(page.Events) > 0 {
			list := make([]json.RawMessage, len(page.Events))
			for i, e := range page.Events {
				list[i] = e.Event
				if format != nil {
					if list[i], err = format(e.Event); err != nil {
						return q.AfterSeq, err
					}
				}
			}
			if body, err = epcis.QueryDocument(query, subID, list, s.now()); err != nil {
				return q.AfterSeq, err
			}
		}
		if err := sent(body, len(page.Events), page); err != nil {
			return q.AfterSeq, err
		}
		q.AfterSeq = page.LastSeq
		if page.Next == "" {
			return q.AfterSeq, nil
		}
	}
	return q.AfterSeq, ctx.Err()
}

func (s *Server) post(ctx context.Context, sub readmodel.Subscription, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.Dest, bytes.NewReader(body))
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, []byte(sub.Secret))
	mac.Write(body)
	req.Header.Set("Content-Type", "application/ld+json")
	req.Header.Set(SignatureHeader, hex.EncodeToString(mac.Sum(nil)))
	req.Header.Set("GS1-EPCIS-Version", gs1Headers["GS1-EPCIS-Version"])
	resp, err := s.subs.client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("receiver answered %s", resp.Status)
	}
	return nil
}

// SubscribeRequest is the body of POST /epcis/queries/{name}/subscriptions.
type SubscribeRequest struct {
	Dest              string          `json:"dest"`
	SignatureToken    string          `json:"signatureToken"`
	Stream            *bool           `json:"stream,omitempty"`
	ReportIfEmpty     bool            `json:"reportIfEmpty,omitempty"`
	InitialRecordTime string          `json:"initialRecordTime,omitempty"`
	Schedule          json.RawMessage `json:"schedule,omitempty"`
}

func (s *Server) epcisSubscribe(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("queryName")
	_, p := s.subscribableQuery(r.Context(), name)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	body, p := s.readBody(w, r, "application/json", "application/ld+json")
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	var req SubscribeRequest
	if p := decodeStrict(body, &req, ""); p != nil {
		writeProblem(w, r, p)
		return
	}
	// the subscriber's GS1-EPC-Format holds for every delivery
	format, p := epcFormatOf(r)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	if format == epcis.NoPreference {
		format = "" // as captured
	}
	if err := checkHookURL(r.Context(), req.Dest, s.opts.WebhookAllowPrivate, net.DefaultResolver); err != nil {
		p := newProblemAt(http.StatusBadRequest, "webhook-destination", "/dest", err.Error())
		p.Rule = "WebhookDestination"
		writeProblem(w, r, p)
		return
	}
	switch {
	case len(req.SignatureToken) < 16:
		writeProblem(w, r, newProblemAt(http.StatusBadRequest, "validation", "/signatureToken", "signatureToken (the HMAC-SHA256 secret) must be at least 16 characters"))
		return
	case len(req.Schedule) > 0 || (req.Stream != nil && !*req.Stream):
		writeProblem(w, r, newProblemAt(http.StatusBadRequest, "validation", "/schedule", "only streaming subscriptions (every committed event, as it commits) are offered"))
		return
	}
	sub := readmodel.Subscription{ID: uuid.NewString(), Query: name, Dest: req.Dest, Secret: req.SignatureToken,
		Owner: caller(r).Name, Created: readmodel.JobTime(s.now()), EPCFormat: string(format)}
	if sub.LastSeq, sub.LastBlock, p = s.subscriptionStart(r.Context(), req.InitialRecordTime, "/initialRecordTime"); p != nil {
		writeProblem(w, r, p)
		return
	}
	if err := s.store.AddSubscription(r.Context(), sub); err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	select {
	case s.subs.wake <- struct{}{}:
	default:
	}
	w.Header().Set("Location", "/epcis/queries/"+url.PathEscape(name)+"/subscriptions/"+sub.ID)
	writeJSON(w, http.StatusCreated, sub)
}

// subscriptionStart is the commit position a new subscription delivers after: the events recorded
// from initialRecordTime on, or (without one) the events committed from now on.
func (s *Server) subscriptionStart(ctx context.Context, initialRecordTime, pointer string) (int64, uint64, *Problem) {
	block := s.store.Block()
	if initialRecordTime == "" {
		seq, err := s.store.EPCISSeq(ctx, block)
		if err != nil {
			return 0, 0, problemFrom(err)
		}
		return seq, block, nil
	}
	t, err := time.Parse(time.RFC3339Nano, initialRecordTime)
	if err != nil {
		return 0, 0, newProblemAt(http.StatusBadRequest, "validation", pointer, "initialRecordTime must be an RFC 3339 time")
	}
	seq, err := s.store.EPCISSeqFrom(ctx, t)
	if err != nil {
		return 0, 0, problemFrom(err)
	}
	return seq, block, nil
}

func (s *Server) epcisSubscriptions(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("queryName")
	_, p := s.subscribableQuery(r.Context(), name)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	subs, err := s.store.Subscriptions(r.Context(), name)
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	own := []readmodel.Subscription{}
	for _, x := range subs {
		if x.Owner == caller(r).Name {
			x.Suspended = x.Failures >= MaxDeliveryFailures
			own = append(own, x)
		}
	}
	writeJSON(w, http.StatusOK, own)
}

// ownSubscription finds a subscription of the calling key (another key's is reported missing).
func (s *Server) ownSubscription(w http.ResponseWriter, r *http.Request) (readmodel.Subscription, bool) {
	x, err := s.store.Subscription(r.Context(), r.PathValue("queryName"), r.PathValue("subscriptionID"))
	if errors.Is(err, readmodel.ErrNotFound) || (err == nil && x.Owner != caller(r).Name) {
		writeProblem(w, r, newProblem(http.StatusNotFound, "not-found", "no subscription "+r.PathValue("subscriptionID")+" of this key"))
		return x, false
	}
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return x, false
	}
	return x, true
}

func (s *Server) epcisSubscription(w http.ResponseWriter, r *http.Request) {
	if x, ok := s.ownSubscription(w, r); ok {
		x.Suspended = x.Failures >= MaxDeliveryFailures
		writeJSON(w, http.StatusOK, x)
	}
}

func (s *Server) epcisUnsubscribe(w http.ResponseWriter, r *http.Request) {
	x, ok := s.ownSubscription(w, r)
	if !ok {
		return
	}
	if err := s.store.DeleteSubscription(r.Context(), x.Query, x.ID); err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// subscribableQuery is the named query a subscription (webhook or WebSocket) follows, refused when
// it bounds one poll's result (subscriptionLimits).
func (s *Server) subscribableQuery(ctx context.Context, name string) (readmodel.EPCISQuery, *Problem) {
	_, q, p := s.epcisQueryFor(ctx, name)
	if p == nil {
		p = subscriptionLimits(q)
	}
	return q, p
}
