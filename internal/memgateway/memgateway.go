// Package memgateway serves the gateway's HTTP API over an in-memory ledger: the rules, the
// permission checks and the read model are the real ones, Fabric is not. Tests drive it through
// HTTP as the platforms and the regulator would, each with its own org's key.
package memgateway

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/internal/memledger"
	"github.com/agritrace/agritrace/network"
	"github.com/agritrace/agritrace/readmodel"
)

// Site is a running gateway; it stops with the test.
type Site struct {
	URL    string
	Keys   map[string]string // org key ("hlj", "ha", "reg") → its API key
	MSP    map[string]string // org key → MSP ID
	Store  *readmodel.Store
	Ledger *memledger.Ledger // the ledger under any wrapper
	Server *gateway.Server
	Log    *slog.Logger
}

// Start serves the API for the default orgs over an in-memory read model. wrap, when set, stands
// between the gateway and the in-memory ledger (a spy that records what the gateway asks of the
// ledger).
func Start(t testing.TB, wrap func(*memledger.Ledger) gateway.Ledger) *Site {
	t.Helper()
	return StartAt(t, ":memory:", wrap)
}

// StartAt is Start over the read model at target: a SQLite file is what a gateway runs on, with a
// pool of connections rather than the in-memory store's one (for benchmarks of its reads).
func StartAt(t testing.TB, target string, wrap func(*memledger.Ledger) gateway.Ledger) *Site {
	t.Helper()
	store, err := readmodel.Open(target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	keys := &gateway.Keys{}
	site := &Site{Keys: map[string]string{}, MSP: map[string]string{}, Store: store,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, o := range network.DefaultOrgs() {
		if site.Keys[o.Key], err = keys.NewKey(o.Label, o.Identity(), nil); err != nil {
			t.Fatal(err)
		}
		site.MSP[o.Key] = o.MSPID
	}
	site.Ledger = memledger.New(store, site.MSP, "reg")
	var led gateway.Ledger = site.Ledger
	if wrap != nil {
		led = wrap(site.Ledger)
	}
	site.Server = gateway.New(keys, store, led, nil, gateway.Options{RegulatorMSP: site.MSP["reg"]}, site.Log)
	ts := httptest.NewServer(site.Server)
	t.Cleanup(ts.Close)
	site.URL = ts.URL
	return site
}
