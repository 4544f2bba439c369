package gateway

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/domain"
)

// TestGranaryDetailAnswer reads one granary as the regulator sees it — book per lot, age profile,
// every count reconciled, movements, quality results and where rotated-out grain went — through
// the spec-checked server, so the answer is held to its closed schema (GranaryDetail) as well as
// to these figures. A count of an empty bin is reconciled against no lots: a list, never null.
func TestGranaryDetailAnswer(t *testing.T) {
	e := newEnv(t)
	must := func(path, org string, body any, want int) response {
		t.Helper()
		r := e.post(path, org, body)
		if r.status != want {
			t.Fatalf("POST %s as %s: %d %s, want %d", path, org, r.status, r.body, want)
		}
		return r
	}
	old, flour := "RSV-WHEAT-2021", "RSV-FLOUR-2026"
	coop, mill := domain.Party{Enterprise: "COOP-ZZ"}, domain.Party{Enterprise: "MILL-ZZ", Name: "郑州金苑面业"}
	must("/v1/events", "ha", domain.Event{ID: "rsv-harvest", Type: domain.Produce, EventTime: "2021-06-08T07:00:00+08:00", Actor: coop,
		Outputs: []domain.Output{{Batch: old, Product: domain.Product{Name: "小麦", Category: "grain"}, Quantity: domain.Quantity{Value: 3000, Unit: "t"}}}}, 201)
	g := domain.Granary{ID: "ZZ", Name: "郑州直属库", Owner: domain.Party{Enterprise: "ZCL"}, Region: "410122", Type: domain.CentralDepot,
		Bins: []domain.Bin{{ID: "B1", Type: "平房仓", CapacityT: 5000}, {ID: "B2", Type: "浅圆仓", CapacityT: 5000}, {ID: "B3", Type: "立筒仓", CapacityT: 2000}}}
	must("/v1/reserves/granaries", "ha", map[string]any{"granaries": []domain.Granary{g}}, 200)
	mv := func(id string, kind domain.MovementKind, when, bin string, year int, tonnes float64) domain.StockMovement {
		return domain.StockMovement{ID: id, Kind: kind, Time: when, Granary: g.ID, Bin: bin, Grain: domain.Wheat, HarvestYear: year,
			Category: domain.CentralReserve, Tonnes: tonnes}
	}
	in1, in2 := mv("rsv-in-b1", domain.StoreIn, "2021-06-20T10:00:00+08:00", "B1", 2021, 3000), mv("rsv-in-b2", domain.StoreIn, "2025-06-20T10:00:00+08:00", "B2", 2025, 4000)
	in1.Batch = old
	must("/v1/reserves/movements", "ha", map[string]any{"movements": []domain.StockMovement{in1, in2}}, 200)
	out := mv("rsv-rotate-out", domain.RotateOut, "2026-05-20T10:00:00+08:00", "B1", 2021, 3000)
	out.Batch, out.Counterparty = old, &mill
	must("/v1/reserves/movements", "ha", map[string]any{"movements": []domain.StockMovement{out,
		mv("rsv-rotate-in", domain.RotateIn, "2026-06-25T10:00:00+08:00", "B1", 2026, 3000)}}, 200)
	for _, ev := range []domain.Event{
		{ID: "rsv-sale", Type: domain.Purchase, EventTime: "2026-05-20T10:00:00+08:00", Actor: coop, To: &mill, Batches: []string{old},
			Location: &domain.Location{Name: "直属库", Region: "410122"}},
		{ID: "rsv-milling", Type: domain.Process, EventTime: "2026-05-25T08:00:00+08:00", Actor: mill, Inputs: []domain.Portion{{Batch: old}},
			Outputs:  []domain.Output{{Batch: flour, Product: domain.Product{Name: "小麦粉", Category: "grain"}, Quantity: domain.Quantity{Value: 2950, Unit: "t"}}},
			Location: &domain.Location{Name: "面粉厂", Region: "410122"}},
	} {
		must("/v1/events", "ha", ev, 201)
	}
	check := func(id, bin string, volume float64) domain.StockCheck {
		return domain.StockCheck{ID: id, Time: "2026-11-10T14:00:00+08:00", Granary: g.ID, Bin: bin, Method: domain.MeasuredVolume,
			VolumeM3: volume, BulkDensity: 780, Correction: 1, Inspector: domain.Party{Enterprise: "国家粮食和物资储备局河南局"},
			Document: domain.Document{Name: "kcjc-" + id + ".pdf", SHA256: strings.Repeat("ab", 32)}}
	}
	must("/v1/reserves/checks", "reg", check("rsv-check-b2", "B2", 4887), 200) // 3811.86 t against 4000 t
	must("/v1/reserves/checks", "reg", check("rsv-check-b3", "B3", 10), 200)   // 7.8 t in an empty bin
	must("/v1/reserves/quality", "ha", map[string]any{"results": []domain.QualityResult{{ID: "rsv-q-b2", Time: "2026-10-01T09:00:00+08:00",
		Granary: g.ID, Bin: "B2", Grain: domain.Wheat, HarvestYear: 2025, Class: domain.GoodStorage, Standard: "GB/T 20571-2006"}}}, 200)

	var d GranaryDetail
	r := e.get("/v1/reserves/granaries/"+g.ID, "reg")
	if r.status != 200 {
		t.Fatalf("detail: %d %s", r.status, r.body)
	}
	r.json(t, &d)
	book := map[string]float64{}
	for _, l := range d.Lots {
		book[fmt.Sprintf("%s/%d", l.Bin, l.HarvestYear)] += l.Tonnes
	}
	if len(book) != 2 || book["B1/2026"] != 3000 || book["B2/2025"] != 4000 {
		t.Errorf("book after the rotation: %v", book)
	}
	years := map[int]float64{}
	for _, b := range d.AgeProfile {
		years[b.HarvestYear] += b.Tonnes
	}
	if len(years) != 2 || years[2025] != 4000 || years[2026] != 3000 {
		t.Errorf("age profile: %+v", d.AgeProfile)
	}
	if len(d.Reconciliations) != 2 {
		t.Fatalf("reconciliations: %+v", d.Reconciliations)
	}
	for _, rc := range d.Reconciliations {
		switch rc.Bin {
		case "B2":
			// 0.2 % natural loss allowed on 4000 t stored 16 months; counted 4.5 % short
			if rc.BookTonnes != 4000 || rc.AllowanceTonnes != 8 || rc.Within || math.Abs(rc.Variance+0.0450) > 0.001 || len(rc.Lots) != 1 {
				t.Errorf("B2's count: %+v", rc)
			}
		case "B3":
			if rc.BookTonnes != 0 || rc.Variance != 1 || rc.Within || rc.Lots == nil || len(rc.Lots) != 0 {
				t.Errorf("the empty bin's count: %+v", rc)
			}
		default:
			t.Errorf("a count of bin %s", rc.Bin)
		}
	}
	if len(d.Movements) != 4 || len(d.Quality) != 1 || d.Quality[0].Class != domain.GoodStorage {
		t.Errorf("movements %d, quality %+v", len(d.Movements), d.Quality)
	}
	if len(d.Outflows) != 1 || d.Outflows[0].Movement != out.ID || d.Outflows[0].Batch != old {
		t.Fatalf("outflows: %+v", d.Outflows)
	}
	milled := false
	for _, a := range d.Outflows[0].Descendants {
		milled = milled || a.Batch == flour && a.Custodian.Enterprise == mill.Enterprise
	}
	if !milled {
		t.Errorf("the rotated-out wheat's outflow does not reach the mill's flour: %+v", d.Outflows[0].Descendants)
	}
}
