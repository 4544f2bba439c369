package chaincode

import (
	"encoding/json"

	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/ledger"
)

// reserveTx decodes one JSON argument into T, runs a reserve rule as the caller and emits what it
// recorded. Every reserve transaction is the same four steps; only the rule differs.
func reserveTx[T any](c *Contract, ctx contractapi.TransactionContextInterface, arg, what string,
	rule func(*ledger.ReserveRecorder, T) (any, error)) (string, error) {
	var in T
	if err := json.Unmarshal([]byte(arg), &in); err != nil {
		return "", domain.Invalid("", "%s argument is not valid JSON: %v", what, err)
	}
	state, caller, tx, err := c.begin(ctx)
	if err != nil {
		return "", err
	}
	rec := ledger.NewReserveRecorder(state, caller, tx)
	res, err := rule(rec, in)
	if err != nil {
		return "", err
	}
	if out := rec.Emitted(); !out.Reserve.Empty() {
		if err := emit(ctx, out); err != nil {
			return "", err
		}
	}
	b, err := json.Marshal(res)
	return string(b), err
}

// RegisterGranaries registers or updates granaries (库点) with their bins and rotation plans.
func (c *Contract) RegisterGranaries(ctx contractapi.TransactionContextInterface, granariesJSON string) (string, error) {
	return reserveTx(c, ctx, granariesJSON, "granaries", func(r *ledger.ReserveRecorder, gs []domain.Granary) (any, error) {
		return r.RegisterGranaries(gs)
	})
}

// RecordStockMovements records store, move, rotate-out/in, sell and process movements of reserve stock.
func (c *Contract) RecordStockMovements(ctx contractapi.TransactionContextInterface, movementsJSON string) (string, error) {
	return reserveTx(c, ctx, movementsJSON, "movements", func(r *ledger.ReserveRecorder, ms []domain.StockMovement) (any, error) {
		return r.RecordMovements(ms)
	})
}

// RecordStockCheck records a physical count (regulator only) with the bin's book stock.
func (c *Contract) RecordStockCheck(ctx contractapi.TransactionContextInterface, checkJSON string) (string, error) {
	return reserveTx(c, ctx, checkJSON, "check", func(r *ledger.ReserveRecorder, sc domain.StockCheck) (any, error) {
		return r.RecordCheck(sc)
	})
}

// RecordStorageQuality records storage-quality results (宜存/轻度不宜存/重度不宜存).
func (c *Contract) RecordStorageQuality(ctx contractapi.TransactionContextInterface, resultsJSON string) (string, error) {
	return reserveTx(c, ctx, resultsJSON, "quality results", func(r *ledger.ReserveRecorder, qs []domain.QualityResult) (any, error) {
		return r.RecordQuality(qs)
	})
}

// CloseReserveAlert records the regulator closing an alert with a reason.
func (c *Contract) CloseReserveAlert(ctx contractapi.TransactionContextInterface, closureJSON string) (string, error) {
	return reserveTx(c, ctx, closureJSON, "closure", func(r *ledger.ReserveRecorder, cl domain.AlertClosure) (any, error) {
		return r.CloseAlert(cl)
	})
}

// PublishMarketAggregates records a platform's k-anonymous market aggregates.
func (c *Contract) PublishMarketAggregates(ctx contractapi.TransactionContextInterface, publicationJSON string) (string, error) {
	return reserveTx(c, ctx, publicationJSON, "publication", func(r *ledger.ReserveRecorder, p domain.MarketPublication) (any, error) {
		return r.PublishMarket(p)
	})
}
