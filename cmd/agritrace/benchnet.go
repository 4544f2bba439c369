package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/agritrace/agritrace/bench"
	"github.com/agritrace/agritrace/network"
)

// benchRun is the network and gateway a bench run measures, started through the same CLI a
// user runs (`agritrace network up`, `agritrace gateway`), each in its own processes, so the CPU
// of every part is read from /proc apart from the load generator's.
type benchRun struct {
	ctx      context.Context
	o        benchOpts
	rep      *bench.Report
	exe, tmp string
	state    string
	net      network.Config
	gw       *exec.Cmd
	gwLog    *bytes.Buffer
	pprof    string // the gateway's profiling listener
	gwAddr   string
	gwKey    string // the platform's API key, from the key.env its gateway wrote
	env      bench.Env
	bulkRate float64 // events/s of the bulk phase, for the half-speed load of the scan phase
	closed   bool
}

func startBenchRun(ctx context.Context, o benchOpts, rep *bench.Report) (*benchRun, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "agritrace-bench-")
	if err != nil {
		return nil, err
	}
	r := &benchRun{ctx: ctx, o: o, rep: rep, exe: exe, tmp: tmp, state: filepath.Join(tmp, "network")}
	fmt.Printf("== network (fresh, base port %d)\n", o.basePort)
	up := exec.CommandContext(ctx, exe, "network", "up", "--state", r.state, "--base-port", fmt.Sprint(o.basePort), "--fabric-cache", o.cache)
	// inherited by the chaincode servers the network starts: each records a CPU profile of its life
	up.Env = append(os.Environ(), "AGRITRACE_CHAINCODE_PROFILE="+o.profDir)
	if out, err := up.CombinedOutput(); err != nil {
		r.close()
		return nil, fmt.Errorf("network up: %w\n%s", err, tail(out, 3000))
	}
	if r.net, err = existingNetwork(r.state); err != nil {
		r.close()
		return nil, err
	}
	if err := r.startGateway(); err != nil {
		r.close()
		return nil, err
	}
	base, err := connectOrg(r.net, benchOrg)
	if err != nil {
		r.close()
		return nil, err
	}
	org, _ := r.net.Org(benchOrg)
	// the gateway's API key is named for its org (agritrace gateway): a capture's events are that
	// enterprise's
	r.env = bench.Env{Baseline: base, URL: "http://" + r.gwAddr, Key: r.gwKey, KeyName: org.Label, Run: rep.ID, Lots: &bench.Lots{}}
	return r, nil
}

// benchOrg is the platform whose gateway and identity the ingest phases use.
const benchOrg = "hlj"

// startGateway runs the platform's gateway as its own process, as `agritrace run` does: only its
// org's identity, its home (keys, read model, key.env) in the run's temporary directory.
func (r *benchRun) startGateway() error {
	r.gwAddr = fmt.Sprintf("127.0.0.1:%d", r.o.gwPort)
	r.pprof = fmt.Sprintf("127.0.0.1:%d", r.o.gwPort+1)
	home := filepath.Join(r.tmp, "gateway-"+benchOrg)
	r.gw = exec.Command(r.exe, "gateway", "--state", r.state, "--org", benchOrg, "--home", home, "--addr", r.gwAddr)
	r.gw.Env = append(os.Environ(), "AGRITRACE_PPROF_ADDR="+r.pprof)
	r.gwLog = &bytes.Buffer{}
	r.gw.Stdout, r.gw.Stderr = r.gwLog, r.gwLog
	if err := r.gw.Start(); err != nil {
		return err
	}
	if err := network.WaitHTTP(r.ctx, "http://"+r.gwAddr+"/healthz", 60*time.Second); err != nil {
		return fmt.Errorf("gateway: %w\n%s", err, tail(r.gwLog.Bytes(), 3000))
	}
	env, err := readEnvFile(filepath.Join(home, "gateway", "key.env"))
	if err != nil {
		return err
	}
	if r.gwKey = env["KEY"]; r.gwKey == "" {
		return fmt.Errorf("no KEY in the gateway's key.env")
	}
	return nil
}

// procs are the processes of the system under test: every node and chaincode server of the
// network, plus the gateway.
func (r *benchRun) procs(withGateway bool) bench.Procs {
	p := bench.Procs{}
	for name, pid := range network.RecordedPIDs(r.net) {
		p[name] = pid
	}
	if withGateway && r.gw != nil && r.gw.Process != nil {
		p["gateway"] = r.gw.Process.Pid
	}
	return p
}

// profileGateway records a CPU profile of the gateway process for d into docs/profiles/name.
func (r *benchRun) profileGateway(name string, d time.Duration) (string, error) {
	u := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", r.pprof, int(d.Seconds()))
	req, _ := http.NewRequestWithContext(r.ctx, "GET", u, nil)
	resp, err := (&http.Client{Timeout: d + 30*time.Second}).Do(req)
	if err != nil {
		return "", fmt.Errorf("profile the gateway: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return "", fmt.Errorf("profile the gateway: status %d", resp.StatusCode)
	}
	path := filepath.Join(r.o.profDir, name)
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}

// close stops the gateway and the network (chaincode servers write their profiles as they stop)
// and removes the run's state. It is safe to call twice.
func (r *benchRun) close() {
	if r.closed {
		return
	}
	r.closed = true
	if r.env.Baseline != nil {
		r.env.Baseline.Close()
	}
	if r.gw != nil && r.gw.Process != nil {
		_ = r.gw.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = r.gw.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = r.gw.Process.Kill()
			<-done
		}
	}
	// a network whose `up` failed half-way still has PIDs recorded in its state directory
	if c, err := network.LoadConfig(r.state); err == nil {
		_ = network.Down(c, false, io.Discard)
	}
	_ = os.RemoveAll(r.tmp)
}

func tail(b []byte, n int) string {
	s := string(b)
	if len(s) > n {
		s = "…" + s[len(s)-n:]
	}
	return strings.TrimSpace(s)
}

func httpGet(u string) ([]byte, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %d", u, resp.StatusCode)
	}
	return io.ReadAll(resp.Body)
}
