package fabric

import (
	"context"
	"fmt"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

// Block fetches one committed block.
func (c *Client) Block(ctx context.Context, number uint64) (*common.Block, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	blocks, err := c.Network.BlockEvents(ctx, client.WithStartBlock(number))
	if err != nil {
		return nil, fmt.Errorf("block events from %d: %w", number, err)
	}
	select {
	case b, ok := <-blocks:
		if !ok {
			return nil, fmt.Errorf("block %d: stream closed", number)
		}
		return b, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// TxEndorsers returns the MSP IDs of the endorsements of txID in block number.
func TxEndorsers(ctx context.Context, c *Client, number uint64, txID string) ([]string, error) {
	b, err := c.Block(ctx, number)
	if err != nil {
		return nil, err
	}
	for _, data := range b.GetData().GetData() {
		env := &common.Envelope{}
		if err := proto.Unmarshal(data, env); err != nil {
			return nil, err
		}
		pl := &common.Payload{}
		if err := proto.Unmarshal(env.GetPayload(), pl); err != nil {
			return nil, err
		}
		ch := &common.ChannelHeader{}
		if err := proto.Unmarshal(pl.GetHeader().GetChannelHeader(), ch); err != nil {
			return nil, err
		}
		if ch.GetTxId() != txID {
			continue
		}
		tx := &peer.Transaction{}
		if err := proto.Unmarshal(pl.GetData(), tx); err != nil {
			return nil, err
		}
		var out []string
		for _, a := range tx.GetActions() {
			cap := &peer.ChaincodeActionPayload{}
			if err := proto.Unmarshal(a.GetPayload(), cap); err != nil {
				return nil, err
			}
			for _, e := range cap.GetAction().GetEndorsements() {
				id := &msp.SerializedIdentity{}
				if err := proto.Unmarshal(e.GetEndorser(), id); err != nil {
					return nil, err
				}
				out = append(out, id.GetMspid())
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("tx %s not in block %d", txID, number)
}
