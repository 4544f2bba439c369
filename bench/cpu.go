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

// statFields are the fields of /proc/<pid>/stat from the third (state) on: the command name
// (field 2) is in parentheses and may hold spaces, so fields are counted after it.
func statFields(pid int) ([]string, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil, err
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil, fmt.Errorf("unexpected /proc/%d/stat format", pid)
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 17 {
		return nil, fmt.Errorf("short /proc/%d/stat", pid)
	}
	return f, nil
}

// ProcCPU is the CPU time (user + system) a process has used since it started.
func ProcCPU(pid int) (time.Duration, error) {
	f, err := statFields(pid)
	if err != nil {
		return 0, fmt.Errorf("cpu of pid %d: %w", pid, err)
	}
	// utime and stime are fields 14 and 15
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("cpu of pid %d: bad utime/stime", pid)
	}
	return time.Duration(ut+st) * clockTick, nil
}

// Niceness is a process's scheduling niceness (field 19 of /proc/<pid>/stat).
func Niceness(pid int) (int, error) {
	f, err := statFields(pid)
	if err != nil {
		return 0, fmt.Errorf("niceness of pid %d: %w", pid, err)
	}
	return strconv.Atoi(f[16])
}

// Niceness names each process's niceness, the processes of one niceness together, the most
// yielding first: "chaincode.ha, peer0.ha at 10; gateway at 0".
func (p Procs) Niceness() (string, error) {
	by := map[int][]string{}
	for name, pid := range p {
		n, err := Niceness(pid)
		if err != nil {
			return "", fmt.Errorf("%s: %w", name, err)
		}
		by[n] = append(by[n], name)
	}
	levels := make([]int, 0, len(by))
	for n := range by {
		levels = append(levels, n)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(levels)))
	parts := make([]string, 0, len(levels))
	for _, n := range levels {
		sort.Strings(by[n])
		parts = append(parts, fmt.Sprintf("%s at %d", strings.Join(by[n], ", "), n))
	}
	return strings.Join(parts, "; "), nil
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
