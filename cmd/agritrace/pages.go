package main

import (
	"log/slog"

	"github.com/agritrace/agritrace/assets"
	"github.com/agritrace/agritrace/console"
	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/landing"
	"github.com/agritrace/agritrace/trace"
)

// mountPages adds the landing page (/ and /docs), the QR resolver and consumer trace page, the
// regulator console (on the regulator's gateway) and their stylesheets (/static/) to the
// gateway. nodes are the gateways whose health the landing page shows (every org's); without
// them it shows this one's.
func mountPages(s *gateway.Server, org domain.Org, publicURL string, platforms map[string]string, log *slog.Logger, nodes ...landing.Node) {
	assets.Mount(s.Mux())
	home := &landing.Page{Public: publicURL, Nodes: nodes, Self: s.Health, OpenAPI: gateway.OpenAPI(), Log: log}
	if org.Role == domain.RoleRegulator {
		home.Console = "/console"
	}
	home.Mount(s.Mux())
	// every gateway resolves QR codes (public data only); the console is the regulator's
	(&trace.Handler{Store: s.Store(), Public: publicURL, Log: log}).Mount(s.Mux())
	if org.Role == domain.RoleRegulator {
		(&console.Console{API: s, Store: s.Store(), Public: publicURL, Log: log, Platforms: platforms}).Mount(s.Mux())
	}
}
