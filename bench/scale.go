package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/readmodel"
)

// ScaleShape is the synthetic ledger of bench-scale: grain flows shaped like a national harvest.
// Each season group is hundreds of farm lots merged into a silo lot, the silo lot moved once to a
// reserve depot (another lot), milled into a flour lot and split into thousands of retail lots,
// each stored and sold. One silo in ten also takes a lot from the previous group's farms (shared
// storage), and one mill in ten blends two depots' lots, so lineages overlap and run 5–6 deep.
type ScaleShape struct {
	FarmsMin, FarmsMax   int // farm lots per silo
	RetailMin, RetailMax int // retail lots per flour lot
}

// DefaultScaleShape is the shape the issue describes: merges of hundreds, splits into thousands.
var DefaultScaleShape = ScaleShape{FarmsMin: 200, FarmsMax: 400, RetailMin: 1000, RetailMax: 3000}

// ScaleIDs are the identifiers the query benchmarks sample.
type ScaleIDs struct {
	Retail, Farms []string
	Events        int
	Blocks        uint64
}

// Scale writes about events events into store through ApplyBlock, as catch-up from block 0 does:
// transactions of up to txEvents events, four transactions a block. progress, if set, is called
// after every block with the events written so far. With a nil store nothing is written: the
// ledger is only generated again, for the IDs of a database an earlier run with the same events,
// shape and seed left.
func Scale(ctx context.Context, store *readmodel.Store, events int, shape ScaleShape, seed uint64, progress func(int)) (ScaleIDs, error) {
	const txEvents, txPerBlock = 500, 4
	rng := rand.New(rand.NewPCG(seed, 7))
	var ids ScaleIDs
	var block []readmodel.TxRecord
	var rec domain.Recorded
	txn := 0
	endTx := func() error {
		if len(rec.Events) == 0 {
			return nil
		}
		txn++
		id := fmt.Sprintf("scale-tx-%d", txn)
		for i := range rec.Events {
			rec.Events[i].TxID = id
		}
		block = append(block, readmodel.TxRecord{TxID: id, Recorded: rec})
		ids.Events += len(rec.Events)
		rec = domain.Recorded{}
		if len(block) < txPerBlock {
			return nil
		}
		return endBlock(ctx, store, &block, &ids, progress)
	}
	add := func(e domain.Event, bs ...domain.Batch) error {
		rec.Events = append(rec.Events, e)
		rec.Batches = append(rec.Batches, bs...)
		if len(rec.Events) >= txEvents {
			return endTx()
		}
		return nil
	}
	t0 := time.Date(2026, 9, 1, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))
	provinces := []string{"23", "22", "21", "41", "37", "34", "32", "42", "43", "36", "51", "13"}
	var prevFarm, prevDepot string
	for g := 0; ids.Events+len(rec.Events) < events; g++ {
		day := g % 120
		prov := provinces[rng.IntN(len(provinces))]
		region := fmt.Sprintf("%s%02d%02d", prov, 1+rng.IntN(15), 1+rng.IntN(30))
		ev := func(id string, t domain.EventType, d int, actor string) domain.Event {
			return domain.Event{ID: id, Type: t, EventTime: t0.Add(time.Duration(day+d)*24*time.Hour + time.Duration(rng.IntN(36000))*time.Second).Format(time.RFC3339),
				Actor: domain.Party{Enterprise: actor}, Location: &domain.Location{Region: region}, Platform: "HeilongjiangMSP", ContentHash: "h-" + id}
		}
		lot := func(id, name string, kg float64, st domain.Status, holder, last string, parents ...string) domain.Batch {
			return domain.Batch{ID: id, Product: domain.Product{Name: name, Code: "SC-" + name}, Quantity: domain.Quantity{Value: kg, Unit: "kg"},
				Origin: &domain.Origin{Region: region}, Status: st, Parents: parents, Custodian: domain.Party{Enterprise: holder},
				Owner: domain.Party{Enterprise: holder}, LastEvent: last, UpdatedAt: t0.Add(time.Duration(day) * 24 * time.Hour).Format(time.RFC3339)}
		}
		silo := fmt.Sprintf("SC-S-%d", g)
		merge := ev("sc-m-"+silo, domain.Merge, 5, "SILO-"+region)
		nf := shape.FarmsMin + rng.IntN(shape.FarmsMax-shape.FarmsMin+1)
		for f := 0; f < nf; f++ {
			id := fmt.Sprintf("SC-F-%d-%d", g, f)
			e := ev("sc-h-"+id, domain.Produce, 0, fmt.Sprintf("COOP-%s-%d", region, f%20))
			e.Outputs = []domain.Output{{Batch: id}}
			if err := add(e, lot(id, "稻谷", 5000, domain.Consumed, "SILO-"+region, merge.ID)); err != nil {
				return ids, err
			}
			merge.Inputs = append(merge.Inputs, domain.Portion{Batch: id})
			if f == 0 {
				ids.Farms = append(ids.Farms, id)
			}
		}
		if g%10 == 9 && prevFarm != "" {
			merge.Inputs = append(merge.Inputs, domain.Portion{Batch: prevFarm})
		}
		prevFarm = fmt.Sprintf("SC-F-%d-%d", g, nf-1)
		merge.Outputs = []domain.Output{{Batch: silo}}
		if err := add(merge, lot(silo, "仓储稻谷", float64(nf)*5000, domain.Consumed, "SILO-"+region, "")); err != nil {
			return ids, err
		}
		depot := fmt.Sprintf("SC-D-%d", g)
		move := ev("sc-t-"+depot, domain.Process, 12, "RESERVE-"+prov)
		move.Inputs = []domain.Portion{{Batch: silo}}
		move.Outputs = []domain.Output{{Batch: depot}}
		if err := add(move, lot(depot, "储备稻谷", float64(nf)*5000, domain.Consumed, "RESERVE-"+prov, "")); err != nil {
			return ids, err
		}
		flour := fmt.Sprintf("SC-P-%d", g)
		mill := ev("sc-p-"+flour, domain.Process, 20, "MILL-"+prov)
		mill.Inputs = []domain.Portion{{Batch: depot}}
		if g%10 == 5 && prevDepot != "" {
			mill.Inputs = append(mill.Inputs, domain.Portion{Batch: prevDepot})
		}
		prevDepot = depot
		mill.Outputs = []domain.Output{{Batch: flour}}
		if err := add(mill, lot(flour, "大米", float64(nf)*3300, domain.Consumed, "MILL-"+prov, "")); err != nil {
			return ids, err
		}
		split := ev("sc-sp-"+flour, domain.Split, 21, "MILL-"+prov)
		split.Inputs = []domain.Portion{{Batch: flour}}
		nr := shape.RetailMin + rng.IntN(shape.RetailMax-shape.RetailMin+1)
		for r := 0; r < nr; r++ {
			split.Outputs = append(split.Outputs, domain.Output{Batch: fmt.Sprintf("SC-B-%d-%d", g, r)})
		}
		if err := add(split); err != nil {
			return ids, err
		}
		for r := 0; r < nr; r++ {
			id := fmt.Sprintf("SC-B-%d-%d", g, r)
			shop := fmt.Sprintf("SHOP-%s-%d", prov, rng.IntN(500))
			st := ev("sc-st-"+id, domain.Store, 22, shop)
			st.Batches = []string{id}
			sell := ev("sc-sell-"+id, domain.Sell, 30+rng.IntN(60), shop)
			sell.Batches = []string{id}
			if err := add(st); err != nil {
				return ids, err
			}
			if err := add(sell, lot(id, "大米 5kg", 5, domain.Sold, shop, sell.ID, flour)); err != nil {
				return ids, err
			}
			if r%max(1, nr/4) == 0 {
				ids.Retail = append(ids.Retail, id)
			}
		}
	}
	if err := endTx(); err != nil {
		return ids, err
	}
	return ids, endBlock(ctx, store, &block, &ids, progress)
}

func endBlock(ctx context.Context, store *readmodel.Store, block *[]readmodel.TxRecord, ids *ScaleIDs, progress func(int)) error {
	if len(*block) == 0 {
		return nil
	}
	ids.Blocks++
	if store != nil {
		if _, err := store.ApplyBlock(ctx, ids.Blocks, *block); err != nil {
			return fmt.Errorf("apply block %d: %w", ids.Blocks, err)
		}
	}
	*block = nil
	if progress != nil {
		progress(ids.Events)
	}
	return nil
}

// SearchMix times n searches in turn — batches by region prefix (a city), events by stage within
// a week, batches by product — each one page of 50, and returns the p50 and p99 in milliseconds.
func SearchMix(ctx context.Context, store *readmodel.Store, n int) (float64, float64, error) {
	rng := rand.New(rand.NewPCG(3, 3))
	provinces := []string{"23", "22", "21", "41", "37", "34", "32", "42", "43", "36", "51", "13"}
	stages := []string{"produce", "process", "store", "sell"}
	products := []string{"SC-稻谷", "SC-大米 5kg", "SC-大米"}
	t0 := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	keys := make([]string, n)
	for i := range keys {
		keys[i] = fmt.Sprint(i)
	}
	i := 0
	return QueryTimes(keys, func(string) error {
		defer func() { i++ }()
		var err error
		switch i % 3 {
		case 0:
			_, err = store.SearchBatches(ctx, readmodel.Filter{Region: fmt.Sprintf("%s%02d", provinces[rng.IntN(len(provinces))], 1+rng.IntN(15)), PageSize: 50})
		case 1:
			from := t0.AddDate(0, 0, rng.IntN(150))
			_, err = store.SearchEvents(ctx, readmodel.Filter{Stage: stages[rng.IntN(len(stages))], From: from, To: from.AddDate(0, 0, 7), PageSize: 50})
		default:
			_, err = store.SearchBatches(ctx, readmodel.Filter{Product: products[rng.IntN(len(products))], PageSize: 50})
		}
		return err
	})
}

// ScaleSection names a bench-scale section of docs/BENCHMARKS.md: a full run's (ledgers written
// and measured), or a --reuse run's (the queries measured again on a database a full run wrote).
// Each is replaced only by a run of its own kind, so a re-measurement never hides the full run's
// catch-up and disk figures, and each section names the run that wrote it.
type ScaleSection string

const (
	ScaleFull  ScaleSection = "bench-scale"
	ScaleReuse ScaleSection = "bench-scale-reuse"
)

// markers delimit the section; `make bench` carries every section over when it rewrites the file.
func (k ScaleSection) markers() (begin, end string) {
	by := "`make bench-scale`"
	if k == ScaleReuse {
		by = "`agritrace bench-scale --reuse`"
	}
	return "<!-- " + string(k) + ": generated by " + by + ", do not edit -->", "<!-- /" + string(k) + " -->"
}

// WriteSection puts section (a Markdown block starting with a "## " heading) into the file at
// path between k's markers, replacing what was there, or appends it.
func WriteSection(path string, k ScaleSection, section string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	begin, end := k.markers()
	block := begin + "\n" + section + end + "\n"
	s := string(old)
	if i, j := strings.Index(s, begin), strings.Index(s, end); i >= 0 && j > i {
		s = s[:i] + block + s[j+len(end)+1:]
	} else {
		s = strings.TrimRight(s, "\n") + "\n\n" + block
	}
	return os.WriteFile(path, []byte(s), 0o644)
}

// KeepSections returns the bench-scale sections of the file at path (with their markers, full
// run first), or "".
func KeepSections(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	s, out := string(b), ""
	for _, k := range []ScaleSection{ScaleFull, ScaleReuse} {
		begin, end := k.markers()
		if i, j := strings.Index(s, begin), strings.Index(s, end); i >= 0 && j > i {
			if out != "" {
				out += "\n"
			}
			out += s[i : j+len(end)+1]
		}
	}
	return out
}
