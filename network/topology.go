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
	IP        string // the host it listens on
	Netns     string // network namespace it runs in (tests), or empty
	Host      string // cryptogen hostname, e.g. "orderer0.orderer.agritrace.local"
	Port      int    // general (client + cluster) listener
	AdminPort int    // channel participation API
	OpsPort   int    // /healthz, /metrics
}

// Peer is one organisation's peer and the chaincode server paired with it.
type Peer struct {
	Org       Org
	Name      string // "peer0.hlj"
	IP        string // the org's host
	Netns     string // network namespace of the org's host (tests), or empty
	Host      string // "peer0.hlj.agritrace.local"
	Port      int
	CCPort    int // chaincode listener of the peer (unused with ccaas, but must not clash)
	OpsPort   int
	CCAASPort int // the chaincode server this peer dials
}

// Address is the peer's gRPC endpoint.
func (p Peer) Address() string { return hostPort(p.IP, p.Port) }

// Address is the orderer's gRPC endpoint.
func (o Orderer) Address() string { return hostPort(o.IP, o.Port) }

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
		h := c.host(OrdererGroup)
		out[i] = Orderer{Name: name, IP: h.IP, Netns: h.Netns, Host: name + "." + OrdererDomain, Port: b, AdminPort: b + 1, OpsPort: b + 2}
	}
	return out
}

// Peers lists one peer per org, in org order.
func (c Config) Peers() []Peer {
	out := make([]Peer, len(c.Orgs))
	for k, o := range c.Orgs {
		b := c.BasePort + peerOffset + k*peerStride
		h := c.host(o.Key)
		out[k] = Peer{Org: o, Name: "peer0." + o.Key, IP: h.IP, Netns: h.Netns, Host: "peer0." + o.Domain,
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

// OrgHome is everything one org owns: its crypto material (private keys never leave it), its
// connection profile, and its gateway's API keys and read model. On a real deployment it is the only
// directory on that org's host; other orgs see just the public certificates inside it.
func (c Config) OrgHome(o Org) string { return c.path("orgs", o.Key) }

// ConnectionProfileFile is where an org's gateway finds how to reach its own peer as itself.
func (c Config) ConnectionProfileFile(o Org) string {
	return filepath.Join(c.OrgHome(o), "connection.json")
}

func (c Config) orgCryptoDir(o Org) string { return filepath.Join(c.OrgHome(o), "crypto") }

func (c Config) orgDir(o Org) string {
	return filepath.Join(c.orgCryptoDir(o), "peerOrganizations", o.Domain)
}

// ordererCryptoDir holds the ordering organisation's material, apart from every application org.
func (c Config) ordererCryptoDir() string { return c.path("orderer", "crypto") }

func (c Config) ordererOrgDir() string {
	return filepath.Join(c.ordererCryptoDir(), "ordererOrganizations", OrdererDomain)
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

// Gateway is one org's agritrace gateway process: on the org's host, holding the org's identity.
type Gateway struct {
	Org   Org
	IP    string
	Netns string
	Port  int
}

// URL is the gateway's base URL.
func (g Gateway) URL() string { return "http://" + hostPort(g.IP, g.Port) }

// Gateways lists the org gateways the network runs (none without GatewayCmd).
func (c Config) Gateways() []Gateway {
	if len(c.GatewayCmd) == 0 {
		return nil
	}
	base := c.GatewayPort
	if base == 0 {
		base = 8080
	}
	out := make([]Gateway, len(c.Orgs))
	for k, o := range c.Orgs {
		h := c.host(o.Key)
		out[k] = Gateway{Org: o, IP: h.IP, Netns: h.Netns, Port: base + k}
	}
	return out
}
