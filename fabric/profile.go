package fabric

import (
	"encoding/json"
	"fmt"
	"os"
)

// Profile is one org's connection profile (connection.json in the org's home, written by the
// network tooling): its own peer and its own client identity. A gateway loads exactly one, so it can
// sign as no one else.
type Profile struct {
	MSPID     string `json:"mspId"`
	OrgKey    string `json:"org"`
	Label     string `json:"label"`
	Role      string `json:"role"` // platform or regulator
	Channel   string `json:"channel"`
	Chaincode string `json:"chaincode"`
	// RegulatorMSP co-endorses private deals inside one platform (two orgs must endorse).
	RegulatorMSP string `json:"regulatorMspId"`
	Peer         struct {
		Address string `json:"address"`
		TLSCA   string `json:"tlsCACert"`
	} `json:"peer"`
	Identity struct {
		CertDir string `json:"signcertsDir"`
		KeyDir  string `json:"keystoreDir"`
	} `json:"identity"`
}

// LoadProfile reads a connection profile.
func LoadProfile(path string) (Profile, error) {
	var p Profile
	b, err := os.ReadFile(path)
	if err != nil {
		return p, fmt.Errorf("read connection profile: %w", err)
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("parse connection profile %s: %w", path, err)
	}
	if p.MSPID == "" || p.Peer.Address == "" || p.Identity.CertDir == "" || p.Channel == "" || p.Chaincode == "" {
		return p, fmt.Errorf("connection profile %s lacks mspId, peer.address, identity or channel/chaincode", path)
	}
	return p, nil
}
