// Package demosite serves the whole gateway — API, trace pages, console — over an in-memory ledger
// with the demo chains loaded through the API: the product without Fabric, for page tests.
package demosite

import (
	"context"
	"io"
	"testing"

	"github.com/agritrace/agritrace/assets"
	"github.com/agritrace/agritrace/console"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/internal/memgateway"
	"github.com/agritrace/agritrace/landing"
	"github.com/agritrace/agritrace/network"
	"github.com/agritrace/agritrace/readmodel"
	"github.com/agritrace/agritrace/seeds"
	"github.com/agritrace/agritrace/trace"
)

// Site is a running demo.
type Site struct {
	URL   string
	Keys  map[string]string // org key → API key
	Store *readmodel.Store
}

// New starts a site over an in-memory read model and loads the seeds.
func New(t testing.TB) *Site { return NewAt(t, ":memory:") }

// NewAt starts a site over the read model at target (a SQLite file is what a gateway runs on: a
// pool of connections rather than the in-memory store's one) and loads the seeds.
func NewAt(t testing.TB, target string) *Site {
	t.Helper()
	m := memgateway.StartAt(t, target, nil)
	srv, log := m.Server, m.Log
	assets.Mount(srv.Mux())
	(&landing.Page{Public: m.URL, Console: "/console", Self: srv.Health, OpenAPI: gateway.OpenAPI(), Log: log}).Mount(srv.Mux())
	(&trace.Handler{Store: m.Store, Public: m.URL, Log: log}).Mount(srv.Mux())
	names := map[string]string{}
	for _, o := range network.DefaultOrgs() {
		names[o.MSPID] = o.Label
	}
	(&console.Console{API: srv, Store: m.Store, Public: m.URL, Log: log, Platforms: names}).Mount(srv.Mux())
	if _, err := seeds.Load(context.Background(), seeds.SameURL(m.URL, m.Keys), seeds.Chains(), io.Discard); err != nil {
		t.Fatal(err)
	}
	return &Site{URL: m.URL, Keys: m.Keys, Store: m.Store}
}
