package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/agritrace/agritrace/domain"
)

// A deal inside one province has only one party on the network, but no org may write the public
// ledger alone. Endorsing the deal's transaction with a second org would hand that org's peer the
// private terms (transient data goes to every endorser). So such terms are committed first, in a
// transaction that writes only the platform's own collection — whose endorsement policy is that
// platform's peer alone — and the public event then carries just the salted hash, which any peer
// checks against the collection's hash without seeing the terms.

// PrivateHasher is the part of the state that reads the hash of a private-data value, which every
// peer of the channel has, member of the collection or not.
type PrivateHasher interface {
	PrivateHash(collection, key string) ([]byte, error)
}

func termsKey(eventID string) string { return "terms/" + eventID }

// CommitPrivateTerms puts the caller's private terms of eventID into the caller's own collection.
// Its transaction touches nothing public.
func CommitPrivateTerms(s State, caller Caller, eventID string, p domain.Private) error {
	if caller.Regulator {
		return domain.Refuse(403, "regulator-role", "/private", "the regulator records no commercial terms")
	}
	if err := domain.ValidatePrivate(p); err != nil {
		return err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	coll := domain.CollectionName(caller.MSPID)
	if err := s.PutPrivate(coll, termsKey(eventID), b); err != nil {
		return fmt.Errorf("commit private terms of %s in %s: %w", eventID, coll, err)
	}
	return nil
}

// checkCommitment verifies that the terms an event's privateHash commits to are in the parties'
// collection with exactly that hash.
func (r *Recorder) checkCommitment(e *domain.Event) error {
	h, ok := r.s.(PrivateHasher)
	if !ok {
		return domain.Refuse(409, "private-terms", "/privateHash", "this ledger cannot check committed private terms; send them as private")
	}
	counterparty := r.caller.MSPID
	if e.To != nil && e.To.Platform != "" {
		counterparty = e.To.Platform
	}
	coll := domain.CollectionName(r.caller.MSPID, counterparty)
	got, err := h.PrivateHash(coll, termsKey(e.ID))
	if err != nil {
		return fmt.Errorf("read private-terms hash of %s in %s: %w", e.ID, coll, err)
	}
	if len(got) == 0 {
		return domain.Refuse(409, domain.RuleTermsNotCommitted, "/privateHash", "no private terms of event %s in %s: commit them first (%s)", e.ID, coll, "PutPrivateTerms")
	}
	if hex.EncodeToString(got) != e.PrivateHash {
		return domain.Refuse(409, "private-terms", "/privateHash", "the private terms of event %s in %s hash to another value", e.ID, coll)
	}
	return nil
}

// PrivateHash is the hash of a private-data value (what peers that are not members see).
func (m *MemState) PrivateHash(coll, key string) ([]byte, error) {
	v, ok := m.Privates[coll][key]
	if !ok {
		return nil, nil
	}
	sum := sha256.Sum256(v)
	return sum[:], nil
}
