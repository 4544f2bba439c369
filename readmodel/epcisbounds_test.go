package readmodel

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/agritrace/agritrace/domain"
)

// TestEPCISQueryBounds: eventCountLimit ends the whole result (every page together) at its limit;
// maxEventCount refuses a result over it, counted on the columns or on the documents, and says
// when it cannot tell within the rows one request may examine.
func TestEPCISQueryBounds(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *Store, _ string) {
		var blocks []BlockTxs
		for i := range 7 {
			e := ev(fmt.Sprintf("B-%d", i), domain.Store, 1+i, "230184")
			e.Batches, e.TxID = []string{fmt.Sprintf("LOT-%d", i)}, fmt.Sprintf("tx-%d", i)
			blocks = append(blocks, BlockTxs{Block: uint64(10 + i), Txs: []TxRecord{{TxID: e.TxID, Recorded: domain.Recorded{Events: []domain.Event{e}}}}})
		}
		if _, err := s.ApplyBlocks(t.Context(), blocks); err != nil {
			t.Fatal(err)
		}
		// documents naming LOT-5 or LOT-6: the last two rows
		late := func(ev json.RawMessage) bool {
			return bytes.Contains(ev, []byte(`LOT-5"`)) || bytes.Contains(ev, []byte(`LOT-6"`))
		}

		var sizes []int
		q := EPCISQuery{Limit: 2, CountLimit: 5}
		for range 10 {
			page, err := s.QueryEPCIS(t.Context(), q)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, len(page.Events))
			if q.Cursor = page.Next; q.Cursor == "" {
				break
			}
		}
		if fmt.Sprint(sizes) != "[2 2 1]" {
			t.Errorf("eventCountLimit=5 perPage=2: pages of %v, want [2 2 1]", sizes)
		}

		for _, tc := range []struct {
			name string
			q    EPCISQuery
			scan int
			want error
		}{
			{"columns at", EPCISQuery{MaxCount: 7}, 0, nil},
			{"columns over", EPCISQuery{MaxCount: 6}, 0, ErrQueryTooLarge},
			{"documents at", EPCISQuery{MaxCount: 2, Match: late}, 0, nil},
			{"documents over", EPCISQuery{MaxCount: 1, Match: late}, 0, ErrQueryTooLarge},
			{"documents beyond the scan bound", EPCISQuery{MaxCount: 2, Match: late}, 4, ErrQueryTooComplex},
			{"over within the scan bound", EPCISQuery{MaxCount: 1, Match: late}, 6, ErrQueryTooLarge},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if tc.scan > 0 {
					defer func(was int) { maxScan = was }(maxScan)
					maxScan = tc.scan
				}
				tc.q.Limit = 10
				page, err := s.QueryEPCIS(t.Context(), tc.q)
				if !errors.Is(err, tc.want) {
					t.Fatalf("err %v, want %v", err, tc.want)
				}
				if err == nil && len(page.Events) != tc.q.MaxCount {
					t.Fatalf("%d events, want %d", len(page.Events), tc.q.MaxCount)
				}
			})
		}

		bad := base64.RawURLEncoding.EncodeToString([]byte(`{"s":3,"n":-1}`))
		if _, err := s.QueryEPCIS(t.Context(), EPCISQuery{CountLimit: 5, Cursor: bad}); !errors.Is(err, ErrBadCursor) {
			t.Errorf("negative count in the cursor: %v", err)
		}
	})
}
