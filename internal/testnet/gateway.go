package testnet

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/agritrace/agritrace/network"
)

// Gateway is an `agritrace gateway` process under test.
type Gateway struct {
	URL  string
	Env  map[string]string // AGRITRACE_* from its demo.env
	DB   string
	Log  *bytes.Buffer
	args []string
	cmd  *exec.Cmd
	t    *testing.T
}

// StartGateway runs the gateway binary against network c on 127.0.0.1:port.
func StartGateway(t *testing.T, c network.Config, port int) *Gateway {
	t.Helper()
	dir := t.TempDir()
	g := &Gateway{URL: fmt.Sprintf("http://127.0.0.1:%d", port), DB: filepath.Join(dir, "readmodel.db"), t: t,
		args: []string{"gateway", "--state", c.StateDir, "--addr", fmt.Sprintf("127.0.0.1:%d", port),
			"--keys", filepath.Join(dir, "keys.json"), "--env", filepath.Join(dir, "demo.env"), "--db", filepath.Join(dir, "readmodel.db")}}
	g.Start()
	g.Env = readEnv(t, filepath.Join(dir, "demo.env"))
	t.Cleanup(func() { g.Stop(false) })
	return g
}

// Start (re)starts the process and waits for /healthz.
func (g *Gateway) Start() {
	g.t.Helper()
	g.Log = &bytes.Buffer{}
	g.cmd = exec.Command(Binary(g.t), g.args...)
	g.cmd.Stdout, g.cmd.Stderr = g.Log, g.Log
	if err := g.cmd.Start(); err != nil {
		g.t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(g.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			g.t.Fatalf("gateway did not become healthy:\n%s", g.Log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop ends the process: SIGKILL when kill (a crash), SIGTERM otherwise.
func (g *Gateway) Stop(kill bool) {
	if g.cmd == nil || g.cmd.Process == nil {
		return
	}
	sig := syscall.SIGTERM
	if kill {
		sig = syscall.SIGKILL
	}
	_ = g.cmd.Process.Signal(sig)
	done := make(chan struct{})
	go func() { _ = g.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = g.cmd.Process.Kill()
		<-done
	}
	g.cmd = nil
}

func readEnv(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok && !strings.HasPrefix(k, "#") {
			env[k] = v
		}
	}
	return env
}
