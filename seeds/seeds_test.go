package seeds

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gs1"
	"github.com/agritrace/agritrace/internal/memgateway"
)

func TestSeedDataIsValid(t *testing.T) {
	for _, c := range Chains() {
		for _, s := range c.Steps {
			for _, e := range s.Events {
				for _, o := range e.Outputs {
					if o.Product.GTIN != "" {
						if err := gs1.VerifyCheckDigit(o.Product.GTIN, 14); err != nil {
							t.Errorf("%s: %v", e.ID, err)
						}
					}
				}
				for _, p := range []domain.Party{e.Actor} {
					if len(p.Enterprise) == 18 && domain.IsUSCCShape(p.Enterprise) && !domain.ValidUSCC(p.Enterprise) {
						t.Errorf("%s: invalid USCC %s", e.ID, p.Enterprise)
					}
				}
			}
		}
	}
	if _, err := Find("rice"); err != nil {
		t.Fatal(err)
	}
	if _, err := Find("nope"); err == nil {
		t.Fatal("unknown chain found")
	}
}

// TestLoadTwice loads every chain through the gateway's HTTP API (rules and read model real, the
// ledger in memory), then again: the second load adds nothing.
func TestLoadTwice(t *testing.T) {
	site := memgateway.Start(t, nil)
	store, clear := site.Store, site.Keys
	ctx := context.Background()
	first, err := Load(ctx, SameURL(site.URL, clear), Chains(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Load(ctx, SameURL(site.URL, clear), Chains(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if first.Committed == 0 || second.Committed != 0 || second.Duplicates != first.Committed {
		t.Fatalf("first %+v, second %+v", first, second)
	}
	for _, c := range Chains() {
		tr, err := store.Trail(ctx, c.Consumer, 20, 500)
		if err != nil {
			t.Fatalf("%s: %v", c.Key, err)
		}
		hasProduce := false
		for _, e := range tr.Events {
			hasProduce = hasProduce || e.Type == domain.Produce
		}
		if !hasProduce {
			t.Errorf("%s: the consumer batch does not trace back to a harvest", c.Key)
		}
		if (tr.RecalledBy != "") != c.Recalled {
			t.Errorf("%s: recalled %q, want %v", c.Key, tr.RecalledBy, c.Recalled)
		}
	}
	rice, _ := Find("rice")
	b, _ := store.Batch(ctx, rice.Consumer)
	if b.Custodian.Platform != "HenanMSP" || b.Status != domain.Sold {
		t.Fatalf("rice bags after the cross-province hand-over: %+v", b)
	}
}

// TestSeedsUnderEnforcedRegistry: with registration mandatory (every actor registered by its
// platform, every commissioned GTIN owned), the demo chains still load — the derived registry
// misses no enterprise — and the GI certificate is issued by the registered body.
func TestSeedsUnderEnforcedRegistry(t *testing.T) {
	site := memgateway.Start(t, nil)
	clear := site.Keys
	ctx := context.Background()
	client := http.DefaultClient
	steps := Registry(Chains())
	registered := 0
	for _, s := range steps {
		if _, err := postBulk(ctx, client, site.URL, clear[s.Org], s); err != nil {
			t.Fatal(err)
		}
		registered += len(s.Events)
	}
	if out, status, err := post(ctx, client, site.URL+"/v1/registry/policy", clear["reg"], map[string]any{"id": "enforce", "enforce": true}); err != nil || status != 201 {
		t.Fatalf("enforce: %d %s %v", status, out, err)
	}
	res, err := Load(ctx, SameURL(site.URL, clear), Chains(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if res.Duplicates != registered || res.Committed == 0 {
		t.Fatalf("load under enforcement: %+v (registry events %d)", res, registered)
	}
	raw, err := site.Ledger.Evaluate(ctx, "reg", "GetCertificate", "AGI-2026-WC-0412")
	if err != nil {
		t.Fatal(err)
	}
	var cert struct {
		Issuer, IssuerName, Holder, Status string
	}
	if err := json.Unmarshal(raw, &cert); err != nil || cert.Issuer != CertBody.ID || cert.IssuerName != CertBody.Name || cert.Status != domain.CertActive {
		t.Fatalf("GI certificate = %s", raw)
	}
}
