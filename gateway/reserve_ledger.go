package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/fabric"
)

// ReserveLedger submits reserve and market transactions (one JSON argument each). FabricLedger
// and the in-memory ledger implement it; a Ledger without it answers 501 on those routes.
type ReserveLedger interface {
	SubmitReserve(ctx context.Context, org, fn string, arg []byte) (fabric.Committed, error)
}

// SubmitReserve submits one reserve transaction as org, re-endorsing after MVCC conflicts (two
// movements of one bin in flight at once): records are idempotent by ID, so a retry is safe.
func (l *FabricLedger) SubmitReserve(ctx context.Context, org, fn string, arg []byte) (fabric.Committed, error) {
	c, err := l.client(org)
	if err != nil {
		return fabric.Committed{}, err
	}
	var committed fabric.Committed
	for attempt := 0; ; attempt++ {
		committed, err = c.Submit(ctx, fn, []string{string(arg)}, nil)
		if err == nil || !fabric.IsMVCCConflict(err) || attempt >= l.MVCCRetries {
			break
		}
		select {
		case <-ctx.Done():
			return committed, ctx.Err()
		case <-time.After(time.Duration(20+rand.IntN(60*(attempt+1))) * time.Millisecond):
		}
	}
	if err != nil {
		return committed, classify(err)
	}
	return committed, nil
}

// ReserveResponse answers a reserve submission.
type ReserveResponse struct {
	TxID    string          `json:"txId"`
	Block   uint64          `json:"block"`
	Results json.RawMessage `json:"results"`
}

// submitReserve sends v to the contract function fn as the caller's org and waits until the read
// model has the block, so a GET right after sees the change.
func (s *Server) submitReserve(ctx context.Context, key *APIKey, fn, field string, v any) (*ReserveResponse, *Problem) {
	rl, ok := s.ledger.(ReserveLedger)
	if !ok {
		return nil, newProblem(http.StatusNotImplemented, "not-implemented", "this gateway's ledger does not take reserve transactions")
	}
	arg, err := json.Marshal(v)
	if err != nil {
		return nil, problemFrom(err)
	}
	committed, err := rl.SubmitReserve(ctx, key.Org, fn, arg)
	if err != nil {
		p := problemFrom(err)
		if de, ok := domain.AsError(err); ok && de.Index != nil && field != "" {
			p.Pointer = "/" + field + de.Pointer
		}
		var te *fabric.TxError
		if errors.As(err, &te) {
			p.TxID = te.TxID
		}
		return nil, p
	}
	// a transaction that only repeated records emits no chaincode event: nothing to wait for
	if anyNew(committed.Result) {
		wait, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		if err := s.store.CatchUp(wait, committed.Block); err != nil {
			s.log.Warn("read model behind the ledger", "block", committed.Block, "err", err)
		}
	}
	return &ReserveResponse{TxID: committed.TxID, Block: committed.Block, Results: committed.Result}, nil
}

// anyNew reports whether a reserve transaction's results (one or a list) recorded anything new.
func anyNew(raw []byte) bool {
	var many []domain.RecordResult
	if json.Unmarshal(raw, &many) != nil {
		var one domain.RecordResult
		if json.Unmarshal(raw, &one) != nil {
			return true
		}
		many = []domain.RecordResult{one}
	}
	for _, r := range many {
		if !r.Duplicate {
			return true
		}
	}
	return false
}
