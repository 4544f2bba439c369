package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"

	"github.com/agritrace/agritrace/readmodel"
)

// WebSocket subscriptions: GET /epcis/queries/{name}/events with a WebSocket upgrade streams the
// named query's matching events as they commit, each message an EPCISQueryDocument naming the
// stream in subscriptionID — the same query semantics, batches and commit order as a webhook
// (one walk serves both, epcissub.go). The stream's position lives in the connection: a client
// that reconnects says where to resume with initialRecordTime.

const (
	streamWriteTimeout = 10 * time.Second
	streamPing         = 30 * time.Second // keeps idle proxies from closing a quiet stream
	// MaxStreamsPerKey bounds the WebSocket streams one API key holds open: each is a
	// goroutine and a query per commit, so a key cannot open them without end.
	MaxStreamsPerKey = 8
	// StreamReadLimit is the largest message a stream client should accept: a page of
	// deliveryBatch events of at most wire.MaxEventBytes each, in its query document.
	StreamReadLimit = 8 << 20
)

// isWebSocket reports whether r asks to upgrade to WebSocket.
func isWebSocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// epcisStream answers a WebSocket subscription. Its query parameters are the binding's
// subscription options: stream (only true: every committed event, as it commits) and
// initialRecordTime (replay from then on; default: from now on).
func (s *Server) epcisStream(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("queryName")
	q, p := s.subscribableQuery(r.Context(), name)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	v := r.URL.Query()
	for k := range v {
		if k != "stream" && k != "initialRecordTime" {
			p := newProblem(http.StatusBadRequest, "query-parameter", "a WebSocket subscription takes stream and initialRecordTime, not "+k)
			p.Rule, p.Pointer = "QueryParameterException", "?"+k
			writeProblem(w, r, p)
			return
		}
	}
	if x := v.Get("stream"); x != "" && x != "true" {
		p := newProblem(http.StatusBadRequest, "query-parameter", "only streaming subscriptions (stream=true: every committed event, as it commits) are offered")
		p.Rule, p.Pointer = "QueryParameterException", "?stream"
		writeProblem(w, r, p)
		return
	}
	from, _, p := s.subscriptionStart(r.Context(), v.Get("initialRecordTime"), "?initialRecordTime")
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	format, applied, p := s.epcFormatter(r)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	key := caller(r).Name
	if !s.subs.openStream(key) {
		p := newProblem(http.StatusTooManyRequests, "too-many-streams", fmt.Sprintf("this key has %d WebSocket subscriptions open, the most it may", MaxStreamsPerKey))
		w.Header().Set("Retry-After", "10")
		writeProblem(w, r, p)
		return
	}
	defer s.subs.closeStream(key)
	// the server's request deadlines would end a long-lived stream: it has its own write timeout
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	w.Header().Set(epcFormatHeader, string(applied))
	c, err := websocket.Accept(w, r, nil) // same-origin only for browsers; platforms send no Origin
	if err != nil {
		s.log.Info("epcis stream: upgrade refused", "query", name, "err", err)
		return
	}
	defer c.CloseNow()
	id := uuid.NewString()
	s.log.Info("epcis stream: open", "query", name, "stream", id, "key", key)
	// the client sends nothing; reading only notices its close
	ctx := c.CloseRead(s.subs.ctx)
	err = s.stream(ctx, c, name, id, q, from, format)
	switch {
	case errors.Is(err, context.Canceled), websocket.CloseStatus(err) != -1:
		c.Close(websocket.StatusNormalClosure, "")
	default:
		s.log.Warn("epcis stream: ended", "query", name, "stream", id, "err", err)
		c.Close(websocket.StatusInternalError, "stream ended; resume with initialRecordTime")
	}
}

// openStream counts a new stream of key, unless it has MaxStreamsPerKey open already.
func (d *deliverer) openStream(key string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.open[key] >= MaxStreamsPerKey {
		return false
	}
	d.open[key]++
	return true
}

func (d *deliverer) closeStream(key string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.open[key]--; d.open[key] <= 0 {
		delete(d.open, key)
	}
}

// stream sends every matching event from position from on, then waits for the next commit.
func (s *Server) stream(ctx context.Context, c *websocket.Conn, name, id string, q readmodel.EPCISQuery, from int64,
	format func(json.RawMessage) (json.RawMessage, error)) error {
	ping := time.NewTicker(streamPing)
	defer ping.Stop()
	for {
		advanced := s.store.Advanced()
		var err error
		from, err = s.walk(ctx, name, id, q, from, format, func(body []byte, events int, _ readmodel.EPCISPage) error {
			if body == nil {
				return nil
			}
			wctx, cancel := context.WithTimeout(ctx, streamWriteTimeout)
			defer cancel()
			if err := c.Write(wctx, websocket.MessageText, body); err != nil {
				return err
			}
			s.metrics.webhooks.Add(int64(events))
			return nil
		})
		if err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-advanced:
		case <-ping.C:
			pctx, cancel := context.WithTimeout(ctx, streamWriteTimeout)
			err := c.Ping(pctx)
			cancel()
			if err != nil {
				return err
			}
		}
	}
}
