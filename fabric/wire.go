package fabric

import (
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// Field numbers on the path from a block's data entry to its chaincode event (fabric-protos
// common/common.proto, peer/transaction.proto, peer/proposal_response.proto, peer/proposal.proto,
// peer/chaincode_event.proto).
const (
	envelopePayload       protowire.Number = 1 // common.Envelope.payload
	payloadHeader         protowire.Number = 1 // common.Payload.header
	payloadData           protowire.Number = 2 // common.Payload.data
	headerChannelHeader   protowire.Number = 1 // common.Header.channel_header
	transactionActions    protowire.Number = 1 // peer.Transaction.actions (repeated)
	txActionPayload       protowire.Number = 2 // peer.TransactionAction.payload
	actionPayloadAction   protowire.Number = 2 // peer.ChaincodeActionPayload.action
	endorsedActionPRP     protowire.Number = 1 // peer.ChaincodeEndorsedAction.proposal_response_payload
	prpExtension          protowire.Number = 2 // peer.ProposalResponsePayload.extension
	chaincodeActionEvents protowire.Number = 2 // peer.ChaincodeAction.events
	chaincodeEventID      protowire.Number = 1 // peer.ChaincodeEvent.chaincode_id
	chaincodeEventName    protowire.Number = 3 // peer.ChaincodeEvent.event_name
	chaincodeEventPayload protowire.Number = 4 // peer.ChaincodeEvent.payload
	channelHeaderType     protowire.Number = 1 // common.ChannelHeader.type
	channelHeaderTxID     protowire.Number = 5 // common.ChannelHeader.tx_id
	wireBytes                              = protowire.BytesType
	wireVarint                             = protowire.VarintType
)

// eachField calls f with every field of the protobuf message b, a length-delimited value as the
// sub-slice of b it is (no copy), a varint as its value. proto.Unmarshal copies every bytes field
// of every level it decodes; a block's chaincode event sits six messages deep, so reading it that
// way copied each transaction's bytes six times over, a tenth of a read model's catch-up.
func eachField(b []byte, f func(num protowire.Number, typ protowire.Type, v []byte, x uint64) error) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("protobuf tag: %w", protowire.ParseError(n))
		}
		b = b[n:]
		var v []byte
		var x uint64
		switch typ {
		case protowire.BytesType:
			v, n = protowire.ConsumeBytes(b)
		case protowire.VarintType:
			x, n = protowire.ConsumeVarint(b)
		default:
			n = protowire.ConsumeFieldValue(num, typ, b)
		}
		if n < 0 {
			return fmt.Errorf("protobuf field %d: %w", num, protowire.ParseError(n))
		}
		b = b[n:]
		if err := f(num, typ, v, x); err != nil {
			return err
		}
	}
	return nil
}

// bytesField is field num of message b, length-delimited (the last occurrence, as proto.Unmarshal
// keeps the last value of a singular field); nil when absent.
func bytesField(b []byte, num protowire.Number) ([]byte, error) {
	var out []byte
	err := eachField(b, func(n protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		if n == num && typ == wireBytes {
			out = v
		}
		return nil
	})
	return out, err
}

// path follows nested length-delimited fields from b.
func path(b []byte, nums ...protowire.Number) ([]byte, error) {
	for _, num := range nums {
		var err error
		if b, err = bytesField(b, num); err != nil {
			return nil, err
		}
	}
	return b, nil
}
