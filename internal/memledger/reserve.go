package memledger

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/fabric"
	"github.com/agritrace/agritrace/ledger"
	"github.com/agritrace/agritrace/wire"
)

// SubmitReserve runs a reserve or market transaction with the contract's rules (gateway.ReserveLedger).
func (m *Ledger) SubmitReserve(ctx context.Context, org, fn string, arg []byte) (fabric.Committed, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Calls++
	m.n++
	txID := fmt.Sprintf("tx%06d", m.n)
	if m.Down {
		return fabric.Committed{TxID: txID}, &fabric.TxError{TxID: txID, Stage: "submit", Err: ErrDown}
	}
	snapshot := maps.Clone(m.State.KV)
	m.State.Begin(txID)
	r := ledger.NewReserveRecorder(m.State, ledger.Caller{MSPID: m.OrgMSP[org], Regulator: org == m.RegOrg}, ledger.Tx{ID: txID, Time: time.Now()})
	res, err := runReserve(r, fn, arg)
	if err != nil {
		m.State.KV = snapshot
		return fabric.Committed{TxID: txID}, &fabric.TxError{TxID: txID, Stage: "endorse", Err: fmt.Errorf("chaincode response 500, %w", err)}
	}
	m.Block++
	if out := r.Emitted(); !out.Reserve.Empty() {
		if _, err := m.Store.Apply(ctx, m.Block, txID, out); err != nil {
			return fabric.Committed{}, err
		}
	}
	b, _ := json.Marshal(res)
	return fabric.Committed{TxID: txID, Block: m.Block, Result: b}, nil
}

func decode[T any](arg []byte) (T, error) {
	var v T
	if err := json.Unmarshal(arg, &v); err != nil {
		return v, domain.Invalid("", "argument is not valid JSON: %v", err)
	}
	return v, nil
}

func runReserve(r *ledger.ReserveRecorder, fn string, arg []byte) (any, error) {
	switch fn {
	case wire.RegisterGranaries:
		v, err := decode[[]domain.Granary](arg)
		if err != nil {
			return nil, err
		}
		return r.RegisterGranaries(v)
	case wire.RecordStockMovements:
		v, err := decode[[]domain.StockMovement](arg)
		if err != nil {
			return nil, err
		}
		return r.RecordMovements(v)
	case wire.RecordStockCheck:
		v, err := decode[domain.StockCheck](arg)
		if err != nil {
			return nil, err
		}
		return r.RecordCheck(v)
	case wire.RecordStorageQuality:
		v, err := decode[[]domain.QualityResult](arg)
		if err != nil {
			return nil, err
		}
		return r.RecordQuality(v)
	case wire.CloseReserveAlert:
		v, err := decode[domain.AlertClosure](arg)
		if err != nil {
			return nil, err
		}
		return r.CloseAlert(v)
	case wire.PublishMarketAggregates:
		v, err := decode[domain.MarketPublication](arg)
		if err != nil {
			return nil, err
		}
		return r.PublishMarket(v)
	}
	return nil, fmt.Errorf("memledger: %s not supported", fn)
}

// privateTerms reads terms from the in-memory collection as GetPrivateTerms does.
func (m *Ledger) privateTerms(collection, eventID string) ([]byte, error) {
	b := m.State.Privates[collection]["terms/"+eventID]
	if b == nil {
		return nil, domain.Refuse(404, "not-found", "", "no private terms for event %s in %s", eventID, collection)
	}
	return b, nil
}
