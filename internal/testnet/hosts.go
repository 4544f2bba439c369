package testnet

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Hosts gives each group (the orderers, each org) its own Linux network namespace with its own
// address on a private bridge that the test creates, as if each ran on its own machine, and removes
// them all when the test ends. It needs root (CAP_NET_ADMIN) and iproute2: without them the test
// fails with a message saying so, never passes silently.
func Hosts(t *testing.T, groups []string) map[string]string {
	t.Helper()
	Skip(t)
	if os.Geteuid() != 0 {
		t.Fatalf("multi-host test needs root to create network namespaces (run make test as root, as CI does); uid %d", os.Geteuid())
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Fatal("multi-host test needs the ip command (Debian package iproute2)")
	}
	raw := make([]byte, 2)
	_, _ = rand.Read(raw)
	tag := hex.EncodeToString(raw) // keeps names unique when two runs share a machine
	subnet := fmt.Sprintf("10.%d.%d", 100+int(raw[0])%100, raw[1])
	bridge := "atbr" + tag
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v\n%s\n(network namespaces need CAP_NET_ADMIN: run as root)", strings.Join(args, " "), err, out)
		}
	}
	var cleanup []func()
	t.Cleanup(func() {
		for i := len(cleanup) - 1; i >= 0; i-- {
			cleanup[i]()
		}
	})
	del := func(args ...string) func() {
		return func() { _ = exec.Command("ip", args...).Run() }
	}
	run("link", "add", bridge, "type", "bridge")
	cleanup = append(cleanup, del("link", "del", bridge))
	run("addr", "add", subnet+".1/24", "dev", bridge)
	run("link", "set", bridge, "up")
	out := map[string]string{}
	for i, g := range groups {
		ns := fmt.Sprintf("at%s-%d", tag, i)
		host, peer := fmt.Sprintf("at%sh%d", tag, i), fmt.Sprintf("at%sn%d", tag, i)
		ip := fmt.Sprintf("%s.%d", subnet, 10+i)
		run("netns", "add", ns)
		cleanup = append(cleanup, del("netns", "del", ns))
		run("link", "add", host, "type", "veth", "peer", "name", peer)
		cleanup = append(cleanup, del("link", "del", host))
		run("link", "set", peer, "netns", ns)
		run("link", "set", host, "master", bridge)
		run("link", "set", host, "up")
		run("-n", ns, "addr", "add", ip+"/24", "dev", peer)
		run("-n", ns, "link", "set", peer, "up")
		run("-n", ns, "link", "set", "lo", "up")
		run("-n", ns, "route", "add", "default", "via", subnet+".1")
		out[g] = ip + "/" + ns
	}
	return out
}
