package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/readmodel"
)

// Synthetic fills store with about events events shaped like real grain flows: five farm lots
// merged into a silo lot (fan-in), milled to flour, split into fanout bag lots, each bag lot
// stored and sold. Every 20th silo also takes a lot from the previous silo's farms (cross-links),
// so lineages overlap the way shared storage makes them. A recall of a farm lot so reaches at
// least fanout+2 batches. It returns bag and farm IDs to query.
func Synthetic(ctx context.Context, store *readmodel.Store, events, fanout int, seed uint64) (bags, farms []string, err error) {
	perChain := 5 + 1 + 1 + 1 + fanout*2 // produce×5, merge, process, split, (store, sell)×fanout
	chains := max(1, events/perChain)
	block := uint64(0)
	rng := rand.New(rand.NewPCG(seed, 1))
	var rec domain.Recorded
	flush := func() error {
		if len(rec.Events) == 0 {
			return nil
		}
		block++
		_, err := store.Apply(ctx, block, fmt.Sprintf("syn-tx-%d", block), rec)
		rec = domain.Recorded{}
		return err
	}
	t0 := time.Date(2026, 9, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))
	ev := func(id string, t domain.EventType, day int) domain.Event {
		return domain.Event{ID: id, Type: t, EventTime: t0.Add(time.Duration(day) * 24 * time.Hour).Format(time.RFC3339),
			Actor: domain.Party{Enterprise: "SYN"}, TxID: fmt.Sprintf("syn-tx-%d", block+1), Platform: "HeilongjiangMSP"}
	}
	batch := func(id, name string, kg float64, parents []string, st domain.Status) domain.Batch {
		return domain.Batch{ID: id, Product: domain.Product{Name: name}, Quantity: domain.Quantity{Value: kg, Unit: "kg"},
			Origin: &domain.Origin{Region: fmt.Sprintf("23%04d", rng.IntN(10000))}, Status: st, Parents: parents,
			Custodian: domain.Party{Enterprise: "SYN", Platform: "HeilongjiangMSP"}}
	}
	var prevFarms []string
	for c := 0; c < chains; c++ {
		var fs []string
		for f := 0; f < 5; f++ {
			id := fmt.Sprintf("SYN-F-%d-%d", c, f)
			e := ev("syn-h-"+id, domain.Produce, 0)
			e.Outputs = []domain.Output{{Batch: id, Product: domain.Product{Name: "稻谷"}, Quantity: domain.Quantity{Value: 1000, Unit: "kg"}}}
			rec.Events = append(rec.Events, e)
			rec.Batches = append(rec.Batches, batch(id, "稻谷", 1000, nil, domain.Consumed))
			fs = append(fs, id)
		}
		farms = append(farms, fs[0])
		ins := fs
		if c%20 == 19 && prevFarms != nil {
			ins = append(ins, prevFarms[4]) // shared storage: one lot of the previous group
		}
		silo := fmt.Sprintf("SYN-S-%d", c)
		m := ev("syn-m-"+silo, domain.Merge, 5)
		for _, in := range ins {
			m.Inputs = append(m.Inputs, domain.Portion{Batch: in})
		}
		m.Outputs = []domain.Output{{Batch: silo, Product: domain.Product{Name: "仓储稻谷"}, Quantity: domain.Quantity{Value: 5000, Unit: "kg"}}}
		flour := fmt.Sprintf("SYN-P-%d", c)
		p := ev("syn-p-"+flour, domain.Process, 20)
		p.Inputs = []domain.Portion{{Batch: silo}}
		p.Outputs = []domain.Output{{Batch: flour, Product: domain.Product{Name: "大米"}, Quantity: domain.Quantity{Value: 3300, Unit: "kg"}}}
		sp := ev("syn-sp-"+flour, domain.Split, 21)
		sp.Inputs = []domain.Portion{{Batch: flour}}
		rec.Events = append(rec.Events, m, p)
		rec.Batches = append(rec.Batches, batch(silo, "仓储稻谷", 5000, ins, domain.Consumed), batch(flour, "大米", 3300, []string{silo}, domain.Consumed))
		for b := 0; b < fanout; b++ {
			id := fmt.Sprintf("SYN-B-%d-%d", c, b)
			sp.Outputs = append(sp.Outputs, domain.Output{Batch: id, Product: domain.Product{Name: "大米 5kg"}, Quantity: domain.Quantity{Value: 3300 / float64(fanout), Unit: "kg"}})
			st := ev("syn-st-"+id, domain.Store, 22)
			st.Batches = []string{id}
			sell := ev("syn-sell-"+id, domain.Sell, 30+rng.IntN(30))
			sell.Batches = []string{id}
			rec.Events = append(rec.Events, st, sell)
			rec.Batches = append(rec.Batches, batch(id, "大米 5kg", 3300/float64(fanout), []string{flour}, domain.Sold))
			if b == 0 {
				bags = append(bags, id)
			}
		}
		rec.Events = append(rec.Events, sp)
		prevFarms = fs
		if len(rec.Events) >= 2000 {
			if err := flush(); err != nil {
				return nil, nil, err
			}
		}
	}
	return bags, farms, flush()
}

// QueryTimes runs f for each id and returns the median and p99 in milliseconds.
func QueryTimes(ids []string, f func(id string) error) (float64, float64, error) {
	var d []time.Duration
	for _, id := range ids {
		t := time.Now()
		if err := f(id); err != nil {
			return 0, 0, err
		}
		d = append(d, time.Since(t))
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return percentile(d, 0.5), percentile(d, 0.99), nil
}
