package network

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/agritrace/agritrace/domain"
)

// loopbackSANs let every client dial 127.0.0.1 with no TLS server-name override.
var loopbackSANs = []string{"localhost", "127.0.0.1"}

// ordererCryptoConfig is cryptogen's input for the ordering organisation.
func (c Config) ordererCryptoConfig() map[string]any {
	var ordererSpecs []map[string]any
	for _, o := range c.OrdererNodes() {
		ordererSpecs = append(ordererSpecs, map[string]any{
			"Hostname": strings.TrimSuffix(o.Host, "."+OrdererDomain), "SANS": c.sans(o.IP)})
	}
	return map[string]any{
		"OrdererOrgs": []map[string]any{{
			"Name": "Orderer", "Domain": OrdererDomain, "EnableNodeOUs": true, "Specs": ordererSpecs,
		}},
	}
}

// orgCryptoConfig is cryptogen's input for one application org: each org generates its own
// material into its own directory, as it would on its own host.
func (c Config) orgCryptoConfig(o Org) map[string]any {
	p, _ := c.Peer(o.Key)
	return map[string]any{
		"PeerOrgs": []map[string]any{{
			"Name": o.MSPID, "Domain": o.Domain, "EnableNodeOUs": true,
			"Template": map[string]any{"Count": 1, "SANS": c.sans(p.IP)},
			// the chaincode server's TLS identity (see ccaasTLSDir)
			"Specs": []map[string]any{{"Hostname": "ccaas0", "SANS": c.sans(p.IP)}},
			"Users": map[string]any{"Count": 1},
		}},
	}
}

// sans are the names a node's TLS certificate carries: loopback, and its own host address when the
// network spans hosts.
func (c Config) sans(ip string) []string {
	out := append([]string(nil), loopbackSANs...)
	if ip != "127.0.0.1" {
		out = append(out, ip)
	}
	return out
}

func sigPolicy(rule string) map[string]any { return map[string]any{"Type": "Signature", "Rule": rule} }
func metaPolicy(rule string) map[string]any {
	return map[string]any{"Type": "ImplicitMeta", "Rule": rule}
}

// signaturePolicy turns Config.Endorsement into the chaincode's endorsement policy. An empty
// result means "use the channel's /Channel/Application/Endorsement policy" (MAJORITY).
func (c Config) signaturePolicy() (string, error) {
	var members []string
	for _, o := range c.Orgs {
		members = append(members, fmt.Sprintf("'%s.peer'", o.MSPID))
	}
	switch strings.ToLower(c.Endorsement) {
	case "", "two":
		// No org writes alone, and a deal between two platforms is endorsed by exactly its two
		// parties: with MAJORITY, a fourth province would drag a third org into every private deal.
		return "OutOf(2," + strings.Join(members, ",") + ")", nil
	case "majority":
		return "", nil
	case "any":
		return "OR(" + strings.Join(members, ",") + ")", nil
	case "all":
		return "AND(" + strings.Join(members, ",") + ")", nil
	}
	p := c.Endorsement
	if !(strings.HasPrefix(p, "AND(") || strings.HasPrefix(p, "OR(") || strings.HasPrefix(p, "OutOf(")) {
		return "", fmt.Errorf("endorsement %q: want two, majority, any, all, or a signature policy like AND('HeilongjiangMSP.peer','HenanMSP.peer')", p)
	}
	return p, nil
}

// appOrgDef is an application org's channel definition: its MSP (public certificates only), its
// policies and its anchor peer.
func (c Config) appOrgDef(p Peer) map[string]any {
	id := p.Org.MSPID
	return map[string]any{
		"Name": id, "ID": id, "MSPDir": filepath.Join(c.orgDir(p.Org), "msp"),
		"Policies": map[string]any{
			"Readers":     sigPolicy(fmt.Sprintf("OR('%s.admin','%s.peer','%s.client')", id, id, id)),
			"Writers":     sigPolicy(fmt.Sprintf("OR('%s.admin','%s.client')", id, id)),
			"Admins":      sigPolicy(fmt.Sprintf("OR('%s.admin')", id)),
			"Endorsement": sigPolicy(fmt.Sprintf("OR('%s.peer')", id)),
		},
		// anchor peers in the org definition: cross-org gossip (and so discovery) needs no update tx
		"AnchorPeers": []map[string]any{{"Host": p.IP, "Port": p.Port}},
	}
}

// configTx is configtxgen's input: an application channel whose genesis block the orderers join
// through the channel participation API (no system channel).
func (c Config) configTx() map[string]any {
	var endpoints []string
	var consenters []map[string]any
	for _, o := range c.OrdererNodes() {
		endpoints = append(endpoints, o.Address())
		cert := filepath.Join(c.ordererTLSDir(o), "server.crt")
		// cluster traffic reuses the general listener, so the server cert is also the client cert
		consenters = append(consenters, map[string]any{
			"Host": o.IP, "Port": o.Port, "ClientTLSCert": cert, "ServerTLSCert": cert})
	}
	ordererOrg := map[string]any{
		"Name": "OrdererOrg", "ID": OrdererMSPID, "MSPDir": filepath.Join(c.ordererOrgDir(), "msp"),
		"Policies": map[string]any{
			"Readers": sigPolicy("OR('OrdererMSP.member')"),
			"Writers": sigPolicy("OR('OrdererMSP.member')"),
			"Admins":  sigPolicy("OR('OrdererMSP.admin')"),
		},
		"OrdererEndpoints": endpoints,
	}
	var appOrgs []map[string]any
	for _, p := range c.Peers() {
		appOrgs = append(appOrgs, c.appOrgDef(p))
	}
	std := map[string]any{
		"Readers": metaPolicy("ANY Readers"),
		"Writers": metaPolicy("ANY Writers"),
		"Admins":  metaPolicy("MAJORITY Admins"),
	}
	with := func(extra map[string]any) map[string]any {
		m := map[string]any{}
		for k, v := range std {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	return map[string]any{
		"Profiles": map[string]any{
			"AgritraceChannel": map[string]any{
				"Policies":     std,
				"Capabilities": map[string]bool{"V2_0": true},
				"Orderer": map[string]any{
					"OrdererType":  "etcdraft",
					"BatchTimeout": c.BatchTimeout.String(),
					"BatchSize": map[string]any{
						"MaxMessageCount": c.BatchMaxTx, "AbsoluteMaxBytes": "99 MB", "PreferredMaxBytes": "2 MB"},
					"EtcdRaft": map[string]any{
						"Consenters": consenters,
						"Options": map[string]any{"TickInterval": "500ms", "ElectionTick": 10, "HeartbeatTick": 1,
							"MaxInflightBlocks": 5, "SnapshotIntervalSize": "16 MB"},
					},
					"Organizations": []any{ordererOrg},
					"Policies":      with(map[string]any{"BlockValidation": metaPolicy("ANY Writers")}),
					"Capabilities":  map[string]bool{"V2_0": true},
				},
				"Application": map[string]any{
					"Organizations": appOrgs,
					"Policies": with(map[string]any{
						"LifecycleEndorsement": metaPolicy("MAJORITY Endorsement"),
						"Endorsement":          metaPolicy("MAJORITY Endorsement"),
					}),
					"Capabilities": map[string]bool{"V2_5": true},
				},
			},
		},
	}
}

// collections defines one private data collection per pair of platform orgs (and one per platform
// for deals inside a province): purchase prices and contract terms are visible only to the parties.
func (c Config) collections() []map[string]any {
	var platforms []string
	for _, o := range c.Orgs {
		if o.Role == "platform" {
			platforms = append(platforms, o.MSPID)
		}
	}
	sort.Strings(platforms)
	var out []map[string]any
	add := func(members ...string) {
		var ms []string
		for _, m := range members {
			ms = append(ms, fmt.Sprintf("'%s.member'", m))
		}
		c := map[string]any{
			"name":              domain.CollectionName(members...),
			"policy":            "OR(" + strings.Join(ms, ",") + ")",
			"requiredPeerCount": 0, "maxPeerCount": len(members),
			"blockToLive": 0, "memberOnlyRead": true, "memberOnlyWrite": false,
		}
		if len(members) == 1 {
			// a deal inside one platform commits its terms in a transaction that writes only this
			// collection, endorsed by that platform's peer alone (no other org sees them)
			c["endorsementPolicy"] = map[string]string{"signaturePolicy": fmt.Sprintf("OR('%s.peer')", members[0])}
		}
		out = append(out, c)
	}
	for i, a := range platforms {
		add(a)
		for _, b := range platforms[i+1:] {
			add(a, b)
		}
	}
	return out
}

func writeYAML(path string, v any) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := yaml.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", filepath.Base(path), err)
	}
	return os.WriteFile(path, b, 0o644)
}
