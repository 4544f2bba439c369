package network

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func testConfig(t *testing.T) (Config, Binaries) {
	t.Helper()
	c := DefaultConfig(t.TempDir())
	c.ChaincodeCmd, c.BuilderCmd = []string{"/bin/true"}, []string{"/bin/true"}
	// a minimal stand-in for Fabric's sampleconfig with the shape the generator edits
	dir := t.TempDir()
	core := `peer: {gossip: {}, tls: {}, BCCSP: {SW: {FileKeyStore: {}}}}
vm: {endpoint: unix:///var/run/docker.sock}
chaincode: {}
ledger: {state: {}, history: {}, snapshots: {}}
operations: {}
metrics: {}
`
	orderer := `General: {Cluster: {}, BCCSP: {SW: {FileKeyStore: {}}}}
FileLedger: {}
Operations: {}
Metrics: {}
Admin: {}
ChannelParticipation: {}
`
	for name, body := range map[string]string{"core.yaml": core, "orderer.yaml": orderer} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return c, Binaries{Dir: dir, SampleConfig: dir}
}

func TestValidate(t *testing.T) {
	c, _ := testConfig(t)
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, mut := range map[string]func(*Config){
		"two orderers":  func(c *Config) { c.Orderers = 2 },
		"low port":      func(c *Config) { c.BasePort = 80 },
		"slow batches":  func(c *Config) { c.BatchTimeout = time.Minute },
		"no batch size": func(c *Config) { c.BatchMaxTx = 0 },
		"one org":       func(c *Config) { c.Orgs = c.Orgs[:1] },
		"bad policy":    func(c *Config) { c.Endorsement = "most" },
		"no chaincode":  func(c *Config) { c.ChaincodeCmd = nil },
	} {
		cc := c
		cc.Orgs = append([]Org(nil), c.Orgs...)
		mut(&cc)
		if err := cc.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestNodeConfigs(t *testing.T) {
	c, b := testConfig(t)
	c.Orderers = 3
	if err := c.writeNodeConfigs(b); err != nil {
		t.Fatal(err)
	}
	var core map[string]any
	raw, _ := os.ReadFile(filepath.Join(c.nodeDir("peer0.ha"), "core.yaml"))
	if err := yaml.Unmarshal(raw, &core); err != nil {
		t.Fatal(err)
	}
	peer := core["peer"].(map[string]any)
	if peer["localMspId"] != "HenanMSP" || peer["listenAddress"] != "127.0.0.1:7160" {
		t.Fatalf("peer0.ha core.yaml: %v %v", peer["localMspId"], peer["listenAddress"])
	}
	if core["vm"].(map[string]any)["endpoint"] != "" {
		t.Fatal("the Docker endpoint must be blank")
	}
	if peer["gossip"].(map[string]any)["reconnectInterval"] != "2s" || peer["gossip"].(map[string]any)["externalEndpoint"] != "127.0.0.1:7160" {
		t.Fatal("gossip settings")
	}
	if !strings.Contains(string(raw), "enableHistoryDatabase: true") || !strings.Contains(string(raw), "goleveldb") {
		t.Fatal("history database / LevelDB")
	}
	raw, _ = os.ReadFile(filepath.Join(c.nodeDir("orderer2"), "orderer.yaml"))
	for _, want := range []string{"ListenPort: 7070", "BootstrapMethod: none", "ClientAuthRequired: true", "127.0.0.1:7071"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("orderer2 orderer.yaml lacks %q", want)
		}
	}
}

func TestChannelAndCryptoConfig(t *testing.T) {
	c, _ := testConfig(t)
	c.Orderers = 3
	c.Endorsement = "all"
	tx := c.configTx()
	prof := tx["Profiles"].(map[string]any)["AgritraceChannel"].(map[string]any)
	ord := prof["Orderer"].(map[string]any)
	if ord["BatchTimeout"] != "250ms" || len(ord["EtcdRaft"].(map[string]any)["Consenters"].([]map[string]any)) != 3 {
		t.Fatalf("orderer section: %v", ord)
	}
	orgs := prof["Application"].(map[string]any)["Organizations"].([]map[string]any)
	if len(orgs) != 3 || orgs[2]["ID"] != "RegulatorMSP" || orgs[0]["AnchorPeers"] == nil {
		t.Fatalf("application orgs: %v", orgs)
	}
	if p, _ := c.signaturePolicy(); p != "AND('HeilongjiangMSP.peer','HenanMSP.peer','RegulatorMSP.peer')" {
		t.Fatalf("policy %q", p)
	}
	if oc := c.ordererCryptoConfig(); len(oc["OrdererOrgs"].([]map[string]any)[0]["Specs"].([]map[string]any)) != 3 {
		t.Fatal("orderer crypto config: want one spec per orderer")
	}
	// each org generates only its own material
	for _, o := range c.Orgs {
		pc := c.orgCryptoConfig(o)["PeerOrgs"].([]map[string]any)
		if len(pc) != 1 || pc[0]["Name"] != o.MSPID {
			t.Fatalf("crypto config of %s: %v", o.Key, pc)
		}
	}
	colls := c.collections()
	if len(colls) != 3 || colls[1]["name"] != "terms_HeilongjiangMSP_HenanMSP" {
		t.Fatalf("collections: %v", colls)
	}
}

func TestBuilderAndPackage(t *testing.T) {
	pkg, err := chaincodePackage("agritrace_1.0")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := chaincodePackage("agritrace_1.0")
	if PackageID("agritrace_1.0", pkg) != PackageID("agritrace_1.0", again) {
		t.Fatal("package is not deterministic: the package ID would change on every start")
	}
	src, meta, out, rel := t.TempDir(), t.TempDir(), t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(src, "connection.json"), []byte(connectionTemplate), 0o644)
	os.WriteFile(filepath.Join(meta, "metadata.json"), []byte(`{"type":"ccaas","label":"x"}`), 0o644)
	pemFile := filepath.Join(t.TempDir(), "x.pem")
	os.WriteFile(pemFile, []byte("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"), 0o644)
	cfg := fmt.Sprintf(`{"ccaddr":"127.0.0.1:7153","root_cert_file":%q,"client_cert_file":%q,"client_key_file":%q}`, pemFile, pemFile, pemFile)
	if err := BuilderBuild(src, meta, out, cfg); err != nil {
		t.Fatal(err)
	}
	if err := BuilderRelease(out, rel); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(rel, "chaincode", "server", "connection.json"))
	var conn map[string]any
	if err := json.Unmarshal(b, &conn); err != nil || conn["address"] != "127.0.0.1:7153" || conn["tls_required"] != true ||
		!strings.HasPrefix(fmt.Sprint(conn["root_cert"]), "-----BEGIN CERTIFICATE-----") {
		t.Fatalf("released connection.json (want address and the PEM content of the TLS files): %s", b)
	}
	if err := BuilderBuild(src, meta, out, `{}`); err == nil || !strings.Contains(err.Error(), "ccaddr") {
		t.Fatalf("missing template key: %v", err)
	}
	os.WriteFile(filepath.Join(meta, "metadata.json"), []byte(`{"type":"golang"}`), 0o644)
	if err := BuilderDetect(meta); err == nil {
		t.Fatal("a golang package was detected as ccaas")
	}
	c, _ := testConfig(t)
	if err := c.writeBuilder(); err != nil {
		t.Fatal(err)
	}
	script, _ := os.ReadFile(filepath.Join(c.StateDir, "builder", "bin", "build"))
	if !strings.Contains(string(script), "exec '/bin/true' build") {
		t.Fatalf("builder script: %s", script)
	}
}

func TestPortInUseIsNamed(t *testing.T) {
	c, _ := testConfig(t)
	busy := listenOn(t)
	_, err := c.startProc(proc{name: "peer0.x", argv: []string{"/bin/true"}, ports: []namedPort{{busy, "peer0.x gRPC"}}})
	if err == nil || !strings.Contains(err.Error(), "peer0.x gRPC") || !strings.Contains(err.Error(), "already in use") {
		t.Fatalf("busy port: %v", err)
	}
}

// TestLedgerProcessesYield: the ledger's processes start at the ledger's niceness, every thread of
// them (nice(1) sets it before the program runs); gateways at agritrace's own; a bad setting is
// refused before anything starts.
func TestLedgerProcessesYield(t *testing.T) {
	statNice := func(proc string) int {
		t.Helper()
		b, err := os.ReadFile("/proc/" + proc + "/stat")
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
		n, err := strconv.Atoi(f[16]) // field 19 of stat: the niceness
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	niceOf := func(pid int) int {
		t.Helper()
		for range 200 { // nice(1) has execed sleep once the command line is sleep's
			if cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); strings.HasPrefix(string(cmd), "/bin/sleep") {
				return statNice(strconv.Itoa(pid))
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Fatalf("process %d never became /bin/sleep", pid)
		return 0
	}
	own := statNice("self") // nice(1) adds to the niceness it is started with
	for _, tc := range []struct {
		name    string
		env     string
		gateway bool
		want    int
	}{
		{"peer, default", "", false, DefaultLedgerNice},
		{"peer, set", "3", false, 3},
		{"peer, off", "0", false, 0},
		{"gateway", "7", true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(LedgerNiceEnv, tc.env)
			if tc.env == "" {
				os.Unsetenv(LedgerNiceEnv)
			}
			c, _ := testConfig(t)
			pid, err := c.startProc(proc{name: "peer0.x", argv: []string{"/bin/sleep", "30"}, afterChaincode: tc.gateway})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
			if got, want := niceOf(pid), min(own+tc.want, 19); got != want {
				t.Errorf("niceness %d, want %d", got, want)
			}
		})
	}
	t.Setenv(LedgerNiceEnv, "twenty")
	c, _ := testConfig(t)
	if _, err := c.startProc(proc{name: "peer0.x", argv: []string{"/bin/sleep", "30"}}); err == nil || !strings.Contains(err.Error(), LedgerNiceEnv) {
		t.Errorf("a bad %s started the process (%v)", LedgerNiceEnv, err)
	}
}
