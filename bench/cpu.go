package bench

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// clockTick is USER_HZ, the unit of utime and stime in /proc/<pid>/stat: 100 on every Linux
// architecture Go supports (the kernel's internal HZ may differ; /proc always reports USER_HZ).
const clockTick = 10 * time.Millisecond

// ProcCPU is the CPU time (user + system) a process has used since it started.
func ProcCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("cpu of pid %d: %w", pid, err)
	}
	// the command name (field 2) is in parentheses and may hold spaces: count fields after it
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("cpu of pid %d: unexpected /proc stat format", pid)
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state); utime and stime are fields 14 and 15
	if len(f) < 13 {
		return 0, fmt.Errorf("cpu of pid %d: short /proc stat", pid)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("cpu of pid %d: bad utime/stime", pid)
	}
	return time.Duration(ut+st) * clockTick, nil
}

// Procs names the processes whose CPU a phase accounts for.
type Procs map[string]int

// CPUSample is the CPU time of each process at one instant.
type CPUSample map[string]time.Duration

// Sample reads every process's CPU time. A process that has gone away is an error: a phase whose
// network lost a node would report a CPU figure that silently leaves part of the work out.
func (p Procs) Sample() (CPUSample, error) {
	out := CPUSample{}
	for name, pid := range p {
		d, err := ProcCPU(pid)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = d
	}
	return out, nil
}

// CPUUse is the CPU each process used between two samples.
type CPUUse map[string]time.Duration

// Since is the CPU used from an earlier sample to this one.
func (s CPUSample) Since(earlier CPUSample) CPUUse {
	out := CPUUse{}
	for k, v := range s {
		out[k] = v - earlier[k]
	}
	return out
}

// Total is the CPU of the named processes (all of them when none are named).
func (u CPUUse) Total(names ...string) time.Duration {
	if len(names) == 0 {
		for n := range u {
			names = append(names, n)
		}
	}
	var t time.Duration
	for _, n := range names {
		t += u[n]
	}
	return t
}

// Names lists the processes in a stable order.
func (u CPUUse) Names() []string {
	out := make([]string, 0, len(u))
	for n := range u {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// MachineBusy is the CPU time all cores of the machine have spent busy since boot (/proc/stat:
// everything but idle and iowait). Next to the counted processes it shows how much of a window's
// CPU went to processes outside the bench: other work on a shared machine.
func MachineBusy() (time.Duration, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 6 || f[0] != "cpu" {
		return 0, fmt.Errorf("unexpected /proc/stat: %q", line)
	}
	var busy int64
	for i, v := range f[1:] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("unexpected /proc/stat: %q", line)
		}
		// user nice system idle iowait irq softirq steal guest guest_nice; guest time is already
		// inside user, and idle and iowait are not work
		if i == 3 || i == 4 || i >= 8 {
			continue
		}
		busy += n
	}
	return time.Duration(busy) * clockTick, nil
}
