package multiorg

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/internal/testnet"
	"github.com/agritrace/agritrace/network"
	"github.com/agritrace/agritrace/trace"
	"github.com/agritrace/agritrace/wire"
)

// TestE2EOnboardProvince: 山东 joins the running three-org network through `agritrace org add`
// (its own crypto, a channel config update signed by a majority of the existing admins, its peer
// joining, the chaincode definition approved again with its collections, its gateway). Then a 山东
// batch is produced, sold to 河南 with private terms, accepted by 河南, recalled by the regulator,
// and the consumer page on every gateway shows it recalled.
func TestE2EOnboardProvince(t *testing.T) {
	c := testnet.Start(t, 30250)
	gs := testnet.StartGateway(t, c, 20250)

	start := time.Now()
	out, err := testnet.Run(t, "org", "add", "--state", c.StateDir, "--key", "sd", "--name", "山东省粮食追溯平台", "--msp", "ShandongMSP")
	if err != nil {
		t.Fatalf("org add: %v\n%s", err, out)
	}
	t.Logf("org add took %s:\n%s", time.Since(start).Round(100*time.Millisecond), out)
	c, err = network.LoadConfig(c.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Orgs) != 4 || c.ChaincodeSequence != 2 {
		t.Fatalf("after org add: %d orgs, chaincode sequence %d (want 4, 2)", len(c.Orgs), c.ChaincodeSequence)
	}
	sd := testnet.StartOrgGateway(t, c, "sd", 20260)

	lot := "SD-APPLE-2611-01"
	produce := domain.Event{ID: "sd-e2e-1-harvest", Type: domain.Produce, EventTime: "2026-10-10T08:00:00+08:00",
		Actor: domain.Party{Enterprise: "913706867535MA3C", Name: "栖霞市苹果专业合作社"},
		Outputs: []domain.Output{{Batch: lot, Quantity: domain.Quantity{Value: 2000, Unit: "kg"},
			Product: domain.Product{Name: "栖霞红富士苹果", Category: "produce"}, Origin: &domain.Origin{Region: "370686", HarvestDate: "2026-10-10"}}}}
	post(t, sd.URL+"/v1/events", sd.Key, produce, 201)

	buyer := domain.Party{Enterprise: "91410100MA45T8L2J", Name: "郑州丹尼斯百货有限公司", Platform: "HenanMSP"}
	sale := domain.Event{ID: "sd-e2e-2-sale", Type: domain.Purchase, EventTime: "2026-10-12T10:00:00+08:00",
		Actor: produce.Actor, Batches: []string{lot}, To: &buyer,
		Private: &domain.Private{Price: 6.4, Currency: "CNY", ContractTerms: "每公斤含税价"}}
	post(t, sd.URL+"/v1/events", sd.Key, sale, 201)

	// the private terms are in the 山东–河南 collection: 河南 reads them, the regulator cannot
	coll := domain.CollectionName("HenanMSP", "ShandongMSP")
	ha := testnet.Connect(t, c, "ha")
	waitFor(t, "河南's peer has the private terms", func() error {
		raw, err := ha.Evaluate(context.Background(), wire.GetPrivateTerms, coll, sale.ID)
		if err != nil {
			return err
		}
		if !strings.Contains(string(raw), "6.4") {
			return fmt.Errorf("terms %s", raw)
		}
		return nil
	})
	reg := testnet.Connect(t, c, "reg")
	if raw, err := reg.Evaluate(context.Background(), wire.GetPrivateTerms, coll, sale.ID); err == nil && strings.Contains(string(raw), "6.4") {
		t.Fatalf("the regulator read the private price of a 山东–河南 deal: %s", raw)
	}

	accept := domain.Event{ID: "sd-e2e-3-accept", Type: domain.Accept, EventTime: "2026-10-13T09:00:00+08:00",
		Actor: buyer, Batches: []string{lot}}
	haGW := gs.Org("ha")
	post(t, haGW.URL+"/v1/events", haGW.Key, accept, 201)

	regGW := gs.Org("reg")
	recall := map[string]any{"id": "sd-e2e-4-recall", "reason": "农药残留（毒死蜱）超标", "eventTime": "2026-10-20T09:00:00+08:00",
		"actor": map[string]string{"enterprise": "国家市场监督管理总局"}}
	post(t, regGW.URL+"/v1/batches/"+url.PathEscape(lot)+"/recall", regGW.Key, recall, 201)

	// every gateway, the new one included, resolves the lot to a recalled trail with its origin
	for _, g := range []*testnet.Gateway{sd, haGW, regGW, gs.Org("hlj")} {
		waitFor(t, "trail on "+g.Org.Key, func() error {
			req, _ := http.NewRequest("GET", g.URL+"/t/"+url.PathEscape(lot), nil)
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
			if pt.Recall == nil || len(pt.Steps) < 3 {
				return fmt.Errorf("%d steps, recall %v", len(pt.Steps), pt.Recall)
			}
			return nil
		})
	}
	resp, err := http.Get(sd.URL + "/t/" + url.PathEscape(lot))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "栖霞红富士苹果") || !strings.Contains(string(page), "召回") {
		t.Fatalf("consumer page of the 山东 lot (%d) lacks the product or the recall:\n%.2000s", resp.StatusCode, page)
	}
}

func post(t *testing.T, u, key string, body any, want int) []byte {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", u, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("POST %s: %d %s (want %d)", u, resp.StatusCode, out, want)
	}
	return out
}

func waitFor(t *testing.T, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
