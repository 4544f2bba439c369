package network

import (
	"fmt"
	"os"
	"runtime/debug"
)

// DefaultGOGC is the garbage collector's target (Go's GOGC) of every process agritrace starts:
// peers, orderers, chaincode servers and gateways, unless GOGC is set in their environment. At Go's
// default of 100 these processes collect garbage several times a second under ingest, a tenth of
// their CPU; at 400 they collect a quarter as often for about two and a half times the memory
// (docs/BENCHMARKS.md measures both: CPU per committed event, and each process's memory). On a
// host short of memory, set GOGC=100 (or GOMEMLIMIT) in the environment.
const DefaultGOGC = 400

// gcEnv is the environment entry that applies DefaultGOGC to a started process, or none when the
// operator set GOGC.
func gcEnv() []string {
	if _, set := os.LookupEnv("GOGC"); set {
		return nil
	}
	return []string{fmt.Sprintf("GOGC=%d", DefaultGOGC)}
}

// ApplyGC gives this process the collector target of the processes it starts: DefaultGOGC, unless
// GOGC is set in the environment (the runtime has applied it already).
func ApplyGC() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(DefaultGOGC)
	}
}
