package fabric

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
)

// decodedEventsOf is the decoding ChaincodeEventsOf replaced (proto.Unmarshal at every level),
// kept as the oracle of what a block's chaincode events are.
func decodedEventsOf(b *common.Block) ([]TxEvent, error) {
	var filter []byte
	if md := b.GetMetadata().GetMetadata(); len(md) > int(common.BlockMetadataIndex_TRANSACTIONS_FILTER) {
		filter = md[common.BlockMetadataIndex_TRANSACTIONS_FILTER]
	}
	var out []TxEvent
	for i, data := range b.GetData().GetData() {
		if i < len(filter) && peer.TxValidationCode(filter[i]) != peer.TxValidationCode_VALID {
			continue
		}
		ch, tx, err := unpack(data)
		if err != nil {
			return nil, fmt.Errorf("block %d tx %d: %w", b.GetHeader().GetNumber(), i, err)
		}
		if common.HeaderType(ch.GetType()) != common.HeaderType_ENDORSER_TRANSACTION {
			continue
		}
		for _, a := range tx.GetActions() {
			cap := &peer.ChaincodeActionPayload{}
			if err := proto.Unmarshal(a.GetPayload(), cap); err != nil {
				return nil, err
			}
			prp := &peer.ProposalResponsePayload{}
			if err := proto.Unmarshal(cap.GetAction().GetProposalResponsePayload(), prp); err != nil {
				return nil, err
			}
			act := &peer.ChaincodeAction{}
			if err := proto.Unmarshal(prp.GetExtension(), act); err != nil {
				return nil, err
			}
			ev := &peer.ChaincodeEvent{}
			if err := proto.Unmarshal(act.GetEvents(), ev); err != nil || ev.GetEventName() == "" {
				continue
			}
			out = append(out, TxEvent{Block: b.GetHeader().GetNumber(), TxID: ch.GetTxId(), Chaincode: ev.GetChaincodeId(),
				Name: ev.GetEventName(), Payload: ev.GetPayload()})
		}
	}
	return out, nil
}

func marshal(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// proposalArgs stands for a transaction's arguments, which a block holds beside its event.
var proposalArgs = []byte("the arguments")

// envelope builds one transaction of a block: its actions carry the given chaincode events (nil:
// an action without one).
func envelope(t *testing.T, typ common.HeaderType, txID string, events ...*peer.ChaincodeEvent) []byte {
	tx := &peer.Transaction{}
	for _, ev := range events {
		act := &peer.ChaincodeAction{Results: []byte("rwset"), Response: &peer.Response{Status: 200}}
		if ev != nil {
			act.Events = marshal(t, ev)
		}
		prp := &peer.ProposalResponsePayload{ProposalHash: []byte("hash"), Extension: marshal(t, act)}
		cap := &peer.ChaincodeActionPayload{ChaincodeProposalPayload: proposalArgs,
			Action: &peer.ChaincodeEndorsedAction{ProposalResponsePayload: marshal(t, prp),
				Endorsements: []*peer.Endorsement{{Endorser: []byte("org1"), Signature: []byte("sig")}}}}
		tx.Actions = append(tx.Actions, &peer.TransactionAction{Header: []byte("sh"), Payload: marshal(t, cap)})
	}
	ch := &common.ChannelHeader{Type: int32(typ), ChannelId: "agritrace", TxId: txID, Epoch: 3}
	pl := &common.Payload{Header: &common.Header{ChannelHeader: marshal(t, ch), SignatureHeader: []byte("creator")}, Data: marshal(t, tx)}
	return marshal(t, &common.Envelope{Payload: marshal(t, pl), Signature: []byte("signed")})
}

// TestChaincodeEventsOf: reading a block in place finds the events full decoding finds — valid
// transactions only, every action's event, none from config transactions or nameless events.
func TestChaincodeEventsOf(t *testing.T) {
	ev := func(cc, name, payload string) *peer.ChaincodeEvent {
		return &peer.ChaincodeEvent{ChaincodeId: cc, TxId: "ignored", EventName: name, Payload: []byte(payload)}
	}
	data := [][]byte{
		envelope(t, common.HeaderType_ENDORSER_TRANSACTION, "tx-1", ev("agritrace", "recorded", `{"events":[1]}`)),
		envelope(t, common.HeaderType_ENDORSER_TRANSACTION, "tx-2-invalid", ev("agritrace", "recorded", "refused by validation")),
		envelope(t, common.HeaderType_CONFIG, "cfg", ev("agritrace", "recorded", "not an endorser transaction")),
		envelope(t, common.HeaderType_ENDORSER_TRANSACTION, "tx-3", nil, ev("agritrace", "", "nameless"), ev("other", "x", "")),
		envelope(t, common.HeaderType_ENDORSER_TRANSACTION, "tx-4", ev("agritrace", "recorded", "a"), ev("agritrace", "recorded", "b")),
		envelope(t, common.HeaderType_ENDORSER_TRANSACTION, "tx-5-beyond-filter", ev("agritrace", "recorded", "no filter entry")),
	}
	filter := []byte{byte(peer.TxValidationCode_VALID), byte(peer.TxValidationCode_MVCC_READ_CONFLICT), byte(peer.TxValidationCode_VALID),
		byte(peer.TxValidationCode_VALID), byte(peer.TxValidationCode_VALID)}
	md := make([][]byte, common.BlockMetadataIndex_TRANSACTIONS_FILTER+1)
	md[common.BlockMetadataIndex_TRANSACTIONS_FILTER] = filter
	block := &common.Block{Header: &common.BlockHeader{Number: 17}, Data: &common.BlockData{Data: data}, Metadata: &common.BlockMetadata{Metadata: md}}

	got, err := ChaincodeEventsOf(block)
	if err != nil {
		t.Fatal(err)
	}
	want, err := decodedEventsOf(block)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("read in place:\n%+v\ndecoded:\n%+v", got, want)
	}
	var names []string
	for _, e := range got {
		names = append(names, e.TxID+":"+string(e.Payload))
	}
	if w := []string{`tx-1:{"events":[1]}`, "tx-3:", "tx-4:a", "tx-4:b", "tx-5-beyond-filter:no filter entry"}; !reflect.DeepEqual(names, w) {
		t.Errorf("events %q, want %q", names, w)
	}

	// a truncated transaction is an error both ways
	broken := &common.Block{Header: &common.BlockHeader{Number: 18}, Data: &common.BlockData{Data: [][]byte{data[0][:len(data[0])-7]}}}
	if _, err := ChaincodeEventsOf(broken); err == nil {
		t.Error("a truncated transaction read without error")
	}
	if _, err := decodedEventsOf(broken); err == nil {
		t.Error("the oracle read a truncated transaction without error")
	}
}

// BenchmarkChaincodeEventsOf: a block of four 200-event transactions, read in place and decoded.
func BenchmarkChaincodeEventsOf(b *testing.B) {
	t := &testing.T{}
	proposalArgs = make([]byte, 200<<10)
	defer func() { proposalArgs = []byte("the arguments") }()
	var data [][]byte
	for range 4 {
		data = append(data, envelope(t, common.HeaderType_ENDORSER_TRANSACTION, "tx",
			&peer.ChaincodeEvent{ChaincodeId: "agritrace", EventName: "recorded", Payload: make([]byte, 200<<10)}))
	}
	block := &common.Block{Header: &common.BlockHeader{Number: 1}, Data: &common.BlockData{Data: data}}
	for name, f := range map[string]func(*common.Block) ([]TxEvent, error){"in place": ChaincodeEventsOf, "decoded": decodedEventsOf} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := f(block); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
