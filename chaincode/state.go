package chaincode

import (
	"fmt"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/ledger"
)

// stubState adapts Fabric's chaincode stub to ledger.State. Public values are stored packed
// (domain.PackJSON): each is in a block's write set, which every peer decodes, hashes and stores,
// and in the state database; the rules see plain JSON, and values written plain still read.
// Private data stays as written: its hash is the public commitment.
type stubState struct{ stub shim.ChaincodeStubInterface }

func (s stubState) Get(key string) ([]byte, error) {
	v, err := s.stub.GetState(key)
	if err != nil {
		return nil, err
	}
	return unpackValue(key, v)
}

func (s stubState) Put(key string, value []byte) error {
	return s.stub.PutState(key, domain.PackJSON(value))
}

func (s stubState) Delete(key string) error                  { return s.stub.DelState(key) }
func (s stubState) PutPrivate(c, key string, v []byte) error { return s.stub.PutPrivateData(c, key, v) }

func unpackValue(key string, v []byte) ([]byte, error) {
	b, err := domain.UnpackJSON(v)
	if err != nil {
		return nil, fmt.Errorf("value of %q: %w", key, err)
	}
	return b, nil
}

// PrivateHash reads the hash of a private-data value, which every peer holds.
func (s stubState) PrivateHash(c, key string) ([]byte, error) {
	return s.stub.GetPrivateDataHash(c, key)
}

// GetMany reads keys in one GetMultipleStates call; the shim splits it into messages of the peer's
// maxSizeGetMultipleKeys, or falls back to single reads on a peer without the feature.
func (s stubState) GetMany(keys []string) ([][]byte, error) {
	vals, err := s.stub.GetMultipleStates(keys...)
	if err != nil {
		return nil, err
	}
	for i := range vals {
		if vals[i], err = unpackValue(keys[i], vals[i]); err != nil {
			return nil, err
		}
	}
	return vals, nil
}

func (s stubState) Range(objectType string, attrs []string, pageSize int, bookmark string) ([]ledger.KV, string, error) {
	var (
		it   shim.StateQueryIteratorInterface
		next string
		err  error
	)
	if pageSize > 0 {
		var meta *peer.QueryResponseMetadata
		it, meta, err = s.stub.GetStateByPartialCompositeKeyWithPagination(objectType, attrs, int32(pageSize), bookmark)
		if err == nil && meta != nil {
			next = meta.GetBookmark()
		}
	} else {
		it, err = s.stub.GetStateByPartialCompositeKey(objectType, attrs)
	}
	if err != nil {
		return nil, "", err
	}
	defer it.Close()
	var out []ledger.KV
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return nil, "", err
		}
		v, err := unpackValue(kv.Key, kv.Value)
		if err != nil {
			return nil, "", err
		}
		out = append(out, ledger.KV{Key: kv.Key, Value: v})
	}
	if pageSize > 0 && len(out) < pageSize {
		next = "" // Fabric returns a bookmark even on the last page
	}
	return out, next, nil
}

func (s stubState) History(key string) ([]ledger.Version, error) {
	it, err := s.stub.GetHistoryForKey(key)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []ledger.Version
	for it.HasNext() {
		m, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("history of %q: %w", key, err)
		}
		ts := ""
		if m.Timestamp != nil {
			ts = m.Timestamp.AsTime().UTC().Format(time.RFC3339Nano)
		}
		v, err := unpackValue(key, m.Value)
		if err != nil {
			return nil, err
		}
		out = append(out, ledger.Version{TxID: m.TxId, Timestamp: ts, IsDelete: m.IsDelete, Value: v})
	}
	return out, nil
}
