// Package network brings a complete Hyperledger Fabric network up and down on one machine as plain
// processes (no Docker): Raft orderers, one peer per organisation, and the agritrace chaincode run as
// a service. Everything it creates lives in one state directory, and every PID it starts is recorded
// there so that Down stops exactly those processes.
package network

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/wire"
	"os"
	"path/filepath"
	"time"
)

// Org is one Fabric organisation that runs a peer. Provincial platforms record events for the
// enterprises they vouch for; the national regulator reads everything and runs recalls.
type Org struct {
	Key    string `json:"key"`    // short name used in paths and flags, e.g. "hlj"
	MSPID  string `json:"mspId"`  // e.g. "HeilongjiangMSP"
	Domain string `json:"domain"` // cryptogen domain, e.g. "hlj.agritrace.local"
	Label  string `json:"label"`  // human name shown in the UI, e.g. "黑龙江省粮食质量安全追溯平台"
	Role   string `json:"role"`   // "platform" or "regulator"
}

// Identity is the org as the application sees it (no crypto or host details).
func (o Org) Identity() domain.Org {
	return domain.Org{Key: o.Key, MSPID: o.MSPID, Label: o.Label, Role: o.Role}
}

// DefaultOrgs are the organisations of the product: two provincial platforms and the regulator.
func DefaultOrgs() []Org {
	return []Org{
		{Key: "hlj", MSPID: "HeilongjiangMSP", Domain: "hlj.agritrace.local", Label: "黑龙江省粮食追溯平台", Role: "platform"},
		{Key: "ha", MSPID: "HenanMSP", Domain: "ha.agritrace.local", Label: "河南省粮食追溯平台", Role: "platform"},
		{Key: "reg", MSPID: "RegulatorMSP", Domain: "regulator.agritrace.local", Label: "国家粮食和物资储备局", Role: "regulator"},
	}
}

// Config describes one network. It is written to the state directory on first start so that later
// runs (and other commands such as the gateway) see exactly the network that exists.
type Config struct {
	StateDir     string        `json:"-"`
	Channel      string        `json:"channel"`
	Chaincode    string        `json:"chaincode"`
	Orgs         []Org         `json:"orgs"`
	Orderers     int           `json:"orderers"`
	BasePort     int           `json:"basePort"`
	BatchTimeout time.Duration `json:"batchTimeout"`
	BatchMaxTx   int           `json:"batchMaxTx"`
	// Endorsement is "two" (default: any two orgs), "majority", "any", "all", or a Fabric signature policy such as
	// "AND('HeilongjiangMSP.peer','RegulatorMSP.peer')".
	Endorsement string `json:"endorsement"`
	// ChaincodeSequence is the committed chaincode definition's sequence (it grows when an org joins).
	ChaincodeSequence int `json:"chaincodeSequence,omitempty"`
	// ChaincodeCmd is the command (argv) that serves the chaincode; CHAINCODE_ID and
	// CHAINCODE_SERVER_ADDRESS are passed in the environment.
	ChaincodeCmd []string `json:"chaincodeCmd"`
	// Hosts places the orderers ("orderer") and each org (by key) on its own host; empty means
	// everything on loopback.
	Hosts map[string]Host `json:"hosts,omitempty"`
	// GatewayCmd is the argv prefix that serves one org's gateway ("--org KEY --addr …" is
	// appended); empty means the network runs without gateways (tests start their own).
	GatewayCmd []string `json:"gatewayCmd,omitempty"`
	// GatewayPort is the first org's gateway port; org k listens on GatewayPort+k.
	GatewayPort int `json:"gatewayPort,omitempty"`
	// BuilderCmd is the argv prefix of the external builder; "detect", "build" or "release" is appended.
	BuilderCmd []string `json:"builderCmd"`
}

// DefaultConfig returns the development defaults: three orgs, one orderer, 250 ms batches.
func DefaultConfig(stateDir string) Config {
	return Config{
		StateDir:     stateDir,
		Channel:      "agritrace",
		Chaincode:    "agritrace",
		Orgs:         DefaultOrgs(),
		Orderers:     1,
		BasePort:     7050,
		BatchTimeout: 250 * time.Millisecond,
		// a block's worth is what each gateway sends before group commit makes concurrent requests
		// share transactions (gateway/coalesce.go), see wire.DefaultBlockMaxTxs
		BatchMaxTx:  wire.DefaultBlockMaxTxs,
		Endorsement: "two",
	}
}

// Validate reports the first setting that cannot produce a working network.
func (c Config) Validate() error {
	switch {
	case c.Orderers != 1 && c.Orderers != 3:
		return fmt.Errorf("orderers must be 1 or 3, got %d", c.Orderers)
	case c.BasePort < 1024 || c.BasePort > 65000:
		return fmt.Errorf("base port %d outside 1024..65000", c.BasePort)
	case c.BatchTimeout < 10*time.Millisecond || c.BatchTimeout > 10*time.Second:
		return fmt.Errorf("batch timeout %s outside 10ms..10s", c.BatchTimeout)
	case c.BatchMaxTx < 1:
		return fmt.Errorf("batch max tx must be positive")
	case len(c.Orgs) < 2:
		return fmt.Errorf("at least two orgs are needed for multi-org endorsement")
	case len(c.ChaincodeCmd) == 0 || len(c.BuilderCmd) == 0:
		return errors.New("chaincode and builder commands must be set")
	}
	if _, err := c.signaturePolicy(); err != nil {
		return err
	}
	return nil
}

// Org returns the org with the given key or MSP ID.
func (c Config) Org(keyOrMSP string) (Org, bool) {
	for _, o := range c.Orgs {
		if o.Key == keyOrMSP || o.MSPID == keyOrMSP {
			return o, true
		}
	}
	return Org{}, false
}

// Regulator returns the regulator org (the first org whose role is "regulator").
func (c Config) Regulator() (Org, bool) {
	for _, o := range c.Orgs {
		if o.Role == "regulator" {
			return o, true
		}
	}
	return Org{}, false
}

func (c Config) path(parts ...string) string {
	return filepath.Join(append([]string{c.StateDir}, parts...)...)
}

func (c Config) configFile() string { return c.path("network.json") }

// Save writes the config into the state directory.
func (c Config) Save() error {
	if err := os.MkdirAll(c.StateDir, 0o755); err != nil {
		return fmt.Errorf("create state dir: %w", err)
	}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(c.configFile(), b, 0o644)
}

// LoadConfig reads the config of an existing network. os.ErrNotExist means no network was ever
// created in stateDir.
func LoadConfig(stateDir string) (Config, error) {
	b, err := os.ReadFile(filepath.Join(stateDir, "network.json"))
	if err != nil {
		return Config{}, err
	}
	var c Config
	if err := json.Unmarshal(b, &c); err != nil {
		return Config{}, fmt.Errorf("parse %s: %w", filepath.Join(stateDir, "network.json"), err)
	}
	c.StateDir = stateDir
	return c, nil
}
