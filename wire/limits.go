package wire

// Size limits of a recording transaction, shared by the contract (which refuses more) and the
// gateway (which packs requests to fit, and refuses before Fabric what can never fit).
//
// Why these numbers: a transaction carries each event about TxAmplification times over — the
// proposal's argument, the write set (the event and the batches it changes), and the chaincode
// event that feeds the read models (events and batches again). Fabric's gRPC links (gateway ↔ peer,
// peer ↔ chaincode server, peer ↔ orderer) refuse messages over FabricMaxMessageBytes unless every
// node is configured otherwise, and a refused transaction fails the same way on every retry (502).
const (
	// MaxEventsPerTx bounds the events of one RecordEvents transaction; the gateway packs at most
	// this many (its default) and the contract refuses more.
	MaxEventsPerTx = 200
	// MaxAtomicEvents bounds the events of one transaction that must commit whole (an atomic
	// EPCIS capture, which the gateway does not cut): as many as fit MaxTxEventBytes, and at most
	// this many. The contract refuses more; bulks are still packed MaxEventsPerTx at a time.
	MaxAtomicEvents = 1000
	// FabricMaxMessageBytes is the gRPC message limit of a default Fabric deployment (4 MiB).
	FabricMaxMessageBytes = 4 << 20
	// TxAmplification is how many copies of an event's bytes a transaction holds (see above).
	TxAmplification = 5
	// TxOverheadBytes leaves room for headers, certificates and endorsement signatures.
	TxOverheadBytes = 128 << 10
	// MaxTxEventBytes bounds the JSON of the events packed into one transaction.
	MaxTxEventBytes = (FabricMaxMessageBytes - TxOverheadBytes) / TxAmplification
	// MaxEventBytes bounds one event's JSON: documents belong off-chain (name, sha256 and uri).
	MaxEventBytes = 64 << 10
)

// DefaultBlockMaxTxs is the orderer's block size (BatchSize.MaxMessageCount) of a network created
// with the defaults. The gateway reads the actual value from the channel configuration and falls
// back on this one only when it cannot.
//
// Why 4: a gateway holds single events back for group commit only while a block's worth of its
// transactions is in flight (so the orderer cuts blocks by count, never by its timeout), so the
// block size is where sharing starts. At 10, 16 concurrent clients barely shared transactions; at
// 2, the blocks of a plain KV workload were half empty and each put cost markedly more CPU; 4
// shares well without that. Bulk transactions are cut by bytes (PreferredMaxBytes) before count.
const DefaultBlockMaxTxs = 4
