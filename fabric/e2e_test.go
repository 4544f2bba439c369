package fabric_test

import (
	"context"
	"testing"
	"time"

	"github.com/agritrace/agritrace/internal/testnet"
)

// TestE2EBlockMaxTxs reads the orderer's block size back from a real channel created with a
// non-default one: group commit in the gateway depends on the value the orderer applies.
func TestE2EBlockMaxTxs(t *testing.T) {
	c := testnet.Start(t, 31050, "--batch-size", "7")
	cl := testnet.Connect(t, c, "hlj")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n, err := cl.BlockMaxTxs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 7 {
		t.Fatalf("block size %d, want 7 (the channel's BatchSize.MaxMessageCount)", n)
	}
}
