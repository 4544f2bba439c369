// Package bench measures agritrace against baselines taken in the same run on the same machine:
// ingest (events/s and CPU per committed event) against a trivial key-value contract on the same
// network, QR scans of distinct lots during ingest against a bare net/http handler, lineage
// queries on a wide synthetic lineage, read-model catch-up against raw block delivery, and labels
// against stock go-qrcode.
package bench

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Row is one line of the results table.
type Row struct {
	Section  string
	Name     string
	Value    float64
	Unit     string
	Baseline float64 // 0 when the row has no baseline
	BaseUnit string  // unit of Baseline when it differs from Unit
	Target   string
	Met      *bool
	Note     string
}

// Ratio is Value / Baseline.
func (r Row) Ratio() string {
	if r.Baseline == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", r.Value/r.Baseline)
}

// Met reports a target verdict for a Row.
func Met(ok bool) *bool { return &ok }

// Report collects what one run measured.
type Report struct {
	ID      string // names the run, so an analysis can say which run it discusses
	Commit  string // the source the run measured
	Command string
	Started time.Time
	Machine string
	Rows    []Row
	CPU     []CPURow
	Notes   []string
	RSS     []RSS
	Skipped []string // phases not run, with why
	Took    time.Duration
}

// CPURow is one phase's CPU per committed item, per process.
type CPURow struct {
	Phase     string
	Per       string // what one item is ("event", "tx")
	Committed int64
	Seconds   float64
	Use       CPUUse
	Machine   time.Duration // busy CPU of the whole machine
	Load      time.Duration // CPU of the load generator (the bench process), not counted
}

// RSS is the resident memory of one process after load.
type RSS struct {
	Process string
	MiB     float64
	PeakMiB float64
}

// Add appends a row and prints it.
func (r *Report) Add(row Row) {
	r.Rows = append(r.Rows, row)
	fmt.Printf("  %-62s %10s %-10s baseline %10s  ratio %7s  target %-22s %s\n", row.Name, num(row.Value), row.Unit,
		num(row.Baseline), row.Ratio(), dash(row.Target), verdict(row.Met, "MISSED"))
}

func dash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func verdict(m *bool, missed string) string {
	if m == nil {
		return ""
	}
	if *m {
		return "met"
	}
	return missed
}

func num(v float64) string {
	switch {
	case v == 0:
		return "–"
	case math.Abs(v) >= 100:
		return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
	case math.Abs(v) >= 1:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

// Markdown renders the report for docs/BENCHMARKS.md. Everything in it comes from the run.
func (r *Report) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmarks\n\nRun `%s` of commit `%s`: `%s`, started %s, %s.\n\n", r.ID, r.Commit, r.Command, r.Started.UTC().Format("2006-01-02 15:04 MST"), r.Machine)
	b.WriteString("Every figure below was measured by this run, each next to its baseline from the same run, on the same\n" +
		"machine and network. This file is written by `agritrace bench`; analysis lives in dated files that name the run.\n")
	section := "\x00"
	for _, row := range r.Rows {
		if row.Section != section {
			section = row.Section
			fmt.Fprintf(&b, "\n## %s\n\n| benchmark | result | baseline | ratio | target | |\n|---|---|---|---|---|---|\n", section)
		}
		base := "–"
		if row.Baseline != 0 {
			u := row.BaseUnit
			if u == "" {
				u = row.Unit
			}
			base = num(row.Baseline) + " " + u
		}
		note := ""
		if row.Note != "" {
			note = " — " + row.Note
		}
		fmt.Fprintf(&b, "| %s%s | %s %s | %s | %s | %s | %s |\n", row.Name, note, num(row.Value), row.Unit, base, row.Ratio(), dash(row.Target), verdict(row.Met, "**missed**"))
	}
	if len(r.CPU) > 0 {
		r.cpuTable(&b)
	}
	if len(r.RSS) > 0 {
		b.WriteString("\n## Memory after the ingest phases\n\n| process | RSS MiB | peak MiB |\n|---|---|---|\n")
		for _, m := range r.RSS {
			fmt.Fprintf(&b, "| %s | %.0f | %.0f |\n", m.Process, m.MiB, m.PeakMiB)
		}
	}
	if len(r.Skipped) > 0 {
		b.WriteString("\n## Not measured in this run\n\n")
		for _, s := range r.Skipped {
			b.WriteString("- " + s + "\n")
		}
	}
	if r.Took > 0 {
		fmt.Fprintf(&b, "\n## Reproduce\n\n`%s` (from the repository root; `make bench` runs it at full size) took %s on this machine.\n", r.Command, r.Took.Round(time.Second))
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n## Notes from this run\n\n")
		for _, n := range r.Notes {
			b.WriteString("- " + n + "\n")
		}
	}
	return b.String()
}

// cpuTable: ms of CPU per committed item, one column per phase, one row per process.
func (r *Report) cpuTable(b *strings.Builder) {
	b.WriteString("\n## CPU per committed item, by process (ms)\n\n")
	b.WriteString("utime + stime from `/proc/<pid>/stat` over each phase's measured window, divided by the items of that phase: events (or KV transactions) committed in it, or scans served.\n\n")
	names := map[string]bool{}
	for _, c := range r.CPU {
		for n := range c.Use {
			names[n] = true
		}
	}
	var procs []string
	for n := range names {
		procs = append(procs, n)
	}
	sort.Strings(procs)
	b.WriteString("| process |")
	for _, c := range r.CPU {
		fmt.Fprintf(b, " %s (per %s) |", c.Phase, c.Per)
	}
	b.WriteString("\n|---|")
	for range r.CPU {
		b.WriteString("---|")
	}
	b.WriteString("\n")
	cell := func(c CPURow, d time.Duration) string {
		if c.Committed == 0 {
			return "–"
		}
		return fmt.Sprintf("%.3f", float64(d.Microseconds())/1000/float64(c.Committed))
	}
	for _, p := range procs {
		fmt.Fprintf(b, "| %s |", p)
		for _, c := range r.CPU {
			if d, ok := c.Use[p]; ok {
				fmt.Fprintf(b, " %s |", cell(c, d))
			} else {
				b.WriteString(" not counted |")
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("| **all counted** |")
	for _, c := range r.CPU {
		fmt.Fprintf(b, " **%s** |", cell(c, c.Use.Total()))
	}
	b.WriteString("\n| load generator (this bench process), not counted |")
	for _, c := range r.CPU {
		if c.Load == 0 {
			b.WriteString(" counted above |")
			continue
		}
		fmt.Fprintf(b, " %s |", cell(c, c.Load))
	}
	b.WriteString("\n| rest of the machine (other processes), not counted |")
	for _, c := range r.CPU {
		fmt.Fprintf(b, " %s |", cell(c, max(0, c.Machine-c.Use.Total()-c.Load)))
	}
	b.WriteString("\n| cores busy in the window, whole machine |")
	for _, c := range r.CPU {
		fmt.Fprintf(b, " %.2f of %d |", c.Machine.Seconds()/c.Seconds, runtime.NumCPU())
	}
	b.WriteString("\n| items committed in the window |")
	for _, c := range r.CPU {
		fmt.Fprintf(b, " %d in %.1f s |", c.Committed, c.Seconds)
	}
	b.WriteString("\n")
}

// percentile of durations, in milliseconds.
func percentile(d []time.Duration, p float64) float64 {
	if len(d) == 0 {
		return 0
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	i := int(math.Ceil(p*float64(len(d)))) - 1
	return float64(d[max(0, min(i, len(d)-1))].Microseconds()) / 1000
}

// ProcessRSS reads VmRSS and VmHWM of a process in MiB.
func ProcessRSS(pid int) (float64, float64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	var rss, hwm float64
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmRSS:":
			rss = v / 1024
		case "VmHWM:":
			hwm = v / 1024
		}
	}
	return rss, hwm
}
