package network

import (
	"fmt"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

// Node configs start from Fabric's own sampleconfig, so every setting we do not touch keeps
// Fabric's default for this exact release.

func loadSample(b Binaries, name string) (map[string]any, error) {
	data, err := os.ReadFile(filepath.Join(b.SampleConfig, name))
	if err != nil {
		return nil, fmt.Errorf("read sample %s: %w", name, err)
	}
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("parse sample %s: %w", name, err)
	}
	return m, nil
}

// sub returns the nested map at path, failing loudly when sampleconfig's shape differs from what
// this code was written against (a silent no-op would produce a subtly wrong node).
func sub(m map[string]any, path ...string) map[string]any {
	cur := m
	for _, k := range path {
		next, ok := cur[k].(map[string]any)
		if !ok {
			panic(fmt.Sprintf("sampleconfig: %v has no map %q", path, k))
		}
		cur = next
	}
	return cur
}

func (c Config) ordererConfig(b Binaries, o Orderer) (map[string]any, error) {
	m, err := loadSample(b, "orderer.yaml")
	if err != nil {
		return nil, err
	}
	tls := c.ordererTLSDir(o)
	data := filepath.Join(c.nodeDir(o.Name), "data")
	g := sub(m, "General")
	g["ListenAddress"] = o.IP
	g["ListenPort"] = o.Port
	g["TLS"] = map[string]any{
		"Enabled": true, "PrivateKey": filepath.Join(tls, "server.key"), "Certificate": filepath.Join(tls, "server.crt"),
		"RootCAs": []string{filepath.Join(tls, "ca.crt")}, "ClientAuthRequired": false,
	}
	cl := sub(m, "General", "Cluster")
	cl["ClientCertificate"] = filepath.Join(tls, "server.crt")
	cl["ClientPrivateKey"] = filepath.Join(tls, "server.key")
	cl["RootCAs"] = []string{filepath.Join(tls, "ca.crt")}
	g["BootstrapMethod"] = "none"
	g["BootstrapFile"] = ""
	g["LocalMSPDir"] = filepath.Join(c.ordererOrgDir(), "orderers", o.Host, "msp")
	g["LocalMSPID"] = OrdererMSPID
	sub(m, "General", "BCCSP", "SW", "FileKeyStore")["KeyStore"] = nil
	sub(m, "FileLedger")["Location"] = filepath.Join(data, "ledger")
	ops := sub(m, "Operations")
	ops["ListenAddress"] = hostPort(o.IP, o.OpsPort)
	// TLS on the operations service makes its write operation and metrics need a client
	// certificate of the ordering org; /healthz stays open.
	ops["TLS"] = map[string]any{
		"Enabled": true, "Certificate": filepath.Join(tls, "server.crt"), "PrivateKey": filepath.Join(tls, "server.key"),
		"ClientAuthRequired": false, "ClientRootCAs": []string{c.OrdererTLSCAFile()},
	}
	sub(m, "Metrics")["Provider"] = "prometheus"
	admin := sub(m, "Admin")
	admin["ListenAddress"] = hostPort(o.IP, o.AdminPort)
	// the orderer panics when admin TLS is on without client auth
	admin["TLS"] = map[string]any{
		"Enabled": true, "Certificate": filepath.Join(tls, "server.crt"), "PrivateKey": filepath.Join(tls, "server.key"),
		"RootCAs": []string{filepath.Join(tls, "ca.crt")}, "ClientAuthRequired": true,
		"ClientRootCAs": []string{c.OrdererTLSCAFile()},
	}
	sub(m, "ChannelParticipation")["Enabled"] = true
	m["Consensus"] = map[string]any{
		"WALDir": filepath.Join(data, "etcdraft", "wal"), "SnapDir": filepath.Join(data, "etcdraft", "snapshot")}
	return m, nil
}

func (c Config) peerConfig(b Binaries, p Peer) (map[string]any, error) {
	m, err := loadSample(b, "core.yaml")
	if err != nil {
		return nil, err
	}
	tls := c.peerTLSDir(p)
	pe := sub(m, "peer")
	pe["id"] = p.Host
	pe["networkId"] = "agritrace"
	pe["listenAddress"] = p.Address()
	pe["address"] = p.Address()
	pe["addressAutoDetect"] = false
	pe["chaincodeListenAddress"] = hostPort(p.IP, p.CCPort)
	pe["chaincodeAddress"] = hostPort(p.IP, p.CCPort)
	pe["fileSystemPath"] = filepath.Join(c.nodeDir(p.Name), "data")
	pe["mspConfigPath"] = filepath.Join(c.orgDir(p.Org), "peers", p.Host, "msp")
	pe["localMspId"] = p.Org.MSPID
	gos := sub(m, "peer", "gossip")
	gos["bootstrap"] = p.Address()
	gos["externalEndpoint"] = p.Address() // without it no other org learns this peer, so discovery misses it
	// Fabric's 25 s default makes a lost first anchor-peer probe (the other org had not joined yet)
	// delay cross-org membership by half a minute.
	gos["reconnectInterval"] = "2s"
	gos["membershipTrackerInterval"] = "1s"
	gos["useLeaderElection"] = false
	gos["orgLeader"] = true
	pe["tls"] = map[string]any{
		"enabled": true, "clientAuthRequired": false,
		"cert":     map[string]any{"file": filepath.Join(tls, "server.crt")},
		"key":      map[string]any{"file": filepath.Join(tls, "server.key")},
		"rootcert": map[string]any{"file": filepath.Join(tls, "ca.crt")},
	}
	sub(m, "peer", "BCCSP", "SW", "FileKeyStore")["KeyStore"] = nil
	// No Docker: a blank VM endpoint (an empty env var would be ignored by viper) plus our ccaas builder.
	sub(m, "vm")["endpoint"] = ""
	sub(m, "chaincode")["externalBuilders"] = []map[string]any{{
		"name": "agritrace-ccaas", "path": c.path("builder"),
		"propagateEnvironment": []string{"CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG"},
	}}
	// Fabric 3.1 write batching: the chaincode sends its writes (and multi-key reads) in one message
	// instead of one synchronous round trip per key, which was about half the CPU of an ingest.
	sub(m, "chaincode")["runtimeParams"] = map[string]any{
		"useWriteBatch": true, "maxSizeWriteBatch": 1000,
		"useGetMultipleKeys": true, "maxSizeGetMultipleKeys": 1000,
	}
	if os.Getenv("AGRITRACE_PEER_PPROF") != "" {
		// Go's profiling endpoints on the peer, for profiling a bench phase; the port after the
		// peer's own ones is free in its stride
		pe["profile"] = map[string]any{"enabled": true, "listenAddress": hostPort(p.IP, p.CCAASPort+1)}
	}
	sub(m, "ledger", "state")["stateDatabase"] = "goleveldb"
	sub(m, "ledger", "history")["enableHistoryDatabase"] = true
	sub(m, "ledger", "snapshots")["rootDir"] = filepath.Join(c.nodeDir(p.Name), "data", "snapshots")
	ops := sub(m, "operations")
	ops["listenAddress"] = hostPort(p.IP, p.OpsPort)
	// see ordererConfig: writes and metrics need a client certificate of this org
	ops["tls"] = map[string]any{
		"enabled": true, "clientAuthRequired": false,
		"cert":          map[string]any{"file": filepath.Join(tls, "server.crt")},
		"key":           map[string]any{"file": filepath.Join(tls, "server.key")},
		"clientRootCAs": map[string]any{"files": []string{c.TLSCAFile(p.Org)}},
	}
	sub(m, "metrics")["provider"] = "prometheus"
	return m, nil
}

// writeNodeConfigs (re)writes every node's config. Doing it on each start keeps configs in step
// with the code while the crypto material and ledgers stay untouched.
func (c Config) writeNodeConfigs(b Binaries) error {
	for _, o := range c.OrdererNodes() {
		m, err := c.ordererConfig(b, o)
		if err != nil {
			return err
		}
		if err := writeYAML(filepath.Join(c.nodeDir(o.Name), "orderer.yaml"), m); err != nil {
			return err
		}
	}
	for _, p := range c.Peers() {
		m, err := c.peerConfig(b, p)
		if err != nil {
			return err
		}
		if err := writeYAML(filepath.Join(c.nodeDir(p.Name), "core.yaml"), m); err != nil {
			return err
		}
	}
	return nil
}
