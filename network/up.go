package network

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// Up starts every process of the network that is not already running. On a fresh state directory
// it first generates crypto material and the channel, then joins the channel and deploys the
// chaincode; on an existing one it restarts the same network with its ledger.
func Up(ctx context.Context, c Config, b Binaries, out io.Writer) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if err := c.Save(); err != nil {
		return err
	}
	start := time.Now()
	step := func(format string, a ...any) {
		fmt.Fprintf(out, "[%5.1fs] %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, a...))
	}
	if !c.done("crypto") {
		step("generating crypto material for %d orgs and the %q channel", len(c.Orgs), c.Channel)
		if err := c.generateCrypto(ctx, b); err != nil {
			return fmt.Errorf("generate crypto: %w", err)
		}
		if err := c.markDone("crypto"); err != nil {
			return err
		}
	}
	if err := c.writeBuilder(); err != nil {
		return fmt.Errorf("write external builder: %w", err)
	}
	if err := c.writeNodeConfigs(b); err != nil {
		return fmt.Errorf("write node configs: %w", err)
	}
	pkg, err := chaincodePackage(c.Chaincode + "_1.0")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.path("chaincode"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(c.packageFile(), pkg, 0o644); err != nil {
		return err
	}
	pkgID := PackageID(c.Chaincode+"_1.0", pkg)

	started := 0
	for _, p := range c.procs(b, pkgID) {
		if p.afterChaincode {
			continue
		}
		if pid, ok := c.recordedPID(p.name); ok {
			step("%s already running (pid %d)", p.name, pid)
			continue
		}
		pid, err := c.startProc(p)
		if err != nil {
			return err
		}
		started++
		step("started %s (pid %d)", p.name, pid)
	}
	if started == 0 && c.done("chaincode") {
		fmt.Fprintln(out, "network already up: every process is running, nothing to do")
		return nil
	}
	for _, o := range c.OrdererNodes() {
		if err := waitHealthy(ctx, c.ordererOps(o), 30*time.Second); err != nil {
			return c.withLog(o.Name, err)
		}
		// the operations endpoint can answer before the admin (channel participation) listener
		if err := waitListening(ctx, o.Name+" admin", o.IP, o.AdminPort, 30*time.Second); err != nil {
			return c.withLog(o.Name, err)
		}
	}
	if !c.done("orderers-joined") {
		for _, o := range c.OrdererNodes() {
			if _, err := c.osnadmin(ctx, b, o, "join", "--channelID", c.Channel, "--config-block", c.channelBlock()); err != nil {
				return fmt.Errorf("join %s to channel: %w", o.Name, err)
			}
		}
		if err := c.markDone("orderers-joined"); err != nil {
			return err
		}
	}
	if err := c.waitOrderers(ctx, b); err != nil {
		return err
	}
	step("orderers serve channel %q (Raft, %d node(s))", c.Channel, c.Orderers)
	for _, p := range c.Peers() {
		if err := waitHealthy(ctx, c.peerOps(p), 30*time.Second); err != nil {
			return c.withLog(p.Name, err)
		}
		if err := waitListening(ctx, p.Name, p.IP, p.Port, 30*time.Second); err != nil {
			return c.withLog(p.Name, err)
		}
	}
	if !c.done("peers-joined") {
		for _, p := range c.Peers() {
			if _, err := c.runTool(ctx, b, c.adminEnv(p), "peer", "channel", "join", "-b", c.channelBlock()); err != nil {
				return fmt.Errorf("join %s to channel: %w", p.Name, err)
			}
		}
		if err := c.markDone("peers-joined"); err != nil {
			return err
		}
		step("peers joined %q", c.Channel)
	}
	if !c.done("chaincode") {
		step("deploying chaincode %q as a service (package %s)", c.Chaincode, pkgID[:len(c.Chaincode)+20]+"…")
		if err := c.deployChaincode(ctx, b, pkgID); err != nil {
			return err
		}
		if err := c.markDone("chaincode"); err != nil {
			return err
		}
	}
	if err := c.waitDiscovery(ctx, 90*time.Second); err != nil {
		return err
	}
	step("network ready: %d peers see each other, chaincode %q committed", len(c.Orgs), c.Chaincode)
	if err := c.startGateways(ctx, b, pkgID, step); err != nil {
		return err
	}
	return nil
}

// startGateways starts each org's gateway (when the network has a GatewayCmd) and waits until each
// answers /healthz.
func (c Config) startGateways(ctx context.Context, b Binaries, pkgID string, step func(string, ...any)) error {
	for _, p := range c.procs(b, pkgID) {
		if !p.afterChaincode {
			continue
		}
		if _, ok := c.recordedPID(p.name); !ok {
			pid, err := c.startProc(p)
			if err != nil {
				return err
			}
			step("started %s (pid %d)", p.name, pid)
		}
	}
	for _, g := range c.Gateways() {
		if err := WaitHTTP(ctx, g.URL()+"/healthz", 60*time.Second); err != nil {
			return c.withLog("gateway."+g.Org.Key, err)
		}
	}
	if len(c.GatewayCmd) > 0 {
		step("%d gateways up, each holding only its own org's identity", len(c.Orgs))
	}
	return nil
}

// procs lists every process of the network in start order.
func (c Config) procs(b Binaries, pkgID string) []proc {
	var ps []proc
	for _, o := range c.OrdererNodes() {
		ps = append(ps, proc{
			name: o.Name, argv: []string{b.Tool("orderer")}, ip: o.IP, netns: o.Netns,
			env:   []string{"FABRIC_CFG_PATH=" + c.nodeDir(o.Name), "FABRIC_LOGGING_SPEC=info"},
			ports: []namedPort{{o.Port, o.Name + " gRPC"}, {o.AdminPort, o.Name + " admin"}, {o.OpsPort, o.Name + " operations"}},
		})
	}
	for _, p := range c.Peers() {
		ps = append(ps, proc{
			name: ccName(p), argv: c.ChaincodeCmd, ip: p.IP, netns: p.Netns,
			env: append([]string{"CHAINCODE_ID=" + pkgID, "CHAINCODE_SERVER_ADDRESS=" + hostPort(p.IP, p.CCAASPort),
				"AGRITRACE_ORG=" + p.Org.MSPID}, c.chaincodeTLSEnv(p)...),
			ports: []namedPort{{p.CCAASPort, ccName(p) + " server"}},
		})
	}
	var nodes []string
	for _, g := range c.Gateways() {
		nodes = append(nodes, g.Org.Label+"="+g.URL())
	}
	for _, g := range c.Gateways() {
		ps = append(ps, proc{
			name: "gateway." + g.Org.Key, ip: g.IP, netns: g.Netns, afterChaincode: true,
			argv: append(append([]string(nil), c.GatewayCmd...), "--state", c.StateDir, "--org", g.Org.Key, "--addr", hostPort(g.IP, g.Port),
				"--nodes", strings.Join(nodes, ",")),
			ports: []namedPort{{g.Port, "gateway of " + g.Org.Key}},
		})
	}
	for _, p := range c.Peers() {
		ps = append(ps, proc{
			name: p.Name, argv: []string{b.Tool("peer"), "node", "start"}, ip: p.IP, netns: p.Netns,
			env: []string{"FABRIC_CFG_PATH=" + c.nodeDir(p.Name), "FABRIC_LOGGING_SPEC=info",
				"CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG=" + c.builderConfig(p)},
			ports: []namedPort{{p.Port, p.Name + " gRPC"}, {p.CCPort, p.Name + " chaincode"}, {p.OpsPort, p.Name + " operations"}},
		})
	}
	return ps
}

// processNames lists the names of every process in stop order (reverse of start order).
func (c Config) processNames() []string {
	ps := c.procs(Binaries{}, "")
	names := make([]string, len(ps))
	for i, p := range ps {
		names[len(ps)-1-i] = p.name
	}
	return names
}

// ports lists every port the network's processes own.
func (c Config) ports() []int {
	var ports []int
	for _, p := range c.procs(Binaries{}, "") {
		for _, np := range p.ports {
			ports = append(ports, np.port)
		}
	}
	return ports
}

func (c Config) done(step string) bool {
	_, err := os.Stat(c.markerFile(step))
	return err == nil
}

func (c Config) markDone(step string) error {
	if err := os.MkdirAll(c.path("done"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(c.markerFile(step), []byte(time.Now().Format(time.RFC3339)+"\n"), 0o644)
}

func (c Config) withLog(name string, err error) error {
	b, _ := os.ReadFile(c.logFile(name))
	return fmt.Errorf("%w\nlast lines of %s:\n%s", err, c.logFile(name), tail(string(b), 1500))
}

func waitHealthy(ctx context.Context, e opsEndpoint, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		err := e.healthz()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not healthy after %s: %v", e.name, timeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func waitListening(ctx context.Context, name, ip string, port int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for !listening(ip, port) {
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not listening on port %d after %s", name, port, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return nil
}

// healthz asks the node's open health endpoint (no client certificate).
func (e opsEndpoint) healthz() error {
	client, err := e.client(false)
	if err != nil {
		return err
	}
	resp, err := client.Get(e.url("/healthz"))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return fmt.Errorf("healthz %d: %s", resp.StatusCode, b)
	}
	return nil
}

func (c Config) waitOrderers(ctx context.Context, b Binaries) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		ok := 0
		for _, o := range c.OrdererNodes() {
			if c.ordererChannelStatus(ctx, b, o) == "consenter/active" {
				ok++
			}
		}
		if _, leader := c.Leader(); ok == c.Orderers && leader {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("orderers did not become active consenters with a Raft leader within 60s")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitDiscovery waits until every peer knows every other org's peer through gossip, which is what
// the discovery service answers from: before that the gateway cannot find enough endorsers.
func (c Config) waitDiscovery(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		missing := ""
		for _, p := range c.Peers() {
			m := c.peerMetrics(p)
			if m.known < len(c.Orgs)-1 {
				missing = fmt.Sprintf("%s knows %d of %d other peers", p.Name, m.known, len(c.Orgs)-1)
				break
			}
		}
		if missing == "" {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("discovery incomplete after %s: %s", timeout, missing)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// WaitHTTP waits until url answers 200.
func WaitHTTP(ctx context.Context, url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := http.Client{Timeout: 2 * time.Second}
	for {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer 200 within %s: %v", url, timeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
