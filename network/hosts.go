package network

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Host places a group of nodes (the orderers, or one org's peer, chaincode server and gateway) on
// their own machine. In tests the machine is a Linux network namespace with its own address on a
// private bridge; on a real deployment Netns is empty and IP is the host's address.
type Host struct {
	IP    string `json:"ip"`
	Netns string `json:"netns,omitempty"`
}

// OrdererGroup is the Hosts key of the ordering service.
const OrdererGroup = "orderer"

// host returns where a group lives: loopback unless Config.Hosts places it elsewhere.
func (c Config) host(group string) Host {
	if h, ok := c.Hosts[group]; ok && h.IP != "" {
		return h
	}
	return Host{IP: "127.0.0.1"}
}

func hostPort(ip string, port int) string { return net.JoinHostPort(ip, strconv.Itoa(port)) }

// opsEndpoint is a node's operations service: served over TLS so that its write operation
// (PUT /logspec) and its metrics need a client certificate of the node's own organisation, while
// /healthz stays open to load balancers.
type opsEndpoint struct {
	name       string
	addr       string
	caFile     string // TLS CA of the node's org
	clientCert string // a TLS client certificate of that org (its Admin user)
	clientKey  string
}

func (c Config) peerOps(p Peer) opsEndpoint {
	tls := filepath.Join(c.orgDir(p.Org), "users", "Admin@"+p.Org.Domain, "tls")
	return opsEndpoint{name: p.Name, addr: hostPort(p.IP, p.OpsPort), caFile: c.TLSCAFile(p.Org),
		clientCert: filepath.Join(tls, "client.crt"), clientKey: filepath.Join(tls, "client.key")}
}

func (c Config) ordererOps(o Orderer) opsEndpoint {
	tls := filepath.Join(c.ordererOrgDir(), "users", "Admin@"+OrdererDomain, "tls")
	return opsEndpoint{name: o.Name, addr: hostPort(o.IP, o.OpsPort), caFile: c.OrdererTLSCAFile(),
		clientCert: filepath.Join(tls, "client.crt"), clientKey: filepath.Join(tls, "client.key")}
}

// client returns an HTTPS client that trusts the node's org CA and presents the org's admin
// client certificate when withCert is set.
func (e opsEndpoint) client(withCert bool) (*http.Client, error) {
	ca, err := os.ReadFile(e.caFile)
	if err != nil {
		return nil, fmt.Errorf("operations TLS CA of %s: %w", e.name, err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	cfg := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	if withCert {
		cert, err := tls.LoadX509KeyPair(e.clientCert, e.clientKey)
		if err != nil {
			return nil, fmt.Errorf("operations client certificate for %s: %w", e.name, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return &http.Client{Timeout: time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}, nil
}

func (e opsEndpoint) url(path string) string { return "https://" + e.addr + path }
