package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net/http"
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
	fs := newFlags("run", "run [flags]", `Starts (or restarts) the Fabric network with the chaincode, serves the gateway, loads the demo
supply chains through its API, prints the URLs to open and a QR code to scan, and keeps everything
running until Ctrl-C, which stops every process it started. 'agritrace network down' (make down)
stops it all from another terminal.`)
	gf := addGatewayFlags(fs)
	cache := fs.String("fabric-cache", network.DefaultCacheDir(), "where Fabric binaries are built and cached")
	noSeed := fs.Bool("no-seed", false, "do not load the demo chains")
	basePort := fs.Int("base-port", 7050, "first Fabric port (only when the network is created)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	start := time.Now()
	log := slog.Default()
	c, existing, err := loadOrDefault(*gf.state)
	if err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	c.ChaincodeCmd, c.BuilderCmd = []string{exe, "chaincode", "serve"}, []string{exe, "ccaas-builder"}
	if existing {
		fmt.Printf("using the existing network in %s\n", c.StateDir)
	} else {
		c.BasePort = *basePort
	}
	bins, err := network.EnsureBinaries(ctx, *cache, os.Stdout)
	if err != nil {
		return err
	}
	fmt.Println("== network")
	if err := network.Up(ctx, c, bins, os.Stdout); err != nil {
		return err
	}
	// from here on, Ctrl-C (or 'network down' from elsewhere) stops everything this run started
	if err := network.RecordForeground(c, "run"); err != nil {
		return err
	}
	stopAll := func() {
		fmt.Println("\n== stopping")
		if err := network.Down(c, false, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "agritrace:", err)
		}
	}
	fmt.Println("== gateway")
	_, shutdown, err := startGateway(ctx, gf, log)
	if err != nil {
		stopAll()
		return err
	}
	base := "http://" + *gf.addr
	if err := waitHTTP(ctx, base+"/healthz", 30*time.Second); err != nil {
		shutdown()
		stopAll()
		return err
	}
	env, err := readEnv(*gf.env)
	if err != nil {
		shutdown()
		stopAll()
		return fmt.Errorf("read %s: %w (delete %s to create fresh keys)", *gf.env, err, *gf.keys)
	}
	if !*noSeed {
		fmt.Println("== seed data (through the gateway API)")
		res, err := seeds.Load(ctx, seeds.FromEnv(env), seeds.Chains(), os.Stdout)
		if err != nil {
			shutdown()
			stopAll()
			return err
		}
		fmt.Printf("  %d events recorded, %d already on the ledger\n", res.Committed, res.Duplicates)
	}
	printWelcome(base, *gf.env, env, time.Since(start))
	pkg, _ := c.CurrentPackageID()
	done := make(chan struct{})
	go func() {
		network.Supervise(ctx.Done(), c, bins, pkg, os.Stdout)
		close(done)
	}()
	<-ctx.Done()
	<-done
	shutdown()
	stopAll()
	return nil
}

func printWelcome(base, envPath string, env map[string]string, took time.Duration) {
	fmt.Printf("\n== ready in %s\n\n", took.Round(time.Second))
	rice := seeds.WuchangRice()
	u, _ := qr.URL(base, rice.Consumer)
	if c, err := qr.Encode(u); err == nil {
		fmt.Print(c.Terminal())
	}
	fmt.Printf("Scan or open — a bag of 五常大米 on a 郑州 shelf:\n  %s\n\n", u)
	fmt.Println("Consumer pages of every demo chain:")
	for _, ch := range seeds.Chains() {
		cu, _ := qr.URL(base, ch.Consumer)
		fmt.Printf("  %-8s %s\n           %s\n", ch.Key, ch.Title, cu)
	}
	fmt.Printf("\nRegulator console:  %s/console   (key: AGRITRACE_REGULATOR_KEY in %s)\n", base, envPath)
	fmt.Printf("API spec:           %s/openapi.json\n", base)
	fmt.Printf("Health / metrics:   %s/healthz  %s/metrics\n", base, base)
	fmt.Printf("Keys and URL:       source %s\n", envPath)
	fmt.Printf("Try:  curl -H \"Authorization: Bearer $AGRITRACE_PLATFORM_KEY\" %s/v1/batches?region=23\n", base)
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
	for _, k := range []string{"AGRITRACE_URL", "AGRITRACE_PLATFORM_KEY", "AGRITRACE_PLATFORM2_URL", "AGRITRACE_PLATFORM2_KEY",
		"AGRITRACE_REGULATOR_URL", "AGRITRACE_REGULATOR_KEY"} {
		if env[k] == "" {
			return nil, fmt.Errorf("%s: %s is missing", path, k)
		}
	}
	return env, sc.Err()
}

func waitHTTP(ctx context.Context, url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s did not answer 200 within %s", url, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}
