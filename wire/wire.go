// Package wire is the contract between the chaincode and its clients: transaction names, the
// chaincode event name and transient-map keys. It imports nothing from Fabric, so the gateway, the
// CLI, tests and the contract agree on one set of names without depending on each other.
package wire

// Transaction (function) names of the agritrace contract.
const (
	RecordEvents     = "RecordEvents"
	GetBatch         = "GetBatch"
	GetEvent         = "GetEvent"
	GetHistory       = "GetHistory"
	GetPrivateTerms  = "GetPrivateTerms"
	GetEnterprise    = "GetEnterprise"    // id → domain.Enterprise
	ListEnterprises  = "ListEnterprises"  // platform MSP ID ("" = all) → []domain.Enterprise
	ListBodies       = "ListBodies"       // → []domain.CertBody
	GetCertificate   = "GetCertificate"   // number → ledger.CertRecord
	ListCertificates = "ListCertificates" // → []ledger.CertRecord
	ListOffers       = "ListOffers"       // platform, direction (in|out) → []ledger.Offer
	// PutPrivateTerms commits one event's private terms (transient) to the caller's own collection,
	// endorsed by the caller alone: the first step of a deal inside one platform.
	PutPrivateTerms = "PutPrivateTerms"
)

// Reserve grain and market monitoring transactions (each emits EventName with a Reserve payload).
const (
	RegisterGranaries       = "RegisterGranaries"
	RecordStockMovements    = "RecordStockMovements"
	RecordStockCheck        = "RecordStockCheck"
	RecordStorageQuality    = "RecordStorageQuality"
	CloseReserveAlert       = "CloseReserveAlert"
	PublishMarketAggregates = "PublishMarketAggregates"
)

// EventName is the chaincode event every recording transaction emits (payload: domain.Recorded).
const EventName = "agritrace.recorded"

// TransientPrivate is the transient-map key holding private terms: a JSON object event ID → Private.
const TransientPrivate = "private"

// BaselinePut is the trivial key-value put of the baseline contract deployed next to agritrace,
// which benchmarks measure Fabric's own cost with.
const BaselinePut = "baseline:Put"
