package readmodel

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/ledger"
	"github.com/agritrace/agritrace/wire"
)

// benchLedger is a ledger shaped like the bench's: bulk harvests packed wire.MaxEventsPerTx to a
// transaction, single harvests one to a transaction, and now and then a lineage (farm lots merged
// into a silo, milled, split into bags, each bag stored and sold); blocks of 4 transactions, as the
// orderer cuts them. Every transaction is recorded by the contract's own rules (ledger.Recorder),
// so events and batches carry what a real block's chaincode event does.
type applyLedger struct {
	blocks []BlockTxs
	events int
}

var benchLedger = sync.OnceValues(func() (applyLedger, error) {
	st := ledger.NewMemState()
	hlj := ledger.Caller{MSPID: "HeilongjiangMSP"}
	t0 := time.Date(2026, 10, 8, 9, 0, 0, 0, time.UTC)
	var txs []TxRecord
	events := 0
	record := func(evs ...domain.Event) error {
		id := fmt.Sprintf("bench-tx-%06d", len(txs))
		st.Begin(id)
		r := ledger.NewRecorder(st, hlj, ledger.Tx{ID: id, Time: t0.Add(time.Duration(len(txs)) * time.Second)})
		if _, err := r.Record(evs); err != nil {
			return fmt.Errorf("record %s: %w", evs[0].ID, err)
		}
		txs = append(txs, TxRecord{TxID: id, Recorded: r.Emitted()})
		events += len(evs)
		return nil
	}
	ev := func(id string, t domain.EventType, actor string) domain.Event {
		return domain.Event{ID: id, Type: t, EventTime: "2026-10-01T08:00:00+08:00", Actor: domain.Party{Enterprise: actor}}
	}
	harvest := func(id string) domain.Event {
		e := ev(id, domain.Produce, "BENCH-COOP")
		e.Outputs = []domain.Output{{Batch: "BENCH-" + id, Product: domain.Product{Name: "稻谷"}, Quantity: domain.Quantity{Value: 1000, Unit: "kg"},
			Origin: &domain.Origin{Region: "230184"}}}
		return e
	}
	for round := 0; round < 10; round++ {
		bulk := make([]domain.Event, 0, wire.MaxEventsPerTx)
		for tx := 0; tx < 10; tx++ {
			bulk = bulk[:0]
			for i := 0; i < wire.MaxEventsPerTx; i++ {
				bulk = append(bulk, harvest(fmt.Sprintf("b-%d-%d-%d", round, tx, i)))
			}
			if err := record(bulk...); err != nil {
				return applyLedger{}, err
			}
		}
		for i := 0; i < 20; i++ {
			if err := record(harvest(fmt.Sprintf("s-%d-%d", round, i))); err != nil {
				return applyLedger{}, err
			}
		}
		// a lineage over five of this round's bulk lots
		silo, flour := fmt.Sprintf("SILO-%d", round), fmt.Sprintf("FLOUR-%d", round)
		m := ev("m-"+silo, domain.Merge, "BENCH-SILO")
		for i := 0; i < 5; i++ {
			m.Inputs = append(m.Inputs, domain.Portion{Batch: fmt.Sprintf("BENCH-b-%d-0-%d", round, i)})
		}
		m.Outputs = []domain.Output{{Batch: silo, Product: domain.Product{Name: "仓储稻谷"}, Quantity: domain.Quantity{Value: 5000, Unit: "kg"}}}
		p := ev("p-"+flour, domain.Process, "BENCH-MILL")
		p.Inputs = []domain.Portion{{Batch: silo}}
		p.Outputs = []domain.Output{{Batch: flour, Product: domain.Product{Name: "大米"}, Quantity: domain.Quantity{Value: 3300, Unit: "kg"}}}
		sp := ev("sp-"+flour, domain.Split, "BENCH-MILL")
		sp.Inputs = []domain.Portion{{Batch: flour}}
		var sells []domain.Event
		for b := 0; b < 30; b++ {
			bag := fmt.Sprintf("BAG-%d-%d", round, b)
			sp.Outputs = append(sp.Outputs, domain.Output{Batch: bag, Product: domain.Product{Name: "大米 5kg"}, Quantity: domain.Quantity{Value: 110, Unit: "kg"}})
			s := ev("st-"+bag, domain.Store, "BENCH-WH")
			s.Batches = []string{bag}
			sells = append(sells, s)
		}
		if err := record(m, p, sp); err != nil {
			return applyLedger{}, err
		}
		if err := record(sells...); err != nil {
			return applyLedger{}, err
		}
	}
	var blocks []BlockTxs
	for i := 0; i < len(txs); i += 4 {
		blocks = append(blocks, BlockTxs{Block: uint64(len(blocks) + 1), Txs: txs[i:min(len(txs), i+4)]})
	}
	return applyLedger{blocks, events}, nil
})

// processCPU is the CPU this process has used (user and system, every thread): on a machine
// shared with other work it moves far less than the wall clock.
func processCPU(b *testing.B) time.Duration { return rusageCPU(b, syscall.RUSAGE_SELF) }

// threadCPU is the CPU the calling OS thread has used: with the goroutine locked to its thread,
// the applying goroutine's own work — what a caller waits for — without work done beside it.
func threadCPU(b *testing.B) time.Duration { return rusageCPU(b, rusageThread) }

const rusageThread = 1 // RUSAGE_THREAD (Linux)

func rusageCPU(b *testing.B, who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkApplyBlocks is catch-up's apply stage: the bench ledger into a fresh SQLite read model,
// one block to an SQL transaction as the live follower mostly applies them, and 16 as catch-up
// applies what has arrived. On a shared machine compare cpu-ns/event (the process's CPU: every
// goroutine's, the garbage collector's too) and apply-cpu-ns/event (the CPU of the thread that
// called ApplyBlocks: the work a caller waits for, without the work done beside it); ns/event is
// the wall clock.
func BenchmarkApplyBlocks(b *testing.B) {
	l, err := benchLedger()
	if err != nil {
		b.Fatal(err)
	}
	blocks, events := l.blocks, l.events
	for _, per := range []int{1, 16} {
		b.Run(fmt.Sprintf("blocks-per-tx=%d", per), func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			ctx := context.Background()
			var cpu, apply time.Duration
			for b.Loop() {
				withFreshStore(b, func(s *Store) {
					c0, a0 := processCPU(b), threadCPU(b)
					for i := 0; i < len(blocks); i += per {
						if _, err := s.ApplyBlocks(ctx, blocks[i:min(len(blocks), i+per)]); err != nil {
							b.Fatal(err)
						}
					}
					cpu += processCPU(b) - c0
					apply += threadCPU(b) - a0
				})
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*events), "ns/event")
			b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N*events), "cpu-ns/event")
			b.ReportMetric(float64(apply.Nanoseconds())/float64(b.N*events), "apply-cpu-ns/event")
		})
	}
}

// withFreshStore runs one timed iteration of a benchmark on a new, empty store: opening and
// closing it are not timed.
func withFreshStore(b *testing.B, run func(s *Store)) {
	b.StopTimer()
	s, err := Open(filepath.Join(b.TempDir(), "rm.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
	run(s)
	b.StopTimer()
	s.Close()
	b.StartTimer()
}
