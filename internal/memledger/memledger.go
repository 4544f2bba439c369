// Package memledger runs the real contract rules over an in-memory state and feeds a read model
// the way the block listener does: the whole gateway pipeline without Fabric, for tests and tools.
package memledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"github.com/agritrace/agritrace/wire"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/fabric"
	"github.com/agritrace/agritrace/ledger"
	"github.com/agritrace/agritrace/readmodel"
)

// ErrDown is returned while the ledger simulates an unreachable ordering service.
var ErrDown = errors.New("ledger unavailable (simulated)")

// Ledger implements gateway.Ledger in memory.
type Ledger struct {
	mu     sync.Mutex
	State  *ledger.MemState
	Store  *readmodel.Store
	OrgMSP map[string]string
	RegOrg string
	Block  uint64
	Calls  int
	Down   bool
	// Gate, when set, holds every Record until it receives (or is closed): a test sees work
	// under way, as a real ledger's seconds would show it.
	Gate chan struct{}
	n    int
}

// New returns a ledger feeding store.
func New(store *readmodel.Store, orgMSP map[string]string, regulatorOrg string) *Ledger {
	return &Ledger{State: ledger.NewMemState(), Store: store, OrgMSP: orgMSP, RegOrg: regulatorOrg}
}

// Record applies events as org in one simulated transaction.
func (m *Ledger) Record(ctx context.Context, org string, events []domain.Event, private map[string]domain.Private, _ []string) ([]domain.RecordResult, fabric.Committed, error) {
	if m.Gate != nil {
		select {
		case <-m.Gate:
		case <-ctx.Done():
			return nil, fabric.Committed{}, ctx.Err()
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Calls++
	m.n++
	txID := fmt.Sprintf("tx%06d", m.n)
	if m.Down {
		return nil, fabric.Committed{TxID: txID}, &fabric.TxError{TxID: txID, Stage: "submit", Err: ErrDown}
	}
	evs := append([]domain.Event(nil), events...)
	for i := range evs {
		if p, ok := private[evs[i].ID]; ok {
			evs[i].Private = &p
		}
	}
	snapshot := maps.Clone(m.State.KV) // a failed Fabric transaction writes nothing
	m.State.Begin(txID)
	rec := ledger.NewRecorder(m.State, ledger.Caller{MSPID: m.OrgMSP[org], Regulator: org == m.RegOrg}, ledger.Tx{ID: txID, Time: time.Now()})
	res, err := rec.Record(evs)
	if err != nil {
		m.State.KV = snapshot
		return nil, fabric.Committed{TxID: txID}, &fabric.TxError{TxID: txID, Stage: "endorse", Err: fmt.Errorf("chaincode response 500, %w", err)}
	}
	m.Block++
	if out := rec.Emitted(); len(out.Events) > 0 {
		if _, err := m.Store.Apply(ctx, m.Block, txID, out); err != nil {
			return nil, fabric.Committed{}, err
		}
	}
	return res, fabric.Committed{TxID: txID, Block: m.Block}, nil
}

// CommitPrivate puts one event's private terms in org's own collection (the first step of a deal
// inside one platform).
func (m *Ledger) CommitPrivate(_ context.Context, org, eventID string, p domain.Private) (fabric.Committed, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.n++
	txID := fmt.Sprintf("tx%06d", m.n)
	if m.Down {
		return fabric.Committed{TxID: txID}, &fabric.TxError{TxID: txID, Stage: "submit", Err: ErrDown}
	}
	if err := ledger.CommitPrivateTerms(m.State, ledger.Caller{MSPID: m.OrgMSP[org], Regulator: org == m.RegOrg}, eventID, p); err != nil {
		return fabric.Committed{TxID: txID}, &fabric.TxError{TxID: txID, Stage: "endorse", Err: fmt.Errorf("chaincode response 500, %w", err)}
	}
	m.Block++
	return fabric.Committed{TxID: txID, Block: m.Block}, nil
}

// Evaluate answers the contract queries the gateway uses.
func (m *Ledger) Evaluate(_ context.Context, _ string, fn string, args ...string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := ledger.NewReader(m.State)
	arg := func(i int) string {
		if i < len(args) {
			return args[i]
		}
		return ""
	}
	var v any
	var err error
	switch fn {
	case wire.GetHistory:
		v, err = r.History(arg(0))
	case wire.GetBatch:
		v, err = r.Batch(arg(0))
	case wire.GetEvent:
		v, err = r.Event(arg(0))
	case wire.GetEnterprise:
		v, err = r.Enterprise(arg(0))
	case wire.ListEnterprises:
		v, err = r.Enterprises(arg(0))
	case wire.ListBodies:
		v, err = r.Bodies()
	case wire.GetCertificate:
		v, err = r.Certificate(arg(0))
	case wire.ListCertificates:
		v, err = r.Certificates()
	case wire.ListOffers:
		v, err = r.Offers(arg(0), arg(1), time.Now())
	case wire.GetPrivateTerms:
		return m.privateTerms(arg(0), arg(1))
	default:
		return nil, fmt.Errorf("memledger: %s not supported", fn)
	}
	if err != nil {
		return nil, err
	}
	return json.Marshal(v)
}
