package chaincode

import (
	"github.com/hyperledger/fabric-chaincode-go/v2/pkg/cid"
	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/queryresult"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/agritrace/agritrace/ledger"
)

// fakeStub is a small in-memory ChaincodeStubInterface: the methods the contract calls are real,
// any other call panics through the nil embedded interface, so a new dependency is noticed.
type fakeStub struct {
	shim.ChaincodeStubInterface
	mem       *ledger.MemState
	txID      string
	ts        *timestamppb.Timestamp
	transient map[string][]byte
	events    map[string][]byte
	batches   int
	gets      int // GetState calls
	multiGets int // GetMultipleStates calls
	multiKeys int // keys asked for in them
}

func (s *fakeStub) GetState(k string) ([]byte, error) { s.gets++; return s.mem.Get(k) }
func (s *fakeStub) PutState(k string, v []byte) error { return s.mem.Put(k, v) }
func (s *fakeStub) DelState(k string) error           { return s.mem.Delete(k) }
func (s *fakeStub) PutPrivateData(c, k string, v []byte) error {
	return s.mem.PutPrivate(c, k, v)
}

// StartWriteBatch counts the calls: a real peer then receives the transaction's writes in one message.
func (s *fakeStub) StartWriteBatch() { s.batches++ }
func (s *fakeStub) GetMultipleStates(keys ...string) ([][]byte, error) {
	s.multiGets++
	s.multiKeys += len(keys)
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i], _ = s.mem.Get(k)
	}
	return out, nil
}
func (s *fakeStub) GetPrivateDataHash(c, k string) ([]byte, error)  { return s.mem.PrivateHash(c, k) }
func (s *fakeStub) GetPrivateData(c, k string) ([]byte, error)      { return s.mem.Privates[c][k], nil }
func (s *fakeStub) GetTxID() string                                 { return s.txID }
func (s *fakeStub) GetTxTimestamp() (*timestamppb.Timestamp, error) { return s.ts, nil }
func (s *fakeStub) GetTransient() (map[string][]byte, error)        { return s.transient, nil }
func (s *fakeStub) SetEvent(name string, payload []byte) error {
	s.events[name] = payload
	return nil
}

func (s *fakeStub) GetStateByPartialCompositeKey(obj string, attrs []string) (shim.StateQueryIteratorInterface, error) {
	kvs, _, _ := s.mem.Range(obj, attrs, 0, "")
	return &kvIter{kvs: kvs}, nil
}

func (s *fakeStub) GetStateByPartialCompositeKeyWithPagination(obj string, attrs []string, size int32, bm string) (shim.StateQueryIteratorInterface, *peer.QueryResponseMetadata, error) {
	kvs, next, _ := s.mem.Range(obj, attrs, int(size), bm)
	return &kvIter{kvs: kvs}, &peer.QueryResponseMetadata{FetchedRecordsCount: int32(len(kvs)), Bookmark: next}, nil
}

func (s *fakeStub) GetHistoryForKey(k string) (shim.HistoryQueryIteratorInterface, error) {
	vs, _ := s.mem.History(k)
	return &histIter{vs: vs, ts: s.ts}, nil
}

type kvIter struct {
	kvs []ledger.KV
	i   int
}

func (it *kvIter) HasNext() bool { return it.i < len(it.kvs) }
func (it *kvIter) Close() error  { return nil }
func (it *kvIter) Next() (*queryresult.KV, error) {
	kv := it.kvs[it.i]
	it.i++
	return &queryresult.KV{Key: kv.Key, Value: kv.Value}, nil
}

type histIter struct {
	vs []ledger.Version
	i  int
	ts *timestamppb.Timestamp
}

func (it *histIter) HasNext() bool { return it.i < len(it.vs) }
func (it *histIter) Close() error  { return nil }
func (it *histIter) Next() (*queryresult.KeyModification, error) {
	v := it.vs[it.i]
	it.i++
	return &queryresult.KeyModification{TxId: v.TxID, Value: v.Value, Timestamp: it.ts}, nil
}

type fakeIdentity struct {
	cid.ClientIdentity
	msp   string
	attrs map[string]string
}

func (f fakeIdentity) GetMSPID() (string, error) { return f.msp, nil }
func (f fakeIdentity) GetAttributeValue(name string) (string, bool, error) {
	v, ok := f.attrs[name]
	return v, ok, nil
}

type fakeCtx struct {
	stub *fakeStub
	id   fakeIdentity
}

func (c fakeCtx) GetStub() shim.ChaincodeStubInterface  { return c.stub }
func (c fakeCtx) GetClientIdentity() cid.ClientIdentity { return c.id }
