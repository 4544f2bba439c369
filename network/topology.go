package network

import (
	"fmt"
	"path/filepath"
)

// Port layout relative to Config.BasePort. Orderer i uses base+10i…; peer k uses base+100+10k…, so
// one base port moves a whole network (tests run beside a development network this way).
const (
	ordererStride = 10
	peerOffset    = 100
	peerStride    = 10
)

// Orderer is one Raft orderer node.
type Orderer struct {
	Name      string // "orderer0"
	Host      string // cryptogen hostname, e.g. "orderer0.orderer.agritrace.local"
	Port      int    // general (client + cluster) listener
	AdminPort int    // channel participation API
	OpsPort   int    // /healthz, /metrics
}

// Peer is one organisation's peer and the chaincode server paired with it.
type Peer struct {
	Org       Org
	Name      string // "peer0.hlj"
	Host      string // "peer0.hlj.agritrace.local"
	Port      int
	CCPort    int // chaincode listener of the peer (unused with ccaas, but must not clash)
	OpsPort   int
	CCAASPort int // the chaincode server this peer dials
}

// Address is the peer's gRPC endpoint on loopback.
func (p Peer) Address() string { return fmt.Sprintf("127.0.0.1:%d", p.Port) }

// Address is the orderer's gRPC endpoint on loopback.
func (o Orderer) Address() string { return fmt.Sprintf("127.0.0.1:%d", o.Port) }

// OrdererDomain is the cryptogen domain of the orderer organisation.
const OrdererDomain = "orderer.agritrace.local"

// OrdererMSPID is the orderer organisation's MSP ID.
const OrdererMSPID = "OrdererMSP"

// OrdererNodes lists the orderers of the network.
func (c Config) OrdererNodes() []Orderer {
	out := make([]Orderer, c.Orderers)
	for i := range out {
		b := c.BasePort + i*ordererStride
		name := fmt.Sprintf("orderer%d", i)
		out[i] = Orderer{Name: name, Host: name + "." + OrdererDomain, Port: b, AdminPort: b + 1, OpsPort: b + 2}
	}
	return out
}

// Peers lists one peer per org, in org order.
func (c Config) Peers() []Peer {
	out := make([]Peer, len(c.Orgs))
	for k, o := range c.Orgs {
		b := c.BasePort + peerOffset + k*peerStride
		out[k] = Peer{Org: o, Name: "peer0." + o.Key, Host: "peer0." + o.Domain,
			Port: b, CCPort: b + 1, OpsPort: b + 2, CCAASPort: b + 3}
	}
	return out
}

// Peer returns the peer of the org with the given key or MSP ID.
func (c Config) Peer(keyOrMSP string) (Peer, bool) {
	for _, p := range c.Peers() {
		if p.Org.Key == keyOrMSP || p.Org.MSPID == keyOrMSP {
			return p, true
		}
	}
	return Peer{}, false
}

// cryptoDir is where cryptogen writes every org's MSP and TLS material.
func (c Config) cryptoDir() string { return c.path("crypto") }

func (c Config) orgDir(o Org) string {
	return filepath.Join(c.cryptoDir(), "peerOrganizations", o.Domain)
}

func (c Config) ordererOrgDir() string {
	return filepath.Join(c.cryptoDir(), "ordererOrganizations", OrdererDomain)
}

// TLSCAFile is the TLS root certificate of an org's peers.
func (c Config) TLSCAFile(o Org) string {
	return filepath.Join(c.orgDir(o), "tlsca", "tlsca."+o.Domain+"-cert.pem")
}

// OrdererTLSCAFile is the TLS root certificate of the orderers.
func (c Config) OrdererTLSCAFile() string {
	return filepath.Join(c.ordererOrgDir(), "tlsca", "tlsca."+OrdererDomain+"-cert.pem")
}

// UserMSPDir is the MSP directory of an org's user ("User1" is the client, "Admin" the admin).
func (c Config) UserMSPDir(o Org, user string) string {
	return filepath.Join(c.orgDir(o), "users", user+"@"+o.Domain, "msp")
}

func (c Config) peerTLSDir(p Peer) string {
	return filepath.Join(c.orgDir(p.Org), "peers", p.Host, "tls")
}

func (c Config) ordererTLSDir(o Orderer) string {
	return filepath.Join(c.ordererOrgDir(), "orderers", o.Host, "tls")
}

func (c Config) nodeDir(name string) string    { return c.path("nodes", name) }
func (c Config) channelBlock() string          { return c.path("channel", c.Channel+".block") }
func (c Config) logFile(name string) string    { return c.path("logs", name+".log") }
func (c Config) pidFile(name string) string    { return c.path("pids", name+".pid") }
func (c Config) packageFile() string           { return c.path("chaincode", c.Chaincode+".tar.gz") }
func (c Config) collectionsFile() string       { return c.path("chaincode", "collections.json") }
func (c Config) markerFile(step string) string { return c.path("done", step) }

// ccName is the process name of the chaincode server serving a peer.
func ccName(p Peer) string { return "chaincode." + p.Org.Key }
