package fabric

import (
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/agritrace/agritrace/domain"
)

func TestMismatchOnly(t *testing.T) {
	refusal := "chaincode response 500, " + domain.Refuse(409, "custody", "/batches/0", "not the holder").Error()
	for name, tc := range map[string]struct {
		code codes.Code
		msgs []string
		want bool
	}{
		"no endorser named":              {codes.Aborted, nil, true},
		"endorsers' payloads differ":     {codes.Aborted, []string{"ProposalResponsePayloads do not match", "ProposalResponsePayloads do not match"}, true},
		"the contract refused":           {codes.Aborted, []string{refusal}, false},
		"one refused, one differs":       {codes.Aborted, []string{"ProposalResponsePayloads do not match", refusal}, false},
		"not aborted (peer unreachable)": {codes.Unavailable, nil, false},
	} {
		t.Run(name, func(t *testing.T) {
			if got := mismatchOnly(tc.code, tc.msgs); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}
