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

	"github.com/agritrace/agritrace/wire"

	"github.com/agritrace/agritrace/audit"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/network"
	"github.com/agritrace/agritrace/readmodel"
)

func init() {
	register("gateway", "serve the HTTP API, EPCIS capture, QR resolver and pages", runGateway)
}

const gatewayHelp = `Serves the platform API (native and EPCIS 2.0 capture), the read API, the QR resolver, the consumer
trace page and the regulator console, on one address. Reads come from an embedded SQLite read model
kept in step with the ledger by a block-event listener (resumes from its checkpoint after a restart).

API keys live hashed in --keys; when the file does not exist, one key per org is created and the keys
are written once, in clear, to --env (run/demo.env).`

// gatewayFlags are shared by `gateway` and `run`.
type gatewayFlags struct {
	state, addr, keys, env, db, public *string
}

func addGatewayFlags(fs interface {
	String(string, string, string) *string
}) gatewayFlags {
	return gatewayFlags{
		state:  fs.String("state", defaultState(), "state directory of the network"),
		addr:   fs.String("addr", "127.0.0.1:8080", "listen address"),
		keys:   fs.String("keys", filepath.Join("run", "gateway", "keys.json"), "API key store (hashes only)"),
		env:    fs.String("env", filepath.Join("run", "demo.env"), "where new keys are written once, in clear"),
		db:     fs.String("db", filepath.Join("run", "gateway", "readmodel.db"), "read model (SQLite)"),
		public: fs.String("public-url", "", "base URL printed in QR codes (default http://<addr>)"),
	}
}

func runGateway(ctx context.Context, args []string) error {
	fs := newFlags("gateway", "gateway [flags]", gatewayHelp)
	gf := addGatewayFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	_, shutdown, err := startGateway(ctx, gf, slog.Default())
	if err != nil {
		return err
	}
	defer shutdown()
	slog.Info("gateway ready", "url", "http://"+*gf.addr, "openapi", "http://"+*gf.addr+"/openapi.json")
	<-ctx.Done()
	return nil
}

// startGateway connects to the network, opens the read model, starts the listener and serves HTTP.
func startGateway(ctx context.Context, gf gatewayFlags, log *slog.Logger) (*http.Server, func(), error) {
	c, err := existingNetwork(*gf.state)
	if err != nil {
		return nil, nil, err
	}
	keys, err := ensureKeys(c, *gf.keys, *gf.env, "http://"+*gf.addr)
	if err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(filepath.Dir(*gf.db), 0o755); err != nil {
		return nil, nil, err
	}
	store, err := readmodel.Open(*gf.db)
	if err != nil {
		return nil, nil, err
	}
	led, err := gateway.NewFabricLedger(c, log)
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	reg, _ := c.Regulator()
	listener := led.Client(reg.Key) // the regulator's peer sees every committed block
	follower := &readmodel.Follower{Store: store, Source: listener.Network.ChaincodeEvents,
		Chaincode: c.Chaincode, EventName: wire.EventName, Log: log}
	fctx, stopFollow := context.WithCancel(context.Background())
	go follower.Run(fctx)
	orgMSP := map[string]string{}
	for _, o := range c.Orgs {
		orgMSP[o.Key] = o.MSPID
	}
	public := *gf.public
	if public == "" {
		public = "http://" + *gf.addr
	}
	s := gateway.New(keys, store, led, follower, gateway.Options{RegulatorOrg: reg.Key, OrgMSP: orgMSP}, log)
	s.SetAuditor(func(ctx context.Context) (audit.Report, error) {
		return audit.Run(ctx, listener, c.Channel, c.Chaincode, wire.EventName, store, nil)
	})
	mountPages(s, public, log)
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
		stopFollow()
		led.Close()
		store.Close()
		log.Info("gateway stopped")
	}
	return srv, shutdown, nil
}

// ensureKeys loads the key store or creates one key per org, writing them in clear to envPath once.
func ensureKeys(c network.Config, path, envPath, url string) (*gateway.Keys, error) {
	if k, err := gateway.LoadKeys(path); err == nil {
		return k, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	k := &gateway.Keys{}
	var lines []string
	lines = append(lines, "# agritrace demo environment, written when the gateway created its keys", "AGRITRACE_URL="+url)
	platforms := 0
	for _, o := range c.Orgs {
		key, err := k.NewKey(o.Label, o, nil)
		if err != nil {
			return nil, err
		}
		switch {
		case o.Role == "regulator":
			lines = append(lines, "AGRITRACE_REGULATOR_URL="+url, "AGRITRACE_REGULATOR_KEY="+key)
		case platforms == 0:
			lines = append(lines, "AGRITRACE_PLATFORM_KEY="+key)
			platforms++
		default:
			platforms++
			lines = append(lines, fmt.Sprintf("AGRITRACE_PLATFORM%d_URL=%s", platforms, url), fmt.Sprintf("AGRITRACE_PLATFORM%d_KEY=%s", platforms, key))
		}
		lines = append(lines, fmt.Sprintf("# %s = %s (%s)", strings.ToUpper(o.Key), o.MSPID, o.Label))
	}
	if err := k.Save(path); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(envPath), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(envPath, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		return nil, err
	}
	slog.Info("created API keys", "store", path, "clear_text_once_in", envPath)
	return k, nil
}
