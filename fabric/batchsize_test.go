package fabric

import (
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/orderer"
	"google.golang.org/protobuf/proto"
)

// channelConfig builds a channel configuration as cscc GetChannelConfig returns it, with the
// given Orderer group values.
func channelConfig(t *testing.T, values map[string]*common.ConfigValue) []byte {
	t.Helper()
	must := func(m proto.Message) []byte {
		b, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return must(&common.Config{Sequence: 3, ChannelGroup: &common.ConfigGroup{
		Groups: map[string]*common.ConfigGroup{"Orderer": {Values: values}}}})
}

func TestBlockMaxTxs(t *testing.T) {
	batch := func(n uint32) map[string]*common.ConfigValue {
		b, _ := proto.Marshal(&orderer.BatchSize{MaxMessageCount: n, AbsoluteMaxBytes: 99 << 20, PreferredMaxBytes: 2 << 20})
		return map[string]*common.ConfigValue{"BatchSize": {Value: b}}
	}
	for name, tc := range map[string]struct {
		raw     []byte
		want    int
		wantErr bool
	}{
		"batch size of the channel": {raw: channelConfig(t, batch(37)), want: 37},
		"no BatchSize value":        {raw: channelConfig(t, map[string]*common.ConfigValue{}), wantErr: true},
		"zero count":                {raw: channelConfig(t, batch(0)), wantErr: true},
		"not a configuration":       {raw: []byte("garbage\xff"), wantErr: true},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := blockMaxTxs(tc.raw)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("got %d, %v; want %d, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}
