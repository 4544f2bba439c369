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
// batch timeout. Read from the latest config block through the org's own peer (qscc), so it is the
// value the orderer applies, whatever the network was created with.
func (c *Client) BlockMaxTxs(ctx context.Context) (int, error) {
	raw, err := c.Network.GetContract("qscc").EvaluateWithContext(ctx, "GetConfigBlock", client.WithArguments(c.Profile.Channel))
	if err != nil {
		return 0, fmt.Errorf("config block of %s: %w", c.Profile.Channel, err)
	}
	n, err := blockMaxTxs(raw)
	if err != nil {
		return 0, fmt.Errorf("config block of %s: %w", c.Profile.Channel, err)
	}
	return n, nil
}

func blockMaxTxs(rawBlock []byte) (int, error) {
	b := &common.Block{}
	if err := proto.Unmarshal(rawBlock, b); err != nil {
		return 0, err
	}
	if len(b.GetData().GetData()) == 0 {
		return 0, fmt.Errorf("block %d is empty", b.GetHeader().GetNumber())
	}
	env := &common.Envelope{}
	if err := proto.Unmarshal(b.GetData().GetData()[0], env); err != nil {
		return 0, err
	}
	pl := &common.Payload{}
	if err := proto.Unmarshal(env.GetPayload(), pl); err != nil {
		return 0, err
	}
	ce := &common.ConfigEnvelope{}
	if err := proto.Unmarshal(pl.GetData(), ce); err != nil {
		return 0, err
	}
	v, ok := ce.GetConfig().GetChannelGroup().GetGroups()["Orderer"].GetValues()["BatchSize"]
	if !ok {
		return 0, fmt.Errorf("block %d has no Orderer/BatchSize value", b.GetHeader().GetNumber())
	}
	bs := &orderer.BatchSize{}
	if err := proto.Unmarshal(v.GetValue(), bs); err != nil {
		return 0, err
	}
	if bs.GetMaxMessageCount() == 0 {
		return 0, fmt.Errorf("block %d: BatchSize.MaxMessageCount is 0", b.GetHeader().GetNumber())
	}
	return int(bs.GetMaxMessageCount()), nil
}
