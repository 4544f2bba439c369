package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/ledger"
	"github.com/agritrace/agritrace/wire"
)

// Service functions for pages served by the gateway itself (the regulator console): the same
// rules as the HTTP API, called in-process without building HTTP requests.

// Login refusals.
var (
	ErrLockedOut    = errors.New("too many failed keys from this client: locked out for a while")
	ErrUnknownKey   = errors.New("unknown API key")
	ErrNotRegulator = errors.New("not the regulator's key")
)

// RegulatorLogin checks a key typed into the console, under the same limiter of failed keys as
// the API's bearer authentication: a client guessing keys is locked out (the wait is returned
// with ErrLockedOut), the right key too, until the lock ends.
func (s *Server) RegulatorLogin(r *http.Request, key string) (*APIKey, time.Duration, error) {
	client, keyID := ClientOf(r), HashKey(key)[:16]
	if wait, blocked := s.guard.Blocked(client, keyID); blocked {
		return nil, wait, ErrLockedOut
	}
	k, ok := s.keys.lookup(key)
	if !ok {
		s.guard.Failed(client, keyID, "console key")
		s.log.Info("unknown API key at console login", "client", client)
		return nil, 0, ErrUnknownKey
	}
	s.guard.Succeeded(client)
	if k.Role != domain.RoleRegulator {
		return nil, 0, ErrNotRegulator
	}
	return k, 0, nil
}

// LedgerHistory reads every committed version of a batch from the ledger (not the read model),
// as the key's org.
func (s *Server) LedgerHistory(ctx context.Context, key *APIKey, id string) ([]ledger.BatchVersion, error) {
	raw, err := s.ledger.Evaluate(ctx, key.Org, wire.GetHistory, id)
	if err != nil {
		return nil, fmt.Errorf("ledger history of %s: %w", id, err)
	}
	var vs []ledger.BatchVersion
	if err := json.Unmarshal(raw, &vs); err != nil {
		return nil, fmt.Errorf("decode ledger history of %s: %w", id, err)
	}
	return vs, nil
}

// Recall records a recall of batch (and so of every descendant) as the regulator key. hotline,
// when given, is shown to consumers with what to do.
func (s *Server) Recall(ctx context.Context, key *APIKey, id, batch, reason, hotline string, actor domain.Party) (EventResult, error) {
	e := domain.Event{ID: id, Type: domain.Recall, EventTime: s.now().Format(time.RFC3339), Batches: []string{batch},
		Reason: reason, Actor: actor}
	if hotline != "" {
		e.Attributes = map[string]any{"hotline": hotline}
	}
	res := s.ingest(ctx, key, []domain.Event{e}, nil)[0]
	if res.Problem != nil {
		return res, res.Problem
	}
	return res, nil
}
