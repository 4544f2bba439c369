package multiorg

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/internal/testnet"
	"github.com/agritrace/agritrace/network"
	"github.com/agritrace/agritrace/seeds"
	"github.com/agritrace/agritrace/trace"
)

// TestE2EMultiHost puts the orderers and each org (peer, chaincode server, gateway) on its own host:
// a network namespace with its own address on a private bridge the test creates. Nothing listens on
// loopback; TLS certificates name the hosts' addresses. The demo chains run across them through
// each org's own gateway, and every gateway resolves them.
func TestE2EMultiHost(t *testing.T) {
	groups := []string{network.OrdererGroup, "hlj", "ha", "reg"}
	hosts := testnet.Hosts(t, groups)
	var spec []string
	for _, g := range groups {
		spec = append(spec, g+"="+hosts[g])
	}
	c := testnet.Start(t, 30350, "--hosts", strings.Join(spec, ","), "--gateways", "--gateway-port", "20350")

	// every process runs in its group's namespace
	for name, pid := range network.RecordedPIDs(c) {
		group := network.OrdererGroup
		if i := strings.LastIndex(name, "."); i >= 0 && !strings.HasPrefix(name, "orderer") {
			group = name[i+1:]
		}
		_, ns, _ := strings.Cut(hosts[group], "/")
		out, err := exec.Command("ip", "netns", "identify", fmt.Sprint(pid)).Output()
		if err != nil || strings.TrimSpace(string(out)) != ns {
			t.Errorf("%s (pid %d) runs in namespace %q, want %q (%v)", name, pid, strings.TrimSpace(string(out)), ns, err)
		}
	}
	if len(network.RecordedPIDs(c)) != 1+3*3 {
		t.Errorf("recorded processes: %v (want an orderer and a peer, chaincode server and gateway per org)", network.RecordedPIDs(c))
	}

	eps := map[string]seeds.Endpoint{}
	for _, g := range c.Gateways() {
		env := testnet.ReadEnv(t, filepath.Join(c.OrgHome(g.Org), "gateway", "key.env"))
		if !strings.HasPrefix(env["URL"], "http://"+g.IP+":") || g.IP == "127.0.0.1" {
			t.Fatalf("gateway of %s at %s, want its host's address %s", g.Org.Key, env["URL"], g.IP)
		}
		eps[g.Org.Key] = seeds.Endpoint{URL: env["URL"], Key: env["KEY"]}
	}
	res, err := seeds.Load(t.Context(), eps, seeds.Chains(), io.Discard)
	if err != nil {
		t.Fatalf("demo chains across hosts: %v", err)
	}
	t.Logf("demo chains across %d hosts: %d events committed", len(groups), res.Committed)

	for _, ch := range seeds.Chains() {
		for org, ep := range eps {
			waitFor(t, ch.Key+" on "+org, func() error {
				req, _ := http.NewRequest("GET", ep.URL+"/t/"+url.PathEscape(ch.Consumer), nil)
				req.Header.Set("Accept", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					return err
				}
				defer resp.Body.Close()
				var pt trace.PublicTrail
				if err := json.NewDecoder(resp.Body).Decode(&pt); err != nil || resp.StatusCode != 200 {
					return fmt.Errorf("status %d: %v", resp.StatusCode, err)
				}
				if len(pt.Steps) < 3 || (pt.Recall != nil) != ch.Recalled {
					return fmt.Errorf("%d steps, recall %v", len(pt.Steps), pt.Recall)
				}
				return nil
			})
		}
	}
}
