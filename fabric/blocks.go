package fabric

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/encoding/protowire"
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
		ch, tx, err := unpack(data)
		if err != nil {
			return nil, err
		}
		if ch.GetTxId() != txID {
			continue
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

// TxEvent is a chaincode event found in a block by parsing it (independently of the gateway's
// chaincode-event stream).
type TxEvent struct {
	Block     uint64
	TxID      string
	Chaincode string
	Name      string
	Payload   []byte
}

// ChaincodeEventsOf returns the chaincode events of the valid transactions of a block. It reads
// the block's bytes where they are (eachField) rather than decoding every message on the way.
func ChaincodeEventsOf(b *common.Block) ([]TxEvent, error) {
	var filter []byte
	if md := b.GetMetadata().GetMetadata(); len(md) > int(common.BlockMetadataIndex_TRANSACTIONS_FILTER) {
		filter = md[common.BlockMetadataIndex_TRANSACTIONS_FILTER]
	}
	number := b.GetHeader().GetNumber()
	var out []TxEvent
	for i, data := range b.GetData().GetData() {
		if i < len(filter) && peer.TxValidationCode(filter[i]) != peer.TxValidationCode_VALID {
			continue
		}
		payload, err := bytesField(data, envelopePayload)
		if err != nil {
			return nil, fmt.Errorf("block %d tx %d: envelope: %w", number, i, err)
		}
		typ, txID, err := channelHeader(payload)
		if err != nil {
			return nil, fmt.Errorf("block %d tx %d: %w", number, i, err)
		}
		if typ != common.HeaderType_ENDORSER_TRANSACTION {
			continue
		}
		tx, err := bytesField(payload, payloadData)
		if err != nil {
			return nil, fmt.Errorf("block %d tx %d: payload: %w", number, i, err)
		}
		err = eachField(tx, func(num protowire.Number, typ protowire.Type, action []byte, _ uint64) error {
			if num != transactionActions || typ != wireBytes {
				return nil
			}
			raw, err := path(action, txActionPayload, actionPayloadAction, endorsedActionPRP, prpExtension, chaincodeActionEvents)
			if err != nil {
				return err
			}
			if ev, ok := chaincodeEvent(raw); ok {
				ev.Block, ev.TxID = number, txID
				out = append(out, ev)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("block %d tx %d: %w", number, i, err)
		}
	}
	return out, nil
}

// channelHeader reads the type and transaction ID of a payload's channel header.
func channelHeader(payload []byte) (common.HeaderType, string, error) {
	raw, err := path(payload, payloadHeader, headerChannelHeader)
	if err != nil {
		return 0, "", fmt.Errorf("channel header: %w", err)
	}
	var typ common.HeaderType
	var txID []byte
	err = eachField(raw, func(num protowire.Number, wt protowire.Type, v []byte, x uint64) error {
		switch {
		case num == channelHeaderType && wt == wireVarint:
			typ = common.HeaderType(int32(x))
		case num == channelHeaderTxID && wt == wireBytes:
			txID = v
		}
		return nil
	})
	if err == nil && !utf8.Valid(txID) {
		err = errors.New("tx_id is not UTF-8")
	}
	if err != nil {
		return 0, "", fmt.Errorf("channel header: %w", err)
	}
	return typ, string(txID), nil
}

// chaincodeEvent reads a chaincode action's event; ok is false when it has none (or none that
// decodes, or one without a name).
func chaincodeEvent(raw []byte) (ev TxEvent, ok bool) {
	var cc, name []byte
	err := eachField(raw, func(num protowire.Number, wt protowire.Type, v []byte, _ uint64) error {
		if wt != wireBytes {
			return nil
		}
		switch num {
		case chaincodeEventID:
			cc = v
		case chaincodeEventName:
			name = v
		case chaincodeEventPayload:
			ev.Payload = v
		}
		return nil
	})
	if err != nil || len(name) == 0 || !utf8.Valid(cc) || !utf8.Valid(name) {
		return TxEvent{}, false
	}
	ev.Chaincode, ev.Name = string(cc), string(name)
	return ev, true
}

// Height returns the channel's block height as seen by the org's peer (qscc GetChainInfo).
func (c *Client) Height(ctx context.Context, channel string) (uint64, error) {
	raw, err := c.Network.GetContract("qscc").EvaluateWithContext(ctx, "GetChainInfo", client.WithArguments(channel))
	if err != nil {
		return 0, fmt.Errorf("chain info: %w", err)
	}
	info := &common.BlockchainInfo{}
	if err := proto.Unmarshal(raw, info); err != nil {
		return 0, err
	}
	return info.GetHeight(), nil
}

// Blocks streams blocks from start (full blocks, for audit and replay).
func (c *Client) Blocks(ctx context.Context, start uint64) (<-chan *common.Block, error) {
	return c.Network.BlockEvents(ctx, client.WithStartBlock(start))
}

// unpack reads a block's data entry: its channel header and, for endorser transactions, the
// transaction (config transactions yield an empty one).
func unpack(data []byte) (*common.ChannelHeader, *peer.Transaction, error) {
	env := &common.Envelope{}
	if err := proto.Unmarshal(data, env); err != nil {
		return nil, nil, err
	}
	pl := &common.Payload{}
	if err := proto.Unmarshal(env.GetPayload(), pl); err != nil {
		return nil, nil, err
	}
	ch := &common.ChannelHeader{}
	if err := proto.Unmarshal(pl.GetHeader().GetChannelHeader(), ch); err != nil {
		return nil, nil, err
	}
	tx := &peer.Transaction{}
	if common.HeaderType(ch.GetType()) == common.HeaderType_ENDORSER_TRANSACTION {
		if err := proto.Unmarshal(pl.GetData(), tx); err != nil {
			return nil, nil, err
		}
	}
	return ch, tx, nil
}
