package network

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A province joins a running network in steps that, in a real deployment, different parties run on
// their own hosts: the new org creates its own crypto (its private keys stay in its home) and
// publishes its org definition; one existing org proposes the channel config update; a majority of
// existing org admins sign it (each with its own key); one submits it; the new org's peer joins;
// every org approves the chaincode definition that adds the new org's private-data collections.

// ValidateNewOrg checks that o can join c: a fresh key, MSP ID and domain.
func (c Config) ValidateNewOrg(o Org) error {
	if o.Key == "" || o.MSPID == "" || o.Domain == "" || o.Label == "" {
		return fmt.Errorf("a new org needs a key, an MSP ID, a domain and a name")
	}
	if strings.ContainsAny(o.Key, "/. ") || strings.ContainsAny(o.MSPID, "/. '") {
		return fmt.Errorf("org key %q or MSP ID %q contains a character Fabric or paths do not allow", o.Key, o.MSPID)
	}
	if o.Role != "platform" {
		return fmt.Errorf("only provincial platforms join a running network (role %q)", o.Role)
	}
	for _, x := range c.Orgs {
		if x.Key == o.Key || x.MSPID == o.MSPID || x.Domain == o.Domain {
			return fmt.Errorf("org %s (%s, %s) clashes with existing org %s (%s, %s)", o.Key, o.MSPID, o.Domain, x.Key, x.MSPID, x.Domain)
		}
	}
	return nil
}

// CreateOrg is the joining org's first step: it generates its own MSP and TLS material in its home
// and records itself in the network description (its ports follow the existing orgs').
func CreateOrg(ctx context.Context, c *Config, b Binaries, o Org) error {
	if err := c.ValidateNewOrg(o); err != nil {
		return err
	}
	c.Orgs = append(c.Orgs, o)
	if err := c.generateOrgCrypto(ctx, b, o); err != nil {
		c.Orgs = c.Orgs[:len(c.Orgs)-1]
		return err
	}
	return c.Save()
}

// orgDefinition is the joining org's public channel definition (MSP certificates, policies, anchor
// peer) as configtxgen prints it: JSON of a ConfigGroup.
func (c Config) orgDefinition(ctx context.Context, b Binaries, o Org) ([]byte, error) {
	p, _ := c.Peer(o.Key)
	dir := filepath.Join(c.OrgHome(o), "configtx")
	if err := writeYAML(filepath.Join(dir, "configtx.yaml"), map[string]any{"Organizations": []map[string]any{c.appOrgDef(p)}}); err != nil {
		return nil, err
	}
	out, err := c.toolStdout(ctx, b, []string{"FABRIC_CFG_PATH=" + dir}, "configtxgen", "-configPath", dir, "-printOrg", o.MSPID)
	if err != nil {
		return nil, fmt.Errorf("org definition of %s: %w", o.MSPID, err)
	}
	return out, nil
}

// ProposeOrg is run by an existing org (proposer): it fetches the channel's current config and
// writes the config update that adds o, wrapped in an envelope ready for signatures, to file.
func ProposeOrg(ctx context.Context, c Config, b Binaries, o Org, proposer string, file string) error {
	pp, ok := c.Peer(proposer)
	if !ok {
		return fmt.Errorf("no org %q to propose the update", proposer)
	}
	def, err := c.orgDefinition(ctx, b, o)
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "agritrace-orgadd-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	w := func(n string) string { return filepath.Join(work, n) }
	args := append([]string{"channel", "fetch", "config", w("config_block.pb"), "-c", c.Channel}, c.ordererArgs()...)
	if _, err := c.runTool(ctx, b, c.adminEnv(pp), "peer", args...); err != nil {
		return fmt.Errorf("fetch channel config: %w", err)
	}
	if _, err := c.runTool(ctx, b, nil, "configtxlator", "proto_decode", "--input", w("config_block.pb"), "--type", "common.Block", "--output", w("config_block.json")); err != nil {
		return err
	}
	var block map[string]any
	if err := readJSON(w("config_block.json"), &block); err != nil {
		return err
	}
	config, err := dig(block, "data", "data", 0, "payload", "data", "config")
	if err != nil {
		return fmt.Errorf("config block: %w", err)
	}
	var orgGroup any
	if err := json.Unmarshal(def, &orgGroup); err != nil {
		return fmt.Errorf("org definition of %s is not JSON: %w", o.MSPID, err)
	}
	groups, err := dig(config, "channel_group", "groups", "Application", "groups")
	if err != nil {
		return fmt.Errorf("channel config: %w", err)
	}
	gm := groups.(map[string]any)
	if _, exists := gm[o.MSPID]; exists {
		return fmt.Errorf("%s is already a member of channel %s", o.MSPID, c.Channel)
	}
	if err := writeJSON(w("config.json"), config); err != nil {
		return err
	}
	gm[o.MSPID] = orgGroup
	if err := writeJSON(w("modified.json"), config); err != nil {
		return err
	}
	for _, n := range []string{"config", "modified"} {
		if _, err := c.runTool(ctx, b, nil, "configtxlator", "proto_encode", "--input", w(n+".json"), "--type", "common.Config", "--output", w(n+".pb")); err != nil {
			return err
		}
	}
	if _, err := c.runTool(ctx, b, nil, "configtxlator", "compute_update", "--channel_id", c.Channel,
		"--original", w("config.pb"), "--updated", w("modified.pb"), "--output", w("update.pb")); err != nil {
		return err
	}
	if _, err := c.runTool(ctx, b, nil, "configtxlator", "proto_decode", "--input", w("update.pb"), "--type", "common.ConfigUpdate", "--output", w("update.json")); err != nil {
		return err
	}
	var update any
	if err := readJSON(w("update.json"), &update); err != nil {
		return err
	}
	env := map[string]any{"payload": map[string]any{
		"header": map[string]any{"channel_header": map[string]any{"channel_id": c.Channel, "type": 2}},
		"data":   map[string]any{"config_update": update},
	}}
	if err := writeJSON(w("envelope.json"), env); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return err
	}
	_, err = c.runTool(ctx, b, nil, "configtxlator", "proto_encode", "--input", w("envelope.json"), "--type", "common.Envelope", "--output", file)
	return err
}

// SignUpdate adds one existing org admin's signature to a config update envelope.
func SignUpdate(ctx context.Context, c Config, b Binaries, file, signer string) error {
	p, ok := c.Peer(signer)
	if !ok {
		return fmt.Errorf("no org %q to sign", signer)
	}
	_, err := c.runTool(ctx, b, c.adminEnv(p), "peer", "channel", "signconfigtx", "-f", file)
	return err
}

// SubmitUpdate submits a signed config update as one existing org admin (whose signature it adds).
func SubmitUpdate(ctx context.Context, c Config, b Binaries, file, submitter string) error {
	p, ok := c.Peer(submitter)
	if !ok {
		return fmt.Errorf("no org %q to submit", submitter)
	}
	args := append([]string{"channel", "update", "-f", file, "-c", c.Channel}, c.ordererArgs()...)
	_, err := c.runTool(ctx, b, c.adminEnv(p), "peer", args...)
	return err
}

// JoinPeer starts the new org's peer and chaincode server and joins the peer to the channel from
// the channel's genesis block (the peer then pulls every block since from the orderers).
func JoinPeer(ctx context.Context, c Config, b Binaries, o Org, pkgID string, out io.Writer) error {
	p, ok := c.Peer(o.Key)
	if !ok {
		return fmt.Errorf("no org %q", o.Key)
	}
	if err := c.writeBuilder(); err != nil {
		return err
	}
	if err := c.writeNodeConfigs(b); err != nil {
		return err
	}
	for _, pr := range c.procs(b, pkgID) {
		if pr.name != p.Name && pr.name != ccName(p) {
			continue
		}
		if _, ok := c.recordedPID(pr.name); ok {
			continue
		}
		pid, err := c.startProc(pr)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "started %s (pid %d)\n", pr.name, pid)
	}
	if err := waitHealthy(ctx, c.peerOps(p), 30*time.Second); err != nil {
		return c.withLog(p.Name, err)
	}
	if err := waitListening(ctx, p.Name, p.IP, p.Port, 30*time.Second); err != nil {
		return c.withLog(p.Name, err)
	}
	genesis := filepath.Join(c.OrgHome(o), "channel", c.Channel+"-0.block")
	if err := os.MkdirAll(filepath.Dir(genesis), 0o755); err != nil {
		return err
	}
	args := append([]string{"channel", "fetch", "0", genesis, "-c", c.Channel}, c.ordererArgs()...)
	if _, err := c.runTool(ctx, b, c.adminEnv(p), "peer", args...); err != nil {
		return fmt.Errorf("fetch genesis block as %s: %w", o.MSPID, err)
	}
	if _, err := c.runTool(ctx, b, c.adminEnv(p), "peer", "channel", "join", "-b", genesis); err != nil {
		return fmt.Errorf("join %s to the channel: %w", p.Name, err)
	}
	// it must hold the current state before it endorses anything (the chaincode approvals next)
	return c.waitCaughtUp(ctx, p, time.Minute)
}

// waitCaughtUp waits until p's ledger is as high as the highest other peer's.
func (c Config) waitCaughtUp(ctx context.Context, p Peer, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		top := 0
		for _, q := range c.Peers() {
			if q.Name != p.Name {
				top = max(top, c.peerMetrics(q).height)
			}
		}
		h := c.peerMetrics(p).height
		if top > 0 && h >= top {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s at height %d has not caught up with %d after %s", p.Name, h, top, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// UpgradeChaincode installs the package on every peer that lacks it and moves the chaincode
// definition to the next sequence with the current orgs' collections and endorsement policy: every
// org approves with its own admin, then the definition is committed.
func UpgradeChaincode(ctx context.Context, c *Config, b Binaries, pkgID string) error {
	c.ChaincodeSequence = max(c.ChaincodeSequence, 1) + 1
	if err := c.deployChaincode(ctx, b, pkgID); err != nil {
		c.ChaincodeSequence--
		return err
	}
	return c.Save()
}

// WaitReady waits until every peer sees every other org (discovery) and, when the network runs
// gateways, starts the ones not yet running.
func WaitReady(ctx context.Context, c Config, b Binaries, pkgID string, out io.Writer) error {
	if err := c.waitDiscovery(ctx, 90*time.Second); err != nil {
		return err
	}
	start := time.Now()
	return c.startGateways(ctx, b, pkgID, func(f string, a ...any) {
		fmt.Fprintf(out, "[%5.1fs] %s\n", time.Since(start).Seconds(), fmt.Sprintf(f, a...))
	})
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func writeJSON(path string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

// dig walks decoded JSON by object keys and array indexes.
func dig(v any, path ...any) (any, error) {
	cur := v
	for _, k := range path {
		switch key := k.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("no object at %q", key)
			}
			if cur, ok = m[key]; !ok {
				return nil, fmt.Errorf("no %q", key)
			}
		case int:
			a, ok := cur.([]any)
			if !ok || key >= len(a) {
				return nil, fmt.Errorf("no element %d", key)
			}
			cur = a[key]
		}
	}
	return cur, nil
}
