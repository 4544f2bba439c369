package network

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Admin operations go through Fabric's own CLIs (peer, osnadmin, cryptogen, configtxgen): they are
// the supported interface for channel and lifecycle administration.

func (c Config) runTool(ctx context.Context, b Binaries, env []string, tool string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.Tool(tool), args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w\n%s", tool, strings.Join(args[:min(2, len(args))], " "), err, tail(string(out), 1500))
	}
	return string(out), nil
}

// toolStdout runs a Fabric tool whose answer is on stdout (its log goes to stderr).
func (c Config) toolStdout(ctx context.Context, b Binaries, env []string, tool string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, b.Tool(tool), args...)
	cmd.Env = append(os.Environ(), env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w\n%s", tool, strings.Join(args[:min(2, len(args))], " "), err, tail(stderr.String(), 1500))
	}
	return out, nil
}

// adminEnv is the peer CLI environment for acting as an org's admin against its own peer.
func (c Config) adminEnv(p Peer) []string {
	return []string{
		"FABRIC_CFG_PATH=" + c.nodeDir(p.Name),
		"FABRIC_LOGGING_SPEC=warning",
		"CORE_PEER_TLS_ENABLED=true",
		"CORE_PEER_LOCALMSPID=" + p.Org.MSPID,
		"CORE_PEER_MSPCONFIGPATH=" + c.UserMSPDir(p.Org, "Admin"),
		"CORE_PEER_TLS_ROOTCERT_FILE=" + c.TLSCAFile(p.Org),
		"CORE_PEER_ADDRESS=" + p.Address(),
	}
}

// cryptogen runs cryptogen over one org's config into its own output directory.
func (c Config) cryptogen(ctx context.Context, b Binaries, cfg map[string]any, out string) error {
	cfgFile := filepath.Join(out, "crypto-config.yaml")
	if err := writeYAML(cfgFile, cfg); err != nil {
		return err
	}
	_, err := c.runTool(ctx, b, nil, "cryptogen", "generate", "--config="+cfgFile, "--output="+out)
	return err
}

func (c Config) generateCrypto(ctx context.Context, b Binaries) error {
	if err := c.cryptogen(ctx, b, c.ordererCryptoConfig(), c.ordererCryptoDir()); err != nil {
		return err
	}
	for _, o := range c.Orgs {
		if err := c.generateOrgCrypto(ctx, b, o); err != nil {
			return err
		}
	}
	if err := writeYAML(c.path("configtx", "configtx.yaml"), c.configTx()); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(c.channelBlock()), 0o755); err != nil {
		return err
	}
	_, err := c.runTool(ctx, b, nil, "configtxgen", "-configPath", c.path("configtx"),
		"-profile", "AgritraceChannel", "-channelID", c.Channel, "-outputBlock", c.channelBlock())
	return err
}

// generateOrgCrypto creates one org's MSP and TLS material in its own home and writes its
// connection profile.
func (c Config) generateOrgCrypto(ctx context.Context, b Binaries, o Org) error {
	if err := c.cryptogen(ctx, b, c.orgCryptoConfig(o), c.orgCryptoDir(o)); err != nil {
		return fmt.Errorf("crypto of %s: %w", o.MSPID, err)
	}
	return c.writeConnectionProfile(o)
}

func (c Config) osnadmin(ctx context.Context, b Binaries, o Orderer, args ...string) (string, error) {
	admin := filepath.Join(c.ordererOrgDir(), "users", "Admin@"+OrdererDomain, "tls")
	args = append([]string{"channel"}, args...)
	args = append(args, "--orderer-address", hostPort(o.IP, o.AdminPort),
		"--ca-file", c.OrdererTLSCAFile(),
		"--client-cert", filepath.Join(admin, "client.crt"), "--client-key", filepath.Join(admin, "client.key"))
	return c.runTool(ctx, b, nil, "osnadmin", args...)
}

// ordererChannelStatus returns "consenter/active" once the orderer serves the channel.
func (c Config) ordererChannelStatus(ctx context.Context, b Binaries, o Orderer) string {
	out, err := c.osnadmin(ctx, b, o, "list", "--channelID", c.Channel)
	if err != nil {
		return "unreachable"
	}
	i := strings.Index(out, "{")
	if i < 0 {
		return "unknown"
	}
	var info struct {
		Status            string `json:"status"`
		ConsensusRelation string `json:"consensusRelation"`
		Height            uint64 `json:"height"`
	}
	if json.Unmarshal([]byte(out[i:]), &info) != nil {
		return "unknown"
	}
	return info.ConsensusRelation + "/" + info.Status
}

func (c Config) chaincodeDefinitionArgs() ([]string, error) {
	seq := max(c.ChaincodeSequence, 1)
	args := []string{"--channelID", c.Channel, "--name", c.Chaincode, "--version", "1.0", "--sequence", strconv.Itoa(seq),
		"--collections-config", c.collectionsFile()}
	pol, err := c.signaturePolicy()
	if err != nil {
		return nil, err
	}
	if pol != "" {
		args = append(args, "--signature-policy", pol)
	}
	return args, nil
}

func (c Config) ordererArgs() []string {
	return []string{"-o", c.OrdererNodes()[0].Address(), "--tls", "--cafile", c.OrdererTLSCAFile()}
}

// deployChaincode installs the ccaas package on every peer, approves it for every org and commits
// the definition endorsed by all peers.
func (c Config) deployChaincode(ctx context.Context, b Binaries, pkgID string) error {
	coll, err := json.MarshalIndent(c.collections(), "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(c.collectionsFile(), coll, 0o644); err != nil {
		return err
	}
	def, err := c.chaincodeDefinitionArgs()
	if err != nil {
		return err
	}
	for _, p := range c.Peers() {
		out, err := c.runTool(ctx, b, c.adminEnv(p), "peer", "lifecycle", "chaincode", "install", c.packageFile())
		if err != nil && !strings.Contains(out, "already successfully installed") {
			return fmt.Errorf("install on %s: %w", p.Name, err)
		}
	}
	for _, p := range c.Peers() {
		args := append([]string{"lifecycle", "chaincode", "approveformyorg"}, c.ordererArgs()...)
		args = append(args, def...)
		args = append(args, "--package-id", pkgID, "--waitForEvent")
		if _, err := c.runTool(ctx, b, c.adminEnv(p), "peer", args...); err != nil {
			return fmt.Errorf("approve for %s: %w", p.Org.MSPID, err)
		}
	}
	args := append([]string{"lifecycle", "chaincode", "commit"}, c.ordererArgs()...)
	args = append(args, def...)
	for _, p := range c.Peers() {
		args = append(args, "--peerAddresses", p.Address(), "--tlsRootCertFiles", c.TLSCAFile(p.Org))
	}
	args = append(args, "--waitForEvent")
	if _, err := c.runTool(ctx, b, c.adminEnv(c.Peers()[0]), "peer", args...); err != nil {
		return fmt.Errorf("commit chaincode definition: %w", err)
	}
	return nil
}
