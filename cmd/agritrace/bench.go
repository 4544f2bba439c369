package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/agritrace/agritrace/bench"
	"github.com/agritrace/agritrace/network"
)

func init() {
	register("bench", "benchmarks against baselines in the same run; writes docs/BENCHMARKS.md", runBench)
}

const benchHelp = `Measures agritrace on a fresh network of its own, each figure next to a baseline from the same run:
  labels     10,000 label PNGs against stock go-qrcode Encode (before the network starts)
  ingest     KV-put baseline, single-event and bulk ingest through a gateway process: events/s and
             CPU per committed event (utime+stime of every network process and the gateway, /proc)
  scans      QR scans of distinct lots (cache misses) during bulk ingest at half speed, against a
             bare net/http handler serving the same page under the same load
  catch-up   a fresh read model from block 0, against raw block delivery and decoding
  lineage    trail and recall impact on a synthetic read model with fan-out ≥ 1,000 batches, against
             the same queries on one of the same size with fan-out 10
  reserve    the regulator's granary list over 1,000 granaries × 20 bins reconciled, against the
             same reconciliations in memory
  epcis      EPCIS 2.0 capture of 1,000-event documents: events/s and CPU per event against the
             same events through native bulk ingest, in rotating windows with a control side (native
             too: how far it strays from the native side is the method's own spread)
  epcis-paging  GET /epcis/events paging through a synthetic read model of 1 M captured EPCIS events
             (quick: 100k) with nextPageToken, against reading the same pages from the read model
Writes the table (and nothing the run did not measure) to --out, CPU profiles to docs/profiles.
--quick runs reduced sizes (about 5 minutes on 2 cores) for development.`

// benchOpts are the sizes of a run.
type benchOpts struct {
	quick              bool
	out, cache         string
	warm, window       time.Duration
	profile            time.Duration // extra window after the measured one, profiled
	workers, bulkPer   int
	bulkClients        int
	lots, labels       int
	scales             []int
	fanout             int
	epcisEvents        int // events of the synthetic read model the epcis-paging phase pages through
	basePort, gwPort   int
	profDir, cmdString string
}

// benchPhase is one part of the run. Adding a benchmark is one function appended to benchPhases;
// a phase that needs a feature the build lacks says so through skip and is listed as not measured.
type benchPhase struct {
	name string
	run  func(r *benchRun) error
	net  bool // needs the Fabric network and the gateway
}

var benchPhases = []benchPhase{
	{"ingest", phaseIngest, true},
	{"scans", phaseScans, true},
	{"catch-up", phaseCatchUp, true},
	{"lineage", phaseLineage, false},
	{"reserve", phaseReserve, false},
	{"epcis", phaseEPCIS, true},
	{"epcis-paging", phaseEPCISPaging, false},
}

func runBench(ctx context.Context, args []string) error {
	fs := newFlags("bench", "bench [flags]", benchHelp)
	o := benchOpts{}
	fs.BoolVar(&o.quick, "quick", false, "reduced sizes for development (shorter windows, 100k-event lineage)")
	fs.StringVar(&o.out, "out", "docs/BENCHMARKS.md", "Markdown report")
	fs.StringVar(&o.cache, "fabric-cache", network.DefaultCacheDir(), "Fabric binary cache")
	fs.DurationVar(&o.window, "window", 0, "measured window of each ingest phase (default 20s, quick 8s)")
	fs.IntVar(&o.workers, "workers", 16, "concurrent clients of the single-event and scan phases")
	fs.IntVar(&o.basePort, "base-port", 37050, "first port of the bench network (orderers base.., peers base+100..)")
	fs.IntVar(&o.gwPort, "gateway-port", 18950, "gateway port (its profiling listener takes the next one)")
	scales := fs.String("scales", "", "lineage read-model sizes in events, comma-separated (default 1000000, quick 100000)")
	fs.IntVar(&o.fanout, "fanout", 1000, "bag lots split from each milled lot in the synthetic lineage")
	fs.IntVar(&o.lots, "lots", 10000, "distinct lots scanned during ingest")
	fs.IntVar(&o.labels, "labels", 10000, "label PNGs rendered")
	fs.IntVar(&o.epcisEvents, "epcis-events", 0, "captured EPCIS events the epcis-paging phase pages through (default 1000000, quick 100000)")
	profiles := fs.String("profiles", filepath.Join("docs", "profiles"), "where CPU profiles are written")
	only := fs.String("phases", "", "run only these phases, comma-separated (labels, ingest, scans, catch-up, lineage, reserve, epcis, epcis-paging); default all")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.bulkClients, o.bulkPer = 4, 1000
	o.warm, o.profile = 5*time.Second, 10*time.Second
	def := "1000000"
	if o.quick {
		o.warm, o.profile, def = 3*time.Second, 5*time.Second, "100000"
		if o.window == 0 {
			o.window = 8 * time.Second
		}
	}
	if o.window == 0 {
		o.window = 20 * time.Second
	}
	if *scales == "" {
		*scales = def
	}
	if o.epcisEvents <= 0 {
		o.epcisEvents = 1000000
		if o.quick {
			o.epcisEvents = 100000
		}
	}
	for _, s := range strings.Split(*scales, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return fmt.Errorf("--scales: %q is not a positive number of events", s)
		}
		o.scales = append(o.scales, n)
	}
	run, err := selectPhases(*only)
	if err != nil {
		return err
	}
	// the catch-up phase builds a read model in this process, as a gateway would: collect as one
	network.ApplyGC()
	o.cmdString = strings.Join(append([]string{"agritrace bench"}, args...), " ")
	abs, err := filepath.Abs(*profiles)
	if err != nil {
		return err
	}
	o.profDir = abs
	if err := os.MkdirAll(o.profDir, 0o755); err != nil {
		return err
	}

	start := time.Now()
	rep := &bench.Report{ID: start.UTC().Format("20060102T150405Z"), Command: o.cmdString, Started: start, Commit: sourceCommit()}
	if run["labels"] {
		if err := phaseLabels(rep, o); err != nil {
			return err
		}
	}
	r := &benchRun{ctx: ctx, o: o, rep: rep}
	if needsNetwork(run) {
		if r, err = startBenchRun(ctx, o, rep); err != nil {
			return err
		}
	} else if r.tmp, err = os.MkdirTemp("", "agritrace-bench-"); err != nil {
		return err
	}
	defer r.close()
	for _, p := range benchPhases {
		if !run[p.name] {
			continue
		}
		fmt.Printf("== %s\n", p.name)
		if err := p.run(r); err != nil {
			var s skip
			if errors.As(err, &s) {
				rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s: %s", p.name, s.why))
				continue
			}
			return fmt.Errorf("bench %s: %w", p.name, err)
		}
	}
	rep.Machine = fmt.Sprintf("%d CPUs, %s", runtime.NumCPU(), runtime.Version())
	if needsNetwork(run) {
		rep.Machine += fmt.Sprintf(", Fabric %s, BatchTimeout %s, %d txs/block, %d orgs (endorsement %s), %d Raft orderer(s)",
			network.FabricVersion, r.net.BatchTimeout, r.net.BatchMaxTx, len(r.net.Orgs), r.net.Endorsement, r.net.Orderers)
		if nice, err := r.procs(true).Niceness(); err == nil {
			rep.Machine += ", niceness: " + nice
		}
	}
	// the chaincode servers write their CPU profiles as they exit
	r.close()
	for _, org := range r.net.Orgs {
		p := filepath.Join(o.profDir, "chaincode-"+org.MSPID+".pprof")
		if _, err := os.Stat(p); err == nil {
			rep.Notes = append(rep.Notes, fmt.Sprintf("CPU profile of the %s chaincode server over the whole run: `%s`.", org.MSPID, relProfile(p)))
		}
	}
	rep.Took = time.Since(start)
	md := rep.Markdown()
	// the bench-scale sections are another command's output (tens of minutes): carry them over
	if keep := bench.KeepSections(o.out); keep != "" {
		md += "\n" + keep
	}
	if err := os.WriteFile(o.out, []byte(md), 0o644); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s (run %s, %s)\n", o.out, rep.ID, time.Since(start).Round(time.Second))
	return nil
}

// selectPhases turns --phases into the set to run; empty means every phase.
func selectPhases(list string) (map[string]bool, error) {
	run := map[string]bool{"labels": list == ""}
	for _, p := range benchPhases {
		run[p.name] = list == ""
	}
	if list == "" {
		return run, nil
	}
	for _, name := range strings.Split(list, ",") {
		name = strings.TrimSpace(name)
		if _, ok := run[name]; !ok {
			return nil, fmt.Errorf("--phases: no phase %q", name)
		}
		run[name] = true
	}
	return run, nil
}

func needsNetwork(run map[string]bool) bool {
	for _, p := range benchPhases {
		if p.net && run[p.name] {
			return true
		}
	}
	return false
}

// skip is a phase's reason for not running (a feature missing from this build).
type skip struct{ why string }

func (s skip) Error() string { return "skipped: " + s.why }

// sourceCommit names the checkout the bench runs in ("+ changes" when it differs from it).
func sourceCommit() string {
	out, err := exec.Command("git", "rev-parse", "--short=12", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	c := strings.TrimSpace(string(out))
	// generated files (this report, profiles) do not count as changes to what was measured
	st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!docs/BENCHMARKS.md", ":!docs/profiles").Output()
	if err == nil && len(strings.TrimSpace(string(st))) > 0 {
		c += " + uncommitted changes"
	}
	return c
}

func relProfile(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, p); err == nil {
			return r
		}
	}
	return p
}

func phaseLabels(rep *bench.Report, o benchOpts) error {
	fmt.Printf("== labels (before the network starts, so nothing else uses the CPU)\n")
	ours, stock, err := bench.Labels(o.labels)
	if err != nil {
		return err
	}
	per := func(r bench.LabelRun) float64 { return r.CPU.Seconds() * 1e3 / float64(o.labels) }
	rep.Add(bench.Row{Section: "Labels", Name: fmt.Sprintf("%d label PNGs (4 px/module, level Q), agritrace qr", o.labels), Value: ours.Wall.Seconds(), Unit: "s",
		Baseline: stock.Wall.Seconds(), Target: "≤ 2 s", Met: bench.Met(ours.Wall.Seconds() <= 2),
		Note: fmt.Sprintf("baseline: stock go-qrcode `Encode`, same URLs and pixel size, same cores; this process's CPU %.3f ms a label (baseline %.3f ms), %.2f of %d cores busy with it",
			per(ours), per(stock), ours.CPU.Seconds()/ours.Wall.Seconds(), runtime.GOMAXPROCS(0))})
	return nil
}
