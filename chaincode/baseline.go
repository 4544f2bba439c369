package chaincode

import (
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"
)

// Baseline is a trivial key-value contract deployed with agritrace so benchmarks can measure the
// cost of Fabric itself (same network, same client) next to the cost of the traceability rules.
type Baseline struct {
	contractapi.Contract
}

// NewBaseline returns the contract, callable as "baseline:Put".
func NewBaseline() *Baseline {
	b := &Baseline{}
	b.Name = "baseline"
	return b
}

// Put stores value under key and emits a chaincode event, like RecordEvents does.
func (b *Baseline) Put(ctx contractapi.TransactionContextInterface, key, value string) error {
	if err := ctx.GetStub().PutState("baseline/"+key, []byte(value)); err != nil {
		return err
	}
	return ctx.GetStub().SetEvent("baseline.put", []byte(key))
}
