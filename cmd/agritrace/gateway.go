package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/agritrace/agritrace/landing"

	"github.com/agritrace/agritrace/wire"

	"github.com/agritrace/agritrace/audit"
	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/fabric"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/network"
	"github.com/agritrace/agritrace/readmodel"
)

func init() {
	register("gateway", "serve the HTTP API, EPCIS capture, QR resolver and pages", runGateway)
}

const gatewayHelp = `Serves one org's node of agritrace: the platform API (native and EPCIS 2.0 capture), the read API,
the QR resolver and the consumer trace page, and — on the regulator's gateway — the regulator
console. It loads only its own org's identity (the connection profile in the org's home), so it can
sign as no one else. Reads come from an embedded SQLite read model kept in step with the ledger by a
block-event listener on the org's own peer (resumes from its checkpoint after a restart).
With --db postgres://… several replicas of the org's gateway (same --home) share one read model:
the replica holding a PostgreSQL advisory lock follows the ledger and writes, the others serve
reads and ingest and stand by to take over.

Everything it keeps lives in --home (default: the org's home in the network state, e.g.
run/network/orgs/hlj): API keys (hashes only), the read model, and key.env — written once, with the
org's API key in clear, when the key store is created.`

// gatewayFlags configure one org's gateway.
type gatewayFlags struct {
	state, org, profile, home, addr, db, public, nodes *string
}

func addGatewayFlags(fs interface {
	String(string, string, string) *string
}) gatewayFlags {
	return gatewayFlags{
		state:   fs.String("state", defaultState(), "state directory of the network (finds the org's home)"),
		org:     fs.String("org", "", "org key this gateway acts as (hlj, ha, reg, …); required unless --profile"),
		profile: fs.String("profile", "", "connection profile (default <org home>/connection.json)"),
		home:    fs.String("home", "", "where keys, read model and key.env live (default: the org's home)"),
		addr:    fs.String("addr", "127.0.0.1:8080", "listen address"),
		db:      fs.String("db", "", "read model: a SQLite file (default <home>/gateway/readmodel.db) or postgres://… shared by replicas"),
		public:  fs.String("public-url", "", "base URL printed in QR codes (default http://<addr>)"),
		nodes:   fs.String("nodes", "", "gateways whose health the landing page shows: name=URL,… (default this one)"),
	}
}

// resolve fills the defaults that depend on other flags.
// platforms names the network's orgs by MSP ID when the network's description is at hand (the
// console shows names, not MSP IDs).
func (gf gatewayFlags) platforms() map[string]string {
	c, err := existingNetwork(*gf.state)
	if err != nil {
		return nil
	}
	m := map[string]string{}
	for _, o := range c.Orgs {
		m[o.MSPID] = o.Label
	}
	return m
}

func (gf gatewayFlags) resolve() (profilePath, home string, err error) {
	profilePath, home = *gf.profile, *gf.home
	if profilePath == "" || home == "" {
		if *gf.org == "" {
			return "", "", errors.New("--org is required (or give --profile and --home)")
		}
		c, err := existingNetwork(*gf.state)
		if err != nil {
			return "", "", err
		}
		o, ok := c.Org(*gf.org)
		if !ok {
			return "", "", fmt.Errorf("no org %q in the network in %s", *gf.org, c.StateDir)
		}
		if profilePath == "" {
			profilePath = c.ConnectionProfileFile(o)
		}
		if home == "" {
			home = c.OrgHome(o)
		}
	}
	return profilePath, home, nil
}

func runGateway(ctx context.Context, args []string) error {
	fs := newFlags("gateway", "gateway --org KEY [flags]", gatewayHelp)
	gf := addGatewayFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	network.ApplyGC()
	_, shutdown, err := startGateway(ctx, gf, slog.Default())
	if err != nil {
		return err
	}
	defer shutdown()
	slog.Info("gateway ready", "url", "http://"+*gf.addr, "openapi", "http://"+*gf.addr+"/openapi.json")
	<-ctx.Done()
	return nil
}

// startGateway connects to the org's peer as the org, opens the read model, starts the listener and
// serves HTTP.
func startGateway(ctx context.Context, gf gatewayFlags, log *slog.Logger) (*http.Server, func(), error) {
	profilePath, home, err := gf.resolve()
	if err != nil {
		return nil, nil, err
	}
	prof, err := fabric.LoadProfile(profilePath)
	if err != nil {
		return nil, nil, err
	}
	org := domain.Org{Key: prof.OrgKey, MSPID: prof.MSPID, Label: prof.Label, Role: prof.Role}
	log = log.With("org", org.Key)
	public := *gf.public
	if public == "" {
		public = "http://" + *gf.addr
	}
	gwDir := filepath.Join(home, "gateway")
	keys, err := ensureKeys(org, filepath.Join(gwDir, "keys.json"), filepath.Join(gwDir, "key.env"), public)
	if err != nil {
		return nil, nil, err
	}
	dbPath := *gf.db
	if dbPath == "" {
		dbPath = filepath.Join(gwDir, "readmodel.db")
	}
	store, err := openReadModel(dbPath)
	if err != nil {
		return nil, nil, err
	}
	led, err := gateway.NewFabricLedger(prof, log)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	listener := led.Client() // the org's own peer sees every committed block of the channel
	follower := &readmodel.Follower{Store: store, Source: listener.Network.ChaincodeEvents,
		Chaincode: prof.Chaincode, EventName: wire.EventName, Log: log}
	fctx, stopFollow := context.WithCancel(context.Background())
	go follower.Run(fctx)
	s := gateway.New(keys, store, led, follower, gateway.Options{Org: org, RegulatorMSP: prof.RegulatorMSP}, log)
	s.SetAuditor(func(ctx context.Context) (audit.Report, error) {
		return audit.Run(ctx, listener, prof.Channel, prof.Chaincode, wire.EventName, store, nil)
	})
	nodes, err := parseNodes(*gf.nodes)
	if err != nil {
		stopFollow()
		led.Close()
		store.Close()
		return nil, nil, err
	}
	mountPages(s, org, public, gf.platforms(), log, nodes...)
	ln, err := net.Listen("tcp", *gf.addr)
	if err != nil {
		stopFollow()
		led.Close()
		store.Close()
		return nil, nil, fmt.Errorf("listen on %s (is another gateway running? use --addr): %w", *gf.addr, err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute, WriteTimeout: 5 * time.Minute}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server", "err", err)
		}
	}()
	shutdown := func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		s.Close() // stops the EPCIS subscription deliverer before its store goes
		stopFollow()
		led.Close()
		store.Close()
		log.Info("gateway stopped")
	}
	return srv, shutdown, nil
}

// ensureKeys loads the key store or creates the org's first API key, writing it in clear to envPath
// once (with the gateway's URL), for the platform's operators to pick up.
func ensureKeys(org domain.Org, path, envPath, url string) (*gateway.Keys, error) {
	if k, err := gateway.LoadKeys(path); err == nil {
		return k, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	k := &gateway.Keys{}
	key, err := k.NewKey(org.Label, org, nil)
	if err != nil {
		return nil, err
	}
	if err := k.Save(path); err != nil {
		return nil, err
	}
	lines := []string{
		"# " + org.Label + " (" + org.MSPID + "): this org's gateway and API key, written once when the key store was created",
		"ORG=" + org.Key, "MSPID=" + org.MSPID, "ROLE=" + org.Role, "URL=" + url, "KEY=" + key,
	}
	if err := os.WriteFile(envPath, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		return nil, err
	}
	slog.Info("created API key", "org", org.Key, "store", path, "clear_text_once_in", envPath)
	return k, nil
}

// parseNodes reads --nodes: name=URL pairs, comma-separated (names may not contain "=" or ",").
func parseNodes(s string) ([]landing.Node, error) {
	if s == "" {
		return nil, nil
	}
	var out []landing.Node
	for _, part := range strings.Split(s, ",") {
		name, u, ok := strings.Cut(part, "=")
		if !ok || name == "" || !strings.HasPrefix(u, "http") {
			return nil, fmt.Errorf("--nodes: %q is not name=URL", part)
		}
		out = append(out, landing.Node{Name: name, HealthURL: strings.TrimSuffix(u, "/") + "/healthz"})
	}
	return out, nil
}
