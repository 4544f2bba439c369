package main

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
)

// AGRITRACE_PPROF_ADDR=127.0.0.1:port serves Go's profiling endpoints (/debug/pprof/…) on their
// own listener, apart from the gateway's API, so `agritrace bench` can profile a gateway process
// over exactly one phase. Unset (the default), nothing listens.
func init() {
	addr := os.Getenv("AGRITRACE_PPROF_ADDR")
	if addr == "" {
		return
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		slog.Warn("pprof listener", "addr", addr, "err", err)
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	go func() { _ = http.Serve(ln, mux) }()
}
