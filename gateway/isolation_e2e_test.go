package gateway_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/fabric"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/internal/testnet"
	"github.com/agritrace/agritrace/network"
	"github.com/agritrace/agritrace/wire"
)

// TestE2EOrgIsolation: each org's gateway holds only its own identity. No gateway's home (keys,
// read model, connection profile and whatever it points at) holds another org's private key; a
// gateway refuses to act as another org; one org's API key is unknown to another org's gateway; and
// what a gateway submits is signed by its own org only.
func TestE2EOrgIsolation(t *testing.T) {
	c := testnet.Start(t, 27550)
	gs := testnet.StartGateway(t, c, 18550)

	keyOwners := privateKeyOwners(t, c)
	for _, o := range c.Orgs {
		g := gs.Org(o.Key)
		// every file the gateway's state consists of: its home, and what its connection profile names
		files := walkFiles(t, g.Home)
		prof := readProfile(t, c.ConnectionProfileFile(o))
		files = append(files, c.ConnectionProfileFile(o))
		files = append(files, walkFiles(t, prof.Identity.KeyDir)...)
		files = append(files, walkFiles(t, prof.Identity.CertDir)...)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for owner, keys := range keyOwners {
				if owner == o.MSPID {
					continue
				}
				for _, k := range keys {
					if bytes.Contains(b, k) {
						t.Errorf("state of %s's gateway (%s) holds a private key of %s", o.Key, f, owner)
					}
				}
			}
		}
		if !strings.HasPrefix(prof.Identity.KeyDir, c.OrgHome(o)) {
			t.Errorf("%s's identity key lives outside its home: %s", o.Key, prof.Identity.KeyDir)
		}
	}

	// another org's key is not a key at this gateway
	hlj, ha := gs.Org("hlj"), gs.Org("ha")
	ev := harvest("e2e-iso-1", "E2E-ISO-LOT-1")
	if status, body := call(t, "POST", hlj.URL+"/v1/events", ha.Key, "application/json", mustJSON(ev)); status != 401 {
		t.Fatalf("河南's key at 黑龙江's gateway: %d %s (want 401)", status, body)
	}
	status, body := call(t, "POST", hlj.URL+"/v1/events", hlj.Key, "application/json", mustJSON(ev))
	if status != 201 {
		t.Fatalf("own key at own gateway: %d %s", status, body)
	}

	// what the gateway submitted was signed by HeilongjiangMSP (the creator of the transaction)
	reg := testnet.Connect(t, c, "reg")
	raw, err := reg.Evaluate(context.Background(), wire.GetEvent, "e2e-iso-1")
	if err != nil {
		t.Fatal(err)
	}
	var got domain.Event
	if err := json.Unmarshal(raw, &got); err != nil || got.Platform != "HeilongjiangMSP" {
		t.Fatalf("event recorded as %q (want HeilongjiangMSP): %s", got.Platform, raw)
	}

	// the ledger adapter of one org's gateway cannot act as another org
	prof := readProfile(t, c.ConnectionProfileFile(c.Orgs[0]))
	led, err := gateway.NewFabricLedger(prof, testLog())
	if err != nil {
		t.Fatal(err)
	}
	defer led.Close()
	if _, _, err := led.Record(context.Background(), "reg", []domain.Event{harvest("e2e-iso-2", "E2E-ISO-LOT-2")}, nil, nil); !errors.Is(err, gateway.ErrNotThisOrg) {
		t.Fatalf("recording as the regulator through 黑龙江's ledger adapter: %v (want ErrNotThisOrg)", err)
	}
}

// privateKeyOwners reads every org's private keys (PEM bodies) from the network state.
func privateKeyOwners(t *testing.T, c network.Config) map[string][][]byte {
	t.Helper()
	out := map[string][][]byte{}
	for _, o := range c.Orgs {
		for _, f := range walkFiles(t, c.OrgHome(o)) {
			b, _ := os.ReadFile(f)
			blk, _ := pem.Decode(b)
			if blk == nil || !strings.Contains(blk.Type, "PRIVATE KEY") {
				continue
			}
			if _, err := x509.ParsePKCS8PrivateKey(blk.Bytes); err != nil {
				continue
			}
			out[o.MSPID] = append(out[o.MSPID], blk.Bytes)
		}
	}
	if len(out) != len(c.Orgs) {
		t.Fatalf("found private keys of %d orgs, want %d", len(out), len(c.Orgs))
	}
	return out
}

func walkFiles(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		t.Fatal(err)
	}
	return out
}

func readProfile(t *testing.T, path string) fabric.Profile {
	t.Helper()
	p, err := fabric.LoadProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func testLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
