package main

import (
	"log/slog"

	"github.com/agritrace/agritrace/console"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/trace"
)

// mountPages adds the QR resolver, consumer trace page and regulator console to the gateway.
func mountPages(s *gateway.Server, publicURL string, log *slog.Logger) {
	(&trace.Handler{Store: s.Store(), Public: publicURL, Log: log}).Mount(s.Mux())
	(&console.Console{API: s, Store: s.Store(), Public: publicURL, Log: log, Guard: s.Guard()}).Mount(s.Mux())
}
