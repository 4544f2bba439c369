package network_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/agritrace/agritrace/wire"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/fabric"
	"github.com/agritrace/agritrace/internal/testnet"
	"github.com/agritrace/agritrace/network"
)

func produceEvent(id, batch string) domain.Event {
	return domain.Event{ID: id, Type: domain.Produce, EventTime: time.Now().Add(-time.Hour).Format(time.RFC3339),
		Actor: domain.Party{Enterprise: "HLJ-COOP-001", Name: "五常市民乐乡稻谷种植专业合作社"},
		Outputs: []domain.Output{{Batch: batch, Product: domain.Product{Name: "稻谷", Category: "grain"},
			Quantity: domain.Quantity{Value: 1000, Unit: "kg"}}}}
}

func submit(t *testing.T, c *fabric.Client, events ...domain.Event) fabric.Committed {
	t.Helper()
	b, _ := json.Marshal(events)
	res, err := c.Submit(context.Background(), wire.RecordEvents, []string{string(b)}, nil)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	return res
}

// TestE2ENetwork brings a real network up, commits a transaction endorsed by two orgs through the
// fabric-gateway client, reads it from another org's peer, and checks restart, idempotent up,
// killed-peer recovery and a clean teardown.
func TestE2ENetwork(t *testing.T) {
	c := testnet.Start(t, 27050)

	hlj := testnet.Connect(t, c, "hlj")
	committed := submit(t, hlj, produceEvent("e2e-net-1", "NET-LOT-1"))
	if committed.Block == 0 {
		t.Fatalf("no block number for tx %s", committed.TxID)
	}

	// any two orgs: the committed transaction carries two endorsements
	blk, err := fetchEndorsers(t, c, committed)
	if err != nil {
		t.Fatal(err)
	}
	if len(blk) < 2 {
		t.Fatalf("tx %s endorsed by %v, want at least two orgs", committed.TxID, blk)
	}

	reg := testnet.Connect(t, c, "reg")
	raw, err := reg.Evaluate(context.Background(), wire.GetBatch, "NET-LOT-1")
	if err != nil {
		t.Fatalf("read from regulator peer: %v", err)
	}
	var b domain.Batch
	if err := json.Unmarshal(raw, &b); err != nil || b.Custodian.Platform != "HeilongjiangMSP" || b.Quantity.Value != 1000 {
		t.Fatalf("batch read from regulator peer = %+v (%v)", b, err)
	}

	// up twice is a no-op
	out, err := testnet.Run(t, "network", "up", "--state", c.StateDir)
	if err != nil || !strings.Contains(out, "nothing to do") {
		t.Fatalf("second up: %v\n%s", err, out)
	}

	// a killed peer is reported by status and restarted by up
	if _, err := network.Kill(c, "peer0.ha"); err != nil {
		t.Fatal(err)
	}
	out, err = testnet.Run(t, "network", "status", "--state", c.StateDir)
	if err == nil || !strings.Contains(out, "peer0.ha") || !strings.Contains(out, "not running") {
		t.Fatalf("status after kill should report peer0.ha down and fail:\n%s", out)
	}
	if out, err := testnet.Run(t, "network", "up", "--state", c.StateDir); err != nil || !strings.Contains(out, "started peer0.ha") {
		t.Fatalf("up after kill: %v\n%s", err, out)
	}

	// up → down → up keeps the ledger
	heightBefore := height(t, c)
	hlj.Close()
	reg.Close()
	testnet.Stop(t, c)
	if out, err := testnet.Run(t, "network", "up", "--state", c.StateDir); err != nil {
		t.Fatalf("restart: %v\n%s", err, out)
	}
	if h := height(t, c); h < heightBefore {
		t.Fatalf("height after restart %d < before %d", h, heightBefore)
	}
	ha := testnet.Connect(t, c, "ha")
	if _, err := ha.Evaluate(context.Background(), wire.GetBatch, "NET-LOT-1"); err != nil {
		t.Fatalf("batch lost across restart: %v", err)
	}
	// and the restarted network still commits
	submit(t, hlj2(t, c), produceEvent("e2e-net-2", "NET-LOT-2"))
}

func hlj2(t *testing.T, c network.Config) *fabric.Client {
	return testnet.Connect(t, c, "hlj")
}

func height(t *testing.T, c network.Config) int {
	t.Helper()
	for _, s := range network.Status(c) {
		if s.Kind == "peer" && s.Healthy {
			return s.Height
		}
	}
	t.Fatal("no healthy peer")
	return 0
}

// fetchEndorsers returns the MSP IDs that endorsed a committed transaction, read from its block.
func fetchEndorsers(t *testing.T, c network.Config, tx fabric.Committed) ([]string, error) {
	t.Helper()
	cl := testnet.Connect(t, c, "reg")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ends, err := fabric.TxEndorsers(ctx, cl, tx.Block, tx.TxID)
	if err != nil {
		return nil, fmt.Errorf("endorsers of %s: %w", tx.TxID, err)
	}
	return ends, nil
}
