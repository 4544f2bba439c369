// Package ledger holds the rules of the traceability ledger: what may be recorded, by whom, and what
// it does to batches. It works over a small State interface, so it is tested without Fabric; the
// chaincode adapts Fabric's stub to State.
package ledger

import (
	"sort"
	"strings"
	"time"
)

// KV is a key and its value.
type KV struct {
	Key   string
	Value []byte
}

// Version is one committed version of a key (GetHistoryForKey).
type Version struct {
	TxID      string `json:"txId"`
	Timestamp string `json:"timestamp"`
	IsDelete  bool   `json:"isDelete,omitempty"`
	Value     []byte `json:"-"`
}

// State is what the rules need from the world state.
type State interface {
	Get(key string) ([]byte, error)
	Put(key string, value []byte) error
	Delete(key string) error
	PutPrivate(collection, key string, value []byte) error
	// Range lists keys under a composite-key prefix, one page at a time.
	Range(objectType string, attrs []string, pageSize int, bookmark string) ([]KV, string, error)
	History(key string) ([]Version, error)
}

// Prefetcher is implemented by a State that reads many keys in one round trip (Fabric's
// GetMultipleStates). The recorder asks for every key a transaction will read before applying it:
// each single read is a synchronous message between the chaincode and the peer.
type Prefetcher interface {
	// GetMany returns the values of keys in order, nil for a missing key.
	GetMany(keys []string) ([][]byte, error)
}

// Tx is the transaction being executed.
type Tx struct {
	ID   string
	Time time.Time
}

// Caller is who submitted the transaction, from the client identity.
type Caller struct {
	MSPID     string
	Regulator bool
	// Stages limits the event types a caller may record (from the certificate attribute
	// "agritrace.stages"); nil means every type its org may record.
	Stages []string
}

func (c Caller) mayRecord(t string) bool {
	if c.Stages == nil {
		return true
	}
	for _, s := range c.Stages {
		if s == t {
			return true
		}
	}
	return false
}

// Composite keys use Fabric's encoding: U+0000, the object type, then each attribute followed by
// U+0000. Keeping the exact format lets MemState behave like the real ledger.
const sep = "\x00"

// CompositeKey builds a composite key.
func CompositeKey(objectType string, attrs ...string) string {
	return sep + objectType + sep + strings.Join(attrs, sep) + sep
}

// SplitCompositeKey returns the object type and attributes of a composite key.
func SplitCompositeKey(key string) (string, []string) {
	parts := strings.Split(strings.Trim(key, sep), sep)
	return parts[0], parts[1:]
}

// Object types of the state layout. No global counters: independent batches never share a key, so
// they never conflict under MVCC.
const (
	objBatch = "batch"
	objEvent = "event"
	objCert  = "cert"
)

// MemState is an in-memory State for tests and tools.
type MemState struct {
	KV       map[string][]byte
	Privates map[string]map[string][]byte
	history  map[string][]Version
	tx       string
	// Fetches counts GetMany calls.
	Fetches int
}

// NewMemState returns an empty state.
func NewMemState() *MemState {
	return &MemState{KV: map[string][]byte{}, Privates: map[string]map[string][]byte{}, history: map[string][]Version{}}
}

// Begin sets the transaction ID history entries are recorded under.
func (m *MemState) Begin(txID string) { m.tx = txID }

func (m *MemState) Get(key string) ([]byte, error) { return m.KV[key], nil }

// GetMany makes MemState a Prefetcher; Fetches counts the calls (one round trip each on a peer).
func (m *MemState) GetMany(keys []string) ([][]byte, error) {
	m.Fetches++
	out := make([][]byte, len(keys))
	for i, k := range keys {
		out[i] = m.KV[k]
	}
	return out, nil
}

func (m *MemState) Put(key string, value []byte) error {
	m.KV[key] = append([]byte(nil), value...)
	m.history[key] = append(m.history[key], Version{TxID: m.tx, Value: m.KV[key]})
	return nil
}

func (m *MemState) Delete(key string) error {
	delete(m.KV, key)
	m.history[key] = append(m.history[key], Version{TxID: m.tx, IsDelete: true})
	return nil
}

func (m *MemState) PutPrivate(coll, key string, value []byte) error {
	if m.Privates[coll] == nil {
		m.Privates[coll] = map[string][]byte{}
	}
	m.Privates[coll][key] = value
	return nil
}

func (m *MemState) Range(objectType string, attrs []string, pageSize int, bookmark string) ([]KV, string, error) {
	prefix := sep + objectType + sep
	if len(attrs) > 0 {
		prefix += strings.Join(attrs, sep) + sep
	}
	var keys []string
	for k := range m.KV {
		if strings.HasPrefix(k, prefix) && k > bookmark {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	next := ""
	if pageSize > 0 && len(keys) > pageSize {
		keys = keys[:pageSize]
		next = keys[len(keys)-1]
	}
	out := make([]KV, len(keys))
	for i, k := range keys {
		out[i] = KV{k, m.KV[k]}
	}
	return out, next, nil
}

func (m *MemState) History(key string) ([]Version, error) { return m.history[key], nil }
