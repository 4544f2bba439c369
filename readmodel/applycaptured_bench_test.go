package readmodel

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
	"github.com/agritrace/agritrace/epcis"
	"github.com/agritrace/agritrace/ledger"
)

// BenchmarkApplyCaptured is the follower's share of the bench's epcis phase: the chaincode event
// payloads of 200-event transactions of commissioning ObjectEvents, decoded and applied in blocks
// of three, captured (each event with its EPCIS event) against the same events sent natively; then
// the steps of the apply whose work grows with a captured event's EPCIS event, one at a time.
func BenchmarkApplyCaptured(b *testing.B) {
	for _, captured := range []bool{true, false} {
		name := "native"
		if captured {
			name = "captured"
		}
		payloads := captureBenchPayloads(b, captured, 30, 200)
		b.Run(name+"/apply", func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			ctx := context.Background()
			var cpu time.Duration
			events := 0
			for b.Loop() {
				withFreshStore(b, func(s *Store) {
					c0 := processCPU(b)
					for i := 0; i < len(payloads); i += 3 {
						blk := BlockTxs{Block: uint64(i/3 + 1)}
						for j, p := range payloads[i:min(len(payloads), i+3)] {
							rec, err := DecodeRecorded(p)
							if err != nil {
								b.Fatal(err)
							}
							events += len(rec.Events)
							blk.Txs = append(blk.Txs, TxRecord{TxID: fmt.Sprintf("tx-%d-%d", i, j), Recorded: rec})
						}
						if _, err := s.ApplyBlocks(ctx, []BlockTxs{blk}); err != nil {
							b.Fatal(err)
						}
					}
					cpu += processCPU(b) - c0
				})
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(events), "cpu-ns/event")
		})
		rec, err := DecodeRecorded(payloads[0])
		if err != nil {
			b.Fatal(err)
		}
		for _, step := range []struct {
			name string
			run  func() error
		}{
			{"decode", func() error { _, err := DecodeRecorded(payloads[0]); return err }},
			{"head", func() error {
				for _, e := range rec.Events {
					if _, err := epcis.HeadOf(e); err != nil {
						return err
					}
				}
				return nil
			}},
			{"marshal", func() error {
				for _, e := range rec.Events {
					if _, err := domain.MarshalEvent(e); err != nil {
						return err
					}
				}
				return nil
			}},
		} {
			b.Run(name+"/"+step.name, func(b *testing.B) {
				for b.Loop() {
					if err := step.run(); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rec.Events)), "ns/event")
			})
		}
	}
}

func captureBenchPayloads(b *testing.B, captured bool, txs, per int) [][]byte {
	st := ledger.NewMemState()
	var out [][]byte
	for t := 0; t < txs; t++ {
		evs := make([]domain.Event, per)
		for i := range evs {
			raw, _ := json.Marshal(map[string]any{"type": "ObjectEvent", "eventID": fmt.Sprintf("urn:uuid:bench-%d-%d", t, i),
				"eventTime": "2026-10-01T08:00:00+08:00", "eventTimeZoneOffset": "+08:00", "action": "ADD", "bizStep": "commissioning",
				"quantityList": []map[string]any{{"epcClass": fmt.Sprintf("urn:epc:class:lgtin:6901234.050002.c%d-%d", t, i), "quantity": 1000, "uom": "KGM"}},
				"bizLocation":  map[string]string{"id": "urn:epc:id:sgln:6901234.00001.0"}})
			e, err := epcisevent.DecodeEvent(raw, domain.Party{Enterprise: "COOP-1", Platform: "HeilongjiangMSP"})
			if err != nil {
				b.Fatal(err)
			}
			if !captured {
				e.EPCIS = nil
			}
			evs[i] = e
		}
		id := fmt.Sprintf("tx-%d", t)
		st.Begin(id)
		r := ledger.NewRecorder(st, ledger.Caller{MSPID: "HeilongjiangMSP"}, ledger.Tx{ID: id, Time: time.Now()})
		if _, err := r.Record(evs); err != nil {
			b.Fatal(err)
		}
		p, err := domain.PackRecorded(r.Emitted())
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}
