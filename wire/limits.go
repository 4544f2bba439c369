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
const DefaultBlockMaxTxs = 10
