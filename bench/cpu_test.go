package bench

import (
	"os"
	"testing"
	"time"
)

func TestProcCPUCountsWork(t *testing.T) {
	before, err := ProcCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	// burn ≈ 200 ms of CPU so the 10 ms ticks must move
	x := 0
	for start := time.Now(); time.Since(start) < 200*time.Millisecond; {
		x++
	}
	after, err := ProcCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if used := after - before; used < 100*time.Millisecond || used > 2*time.Second {
		t.Fatalf("200 ms busy loop measured as %s (x=%d)", used, x)
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
