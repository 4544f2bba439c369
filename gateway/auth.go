package gateway

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/ledger"
)

// APIKey is one stored key: only its hash is kept. Each key acts as one platform (its Fabric org
// identity) and may record the listed event types.
type APIKey struct {
	Name   string   `json:"name"`
	Hash   string   `json:"sha256"` // keys are 256-bit random, so a plain hash is enough
	Org    string   `json:"org"`    // network org key (hlj, ha, reg)
	MSPID  string   `json:"mspId"`
	Role   string   `json:"role"`             // platform or regulator
	Stages []string `json:"stages,omitempty"` // event types it may record; empty = all its role allows
}

// Keys is the key store.
type Keys struct {
	Keys []APIKey `json:"keys"`
}

// HashKey is how keys are stored.
func HashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])
}

// LoadKeys reads a key file.
func LoadKeys(path string) (*Keys, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read API keys: %w", err)
	}
	var k Keys
	if err := json.Unmarshal(b, &k); err != nil {
		return nil, fmt.Errorf("parse API keys %s: %w", path, err)
	}
	return &k, nil
}

// Save writes the key file (hashes only).
func (k *Keys) Save(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(k, "", "  ")
	return os.WriteFile(path, b, 0o600)
}

// NewKey creates a random key for org and records its hash; the key itself is returned once.
func (k *Keys) NewKey(name string, org domain.Org, stages []string) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	key := "at_" + base64.RawURLEncoding.EncodeToString(raw)
	k.Keys = append(k.Keys, APIKey{Name: name, Hash: HashKey(key), Org: org.Key, MSPID: org.MSPID, Role: org.Role, Stages: stages})
	return key, nil
}

func (k *Keys) lookup(key string) (*APIKey, bool) {
	h := HashKey(key)
	for i := range k.Keys {
		if subtle.ConstantTimeCompare([]byte(k.Keys[i].Hash), []byte(h)) == 1 {
			return &k.Keys[i], true
		}
	}
	return nil, false
}

// Caller is the key as the ledger's rules see the transaction's signer: its org, its role and
// the event types it is limited to.
func (a *APIKey) Caller() ledger.Caller {
	c := ledger.Caller{MSPID: a.MSPID, Regulator: a.Role == domain.RoleRegulator}
	if len(a.Stages) > 0 {
		c.Stages = a.Stages
	}
	return c
}

type ctxKey struct{}

func caller(r *http.Request) *APIKey {
	k, _ := r.Context().Value(ctxKey{}).(*APIKey)
	return k
}

// authenticate requires a valid bearer key; with regulatorOnly, the regulator's.
func (s *Server) authenticate(next http.HandlerFunc, regulatorOnly bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		key, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || key == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="agritrace"`)
			writeProblem(w, r, newProblem(http.StatusUnauthorized, "unauthenticated", "send 'Authorization: Bearer <API key>'"))
			return
		}
		key = strings.TrimSpace(key)
		client, keyID := ClientOf(r), HashKey(key)[:16]
		if wait, blocked := s.guard.Blocked(client, keyID); blocked {
			tooManyAttempts(w, r, wait)
			return
		}
		k, ok := s.keys.lookup(key)
		if !ok {
			s.guard.Failed(client, keyID, "bearer key")
			s.log.Info("unknown API key", "client", client, "path", r.URL.Path)
			w.Header().Set("WWW-Authenticate", `Bearer realm="agritrace", error="invalid_token"`)
			writeProblem(w, r, newProblem(http.StatusUnauthorized, "unauthenticated", "unknown API key"))
			return
		}
		s.guard.Succeeded(client)
		if regulatorOnly && k.Role != "regulator" {
			writeProblem(w, r, newProblem(http.StatusForbidden, "regulator-only", "only the regulator's key may use "+r.URL.Path))
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, k)))
	}
}
