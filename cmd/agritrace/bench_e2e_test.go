package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agritrace/agritrace/internal/testnet"
)

// TestE2EBench runs `agritrace bench` at a tiny size on its own network and checks the report
// has every section, a CPU figure from every process of the network and the gateway, and that
// the run leaves nothing listening.
func TestE2EBench(t *testing.T) {
	testnet.Skip(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "BENCH.md")
	const basePort, gwPort = 29850, 19850
	cmd := exec.Command(testnet.Binary(t), "bench", "--quick", "--window", "2s", "--scales", "3000", "--fanout", "50", "--lots", "300",
		"--labels", "100", "--epcis-events", "3000", "--base-port", strconv.Itoa(basePort), "--gateway-port", strconv.Itoa(gwPort), "--out", out, "--profiles", filepath.Join(dir, "profiles"))
	cmd.Env = append(os.Environ(), "AGRITRACE_FABRIC_CACHE="+testnet.CacheDir(t))
	log, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bench: %v\n%s", err, log)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	md := string(b)
	for _, want := range []string{"## Labels", "## Ingest", "## QR scans during ingest", "## Read-model catch-up", "## Lineage on a wide synthetic read model",
		"## CPU per committed item", "## Reproduce", "bulk ingest: CPU per committed event",
		"## EPCIS 2.0", "GET /epcis/events paging through 3000 captured events"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	// every process of the network and the gateway is counted in bulk ingest (third column); the
	// ones every transaction passes through (all peers commit, the orderer orders, the gateway
	// submits) used CPU — which chaincode servers endorse is the gateway's choice
	for _, tc := range []struct {
		proc string
		busy bool
	}{{"peer0.hlj", true}, {"peer0.ha", true}, {"peer0.reg", true}, {"orderer0", true}, {"gateway", true},
		{"chaincode.hlj", false}, {"chaincode.ha", false}, {"chaincode.reg", false}} {
		m := regexp.MustCompile(`(?m)^\| ` + regexp.QuoteMeta(tc.proc) + ` \| [^|]+ \| [^|]+ \| ([0-9.]+) \|`).FindStringSubmatch(md)
		if m == nil {
			t.Errorf("no bulk CPU figure for %s", tc.proc)
			continue
		}
		if v, _ := strconv.ParseFloat(m[1], 64); tc.busy && v <= 0 {
			t.Errorf("%s used no CPU in bulk ingest: %s", tc.proc, m[0])
		}
	}
	// the scan rows carry the serving processes' CPU, the baseline's from its own process
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`distinct lots, each scanned once[^|]*gateway CPU [0-9.]+ ms a scan[^|]*bare server [0-9.]+ ms`),
		regexp.MustCompile(`baseline: bare net/http handler in a process of its own[^|]*its CPU [0-9.]+ ms a request`),
		regexp.MustCompile(`label PNGs[^|]*this process's CPU [0-9.]+ ms a label \(baseline [0-9.]+ ms\)`),
	} {
		if !want.MatchString(md) {
			t.Errorf("report lacks %s", want)
		}
	}
	// gwPort+1 is the gateway's profiling listener, gwPort+2 the bare baseline server
	for _, port := range []int{basePort, basePort + 100, gwPort, gwPort + 1, gwPort + 2} {
		if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond); err == nil {
			c.Close()
			t.Errorf("port %d still listening after the bench", port)
		}
	}
}
