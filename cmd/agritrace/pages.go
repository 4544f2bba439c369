package main

import (
	"log/slog"

	"github.com/agritrace/agritrace/domain"

	"github.com/agritrace/agritrace/console"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/trace"
)

// mountPages adds the QR resolver, consumer trace page and regulator console to the gateway.
func mountPages(s *gateway.Server, org domain.Org, publicURL string, log *slog.Logger) {
	// every gateway resolves QR codes (public data only); the console is the regulator's
	(&trace.Handler{Store: s.Store(), Public: publicURL, Log: log}).Mount(s.Mux())
	if org.Role == domain.RoleRegulator {
		(&console.Console{API: s, Store: s.Store(), Public: publicURL, Log: log, Guard: s.Guard()}).Mount(s.Mux())
	}
}
