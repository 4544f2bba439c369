package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/agritrace/agritrace/fabric"

	"github.com/agritrace/agritrace/network"
	"github.com/agritrace/agritrace/wire"
)

func init() {
	register("network", "bring the Fabric network up or down, show status and logs", runNetwork)
}

const networkHelp = `Subcommands:
  up       build Fabric if needed, start (or restart) every node and the chaincode servers
  down     stop exactly the processes this network started (--wipe also deletes its state)
  status   health of each node, channel height per peer, discovery across orgs
  logs     print the last lines of a node's log (all nodes without a name)
  fabric   only build (or find cached) the Fabric binaries

State (crypto, ledgers, logs, PIDs) lives in --state (default run/network, or $AGRITRACE_STATE).`

func defaultState() string {
	if s := os.Getenv("AGRITRACE_STATE"); s != "" {
		return s
	}
	return filepath.Join("run", "network")
}

// existingNetwork returns the config of the network in state, or an error saying there is none.
func existingNetwork(state string) (network.Config, error) {
	c, existing, err := loadOrDefault(state)
	if err == nil && !existing {
		err = fmt.Errorf("no network in %s; start one with 'agritrace network up' (or make run)", c.StateDir)
	}
	return c, err
}

// loadOrDefault returns the existing network's config, or defaults for a new one.
func loadOrDefault(state string) (network.Config, bool, error) {
	abs, err := filepath.Abs(state)
	if err != nil {
		return network.Config{}, false, err
	}
	c, err := network.LoadConfig(abs)
	if errors.Is(err, os.ErrNotExist) {
		return network.DefaultConfig(abs), false, nil
	}
	return c, err == nil, err
}

func runNetwork(ctx context.Context, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(os.Stderr, "Usage: agritrace network up|down|status|logs [flags]\n\n%s\n", networkHelp)
		return fmt.Errorf("missing subcommand")
	}
	sub, args := args[0], args[1:]
	fs := newFlags("network "+sub, "network "+sub+" [flags]", networkHelp)
	state := fs.String("state", defaultState(), "state directory of the network")
	switch sub {
	case "up":
		orderers := fs.Int("orderers", 1, "Raft orderers: 1 or 3 (only when the network is created)")
		basePort := fs.Int("base-port", 7050, "first port; orderers use base.., peers base+100.. (only when created)")
		batch := fs.Duration("batch-timeout", 250*time.Millisecond, "orderer BatchTimeout (only when created)")
		batchSize := fs.Int("batch-size", wire.DefaultBlockMaxTxs, "orderer MaxMessageCount: transactions per block (only when created); small blocks let group commit share transactions without waiting for the timeout")
		endorse := fs.String("endorsement", "two", "chaincode endorsement: two (any two orgs), majority, any, all or a signature policy")
		cache := fs.String("fabric-cache", network.DefaultCacheDir(), "where Fabric binaries are built and cached")
		watch := fs.Bool("watch", false, "stay in the foreground and restart any process that exits, until Ctrl-C")
		hosts := fs.String("hosts", "", "place nodes on their own hosts (only when created): orderer=IP[/netns],hlj=IP[/netns],…")
		gateways := fs.Bool("gateways", false, "also run each org's gateway on its host (only when created)")
		gatewayPort := fs.Int("gateway-port", 8080, "first org's gateway port with --gateways; org k uses port+k")
		if err := fs.Parse(args); err != nil {
			return err
		}
		c, existing, err := loadOrDefault(*state)
		if err != nil {
			return err
		}
		if !existing {
			c.Orderers, c.BasePort, c.BatchTimeout, c.BatchMaxTx, c.Endorsement = *orderers, *basePort, *batch, *batchSize, *endorse
			if c.Hosts, err = parseHosts(*hosts); err != nil {
				return err
			}
			if *gateways {
				exe, _ := os.Executable()
				c.GatewayCmd, c.GatewayPort = []string{exe, "gateway"}, *gatewayPort
			}
		} else {
			fmt.Printf("using the existing network in %s (settings from when it was created)\n", c.StateDir)
		}
		exe, err := os.Executable()
		if err != nil {
			return err
		}
		c.ChaincodeCmd = []string{exe, "chaincode", "serve"}
		c.BuilderCmd = []string{exe, "ccaas-builder"}
		bins, err := network.EnsureBinaries(ctx, *cache, os.Stdout)
		if err != nil {
			return err
		}
		if err := network.Up(ctx, c, bins, os.Stdout); err != nil {
			return err
		}
		if *watch {
			pkg, err := c.CurrentPackageID()
			if err != nil {
				return err
			}
			fmt.Println("watching: processes that exit are restarted; Ctrl-C stops watching (the network keeps running)")
			network.Supervise(ctx.Done(), c, bins, pkg, os.Stdout)
		}
		return nil
	case "fabric":
		cache := fs.String("fabric-cache", network.DefaultCacheDir(), "where Fabric binaries are built and cached")
		if err := fs.Parse(args); err != nil {
			return err
		}
		b, err := network.EnsureBinaries(ctx, *cache, os.Stdout)
		if err == nil {
			fmt.Printf("Fabric %s binaries ready in %s\n", network.FabricVersion, b.Dir)
		}
		return err
	case "down":
		wipe := fs.Bool("wipe", false, "also delete the state directory (ledgers, crypto, logs)")
		if err := fs.Parse(args); err != nil {
			return err
		}
		c, existing, err := loadOrDefault(*state)
		if err != nil {
			return err
		}
		if !existing {
			fmt.Printf("no network in %s: nothing to stop\n", c.StateDir)
			return nil
		}
		return network.Down(c, *wipe, os.Stdout)
	case "status":
		asJSON := fs.Bool("json", false, "print JSON")
		if err := fs.Parse(args); err != nil {
			return err
		}
		c, err := existingNetwork(*state)
		if err != nil {
			return err
		}
		st := network.Status(c)
		if *asJSON {
			return json.NewEncoder(os.Stdout).Encode(st)
		}
		printStatus(os.Stdout, st)
		for _, s := range st {
			if !s.Healthy {
				return exitError{3, "network degraded: " + s.Name + ": " + s.Detail}
			}
		}
		return nil
	case "logs":
		lines := fs.Int("n", 40, "lines per log")
		if err := fs.Parse(args); err != nil {
			return err
		}
		c, _, err := loadOrDefault(*state)
		if err != nil {
			return err
		}
		return printLogs(c.StateDir, fs.Args(), *lines)
	}
	return fmt.Errorf("unknown subcommand %q; one of up, down, status, logs", sub)
}

func printStatus(w io.Writer, st []network.NodeStatus) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NODE\tKIND\tPID\tHEALTHY\tHEIGHT\tDETAIL")
	for _, s := range st {
		h := "-"
		if s.Kind != "chaincode" && s.Healthy {
			h = fmt.Sprint(s.Height)
		}
		ok := "no"
		if s.Healthy {
			ok = "yes"
		}
		pid := "-"
		if s.Running {
			pid = fmt.Sprint(s.PID)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.Name, s.Kind, pid, ok, h, s.Detail)
	}
	tw.Flush()
}

func printLogs(state string, names []string, n int) error {
	dir := filepath.Join(state, "logs")
	if len(names) == 0 {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return fmt.Errorf("no logs in %s: %w", dir, err)
		}
		for _, e := range entries {
			names = append(names, strings.TrimSuffix(e.Name(), ".log"))
		}
	}
	for _, name := range names {
		b, err := os.ReadFile(filepath.Join(dir, name+".log"))
		if err != nil {
			return fmt.Errorf("log of %s: %w", name, err)
		}
		lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		if len(lines) > n {
			lines = lines[len(lines)-n:]
		}
		fmt.Printf("==> %s <==\n%s\n", name, strings.Join(lines, "\n"))
	}
	return nil
}

// connectOrg connects as one org's client user through the connection profile in its home.
func connectOrg(c network.Config, orgKey string) (*fabric.Client, error) {
	o, ok := c.Org(orgKey)
	if !ok {
		return nil, fmt.Errorf("no org %q in the network in %s", orgKey, c.StateDir)
	}
	p, err := fabric.LoadProfile(c.ConnectionProfileFile(o))
	if err != nil {
		return nil, err
	}
	return fabric.Connect(p)
}

// parseHosts reads --hosts: group=IP or group=IP/netns, comma-separated.
func parseHosts(s string) (map[string]network.Host, error) {
	if s == "" {
		return nil, nil
	}
	out := map[string]network.Host{}
	for _, part := range strings.Split(s, ",") {
		group, spec, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok || group == "" || spec == "" {
			return nil, fmt.Errorf("--hosts: %q is not group=IP[/netns]", part)
		}
		ip, ns, _ := strings.Cut(spec, "/")
		if net.ParseIP(ip) == nil {
			return nil, fmt.Errorf("--hosts: %q is not an IP address", ip)
		}
		out[group] = network.Host{IP: ip, Netns: ns}
	}
	return out, nil
}
