// Package demosite serves the whole gateway — API, trace pages, console — over an in-memory ledger
// with the demo chains loaded through the API: the product without Fabric, for page tests.
package demosite

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"

	"github.com/agritrace/agritrace/assets"
	"github.com/agritrace/agritrace/console"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/internal/memledger"
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

// New starts a site and loads the seeds.
func New(t testing.TB) *Site {
	t.Helper()
	store, err := readmodel.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	keys := &gateway.Keys{}
	clear, msp := map[string]string{}, map[string]string{}
	for _, o := range network.DefaultOrgs() {
		clear[o.Key], _ = keys.NewKey(o.Label, o.Identity(), nil)
		msp[o.Key] = o.MSPID
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := gateway.New(keys, store, memledger.New(store, msp, "reg"), nil, gateway.Options{RegulatorMSP: msp["reg"]}, log)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	assets.Mount(srv.Mux())
	(&landing.Page{Public: ts.URL, Console: "/console", Self: srv.Health, OpenAPI: gateway.OpenAPI(), Log: log}).Mount(srv.Mux())
	(&trace.Handler{Store: store, Public: ts.URL, Log: log}).Mount(srv.Mux())
	names := map[string]string{}
	for _, o := range network.DefaultOrgs() {
		names[o.MSPID] = o.Label
	}
	(&console.Console{API: srv, Store: store, Public: ts.URL, Log: log, Platforms: names}).Mount(srv.Mux())
	if _, err := seeds.Load(context.Background(), seeds.SameURL(ts.URL, clear), seeds.Chains(), io.Discard); err != nil {
		t.Fatal(err)
	}
	return &Site{URL: ts.URL, Keys: clear, Store: store}
}
