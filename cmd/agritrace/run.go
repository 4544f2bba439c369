package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/agritrace/agritrace/network"
	"github.com/agritrace/agritrace/qr"
	"github.com/agritrace/agritrace/seeds"
)

func init() {
	register("run", "everything for a demo: network, chaincode, gateway, seed data; prints the URLs (what `make run` runs)", runAll)
	register("seed", "load the demo supply chains through the gateway's API (idempotent)", runSeed)
}

func runAll(ctx context.Context, args []string) error {
	fs := newFlags("run", "run [flags]", `Starts (or restarts) the Fabric network with the chaincode and one gateway per org (each holding
only its own org's identity), loads the demo supply chains through their APIs, prints the URLs to
open and a QR code to scan, and keeps everything running until Ctrl-C, which stops every process it
started. 'agritrace network down' (make down) stops it all from another terminal.

run/demo.env gets each org's gateway URL and API key: AGRITRACE_URL + AGRITRACE_PLATFORM_KEY
(黑龙江), AGRITRACE_PLATFORM2_URL + AGRITRACE_PLATFORM2_KEY (河南), AGRITRACE_REGULATOR_URL +
AGRITRACE_REGULATOR_KEY (the regulator, whose gateway serves the console).`)
	state := fs.String("state", defaultState(), "state directory of the network")
	envPath := fs.String("env", filepath.Join("run", "demo.env"), "where every org's gateway URL and key are written")
	cache := fs.String("fabric-cache", network.DefaultCacheDir(), "where Fabric binaries are built and cached")
	noSeed := fs.Bool("no-seed", false, "do not load the demo chains")
	basePort := fs.Int("base-port", 7050, "first Fabric port (only when the network is created)")
	gwPort := fs.Int("gateway-port", 8080, "first org's gateway port; org k uses port+k (only when the network is created)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	start := time.Now()
	c, existing, err := loadOrDefault(*state)
	if err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	c.ChaincodeCmd, c.BuilderCmd = []string{exe, "chaincode", "serve"}, []string{exe, "ccaas-builder"}
	c.GatewayCmd = []string{exe, "gateway"}
	if existing {
		fmt.Printf("using the existing network in %s\n", c.StateDir)
	} else {
		c.BasePort, c.GatewayPort = *basePort, *gwPort
	}
	bins, err := network.EnsureBinaries(ctx, *cache, os.Stdout)
	if err != nil {
		return err
	}
	// from here on, Ctrl-C (or 'network down' from elsewhere) stops everything this run started
	stopAll := func() {
		fmt.Println("\n== stopping")
		if err := network.Down(c, false, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "agritrace:", err)
		}
	}
	fmt.Println("== network and gateways")
	if err := network.Up(ctx, c, bins, os.Stdout); err != nil {
		return err
	}
	if err := network.RecordForeground(c, "run"); err != nil {
		return err
	}
	env, err := writeDemoEnv(c, *envPath)
	if err != nil {
		stopAll()
		return err
	}
	if !*noSeed {
		fmt.Println("== seed data (through each org's gateway API)")
		res, err := seeds.Load(ctx, seeds.FromEnv(env), seeds.Chains(), os.Stdout)
		if err != nil {
			stopAll()
			return err
		}
		fmt.Printf("  %d events recorded, %d already on the ledger\n", res.Committed, res.Duplicates)
	}
	printWelcome(c, *envPath, env, time.Since(start))
	pkg, _ := c.CurrentPackageID()
	done := make(chan struct{})
	go func() {
		network.Supervise(ctx.Done(), c, bins, pkg, os.Stdout)
		close(done)
	}()
	<-ctx.Done()
	<-done
	stopAll()
	return nil
}

// writeDemoEnv gathers each org's gateway URL and API key (from the key.env its gateway wrote in
// the org's home) into one file for the README tour and scripts.
func writeDemoEnv(c network.Config, path string) (map[string]string, error) {
	env := map[string]string{}
	lines := []string{"# agritrace demo environment: each org's own gateway and API key (written by agritrace run)"}
	platforms := 0
	for _, g := range c.Gateways() {
		org, err := readEnvFile(filepath.Join(c.OrgHome(g.Org), "gateway", "key.env"))
		if err != nil {
			return nil, fmt.Errorf("key of %s: %w", g.Org.Key, err)
		}
		if g.Org.Role != "regulator" {
			platforms++
		}
		urlVar, keyVar := seeds.EnvVars(g.Org.Role, platforms)
		env[urlVar], env[keyVar] = org["URL"], org["KEY"]
		lines = append(lines, fmt.Sprintf("# %s = %s (%s)", strings.ToUpper(g.Org.Key), g.Org.MSPID, g.Org.Label),
			urlVar+"="+org["URL"], keyVar+"="+org["KEY"])
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return env, os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
}

func printWelcome(c network.Config, envPath string, env map[string]string, took time.Duration) {
	fmt.Printf("\n== ready in %s\n\n", took.Round(time.Second))
	base := env["AGRITRACE_URL"]
	fmt.Printf("Start here:         %s/\n\n", base)
	rice := seeds.WuchangRice()
	u, _ := qr.URL(base, rice.Consumer)
	if code, err := qr.Encode(u); err == nil {
		fmt.Print(code.Terminal())
	}
	fmt.Printf("Scan or open — a bag of 五常大米 on a 郑州 shelf:\n  %s\n\n", u)
	fmt.Println("Consumer pages of every demo chain:")
	for _, ch := range seeds.Chains() {
		cu, _ := qr.URL(base, ch.Consumer)
		fmt.Printf("  %-8s %s\n           %s\n", ch.Key, ch.Title, cu)
	}
	fmt.Println("\nEach org's own gateway (landing page, API and /docs, resolver, /healthz, /metrics):")
	for _, g := range c.Gateways() {
		fmt.Printf("  %-4s %-24s %s/\n", g.Org.Key, g.Org.Label, g.URL())
	}
	fmt.Printf("\nRegulator console:  %s/console   (key: AGRITRACE_REGULATOR_KEY in %s)\n", env["AGRITRACE_REGULATOR_URL"], envPath)
	fmt.Printf("Keys and URLs:      source %s\n", envPath)
	fmt.Printf("Try:  curl -H \"Authorization: Bearer $AGRITRACE_PLATFORM_KEY\" \"$AGRITRACE_URL/v1/batches?region=23\"\n")
	fmt.Println("\nCtrl-C stops everything (or 'make down' from another terminal).")
}

func runSeed(ctx context.Context, args []string) error {
	fs := newFlags("seed", "seed [flags] [chain…]", "Loads the demo chains (rice, noodles, apples, corn) through the gateway's public API. Safe to repeat.")
	envPath := fs.String("env", filepath.Join("run", "demo.env"), "file with AGRITRACE_URL and the keys")
	if err := fs.Parse(args); err != nil {
		return err
	}
	env, err := readEnv(*envPath)
	if err != nil {
		return err
	}
	chains := seeds.Chains()
	if fs.NArg() > 0 {
		chains = nil
		for _, k := range fs.Args() {
			c, err := seeds.Find(k)
			if err != nil {
				return err
			}
			chains = append(chains, c)
		}
	}
	res, err := seeds.Load(ctx, seeds.FromEnv(env), chains, os.Stdout)
	fmt.Printf("%d events recorded, %d already on the ledger\n", res.Committed, res.Duplicates)
	return err
}

func readEnv(path string) (map[string]string, error) {
	env, err := readEnvFile(path)
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"AGRITRACE_URL", "AGRITRACE_PLATFORM_KEY", "AGRITRACE_PLATFORM2_URL", "AGRITRACE_PLATFORM2_KEY",
		"AGRITRACE_REGULATOR_URL", "AGRITRACE_REGULATOR_KEY"} {
		if env[k] == "" {
			return nil, fmt.Errorf("%s: %s is missing", path, k)
		}
	}
	return env, nil
}

// readEnvFile reads KEY=value lines, skipping comments.
func readEnvFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			env[k] = strings.Trim(v, `"`)
		}
	}
	return env, sc.Err()
}
