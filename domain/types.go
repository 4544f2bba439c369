// Package domain holds the types every part of agritrace shares — chaincode, gateway, read model,
// CLI and seeds — so that a batch or an event means exactly the same thing everywhere.
package domain

import (
	"encoding/json"
	"sort"
	"strings"
)

// EventType is what happened. Stages of the national plan (产购储加销) and the events around them.
type EventType string

const (
	Produce   EventType = "produce"   // 产: harvest or commissioning creates batches
	Purchase  EventType = "purchase"  // 购: change of owner
	Store     EventType = "store"     // 储: warehouse in/out, storage conditions
	Process   EventType = "process"   // 加: inputs consumed → outputs created (transformation)
	Sell      EventType = "sell"      // 销: sale to the consumer or retailer
	Transport EventType = "transport" // movement between places, custody unchanged
	Inspect   EventType = "inspect"   // test results (moisture, pesticide residue, heavy metals…)
	Certify   EventType = "certify"   // certificate issued for a batch (organic, green food, GI…)
	Revoke    EventType = "revoke"    // certificate revoked (regulator only)
	Split     EventType = "split"     // one batch into several (e.g. milled rice into retail bags)
	Merge     EventType = "merge"     // several batches into one (e.g. farmers' lots into a silo lot)
	Aggregate EventType = "aggregate" // packing into / unpacking from a container; batches stay active
	Offer     EventType = "offer"     // custody hand-over, step 1: the sender's platform offers
	Accept    EventType = "accept"    // custody hand-over, step 2: the receiver's platform accepts
	Recall    EventType = "recall"    // regulator recall of a batch and every descendant
	Observe   EventType = "observe"   // any other EPCIS observation (its bizStep is kept)
)

// EventTypes lists every event type in a stable order (used in errors and the API spec).
var EventTypes = []EventType{Produce, Purchase, Store, Process, Sell, Transport, Inspect, Certify, Revoke,
	Split, Merge, Aggregate, Offer, Accept, Recall, Observe, Register, Suspend, Reinstate, Reject, Cancel, DeclareError}

// Valid reports whether t is a known event type.
func (t EventType) Valid() bool {
	for _, k := range EventTypes {
		if k == t {
			return true
		}
	}
	return false
}

// Stage is the step of 产购储加销 an event belongs to, or "around" for the rest.
func (t EventType) Stage() string {
	switch t {
	case Produce:
		return "produce"
	case Purchase, Offer, Accept, Reject, Cancel:
		return "purchase"
	case Store:
		return "store"
	case Process, Split, Merge, Aggregate:
		return "process"
	case Sell:
		return "sell"
	}
	return "around" // includes register, certificate status changes
}

// Status of a batch.
type Status string

const (
	Active   Status = "active"
	Consumed Status = "consumed" // used up by process, split or merge
	Sold     Status = "sold"
	Recalled Status = "recalled"
	Void     Status = "void" // created by an event later declared erroneous
)

// Party is an enterprise and the platform org that vouches for it.
type Party struct {
	Enterprise string `json:"enterprise"`         // unified social credit code (统一社会信用代码) or platform-local ID
	Name       string `json:"name,omitempty"`     // e.g. 五常市民乐乡稻谷种植专业合作社
	Platform   string `json:"platform,omitempty"` // MSP ID of the vouching platform; set from the caller when empty
}

// Product describes what a batch is.
type Product struct {
	GTIN     string `json:"gtin,omitempty"` // GTIN-14, check digit verified
	Code     string `json:"code,omitempty"` // platform product code when there is no GTIN
	Name     string `json:"name"`
	Category string `json:"category,omitempty"` // grain or produce
	Variety  string `json:"variety,omitempty"`  // e.g. 稻花香2号
	Grade    string `json:"grade,omitempty"`    // e.g. 一级
}

// Quantity is an amount in a unit (kg, t, g, jin, l, ml, piece, bag, box…).
type Quantity struct {
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
	// NetContent declares what one counted unit holds (e.g. one bag = 5 kg), so counted outputs can be
	// compared with mass inputs.
	NetContent *Quantity `json:"netContent,omitempty"`
}

// Origin is where and when a batch was grown.
type Origin struct {
	Producer    string `json:"producer,omitempty"`    // producer's unified social credit code
	Region      string `json:"region,omitempty"`      // GB/T 2260 administrative division code (6 digits)
	Plot        string `json:"plot,omitempty"`        // field or plot identifier
	HarvestDate string `json:"harvestDate,omitempty"` // YYYY-MM-DD
}

// Location is where an event happened.
type Location struct {
	ID     string `json:"id,omitempty"`     // GLN / SGLN (normalised) or platform-local code
	Name   string `json:"name,omitempty"`   // e.g. 中储粮五常直属库 3号仓
	Region string `json:"region,omitempty"` // GB/T 2260 code
}

// Document is evidence attached to an event: the file stays off-chain, its hash on-chain.
type Document struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	URI    string `json:"uri,omitempty"`
}

// Inspection is a test result.
type Inspection struct {
	Item     string  `json:"item"`            // e.g. moisture, pesticide residue, cadmium
	Value    float64 `json:"value,omitempty"` // measured value
	Unit     string  `json:"unit,omitempty"`  // e.g. %, mg/kg
	Limit    float64 `json:"limit,omitempty"` // regulatory limit, when one applies
	Result   string  `json:"result"`          // pass or fail
	Standard string  `json:"standard,omitempty"`
	Lab      string  `json:"lab,omitempty"`
}

// Certificate is issued by Certify (by a registered certification body), suspended, reinstated or
// withdrawn by Revoke, and expires after ValidUntil.
type Certificate struct {
	ID         string    `json:"id"`                   // certificate number
	Type       string    `json:"type,omitempty"`       // scheme: organic, green-food, geographical-indication, gap
	Issuer     string    `json:"issuer,omitempty"`     // id of the registered certification body
	IssuerName string    `json:"issuerName,omitempty"` // ledger: the body's registered name
	Holder     string    `json:"holder,omitempty"`     // the certified enterprise (USCC)
	Scope      []string  `json:"scope,omitempty"`      // GTINs covered
	ValidFrom  string    `json:"validFrom,omitempty"`  // YYYY-MM-DD
	ValidUntil string    `json:"validUntil,omitempty"` // YYYY-MM-DD
	Document   *Document `json:"document,omitempty"`   // the certificate document: sha256 + URI
	Status     string    `json:"status,omitempty"`     // ledger: active, suspended or revoked (expiry is computed)
	Revoked    bool      `json:"revoked,omitempty"`
}

// Portion is a quantity taken from a batch (an input of process, split or merge).
type Portion struct {
	Batch    string    `json:"batch"`
	Quantity *Quantity `json:"quantity,omitempty"` // whole batch when empty
}

// Output is a batch created by produce, process, split or merge.
type Output struct {
	Batch    string   `json:"batch"`
	Product  Product  `json:"product"`
	Quantity Quantity `json:"quantity"`
	Origin   *Origin  `json:"origin,omitempty"`
}

// Private holds commercial terms that only the two parties may read. It is never stored in public
// state: it travels as transient data into a private data collection, and only its hash is public.
type Private struct {
	Price         float64 `json:"price,omitempty"`
	Currency      string  `json:"currency,omitempty"`
	ContractTerms string  `json:"contractTerms,omitempty"`
	// Salt (≥ 128 bits, hex) goes into the public hash and is kept with the terms in the private
	// collection, so the hash reveals nothing: without it, a price-only deal is found by trying
	// prices. The gateway derives it when the caller sends none.
	Salt string `json:"salt,omitempty"`
}

// Event is one append-only record. Fields marked "ledger" are set by the chaincode, never by callers.
type Event struct {
	ID             string            `json:"id"`
	Type           EventType         `json:"type"`
	EventTime      string            `json:"eventTime"`            // RFC 3339 with a zone offset
	RecordTime     string            `json:"recordTime,omitempty"` // ledger: tx timestamp
	Location       *Location         `json:"location,omitempty"`
	Actor          Party             `json:"actor"`
	Batches        []string          `json:"batches,omitempty"` // the batches the event is about
	Inputs         []Portion         `json:"inputs,omitempty"`
	Outputs        []Output          `json:"outputs,omitempty"`
	Loss           *Quantity         `json:"loss,omitempty"` // declared loss; the ledger computes it when absent
	To             *Party            `json:"to,omitempty"`   // purchase, sell, offer: the receiving party
	Inspection     *Inspection       `json:"inspection,omitempty"`
	Certificate    *Certificate      `json:"certificate,omitempty"`
	Attributes     map[string]any    `json:"attributes,omitempty"` // stage-specific: moisture, temperature, warehouse…
	Documents      []Document        `json:"documents,omitempty"`
	Reason         string            `json:"reason,omitempty"` // recall, revoke
	Registration   *Registration     `json:"registration,omitempty"`
	Declaration    *ErrorDeclaration `json:"errorDeclaration,omitempty"`
	BizStep        string            `json:"bizStep,omitempty"`
	Extensions     json.RawMessage   `json:"extensions,omitempty"` // vendor fields of an EPCIS event, kept as sent
	Private        *Private          `json:"private,omitempty"`    // never stored publicly (see Private)
	PrivateHash    string            `json:"privateHash,omitempty"`
	ContentHash    string            `json:"contentHash,omitempty"`    // ledger: hash of the submitted content
	Platform       string            `json:"platform,omitempty"`       // ledger: MSP ID of the recording platform
	TxID           string            `json:"txId,omitempty"`           // ledger
	Yield          float64           `json:"yield,omitempty"`          // ledger: outputs / inputs of a transformation
	Conservation   string            `json:"conservation,omitempty"`   // ledger: whether outputs ≤ inputs could be checked
	ExternalInputs []string          `json:"externalInputs,omitempty"` // ledger: batches first seen in this event
	Block          uint64            `json:"block,omitempty"`          // read model: block that committed it
	// EPCIS is a captured EPCIS 2.0 event exactly as sent (canonical JSON: sorted keys, numbers as
	// written). It is the event of record; the native fields above are its 产购储加销 projection.
	// Being part of the content fingerprint, any change under the same event ID is a conflict.
	EPCIS json.RawMessage `json:"epcis,omitempty"`
}

// Custody hand-over, the other outcomes of an offer: the receiver declines it, the sender withdraws
// it before acceptance (an offer not accepted in time expires by itself).
const (
	Reject EventType = "reject"
	Cancel EventType = "cancel"
)

// Transfer is a pending custody hand-over.
type Transfer struct {
	Event    string `json:"event"`
	To       Party  `json:"to"`
	From     Party  `json:"from,omitempty"`
	Purchase bool   `json:"purchase,omitempty"` // ownership moves too
	Expires  string `json:"expires,omitempty"`  // ledger: RFC 3339; not accepted by then, the offer lapses
}

// Batch is a lot of grain or produce and where it stands now.
type Batch struct {
	ID           string    `json:"id"`
	Product      Product   `json:"product"`
	Quantity     Quantity  `json:"quantity"`
	Origin       *Origin   `json:"origin,omitempty"`
	Owner        Party     `json:"owner"`
	Custodian    Party     `json:"custodian"`
	Status       Status    `json:"status"`
	External     bool      `json:"external,omitempty"` // first seen as a reference, origin outside the ledger
	Parents      []string  `json:"parents,omitempty"`
	Children     []string  `json:"children,omitempty"`
	Pending      *Transfer `json:"pending,omitempty"`
	Certificates []string  `json:"certificates,omitempty"`
	RecalledBy   string    `json:"recalledBy,omitempty"` // recall event (on this batch or an ancestor)
	CreatedBy    string    `json:"createdBy"`            // event that created the batch
	LastEvent    string    `json:"lastEvent"`
	UpdatedAt    string    `json:"updatedAt"`
}

// Trail is a batch's lineage: ancestors and descendants with their events.
type Trail struct {
	Batch       string  `json:"batch"`
	Batches     []Batch `json:"batches"` // the batch, its ancestors and descendants
	Events      []Event `json:"events"`  // every event of those batches, by event time
	Truncated   bool    `json:"truncated,omitempty"`
	RecalledBy  string  `json:"recalledBy,omitempty"` // a recall of the batch or an ancestor
	MaxDepth    int     `json:"maxDepth"`
	MaxBatches  int     `json:"maxBatches"`
	LedgerBlock uint64  `json:"ledgerBlock,omitempty"` // read model: the block height it reflects
}

// Recorded is the chaincode event emitted by every recording transaction: everything the read
// model needs to stay in step with the ledger.
type Recorded struct {
	Events  []Event `json:"events"`
	Batches []Batch `json:"batches"`
	// Reserve carries reserve-grain and market records (their own transactions; see reserve.go).
	Reserve *ReserveRecorded `json:"reserve,omitempty"`
}

// Touched lists the batch identifiers an event names (its batches, inputs and outputs), as sent.
func (e Event) Touched() []string {
	out := append([]string(nil), e.Batches...)
	for _, in := range e.Inputs {
		out = append(out, in.Batch)
	}
	for _, o := range e.Outputs {
		out = append(out, o.Batch)
	}
	return out
}

// RecordResult is what recording returns for one event.
type RecordResult struct {
	EventID string `json:"eventId"`
	// TxID is the transaction that recorded the event; RecordEvents leaves it empty for its own.
	TxID      string `json:"txId,omitempty"`
	Duplicate bool   `json:"duplicate,omitempty"` // the same event had already been recorded
	// Renamed maps platform-local batch codes as sent to the platform-namespaced codes they were
	// kept under (another platform had used the code first).
	Renamed map[string]string `json:"renamed,omitempty"`
}

// CollectionName is the private data collection shared by the given platform orgs: purchase prices
// and contract terms of a deal are readable only by its parties (order does not matter).
func CollectionName(mspIDs ...string) string {
	s := append([]string(nil), mspIDs...)
	sort.Strings(s)
	if len(s) == 2 && s[0] == s[1] {
		s = s[:1]
	}
	return "terms_" + strings.Join(s, "_")
}
