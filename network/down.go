package network

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Down stops exactly the processes recorded in the state directory and verifies that none of the
// network's ports is still listening. With wipe it also deletes the state (ledgers included).
func Down(c Config, wipe bool, out io.Writer) error {
	// Peers finish a graceful gRPC stop only when every stream closes, which can take long; stop
	// everything in parallel and fall back to SIGKILL after a short grace (Fabric's ledgers are
	// crash-consistent, that is what they recover from).
	// a foreground `agritrace run` goes first: it would otherwise restart what we stop
	if pid, ok := c.recordedPID("run"); ok && pid != os.Getpid() {
		if _, err := c.stopProc("run", 15*time.Second); err != nil {
			return err
		}
		fmt.Fprintf(out, "stopped agritrace run (pid %d)\n", pid)
	} else if ok {
		os.Remove(c.pidFile("run"))
	}
	names := c.processNames()
	type result struct {
		name    string
		stopped bool
		err     error
	}
	results := make(chan result, len(names))
	for _, name := range names {
		go func() {
			ok, err := c.stopProc(name, 3*time.Second)
			results <- result{name, ok, err}
		}()
	}
	stopped := 0
	var firstErr error
	for range names {
		r := <-results
		if r.err != nil && firstErr == nil {
			firstErr = r.err
		}
		if r.stopped {
			stopped++
			fmt.Fprintf(out, "stopped %s\n", r.name)
		}
	}
	if firstErr != nil {
		return firstErr
	}
	// a process may take a moment to release its sockets after exit
	deadline := time.Now().Add(5 * time.Second)
	var busy []string
	for {
		busy = BusyPorts(c)
		if len(busy) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(busy) > 0 {
		return fmt.Errorf("after stopping %d process(es), ports %v still listen: a process agritrace did not start holds them", stopped, busy)
	}
	fmt.Fprintf(out, "network down: %d process(es) stopped, no listener left on its %d ports\n", stopped, len(c.ports()))
	if wipe {
		if err := os.RemoveAll(c.StateDir); err != nil {
			return fmt.Errorf("wipe %s: %w", c.StateDir, err)
		}
		fmt.Fprintf(out, "wiped %s\n", c.StateDir)
	}
	return nil
}

// NodeStatus is what Status reports for one process.
type NodeStatus struct {
	Name       string `json:"name"`
	Kind       string `json:"kind"` // orderer, peer, chaincode
	PID        int    `json:"pid,omitempty"`
	Running    bool   `json:"running"`
	Healthy    bool   `json:"healthy"`
	Detail     string `json:"detail,omitempty"`
	Height     int    `json:"height,omitempty"`     // peers: channel height
	PeersKnown int    `json:"peersKnown,omitempty"` // peers: other orgs' peers in gossip membership
}

// Status reports each node's process, health endpoint, and for peers the channel height and
// whether gossip (the source of discovery) sees every other org.
func Status(c Config) []NodeStatus {
	var out []NodeStatus
	for _, o := range c.OrdererNodes() {
		s := NodeStatus{Name: o.Name, Kind: "orderer"}
		s.PID, s.Running = c.recordedPID(o.Name)
		s.Healthy, s.Detail = health(c.ordererOps(o))
		if s.Healthy {
			m := channelMetrics(c.ordererOps(o), c.Channel)
			s.Height = int(m["consensus_etcdraft_committed_block_number"]) + 1
			if m["consensus_etcdraft_is_leader"] == 1 {
				s.Detail = "Raft leader"
			} else {
				s.Detail = "Raft follower"
			}
		}
		out = append(out, s)
	}
	for _, p := range c.Peers() {
		s := NodeStatus{Name: p.Name, Kind: "peer"}
		s.PID, s.Running = c.recordedPID(p.Name)
		s.Healthy, s.Detail = health(c.peerOps(p))
		if s.Healthy {
			m := c.peerMetrics(p)
			s.Height, s.PeersKnown = m.height, m.known
			if m.known < len(c.Orgs)-1 {
				s.Healthy = false
				s.Detail = fmt.Sprintf("discovery sees %d of %d other orgs", m.known, len(c.Orgs)-1)
			} else {
				s.Detail = "discovery sees every org"
			}
		}
		out = append(out, s)
	}
	for _, p := range c.Peers() {
		s := NodeStatus{Name: ccName(p), Kind: "chaincode"}
		s.PID, s.Running = c.recordedPID(ccName(p))
		s.Healthy = s.Running && listening(p.IP, p.CCAASPort)
		s.Detail = fmt.Sprintf("serves %s on %s (TLS, client auth)", p.Name, hostPort(p.IP, p.CCAASPort))
		out = append(out, s)
	}
	for i := range out {
		if !out[i].Running {
			out[i].Healthy = false
			out[i].Detail = "not running"
		}
	}
	return out
}

func health(e opsEndpoint) (bool, string) {
	if err := e.healthz(); err != nil {
		return false, err.Error()
	}
	return true, "healthz OK"
}

type metrics struct{ height, known int }

// peerMetrics reads the peer's ledger height and gossip membership for the channel.
func (c Config) peerMetrics(p Peer) metrics {
	m := channelMetrics(c.peerOps(p), c.Channel)
	return metrics{height: int(m["ledger_blockchain_height"]), known: int(m["gossip_membership_total_peers_known"])}
}

// channelMetrics reads a node's Prometheus endpoint: every sample labelled with the channel.
func channelMetrics(e opsEndpoint, channel string) map[string]float64 {
	out := map[string]float64{}
	client, err := e.client(true)
	if err != nil {
		return out
	}
	resp, err := client.Get(e.url("/metrics"))
	if err != nil {
		return out
	}
	defer resp.Body.Close()
	label := `channel="` + channel + `"`
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		brace := strings.IndexByte(line, '{')
		if brace < 0 || !strings.Contains(line, label) || strings.Contains(line, "_bucket{") {
			continue
		}
		f := strings.Fields(line)
		if v, err := strconv.ParseFloat(f[len(f)-1], 64); err == nil {
			out[line[:brace]] += v
		}
	}
	return out
}

// Leader returns the orderer that is Raft leader of the channel, if any.
func (c Config) Leader() (Orderer, bool) {
	for _, o := range c.OrdererNodes() {
		if channelMetrics(c.ordererOps(o), c.Channel)["consensus_etcdraft_is_leader"] == 1 {
			return o, true
		}
	}
	return Orderer{}, false
}

// Supervise restarts any recorded process that dies, until ctx ends. It is what keeps chaincode
// servers (and nodes) up while `agritrace run` or `network up --watch` runs in the foreground.
func Supervise(stop <-chan struct{}, c Config, b Binaries, pkgID string, out io.Writer) {
	t := time.NewTicker(2 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		for _, p := range c.procs(b, pkgID) {
			if _, ok := c.recordedPID(p.name); ok {
				continue
			}
			pid, err := c.startProc(p)
			if err != nil {
				fmt.Fprintf(out, "supervisor: restart %s failed: %v\n", p.name, err)
				continue
			}
			fmt.Fprintf(out, "supervisor: %s had exited; restarted (pid %d)\n", p.name, pid)
		}
	}
}

// CurrentPackageID is the package ID of the chaincode installed on this network.
func (c Config) CurrentPackageID() (string, error) {
	pkg, err := os.ReadFile(c.packageFile())
	if err != nil {
		return "", err
	}
	return PackageID(c.Chaincode+"_1.0", pkg), nil
}

// RecordedPIDs returns the PID recorded for every process of the network that is alive.
func RecordedPIDs(c Config) map[string]int {
	out := map[string]int{}
	for _, n := range c.processNames() {
		if pid, ok := c.recordedPID(n); ok {
			out[n] = pid
		}
	}
	return out
}

// BusyPorts lists the network's endpoints (host:port) that accept connections.
func BusyPorts(c Config) []string {
	var busy []string
	for _, p := range c.procs(Binaries{}, "") {
		for _, np := range p.ports {
			if listening(p.ip, np.port) {
				busy = append(busy, hostPort(p.ip, np.port))
			}
		}
	}
	return busy
}

// Kill sends SIGKILL to one recorded process (fault tests).
func Kill(c Config, name string) (int, error) {
	pid, ok := c.recordedPID(name)
	if !ok {
		return 0, fmt.Errorf("%s is not running", name)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return pid, err
	}
	for i := 0; i < 100 && alive(pid); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	return pid, nil
}

// RecordForeground records the calling process (e.g. `agritrace run`, which serves the gateway)
// as part of the network, so that Down from another terminal stops it too.
func RecordForeground(c Config, name string) error {
	if err := os.MkdirAll(filepath.Dir(c.pidFile(name)), 0o755); err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	return os.WriteFile(c.pidFile(name), []byte(fmt.Sprintf("%d\n%s\n", os.Getpid(), exe)), 0o644)
}
