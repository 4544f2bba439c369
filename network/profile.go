package network

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// ConnectionProfile is what an org's gateway needs to act as that org, and nothing more: its own
// peer's endpoint and TLS root, and its own client identity. It is written as connection.json in the
// org's home; package fabric reads the same JSON (the file, not this type, is the interface).
type ConnectionProfile struct {
	MSPID     string `json:"mspId"`
	OrgKey    string `json:"org"`
	Label     string `json:"label"`
	Role      string `json:"role"`
	Channel   string `json:"channel"`
	Chaincode string `json:"chaincode"`
	// RegulatorMSP co-endorses private deals inside one platform (two orgs must endorse).
	RegulatorMSP string `json:"regulatorMspId"`
	Peer         struct {
		Address string `json:"address"`
		TLSCA   string `json:"tlsCACert"` // path
	} `json:"peer"`
	Identity struct {
		CertDir string `json:"signcertsDir"` // the client user's signcerts
		KeyDir  string `json:"keystoreDir"`  // its private key: inside this org's home only
	} `json:"identity"`
}

// Profile returns the connection profile of one org's client user.
func (c Config) Profile(o Org) (ConnectionProfile, error) {
	p, ok := c.Peer(o.Key)
	if !ok {
		return ConnectionProfile{}, fmt.Errorf("no peer for org %q", o.Key)
	}
	var cp ConnectionProfile
	cp.MSPID, cp.OrgKey, cp.Label, cp.Role = o.MSPID, o.Key, o.Label, o.Role
	cp.Channel, cp.Chaincode = c.Channel, c.Chaincode
	if reg, ok := c.Regulator(); ok {
		cp.RegulatorMSP = reg.MSPID
	}
	cp.Peer.Address, cp.Peer.TLSCA = p.Address(), c.TLSCAFile(o)
	msp := c.UserMSPDir(o, "User1")
	cp.Identity.CertDir, cp.Identity.KeyDir = filepath.Join(msp, "signcerts"), filepath.Join(msp, "keystore")
	return cp, nil
}

func (c Config) writeConnectionProfile(o Org) error {
	cp, err := c.Profile(o)
	if err != nil {
		return err
	}
	b, _ := json.MarshalIndent(cp, "", "  ")
	return os.WriteFile(c.ConnectionProfileFile(o), b, 0o644)
}
