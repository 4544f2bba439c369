// Package seeds holds realistic demo supply chains, loaded through the gateway's public API like any
// platform would (never around it). Every event has a fixed ID and fixed content, so loading twice
// adds nothing the second time.
package seeds

import (
	"fmt"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gs1"
)

// Step is what one org submits in one request.
type Step struct {
	Org    string // network org key: hlj, ha, reg
	Events []domain.Event
	// Recall, when set, is sent to POST /v1/batches/{Recall}/recall by the regulator.
	Recall *Recall
	// Post, when set, is sent to a reserve or market endpoint (see reserve.go).
	Post *Post
}

// Recall is a regulator recall.
type Recall struct {
	Batch, EventID, Reason, EventTime string
	Hotline                           string // shown to consumers with what to do
}

// Chain is one demo supply chain.
type Chain struct {
	Key      string
	Title    string // shown to the newcomer
	Steps    []Step
	Consumer string // the retail batch whose QR code a consumer scans
	Recalled bool
}

// CompanyPrefix is the demo GS1 company prefix (China's 690–699 range).
const CompanyPrefix = "6901234"

// GTIN builds a valid GTIN-14 from the demo prefix and a 5-digit item reference.
func GTIN(item string) string {
	body := "0" + CompanyPrefix + item
	return body + string(gs1.CheckDigit(body))
}

// Lot is the canonical Digital Link of a lot of a demo product.
func Lot(item, lot string) string {
	return gs1.ID{Kind: gs1.KindLot, GTIN: GTIN(item), Lot: lot}.String()
}

// USCC completes a 17-character unified social credit code body with its check character.
func USCC(body string) string { return body + string(domain.USCCCheck(body)) }

func party(body, name string) domain.Party { return domain.Party{Enterprise: USCC(body), Name: name} }

func at(ts string) string { return ts + "+08:00" }

func ev(id string, t domain.EventType, when string, actor domain.Party, loc *domain.Location) domain.Event {
	return domain.Event{ID: id, Type: t, EventTime: at(when), Actor: actor, Location: loc}
}

func kg(v float64) domain.Quantity { return domain.Quantity{Value: v, Unit: "kg"} }

func bags(n, each float64) domain.Quantity {
	return domain.Quantity{Value: n, Unit: "bag", NetContent: &domain.Quantity{Value: each, Unit: "kg"}}
}

func doc(name, sha string) []domain.Document {
	return []domain.Document{{Name: name, SHA256: sha, URI: "https://docs.agritrace.example/" + name}}
}

// Chains returns every demo chain.
func Chains() []Chain {
	return []Chain{WuchangRice(), HenanNoodles(), ShandongApples(), RecalledCorn(), HenanReserve(), HeilongjiangReserve(), MarketPurchases()}
}

// Find returns the chain with the given key.
func Find(key string) (Chain, error) {
	for _, c := range Chains() {
		if c.Key == key {
			return c, nil
		}
	}
	return Chain{}, fmt.Errorf("no seed chain %q", key)
}
