// Package bench measures agritrace against baselines taken in the same run on the same machine:
// ingest against a trivial key-value contract on the same network, QR resolution against a bare
// net/http handler, lineage queries as the read model grows, read-model catch-up, and labels.
package bench

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Row is one line of the results table.
type Row struct {
	Name     string
	Value    float64
	Unit     string
	Baseline float64 // 0 when the row has no baseline
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

// Report collects rows and notes.
type Report struct {
	Started time.Time
	Rows    []Row
	Notes   []string
	RSS     []RSS
}

// RSS is the resident memory of one process after load.
type RSS struct {
	Process string
	MiB     float64
	PeakMiB float64
}

func met(ok bool) *bool { return &ok }

// Add appends a row.
func (r *Report) Add(row Row) {
	r.Rows = append(r.Rows, row)
	target := row.Target
	if target == "" {
		target = "–"
	}
	verdict := ""
	if row.Met != nil {
		verdict = map[bool]string{true: "met", false: "MISSED"}[*row.Met]
	}
	fmt.Printf("  %-58s %12s %-8s baseline %10s  ratio %7s  target %-16s %s\n", row.Name, num(row.Value), row.Unit,
		num(row.Baseline), row.Ratio(), target, verdict)
}

func num(v float64) string {
	switch {
	case v == 0:
		return "–"
	case v >= 100:
		return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
	case v >= 1:
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 3, 64)
}

// Markdown renders the report for docs/BENCHMARKS.md.
func (r *Report) Markdown(command, machine string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmarks\n\nProduced by `%s` on %s, %s.\n\n", command, r.Started.UTC().Format("2006-01-02 15:04 MST"), machine)
	b.WriteString("Every figure is measured in the same run as its baseline, on the same machine and network.\n\n")
	b.WriteString("| benchmark | result | baseline | ratio | target | |\n|---|---|---|---|---|---|\n")
	for _, row := range r.Rows {
		verdict := ""
		if row.Met != nil {
			verdict = map[bool]string{true: "met", false: "**missed**"}[*row.Met]
		}
		base := "–"
		if row.Baseline != 0 {
			base = num(row.Baseline) + " " + row.Unit
		}
		t := row.Target
		if t == "" {
			t = "–"
		}
		note := ""
		if row.Note != "" {
			note = " — " + row.Note
		}
		fmt.Fprintf(&b, "| %s%s | %s %s | %s | %s | %s | %s |\n", row.Name, note, num(row.Value), row.Unit, base, row.Ratio(), t, verdict)
	}
	if len(r.RSS) > 0 {
		b.WriteString("\n## Memory after load\n\n| process | RSS MiB | peak MiB |\n|---|---|---|\n")
		for _, m := range r.RSS {
			fmt.Fprintf(&b, "| %s | %.0f | %.0f |\n", m.Process, m.MiB, m.PeakMiB)
		}
	}
	if len(r.Notes) > 0 {
		b.WriteString("\n## Notes\n\n")
		for _, n := range r.Notes {
			b.WriteString("- " + n + "\n")
		}
	}
	return b.String()
}

// percentile of sorted durations, in milliseconds.
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
