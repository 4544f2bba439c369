package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/agritrace/agritrace/wire"

	"github.com/agritrace/agritrace/audit"
	"github.com/agritrace/agritrace/bench"
	"github.com/agritrace/agritrace/network"
	"github.com/agritrace/agritrace/readmodel"
)

func init() {
	register("bench", "benchmarks against baselines in the same run; writes docs/BENCHMARKS.md", runBench)
}

func runBench(ctx context.Context, args []string) error {
	fs := newFlags("bench", "bench [flags]", `Brings up a fresh network (base port 37050) and an in-process gateway, then measures, each next to
its baseline in the same run: ingest (single and bulk) against a trivial key-value contract on the
same network and client; QR resolution against a bare net/http handler; lineage queries on read
models of 10k, 100k and 1M synthetic events; read-model catch-up from block 0; 10,000 labels with
go-qrcode and boombuler/barcode. Prints a table and writes it as Markdown.`)
	out := fs.String("out", "docs/BENCHMARKS.md", "Markdown report")
	dur := fs.Duration("duration", 20*time.Second, "length of each ingest phase")
	workers := fs.Int("workers", 16, "concurrent clients")
	scales := fs.String("scales", "10000,100000,1000000", "read-model sizes (events) for the lineage benchmark")
	cache := fs.String("fabric-cache", network.DefaultCacheDir(), "Fabric binary cache")
	if err := fs.Parse(args); err != nil {
		return err
	}
	start := time.Now()
	rep := &bench.Report{Started: start}
	tmp, err := os.MkdirTemp("", "agritrace-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	fmt.Println("== labels (before the network starts, so nothing else uses the CPU)")
	sk, bb, err := bench.Labels(10000)
	if err != nil {
		return err
	}
	rep.Add(bench.Row{Name: "10,000 QR label PNGs, skip2/go-qrcode (used)", Value: sk.Seconds(), Unit: "s", Baseline: bb.Seconds(),
		Target: "≤ 5 s", Met: metp(sk.Seconds() <= 5), Note: "baseline column: boombuler/barcode, same URLs, same scale"})

	c := network.DefaultConfig(filepath.Join(tmp, "network"))
	c.BasePort = 37050
	exe, _ := os.Executable()
	c.ChaincodeCmd, c.BuilderCmd = []string{exe, "chaincode", "serve"}, []string{exe, "ccaas-builder"}
	bins, err := network.EnsureBinaries(ctx, *cache, os.Stdout)
	if err != nil {
		return err
	}
	profDir, _ := filepath.Abs(filepath.Join("docs", "profiles"))
	_ = os.MkdirAll(profDir, 0o755)
	os.Setenv("AGRITRACE_CHAINCODE_PROFILE", profDir) // inherited by the chaincode servers
	fmt.Println("== network (fresh, base port 37050)")
	if err := network.Up(ctx, c, bins, io.Discard); err != nil {
		return err
	}
	defer func() { _ = network.Down(c, true, io.Discard) }()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	addr := "127.0.0.1:18950"
	gf := gatewayFlags{state: &c.StateDir, org: ptr("hlj"), profile: ptr(""), home: ptr(filepath.Join(tmp, "gateway-hlj")), addr: &addr,
		db: ptr(filepath.Join(tmp, "readmodel.db")), public: ptr("")}
	_, shutdown, err := startGateway(ctx, gf, quiet)
	if err != nil {
		return err
	}
	defer shutdown()
	if err := waitHTTP(ctx, "http://"+addr+"/healthz", 30*time.Second); err != nil {
		return err
	}
	env, err := readEnvFile(filepath.Join(*gf.home, "gateway", "key.env"))
	if err != nil {
		return err
	}
	base, err := connectOrg(c, "hlj")
	if err != nil {
		return err
	}
	defer base.Close()
	e := bench.Env{Baseline: base, URL: "http://" + addr, Key: env["KEY"], Workers: *workers, Duration: *dur,
		Run: fmt.Sprint(start.Unix())}

	fmt.Printf("== ingest (%d clients, %s per phase)\n", *workers, *dur)
	bl := bench.Baseline(ctx, e)
	rep.Add(bench.Row{Name: "baseline: KV put, fabric-gateway client", Value: bl.PerSecond(), Unit: "tx/s",
		Note: fmt.Sprintf("p50 %.0f ms, p95 %.0f ms, %d failures", bl.P(.5), bl.P(.95), bl.Failures)})
	prof := filepath.Join("docs", "profiles", "gateway-single-ingest.pprof")
	_ = os.MkdirAll(filepath.Dir(prof), 0o755)
	pf, _ := os.Create(prof)
	_ = pprof.StartCPUProfile(pf)
	si := bench.SingleIngest(ctx, e)
	pprof.StopCPUProfile()
	pf.Close()
	rep.Add(bench.Row{Name: "single-event ingest, HTTP gateway", Value: si.PerSecond(), Unit: "tx/s", Baseline: bl.PerSecond(),
		Target: "≥ 0.8× baseline", Met: metp(si.PerSecond() >= 0.8*bl.PerSecond()),
		Note: fmt.Sprintf("p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, %d failures", si.P(.5), si.P(.95), si.P(.99), si.Failures)})
	bk := bench.BulkIngest(ctx, e, 4, 1000)
	rep.Add(bench.Row{Name: "bulk ingest, 1,000 events/request, 4 clients", Value: bk.PerSecond(), Unit: "events/s", Baseline: bl.PerSecond(),
		Target: "≥ 3,000 events/s (8×)", Met: metp(bk.PerSecond() >= 3000),
		Note: fmt.Sprintf("request→committed p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, %d failures", bk.P(.5), bk.P(.95), bk.P(.99), bk.Failures)})
	rep.Notes = append(rep.Notes, "CPU profile of the gateway during single-event ingest: `"+prof+"` (`go tool pprof -top "+prof+"`).")
	if top := pprofTop(prof); top != "" {
		rep.Notes = append(rep.Notes, "Gateway profile, top functions:\n\n```\n"+top+"\n```")
	}
	for name, pid := range network.RecordedPIDs(c) {
		r, h := bench.ProcessRSS(pid)
		rep.RSS = append(rep.RSS, bench.RSS{Process: name, MiB: r, PeakMiB: h})
	}
	r, h := bench.ProcessRSS(os.Getpid())
	rep.RSS = append(rep.RSS, bench.RSS{Process: "gateway (in the bench process)", MiB: r, PeakMiB: h})

	fmt.Println("== QR resolution (trail of 10 hops, 50 events)")
	last, err := bench.Chain(ctx, e, 10, 50)
	if err != nil {
		return err
	}
	body, err := pageBody(e.URL + bench.PathOf(last))
	if err != nil {
		return err
	}
	bareURL, stopBare, err := bench.BareServer(body)
	if err != nil {
		return err
	}
	defer stopBare()
	rd := 10 * time.Second
	bare := bench.Resolve(ctx, bareURL, "/", "text/html", *workers, rd)
	rep.Add(bench.Row{Name: fmt.Sprintf("baseline: bare net/http handler, same %d-byte page", len(body)), Value: bare.PerSecond(), Unit: "req/s",
		Note: fmt.Sprintf("p99 %.2f ms", bare.P(.99))})
	for _, v := range []struct{ name, path, accept string }{
		{"GET /t/{id}, HTML", bench.PathOf(last), "text/html"},
		{"GET /t/{id}, JSON", bench.PathOf(last), "application/json"},
	} {
		res := bench.Resolve(ctx, e.URL, v.path, v.accept, *workers, rd)
		rep.Add(bench.Row{Name: "QR resolution " + v.name, Value: res.PerSecond(), Unit: "req/s", Baseline: bare.PerSecond(),
			Target: "p99 ≤ 10 ms, ≥ 0.5×", Met: metp(res.P(.99) <= 10 && res.PerSecond() >= 0.5*bare.PerSecond()),
			Note: fmt.Sprintf("p50 %.2f ms, p99 %.2f ms, %d failures", res.P(.5), res.P(.99), res.Failures)})
	}

	fmt.Println("== read-model catch-up from block 0")
	reg, err := connectOrg(c, "reg")
	if err != nil {
		return err
	}
	defer reg.Close()
	h0, err := reg.Height(ctx, c.Channel)
	if err != nil {
		return err
	}
	fresh, err := readmodel.Open(filepath.Join(tmp, "catchup.db"))
	if err != nil {
		return err
	}
	t0 := time.Now()
	if _, err := audit.Rebuild(ctx, reg, c.Chaincode, wire.EventName, h0, fresh, nil); err != nil {
		return err
	}
	took := time.Since(t0)
	counts, _ := fresh.Counts(ctx)
	fresh.Close()
	rep.Add(bench.Row{Name: fmt.Sprintf("read-model catch-up: %d blocks, %d events", h0, counts.Events), Value: float64(counts.Events) / took.Seconds(),
		Unit: "events/s", Target: "≥ 10,000 events/s", Met: metp(float64(counts.Events)/took.Seconds() >= 10000)})

	fmt.Println("== lineage at scale (synthetic read models)")
	for _, s := range strings.Split(*scales, ",") {
		var n int
		fmt.Sscan(s, &n)
		if n <= 0 {
			continue
		}
		store, err := readmodel.Open(filepath.Join(tmp, fmt.Sprintf("syn-%d.db", n)))
		if err != nil {
			return err
		}
		tb := time.Now()
		bags, farms, err := bench.Synthetic(ctx, store, n, 42)
		if err != nil {
			store.Close()
			return err
		}
		built := time.Since(tb)
		sample := func(ids []string) []string {
			step := max(1, len(ids)/200)
			var out []string
			for i := 0; i < len(ids); i += step {
				out = append(out, ids[i])
			}
			return out
		}
		trailP50, trailP99, err := bench.QueryTimes(sample(bags), func(id string) error { _, err := store.Trail(ctx, id, 20, 500); return err })
		if err != nil {
			store.Close()
			return err
		}
		impP50, impP99, err := bench.QueryTimes(sample(farms), func(id string) error { _, _, err := store.Impact(ctx, id, 50, 5000); return err })
		store.Close()
		if err != nil {
			return err
		}
		rep.Add(bench.Row{Name: fmt.Sprintf("full trail of a retail lot, %d events", n), Value: trailP99, Unit: "ms p99",
			Target: "≤ 50 ms", Met: metp(trailP99 <= 50), Note: fmt.Sprintf("p50 %.2f ms; read model built in %s", trailP50, built.Round(time.Second))})
		rep.Add(bench.Row{Name: fmt.Sprintf("recall impact of a farm lot, %d events", n), Value: impP99, Unit: "ms p99",
			Target: "≤ 50 ms", Met: metp(impP99 <= 50), Note: fmt.Sprintf("p50 %.2f ms", impP50)})
	}

	machine := fmt.Sprintf("%d CPUs, %s, Fabric %s, BatchTimeout %s, %d orgs, 1 Raft orderer", runtime.NumCPU(), runtime.Version(),
		network.FabricVersion, c.BatchTimeout, len(c.Orgs))
	// stop the network now: the chaincode servers write their CPU profiles as they exit
	shutdown()
	_ = network.Down(c, false, io.Discard)
	if top := pprofTop(filepath.Join(profDir, "chaincode-HeilongjiangMSP.pprof")); top != "" {
		rep.Notes = append(rep.Notes, "CPU profile of the 黑龙江 chaincode server over the whole run: `docs/profiles/chaincode-HeilongjiangMSP.pprof`, top functions:\n\n```\n"+top+"\n```")
	}
	md := rep.Markdown("make bench", machine)
	if err := os.WriteFile(*out, []byte(md+benchFooter), 0o644); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s (%s)\n", *out, time.Since(start).Round(time.Second))
	return nil
}

const benchFooter = `
## What limits the figures, and what moved them

* **Ingest (single ≈ 0.7× the baseline, bulk ≈ 800 events/s against 3,000).** Two of three peers
  endorse every transaction and all three commit it, with the orderer, three chaincode servers, the
  gateway and the load generator on the same two cores. In the chaincode profile the top entries
  are system calls and futex waits: every GetState/PutState is a synchronous gRPC round trip between
  chaincode server and peer (Fabric 2.5's Go shim has no write batching; a 200-event transaction
  makes ≈ 1,400 of them, twice, one per endorser). The contract already indexes a batch only once,
  on creation. The HTTP path adds validation, a replay check against the read model and a wait until
  the read model has applied the commit (read-your-writes), which costs latency and so throughput at
  a fixed number of clients (this wait is now woken by the commit instead of polling: 0.63× → 0.73×).
  Bulk figures are quantised by whole requests of 1,000 events finished within the phase. What would
  lift ingest: peers on their own hosts (step 1 of SCALING.md), endorsement by one org for bulk
  platform uploads (` + "`--endorsement any`" + `), Fabric 3.x write batching, fewer keys per event (the
  per-event stage index could live in the read model only).
* **Catch-up** decodes blocks and applies them to SQLite in two pipelined stages (one SQL
  transaction and prepared statements per block), which took it from ≈ 8k to ≈ 11k events/s.
* **Labels.** go-qrcode scores all eight mask patterns for every symbol and allocates heavily;
  agritrace writes the PNG itself (1-bit, fast compression) and lets the heap grow during a label
  run (GOGC 800), which together took it from ≈ 13 s to ≈ 4 s for 10,000 labels; the alternative
  measured here (boombuler/barcode) stays several times slower.
* **QR resolution is met because answers are cached per read-model block**: the first scan of a
  lot after a new block renders from SQLite (≈ 600–900 req/s in an uncached run of this benchmark,
  p99 well under 10 ms at low concurrency); every further scan is served from memory.

## How to read and reproduce

` + "`make bench`" + ` (≈ 4–5 minutes on 2 cores) builds a fresh network on ports 37050+, runs an in-process gateway
on 127.0.0.1:18950, prints this table and rewrites this file. Baselines run in the same process,
on the same network, minutes apart: the ratio column is what to compare across machines.
`

func ptr(s string) *string { return &s }

func metp(b bool) *bool { return &b }

func pageBody(u string) ([]byte, error) {
	resp, err := httpGet(u)
	if err != nil {
		return nil, err
	}
	return resp, nil
}

func httpGet(u string) ([]byte, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %d", u, resp.StatusCode)
	}
	return io.ReadAll(resp.Body)
}

// pprofTop is the head of `go tool pprof -top` for a profile ("" when unavailable).
func pprofTop(path string) string {
	out, err := exec.Command("go", "tool", "pprof", "-top", "-nodecount=10", path).Output()
	if err != nil {
		return ""
	}
	var keep []string
	for _, l := range strings.Split(string(out), "\n") {
		if strings.Contains(l, "flat%") || (len(keep) > 0 && strings.TrimSpace(l) != "") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
