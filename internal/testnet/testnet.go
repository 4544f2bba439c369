// Package testnet starts a real agritrace Fabric network for end-to-end tests, through the same
// CLI a user runs, and tears it down when the test ends.
package testnet

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/agritrace/agritrace/network"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary builds cmd/agritrace once per test process and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		root := ModuleRoot(t)
		dir, err := os.MkdirTemp("", "agritrace-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "agritrace")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/agritrace")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = err
			t.Logf("%s", out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build agritrace: %v", buildErr)
	}
	return binPath
}

// ModuleRoot is the directory of go.mod.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	return filepath.Dir(strings.TrimSpace(string(out)))
}

// Skip skips end-to-end tests under -short.
func Skip(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test on a real Fabric network; skipped with -short")
	}
}

// Run runs the agritrace CLI and returns its combined output.
func Run(t testing.TB, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(Binary(t), args...)
	cmd.Env = append(os.Environ(), "AGRITRACE_FABRIC_CACHE="+CacheDir(t))
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err := cmd.Run()
	return buf.String(), err
}

// CacheDir is the Fabric binary cache shared by tests (the repository's .cache unless set).
func CacheDir(t testing.TB) string {
	if d := os.Getenv("AGRITRACE_FABRIC_CACHE"); d != "" {
		return d
	}
	return filepath.Join(ModuleRoot(t), ".cache", "fabric")
}

// Start brings up a network in a fresh state directory on basePort and registers its teardown,
// which fails the test if any process or listener is left behind.
func Start(t *testing.T, basePort int, extra ...string) network.Config {
	t.Helper()
	Skip(t)
	state := filepath.Join(t.TempDir(), "network")
	args := append([]string{"network", "up", "--state", state, "--base-port", itoa(basePort)}, extra...)
	// tear down even when up fails half-way: whatever it started must not outlive the test
	t.Cleanup(func() {
		if c, err := network.LoadConfig(state); err == nil {
			Stop(t, c)
		}
	})
	start := time.Now()
	out, err := Run(t, args...)
	if err != nil {
		t.Fatalf("network up: %v\n%s", err, out)
	}
	t.Logf("network up in %s", time.Since(start).Round(100*time.Millisecond))
	c, err := network.LoadConfig(state)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Stop tears the network down and asserts nothing is left running or listening.
func Stop(t *testing.T, c network.Config) {
	t.Helper()
	pids := network.RecordedPIDs(c)
	out, err := Run(t, "network", "down", "--state", c.StateDir)
	if err != nil {
		t.Errorf("network down: %v\n%s", err, out)
	}
	for name, pid := range pids {
		if _, err := os.Stat(filepath.Join("/proc", itoa(pid))); err == nil {
			if b, _ := os.ReadFile(filepath.Join("/proc", itoa(pid), "stat")); !bytes.Contains(b, []byte(") Z")) {
				t.Errorf("%s (pid %d) still running after down", name, pid)
			}
		}
	}
	if busy := network.BusyPorts(c); len(busy) > 0 {
		t.Errorf("ports still listening after down: %v", busy)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
