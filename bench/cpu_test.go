package bench

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

func rusageCPU(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestProcCPUAgreesWithGetrusage burns CPU until getrusage (an independent account) shows 200 ms
// more, and checks /proc says the same within its 10 ms ticks (and scheduling in between).
func TestProcCPUAgreesWithGetrusage(t *testing.T) {
	before, err := ProcCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	r0 := rusageCPU(t)
	x := 0
	for rusageCPU(t)-r0 < 200*time.Millisecond {
		for i := 0; i < 100000; i++ {
			x++
		}
	}
	r1 := rusageCPU(t)
	after, err := ProcCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if d := (after - before) - (r1 - r0); d < -50*time.Millisecond || d > 50*time.Millisecond {
		t.Fatalf("/proc measured %s, getrusage %s (x=%d)", after-before, r1-r0, x)
	}
}

func TestProcCPUGoneProcess(t *testing.T) {
	if _, err := ProcCPU(1 << 30); err == nil {
		t.Fatal("want an error for a pid that does not exist")
	}
	p := Procs{"self": os.Getpid(), "gone": 1 << 30}
	if _, err := p.Sample(); err == nil {
		t.Fatal("want Sample to refuse a missing process")
	}
}

func TestMachineBusyMoves(t *testing.T) {
	m0, err := MachineBusy()
	if err != nil {
		t.Fatal(err)
	}
	r0 := rusageCPU(t)
	for rusageCPU(t)-r0 < 100*time.Millisecond {
	}
	m1, err := MachineBusy()
	if err != nil {
		t.Fatal(err)
	}
	// the machine was busy at least as long as this process was
	if m1-m0 < 80*time.Millisecond {
		t.Fatalf("machine busy moved %s while this process used ≥ 100 ms", m1-m0)
	}
}

// TestProcsNiceness reads each process's niceness from /proc, grouping processes of one niceness.
func TestProcsNiceness(t *testing.T) {
	cmd := exec.Command("nice", "-n", "5", "sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	own, err := Niceness(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("a, b at %d; me at %d", min(own+5, 19), own)
	var got string
	for range 200 { // until nice(1) has set it and execed sleep
		if got, err = (Procs{"me": os.Getpid(), "b": cmd.Process.Pid, "a": cmd.Process.Pid}).Niceness(); err != nil {
			t.Fatal(err)
		}
		if got == want {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("niceness %q, want %q", got, want)
}
