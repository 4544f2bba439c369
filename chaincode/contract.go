// Package chaincode is the agritrace smart contract: thin transaction functions that decode
// arguments, identify the caller and delegate to the rules in package ledger. It runs as a
// chaincode-as-a-service process.
package chaincode

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/agritrace/agritrace/wire"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/ledger"
)

// EventName and TransientPrivate are the wire names (kept here for the contract's readers).
const (
	EventName        = wire.EventName
	TransientPrivate = wire.TransientPrivate
)

// Contract is the traceability contract.
type Contract struct {
	contractapi.Contract
	// RegulatorMSP is the org that may recall and revoke.
	RegulatorMSP string
}

// New returns the contract, the regulator org taken from AGRITRACE_REGULATOR_MSP (default RegulatorMSP).
func New() *Contract {
	reg := os.Getenv("AGRITRACE_REGULATOR_MSP")
	if reg == "" {
		reg = "RegulatorMSP"
	}
	c := &Contract{RegulatorMSP: reg}
	c.Name = "agritrace"
	c.Info.Title = "agritrace traceability contract"
	c.Info.Version = "1.0.0"
	return c
}

func (c *Contract) caller(ctx contractapi.TransactionContextInterface) (ledger.Caller, error) {
	id := ctx.GetClientIdentity()
	msp, err := id.GetMSPID()
	if err != nil {
		return ledger.Caller{}, fmt.Errorf("read caller MSP ID: %w", err)
	}
	caller := ledger.Caller{MSPID: msp, Regulator: msp == c.RegulatorMSP}
	if v, ok, err := id.GetAttributeValue("agritrace.stages"); err == nil && ok {
		caller.Stages = strings.Split(v, ",")
	}
	return caller, nil
}

// RecordEvents records a JSON array of events (plain, or packed with domain.PackJSON) in one
// transaction and returns the per-event results. Private terms travel in the transient map, never
// in the arguments.
func (c *Contract) RecordEvents(ctx contractapi.TransactionContextInterface, eventsJSON string) (string, error) {
	raw, err := domain.UnpackJSON([]byte(eventsJSON))
	if err != nil {
		return "", domain.Invalid("/events", "events argument: %v", err)
	}
	events, err := domain.UnmarshalEvents(raw)
	if err != nil {
		return "", domain.Invalid("/events", "events argument is not a JSON array of events: %v", err)
	}
	if err := mergePrivate(ctx, events); err != nil {
		return "", err
	}
	state, caller, tx, err := c.begin(ctx)
	if err != nil {
		return "", err
	}
	rec := ledger.NewRecorder(state, caller, tx)
	results, err := rec.Record(events)
	if err != nil {
		return "", err
	}
	if out := rec.Emitted(); len(out.Events) > 0 {
		if err := emit(ctx, out); err != nil {
			return "", err
		}
	}
	// the response is in the block too, and the submitter knows its transaction's ID: a result
	// names a transaction only when it is another one (a duplicate's original)
	for i := range results {
		if results[i].TxID == tx.ID {
			results[i].TxID = ""
		}
	}
	b, err := json.Marshal(results)
	return string(b), err
}

// begin opens a recording transaction: the state, who calls, and the transaction's ID and time.
// Writes go to the peer in one batch when the peer allows it (Fabric ≥ 3.1); the shim flushes the
// batch when the transaction ends. On older peers this is a no-op.
func (c *Contract) begin(ctx contractapi.TransactionContextInterface) (stubState, ledger.Caller, ledger.Tx, error) {
	caller, err := c.caller(ctx)
	if err != nil {
		return stubState{}, caller, ledger.Tx{}, err
	}
	stub := ctx.GetStub()
	stub.StartWriteBatch()
	ts, err := stub.GetTxTimestamp()
	if err != nil {
		return stubState{}, caller, ledger.Tx{}, fmt.Errorf("read tx timestamp: %w", err)
	}
	return stubState{stub}, caller, ledger.Tx{ID: stub.GetTxID(), Time: ts.AsTime()}, nil
}

// emit sends what a transaction recorded as its chaincode event, which the read models follow.
func emit(ctx contractapi.TransactionContextInterface, out domain.Recorded) error {
	payload, err := domain.PackRecorded(out)
	if err != nil {
		return err
	}
	if err := ctx.GetStub().SetEvent(EventName, payload); err != nil {
		return fmt.Errorf("emit %s: %w", EventName, err)
	}
	return nil
}

// PutPrivateTerms commits the private terms of one event (transient map, as for RecordEvents) to
// the caller's own collection. The transaction writes nothing public, so the collection's
// endorsement policy — the caller's peer alone — is all it needs: no other org sees the terms.
func (c *Contract) PutPrivateTerms(ctx contractapi.TransactionContextInterface, eventID string) error {
	caller, err := c.caller(ctx)
	if err != nil {
		return err
	}
	events := []domain.Event{{ID: eventID}}
	if err := mergePrivate(ctx, events); err != nil {
		return err
	}
	if events[0].Private == nil {
		return domain.Invalid("/private", "no private terms for event %s in the transient map", eventID)
	}
	return ledger.CommitPrivateTerms(stubState{ctx.GetStub()}, caller, eventID, *events[0].Private)
}

func mergePrivate(ctx contractapi.TransactionContextInterface, events []domain.Event) error {
	tm, err := ctx.GetStub().GetTransient()
	if err != nil {
		return fmt.Errorf("read transient data: %w", err)
	}
	for i := range events {
		if events[i].Private != nil {
			return domain.Invalid(fmt.Sprintf("/events/%d/private", i), "private terms must travel in the transient map, not in the public arguments")
		}
	}
	raw, ok := tm[TransientPrivate]
	if !ok {
		return nil
	}
	var priv map[string]domain.Private
	if err := json.Unmarshal(raw, &priv); err != nil {
		return domain.Invalid("/private", "transient private terms are not a JSON object of event id → terms: %v", err)
	}
	for i := range events {
		if p, ok := priv[events[i].ID]; ok {
			events[i].Private = &p
		}
	}
	return nil
}

func reader(ctx contractapi.TransactionContextInterface) ledger.Reader {
	return ledger.NewReader(stubState{ctx.GetStub()})
}

func asJSON(v any, err error) (string, error) {
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// GetBatch returns a batch. id may be any accepted identifier form.
func (c *Contract) GetBatch(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	n, err := domain.NormalizeID(id, "/id")
	if err != nil {
		return "", err
	}
	return asJSON(reader(ctx).Batch(n))
}

// GetEvent returns an event.
func (c *Contract) GetEvent(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	return asJSON(reader(ctx).Event(id))
}

// GetHistory returns every committed version of a batch (GetHistoryForKey).
func (c *Contract) GetHistory(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	n, err := domain.NormalizeID(id, "/id")
	if err != nil {
		return "", err
	}
	return asJSON(reader(ctx).History(n))
}

// GetPrivateTerms returns the private terms of an event to a member of the parties' collection.
func (c *Contract) GetPrivateTerms(ctx contractapi.TransactionContextInterface, collection, eventID string) (string, error) {
	b, err := ctx.GetStub().GetPrivateData(collection, "terms/"+eventID)
	if err != nil {
		return "", domain.Refuse(403, "private-data", "", "cannot read %s from %s: %v", eventID, collection, err)
	}
	if b == nil {
		return "", domain.Refuse(404, "not-found", "", "no private terms for event %s in %s", eventID, collection)
	}
	return string(b), nil
}

// GetEnterprise returns a registered enterprise (主体备案).
func (c *Contract) GetEnterprise(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	return asJSON(reader(ctx).Enterprise(id))
}

// ListEnterprises lists registered enterprises, of one platform (MSP ID) unless platform is empty.
func (c *Contract) ListEnterprises(ctx contractapi.TransactionContextInterface, platform string) (string, error) {
	return asJSON(reader(ctx).Enterprises(platform))
}

// ListBodies lists the certification bodies the regulator registered.
func (c *Contract) ListBodies(ctx contractapi.TransactionContextInterface) (string, error) {
	return asJSON(reader(ctx).Bodies())
}

// GetCertificate returns a certificate by number.
func (c *Contract) GetCertificate(ctx contractapi.TransactionContextInterface, id string) (string, error) {
	return asJSON(reader(ctx).Certificate(id))
}

// ListCertificates lists every certificate; callers compute the status as of their own clock.
func (c *Contract) ListCertificates(ctx contractapi.TransactionContextInterface) (string, error) {
	return asJSON(reader(ctx).Certificates())
}

// ListOffers lists the open custody offers to (direction "in") or from ("out") a platform, as of
// the proposal's timestamp.
func (c *Contract) ListOffers(ctx contractapi.TransactionContextInterface, platform, direction string) (string, error) {
	ts, err := ctx.GetStub().GetTxTimestamp()
	if err != nil {
		return "", fmt.Errorf("read tx timestamp: %w", err)
	}
	return asJSON(reader(ctx).Offers(platform, direction, ts.AsTime()))
}
