package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/agritrace/agritrace/wire"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/fabric"
)

// Ledger is what the gateway needs from Fabric. Tests substitute an in-memory ledger.
type Ledger interface {
	// Record submits events as org and waits for the commit.
	Record(ctx context.Context, org string, events []domain.Event, private map[string]domain.Private, endorsers []string) ([]domain.RecordResult, fabric.Committed, error)
	// CommitPrivate commits one event's private terms to org's own collection, endorsed by org alone.
	CommitPrivate(ctx context.Context, org, eventID string, p domain.Private) (fabric.Committed, error)
	// Evaluate runs a contract query as org.
	Evaluate(ctx context.Context, org, fn string, args ...string) ([]byte, error)
}

// FabricLedger submits through the fabric-gateway client as the one org whose connection profile
// the gateway was started with: it holds no other org's identity, so it cannot sign as anyone else.
type FabricLedger struct {
	cl  *fabric.Client
	log *slog.Logger
	// MVCCRetries is how often a transaction that lost an MVCC race is re-endorsed.
	MVCCRetries int
}

// ErrNotThisOrg is returned when asked to act as an org this gateway holds no identity of.
var ErrNotThisOrg = errors.New("this gateway holds no identity of that org")

// NewFabricLedger connects as the profile's client user.
func NewFabricLedger(p fabric.Profile, log *slog.Logger) (*FabricLedger, error) {
	cl, err := fabric.Connect(p)
	if err != nil {
		return nil, fmt.Errorf("connect as %s: %w", p.MSPID, err)
	}
	return &FabricLedger{cl: cl, log: log, MVCCRetries: 5}, nil
}

// Client is the org's connection (for the read-model listener and the auditor).
func (l *FabricLedger) Client() *fabric.Client { return l.cl }

// Close closes the connection.
func (l *FabricLedger) Close() { l.cl.Close() }

func (l *FabricLedger) client(org string) (*fabric.Client, error) {
	if org != l.cl.Profile.OrgKey {
		return nil, fmt.Errorf("act as %q from the gateway of %s: %w", org, l.cl.Profile.MSPID, ErrNotThisOrg)
	}
	return l.cl, nil
}

// Record submits RecordEvents; MVCC conflicts (another tx changed a batch this one read) are
// retried with a fresh endorsement, which is safe because event IDs make recording idempotent.
func (l *FabricLedger) Record(ctx context.Context, org string, events []domain.Event, private map[string]domain.Private, endorsers []string) ([]domain.RecordResult, fabric.Committed, error) {
	c, err := l.client(org)
	if err != nil {
		return nil, fabric.Committed{}, err
	}
	sub := make([]domain.Event, len(events))
	for i := range events {
		sub[i] = events[i].Submission()
	}
	args, err := domain.MarshalEvents(sub)
	if err != nil {
		return nil, fabric.Committed{}, err
	}
	args = domain.PackJSON(args)
	var transient map[string][]byte
	if len(private) > 0 {
		b, _ := json.Marshal(private)
		transient = map[string][]byte{wire.TransientPrivate: b}
	}
	var committed fabric.Committed
	for attempt := 0; ; attempt++ {
		committed, err = c.Submit(ctx, wire.RecordEvents, []string{string(args)}, transient, endorsers...)
		if err == nil || !fabric.IsMVCCConflict(err) || attempt >= l.MVCCRetries {
			break
		}
		wait := time.Duration(20+rand.IntN(60*(attempt+1))) * time.Millisecond
		l.log.Info("MVCC conflict; re-endorsing", "tx", committed.TxID, "attempt", attempt+1, "wait", wait)
		select {
		case <-ctx.Done():
			return nil, committed, ctx.Err()
		case <-time.After(wait):
		}
	}
	if err != nil {
		return nil, committed, classify(err)
	}
	var results []domain.RecordResult
	if err := json.Unmarshal(committed.Result, &results); err != nil {
		return nil, committed, fmt.Errorf("decode RecordEvents result of tx %s: %w", committed.TxID, err)
	}
	for i := range results {
		if results[i].TxID == "" { // recorded by this transaction (see chaincode RecordEvents)
			results[i].TxID = committed.TxID
		}
	}
	return results, committed, nil
}

// classify keeps contract refusals as domain errors and marks an unreachable ordering service.
func classify(err error) error {
	if _, ok := domain.AsError(err); ok {
		return err
	}
	if s, ok := status.FromError(errors.Unwrap(err)); ok && (s.Code() == codes.Unavailable || s.Code() == codes.DeadlineExceeded) {
		return fmt.Errorf("%w: %w", errUnavailable, err)
	}
	return err
}

// CommitPrivate submits PutPrivateTerms endorsed by this org's peer only.
func (l *FabricLedger) CommitPrivate(ctx context.Context, org, eventID string, p domain.Private) (fabric.Committed, error) {
	c, err := l.client(org)
	if err != nil {
		return fabric.Committed{}, err
	}
	b, err := json.Marshal(map[string]domain.Private{eventID: p})
	if err != nil {
		return fabric.Committed{}, err
	}
	committed, err := c.Submit(ctx, wire.PutPrivateTerms, []string{eventID}, map[string][]byte{wire.TransientPrivate: b}, c.Profile.MSPID)
	if err != nil {
		return committed, classify(err)
	}
	return committed, nil
}

// Evaluate runs a query on the org's own peer.
func (l *FabricLedger) Evaluate(ctx context.Context, org, fn string, args ...string) ([]byte, error) {
	c, err := l.client(org)
	if err != nil {
		return nil, err
	}
	return c.Evaluate(ctx, fn, args...)
}

// BlockMaxTxs is the orderer's block size, from the channel configuration (group commit, coalesce.go).
func (l *FabricLedger) BlockMaxTxs(ctx context.Context) (int, error) { return l.cl.BlockMaxTxs(ctx) }
