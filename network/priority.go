package network

import (
	"fmt"
	"os"
	"strconv"
)

// LedgerNiceEnv sets the scheduling niceness (nice(1), 0–19) of the ledger's own processes —
// peers, orderers and chaincode servers — when agritrace starts them. Gateways run at agritrace's
// own niceness.
const LedgerNiceEnv = "AGRITRACE_LEDGER_NICE"

// DefaultLedgerNice lets the processes that answer people — a gateway's resolver and trace pages,
// its API, the console — take a core before the ledger's own work when a host is saturated. A peer
// validating and committing a harvest-peak block holds both cores of a small host for tens of
// milliseconds (three peers at once on a one-host network), and every consumer scan waits behind
// it; at niceness 10 the gateway wins the core and the peers take every cycle it leaves, so
// ingest loses nothing on a host that is not saturated. Set AGRITRACE_LEDGER_NICE=0 to schedule
// them all alike (the dated benchmark analysis of 2026-11-26 gives the A/B it was chosen on).
const DefaultLedgerNice = 10

// ledgerNice is the niceness ledger processes start with.
func ledgerNice() (int, error) {
	v, set := os.LookupEnv(LedgerNiceEnv)
	if !set {
		return DefaultLedgerNice, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > 19 {
		return 0, fmt.Errorf("%s=%q: want a niceness from 0 to 19", LedgerNiceEnv, v)
	}
	return n, nil
}

// niced runs argv at niceness n through nice(1), which sets it before the program starts, so every
// thread the program creates has it (setpriority on a running process reaches one thread only).
func niced(argv []string, n int) []string {
	if n == 0 {
		return argv
	}
	return append([]string{"nice", "-n", strconv.Itoa(n)}, argv...)
}
