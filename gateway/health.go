package gateway

import (
	"context"
	"fmt"
	"net/http"
)

// Health is the /healthz body.
type Health struct {
	Status      string `json:"status"` // ok or degraded
	LedgerBlock uint64 `json:"ledgerBlock"`
	Following   bool   `json:"following"` // read-model event stream connected
	// leader: this replica writes the read model; standby: another replica on the same PostgreSQL does
	ReadModelRole string `json:"readModelRole,omitempty"`
	Batches       int    `json:"batches"`
	Events        int    `json:"events"`
	Org           string `json:"org,omitempty"`  // the org this gateway acts as
	Role          string `json:"role,omitempty"` // platform or regulator (whose gateway serves the console)
}

func (s *Server) getHealth(w http.ResponseWriter, r *http.Request) {
	h, err := s.Health(r.Context())
	if err != nil {
		writeProblem(w, r, newProblem(http.StatusServiceUnavailable, "read-model", err.Error()))
		return
	}
	writeJSON(w, http.StatusOK, h)
}

// Health is what /healthz answers: the read model's block and counts, and whether it follows
// the ledger's block events.
func (s *Server) Health(ctx context.Context) (Health, error) {
	c, err := s.store.Counts(ctx)
	if err != nil {
		return Health{}, fmt.Errorf("read model counts: %w", err)
	}
	h := Health{Status: "ok", LedgerBlock: c.Block, Following: s.follower == nil || s.follower.Connected(), Batches: c.Batches, Events: c.Events,
		Org: s.opts.Org.Key, Role: s.opts.Org.Role}
	if s.follower != nil {
		// a standby replica follows through the leader writing the shared read model
		h.ReadModelRole = s.follower.Role()
		h.Following = h.Following || h.ReadModelRole == "standby"
	}
	if !h.Following {
		h.Status = "degraded"
	}
	return h, nil
}
