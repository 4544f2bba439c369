package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/agritrace/agritrace/bench"
	"github.com/agritrace/agritrace/internal/pgcluster"
	"github.com/agritrace/agritrace/readmodel"
)

func init() {
	register("bench-scale", "read models of millions of synthetic events in SQLite and PostgreSQL; a section of docs/BENCHMARKS.md", runBenchScale)
}

func runBenchScale(ctx context.Context, args []string) error {
	fs := newFlags("bench-scale", "bench-scale [flags]", `Writes a synthetic ledger shaped like a national harvest (hundreds of farm lots merged into a silo
lot, a reserve move, milling, splits into thousands of retail lots, each stored and sold; shared
storage and blends link the groups) into each read-model store through the catch-up path, then
measures catch-up events/s, full trail of a retail lot, recall impact of a farm lot, searches, and
disk bytes per event. PostgreSQL is a throw-away cluster of its own unless --pg names a database.
Replaces the bench-scale section of --out (make bench keeps it). With --reuse it only measures the
queries again on the database a run with --pg and the same --events left (after a change of index,
plan or server setting), without the catch-up row, into a section of its own beside the full run's.`)
	events := fs.Int("events", 10_000_000, "events in the synthetic ledger")
	stores := fs.String("stores", "sqlite,postgres", "stores to measure")
	pgURL := fs.String("pg", "", "PostgreSQL database to use (default: a throw-away cluster)")
	pgPort := fs.Int("pg-port", 25439, "loopback port of the throw-away cluster")
	dir := fs.String("dir", "", "where the SQLite file and the cluster live (default: the system temp dir)")
	samples := fs.Int("samples", 200, "queries of each kind")
	out := fs.String("out", "docs/BENCHMARKS.md", "Markdown report (its bench-scale section is replaced); empty: print only")
	reuse := fs.Bool("reuse", false, "measure the queries on the --pg database an earlier run with the same --events wrote, writing nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *reuse && (*pgURL == "" || *stores != "postgres") {
		return fmt.Errorf("--reuse: needs --pg and --stores postgres (a throw-away cluster or SQLite file is gone after its run)")
	}
	tmp, err := os.MkdirTemp(*dir, "agritrace-bench-scale-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	start := time.Now()
	rep := &bench.Report{ID: start.UTC().Format("20060102T150405Z"), Started: start, Commit: sourceCommit(),
		Command: fmt.Sprintf("agritrace bench-scale --events %d --samples %d", *events, *samples)}
	if *stores != "sqlite,postgres" {
		rep.Command += " --stores " + *stores
	}
	if *reuse {
		rep.Command += " --reuse"
	}
	for _, kind := range strings.Split(*stores, ",") {
		var target string
		switch kind {
		case "sqlite":
			target = filepath.Join(tmp, "readmodel.db")
		case "postgres":
			target = *pgURL
			if target == "" {
				srv, err := pgcluster.Start(ctx, *dir, *pgPort)
				if err != nil {
					return err
				}
				defer srv.Stop()
				if target, err = srv.CreateDatabase(ctx, "benchscale"); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("--stores: unknown store %q (sqlite, postgres)", kind)
		}
		if err := benchScaleStore(ctx, rep, kind, target, *events, *samples, !*reuse); err != nil {
			return fmt.Errorf("bench-scale %s: %w", kind, err)
		}
		if kind == "sqlite" {
			// at 10⁷ events the file is tens of GB: free it before the next store is written
			for _, f := range []string{target, target + "-wal", target + "-shm"} {
				if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
					return err
				}
			}
		}
	}
	rep.Machine = fmt.Sprintf("%d CPUs, %s, %s", runtime.NumCPU(), runtime.Version(), pgVersion(*pgURL == ""))
	rep.Took = time.Since(start)
	kind := bench.ScaleFull
	if *reuse {
		kind = bench.ScaleReuse
	}
	section := scaleSection(rep.Markdown(), *reuse)
	if *out == "" {
		fmt.Print(section)
		return nil
	}
	return bench.WriteSection(*out, kind, section)
}

// scaleSection turns a report into a section of docs/BENCHMARKS.md: its title one level down,
// its sections two.
func scaleSection(md string, reuse bool) string {
	md = strings.ReplaceAll(md, "\n## ", "\n### ")
	title := "## Read models at scale (`make bench-scale`)\n"
	if reuse {
		title = "## Read models at scale: queries measured again (`agritrace bench-scale --reuse`)\n"
	}
	md = strings.Replace(md, "# Benchmarks\n", title, 1)
	md = strings.Replace(md, "Every figure below was measured by this run, each next to its baseline from the same run, on the same\n"+
		"machine and network. This file is written by `agritrace bench`;",
		"Every figure below was measured by this run (synthetic ledgers written through the catch-up path, no network).\n"+
			"This section is written by `agritrace bench-scale`;", 1)
	return strings.Replace(md, "`make bench` runs it at full size", "`make bench-scale` runs it at 10⁷ events", 1)
}

// pgVersion names the installed server; throwAway says the run started its own cluster with it
// (with --pg the database's server and its settings are the operator's).
func pgVersion(throwAway bool) string {
	bin, err := pgcluster.Binaries()
	if err != nil {
		return "PostgreSQL not installed"
	}
	out, err := exec.Command(filepath.Join(bin, "postgres"), "--version").Output()
	if err != nil {
		return "PostgreSQL ?"
	}
	if !throwAway {
		return strings.TrimSpace(string(out)) + " installed (the run used the --pg database's server)"
	}
	return strings.TrimSpace(string(out)) + " (a throw-away cluster, fsync off)"
}

// benchScaleStore writes the synthetic ledger into the store at target (unless write is false: the
// database holds it from an earlier run) and measures the queries on it.
func benchScaleStore(ctx context.Context, rep *bench.Report, kind, target string, events, samples int, write bool) error {
	store, err := readmodel.Open(target)
	if err != nil {
		return err
	}
	defer store.Close()
	var into *readmodel.Store
	if write {
		into = store
		fmt.Printf("== %s: writing %d synthetic events\n", kind, events)
	} else {
		fmt.Printf("== %s: generating %d synthetic events again for their IDs (the database holds them)\n", kind, events)
	}
	step, next := max(1, events/20), 0
	t0, cpuW := time.Now(), processCPU()
	ids, err := bench.Scale(ctx, into, events, bench.DefaultScaleShape, 42, func(n int) {
		if n >= next {
			fmt.Printf("  %d events, %.0f events/s\n", n, float64(n)/time.Since(t0).Seconds())
			next = n + step
		}
	})
	if err != nil {
		return err
	}
	took := time.Since(t0)
	// the CPU this process spent per event (generation included; a PostgreSQL server's own CPU not):
	// on a shared machine the rate follows the neighbours' load, this much less
	cpuPerEvent := float64((processCPU() - cpuW).Microseconds()) / float64(max(1, ids.Events))
	n := ids.Events
	if !write {
		// the checkpoint, not counts: counting 10⁷ rows would read the tables through the cache
		// the queries are measured on
		if cp, err := store.Checkpoint(ctx); err != nil {
			return err
		} else if cp.Block != ids.Blocks {
			return fmt.Errorf("--reuse: the database stands at block %d, not at the %d blocks of --events %d", cp.Block, ids.Blocks, events)
		}
		rep.Notes = append(rep.Notes, fmt.Sprintf("%s: queries measured again on the database an earlier run wrote (--reuse); catch-up not measured", kind))
	}
	// planner statistics, as autovacuum (PostgreSQL) or PRAGMA optimize (SQLite) keep them on a
	// live read model; a freshly bulk-loaded one has none
	if _, err := store.DB().ExecContext(ctx, "ANALYZE"); err != nil {
		return err
	}
	if write {
		rate := float64(n) / took.Seconds()
		rep.Add(bench.Row{Section: kind, Name: fmt.Sprintf("%s: catch-up, %d events in %d blocks", kind, n, ids.Blocks), Value: rate, Unit: "events/s",
			Target: "≥ 10,000 events/s", Met: bench.Met(rate >= 10000), Note: fmt.Sprintf("built in %s; this process's CPU %.0f µs an event", took.Round(time.Second), cpuPerEvent)})
	}

	pick := func(from []string) []string {
		rng := rand.New(rand.NewPCG(9, 9))
		out := make([]string, 0, samples)
		for i := 0; i < samples && len(from) > 0; i++ {
			out = append(out, from[rng.IntN(len(from))])
		}
		return out
	}
	// the machine is shared: the CPU this process and the PostgreSQL backends used per query and the
	// load average say how much of a wall-clock figure is waiting for a core
	cpu0, srv0, load0 := processCPU(), serverCPU(ctx, store), loadAvg()
	trails := pick(ids.Retail)
	trail50, trail99, err := bench.QueryTimes(trails, func(id string) error { _, err := store.Trail(ctx, id, 20, 500); return err })
	if err != nil {
		return err
	}
	cpu1, srv1 := processCPU(), serverCPU(ctx, store)
	rep.Add(bench.Row{Section: kind, Name: fmt.Sprintf("%s: full trail of a retail lot (≈ 200–800 farm lots upstream), %d events", kind, n), Value: trail99, Unit: "ms p99",
		Target: "≤ 50 ms", Met: bench.Met(trail99 <= 50), Note: fmt.Sprintf("p50 %.2f ms; %s", trail50, queryCPUNote(cpu1-cpu0, srv0, srv1, len(trails)))})
	farms := pick(ids.Farms)
	imp50, imp99, err := bench.QueryTimes(farms, func(id string) error { _, _, err := store.Impact(ctx, id, 50, 5000); return err })
	if err != nil {
		return err
	}
	cpu2, srv2 := processCPU(), serverCPU(ctx, store)
	rep.Add(bench.Row{Section: kind, Name: fmt.Sprintf("%s: recall impact of a farm lot (1,000–5,000 descendants), %d events", kind, n), Value: imp99, Unit: "ms p99",
		Target: "≤ 50 ms", Met: bench.Met(imp99 <= 50), Note: fmt.Sprintf("p50 %.2f ms; %s", imp50, queryCPUNote(cpu2-cpu1, srv1, srv2, len(farms)))})
	s50, s99, err := bench.SearchMix(ctx, store, samples*3)
	if err != nil {
		return err
	}
	cpu3, srv3 := processCPU(), serverCPU(ctx, store)
	rep.Add(bench.Row{Section: kind, Name: fmt.Sprintf("%s: searches (region prefix, stage + week, product; pages of 50), %d events", kind, n), Value: s99, Unit: "ms p99",
		Target: "≤ 50 ms", Met: bench.Met(s99 <= 50), Note: fmt.Sprintf("p50 %.2f ms; %s", s50, queryCPUNote(cpu3-cpu2, srv2, srv3, samples*3))})
	rep.Notes = append(rep.Notes, fmt.Sprintf("%s queries ran with the machine's load average at %s → %s (2 cores shared with other work)", kind, load0, loadAvg()))
	size, err := store.DiskBytes(ctx)
	if err != nil {
		return err
	}
	rep.Add(bench.Row{Section: kind, Name: fmt.Sprintf("%s: disk per event, %d events", kind, n), Value: float64(size) / float64(n), Unit: "bytes",
		Note: fmt.Sprintf("%.2f GB in all, indexes included", float64(size)/1e9)})
	return nil
}

// processCPU is the user+system CPU time this process has used.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// serverCPU is the CPU time each PostgreSQL backend serving the store's database has used, by PID
// (nil for SQLite, or when the server's processes are not on this machine).
func serverCPU(ctx context.Context, store *readmodel.Store) map[int]time.Duration {
	if store.Dialect() != "postgres" {
		return nil
	}
	rows, err := store.DB().QueryContext(ctx, `SELECT pid FROM pg_stat_activity WHERE datname = current_database()`)
	if err != nil {
		return nil
	}
	defer rows.Close()
	out := map[int]time.Duration{}
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) != nil {
			return nil
		}
		if d, err := bench.ProcCPU(pid); err == nil {
			out[pid] = d
		}
	}
	if rows.Err() != nil || len(out) == 0 {
		return nil
	}
	return out
}

// queryCPUNote says the CPU a query took in this process and, when known, in the PostgreSQL backends
// (those that started in between counted from zero).
func queryCPUNote(client time.Duration, srv0, srv1 map[int]time.Duration, n int) string {
	note := fmt.Sprintf("this process's CPU %.1f ms a query", perQuery(client, n))
	if srv1 == nil {
		return note
	}
	var d time.Duration
	for pid, t := range srv1 {
		d += t - srv0[pid]
	}
	return note + fmt.Sprintf(", the PostgreSQL server's %.1f ms", perQuery(d, n))
}

func perQuery(d time.Duration, n int) float64 {
	return float64(d.Microseconds()) / 1000 / float64(max(1, n))
}

// loadAvg is the 1-minute load average, as /proc/loadavg gives it.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}
