package fabric

import (
	"context"
	"fmt"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/orderer"
	"google.golang.org/protobuf/proto"
)

// BlockMaxTxs reads the channel's orderer batch size (BatchSize.MaxMessageCount): how many
// transactions the ordering service puts in a block before cutting it without waiting for its
// batch timeout. Read from the channel's current configuration through the org's own peer (cscc),
// so it is the value the orderer applies, whatever the network was created with.
func (c *Client) BlockMaxTxs(ctx context.Context) (int, error) {
	raw, err := c.Network.GetContract("cscc").EvaluateWithContext(ctx, "GetChannelConfig", client.WithArguments(c.Profile.Channel))
	if err != nil {
		return 0, fmt.Errorf("configuration of channel %s: %w", c.Profile.Channel, err)
	}
	n, err := blockMaxTxs(raw)
	if err != nil {
		return 0, fmt.Errorf("configuration of channel %s: %w", c.Profile.Channel, err)
	}
	return n, nil
}

func blockMaxTxs(rawConfig []byte) (int, error) {
	cfg := &common.Config{}
	if err := proto.Unmarshal(rawConfig, cfg); err != nil {
		return 0, err
	}
	v, ok := cfg.GetChannelGroup().GetGroups()["Orderer"].GetValues()["BatchSize"]
	if !ok {
		return 0, fmt.Errorf("no Orderer/BatchSize value (config sequence %d)", cfg.GetSequence())
	}
	bs := &orderer.BatchSize{}
	if err := proto.Unmarshal(v.GetValue(), bs); err != nil {
		return 0, err
	}
	if bs.GetMaxMessageCount() == 0 {
		return 0, fmt.Errorf("BatchSize.MaxMessageCount is 0 (config sequence %d)", cfg.GetSequence())
	}
	return int(bs.GetMaxMessageCount()), nil
}
