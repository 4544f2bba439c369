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

	"github.com/agritrace/agritrace/fabric"
	"github.com/agritrace/agritrace/network"
	"github.com/agritrace/agritrace/seeds"
)

// Gateway is one org's `agritrace gateway` process under test. It holds only that org's identity.
type Gateway struct {
	Org  network.Org
	URL  string
	Key  string // the org's API key, from the key.env the gateway wrote
	Home string
	DB   string
	Log  *bytes.Buffer
	args []string
	cmd  *exec.Cmd
	t    *testing.T
}

// Gateways are the gateways of every org of a network, one process each.
type Gateways struct {
	ByOrg map[string]*Gateway
	// Env is the demo environment (what `agritrace run` writes to run/demo.env): AGRITRACE_URL +
	// AGRITRACE_PLATFORM_KEY (黑龙江), AGRITRACE_PLATFORM2_URL + _KEY (河南), AGRITRACE_REGULATOR_URL + _KEY.
	Env map[string]string
	// URL and DB are 黑龙江's, the first platform's (most tests drive that gateway).
	URL, DB string
	first   *Gateway
}

// Org returns one org's gateway.
func (g *Gateways) Org(key string) *Gateway { return g.ByOrg[key] }

// Stop ends the first platform's gateway process (SIGKILL when kill: a crash).
func (g *Gateways) Stop(kill bool) { g.first.Stop(kill) }

// Start restarts the first platform's gateway process.
func (g *Gateways) Start() { g.first.Start() }

// StartGateway starts one gateway per org of network c on 127.0.0.1, org k on port+k, each with its
// own home in a temporary directory, and waits until all answer /healthz.
func StartGateway(t *testing.T, c network.Config, port int) *Gateways {
	t.Helper()
	gs := &Gateways{ByOrg: map[string]*Gateway{}, Env: map[string]string{}}
	platforms := 0
	for k, o := range c.Orgs {
		g := StartOrgGateway(t, c, o.Key, port+k)
		gs.ByOrg[o.Key] = g
		if o.Role != "regulator" {
			platforms++
		}
		urlVar, keyVar := seeds.EnvVars(o.Role, platforms)
		gs.Env[urlVar], gs.Env[keyVar] = g.URL, g.Key
		if gs.first == nil && o.Role != "regulator" {
			gs.first, gs.URL, gs.DB = g, g.URL, g.DB
		}
	}
	return gs
}

// StartOrgGateway starts the gateway of one org (e.g. one that joined after StartGateway).
func StartOrgGateway(t *testing.T, c network.Config, orgKey string, port int, opts ...GatewayOption) *Gateway {
	t.Helper()
	o, ok := c.Org(orgKey)
	if !ok {
		t.Fatalf("no org %q in the network", orgKey)
	}
	home := filepath.Join(t.TempDir(), o.Key)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	g := &Gateway{Org: o, URL: "http://" + addr, Home: home, DB: filepath.Join(home, "gateway", "readmodel.db"), t: t}
	for _, f := range opts {
		f(g)
	}
	g.args = []string{"gateway", "--state", c.StateDir, "--org", o.Key, "--home", g.Home, "--addr", addr}
	if g.DB != filepath.Join(home, "gateway", "readmodel.db") {
		g.args = append(g.args, "--db", g.DB)
	}
	g.Start()
	t.Cleanup(func() { g.Stop(false) })
	g.Key = ReadEnv(t, filepath.Join(g.Home, "gateway", "key.env"))["KEY"]
	return g
}

// GatewayOption changes how StartOrgGateway runs a gateway.
type GatewayOption func(g *Gateway)

// WithDB gives the gateway this read model (e.g. a postgres:// URL) instead of its SQLite file.
func WithDB(target string) GatewayOption { return func(g *Gateway) { g.DB = target } }

// ReplicaOf makes the gateway a replica of first: the same org home, so the same API keys. Give
// both the same WithDB PostgreSQL URL to share one read model.
func ReplicaOf(first *Gateway) GatewayOption { return func(g *Gateway) { g.Home = first.Home } }

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
			g.t.Fatalf("gateway of %s did not become healthy:\n%s", g.Org.Key, g.Log)
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

// PID is the process ID of the running gateway (0 when stopped).
func (g *Gateway) PID() int {
	if g.cmd == nil || g.cmd.Process == nil {
		return 0
	}
	return g.cmd.Process.Pid
}

// Connect connects to the network as one org's client user, through its connection profile.
func Connect(t testing.TB, c network.Config, orgKey string) *fabric.Client {
	t.Helper()
	o, ok := c.Org(orgKey)
	if !ok {
		t.Fatalf("no org %q in the network", orgKey)
	}
	p, err := fabric.LoadProfile(c.ConnectionProfileFile(o))
	if err != nil {
		t.Fatal(err)
	}
	cl, err := fabric.Connect(p)
	if err != nil {
		t.Fatalf("connect as %s: %v", o.MSPID, err)
	}
	t.Cleanup(cl.Close)
	return cl
}

// ReadEnv reads a KEY=value file (key.env, demo.env), skipping comments.
func ReadEnv(t *testing.T, path string) map[string]string {
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
