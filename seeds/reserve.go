package seeds

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/agritrace/agritrace/domain"
)

// Post is a request to one of the reserve or market endpoints (path relative to the gateway).
type Post struct {
	Path string
	Body any
}

const (
	henanDepot = "ZCL-410122-ZZ"     // 中储粮郑州直属库
	hljDepot   = "HLJ-RES-230109-07" // 黑龙江省储备粮 哈尔滨松北库
)

// HenanDepot and HeilongjiangDepot are the seeded granaries, for tests that check what the
// seeds promise on a running network.
const (
	HenanDepot        = henanDepot
	HeilongjiangDepot = hljDepot
)

func wheatProduct(item, name string) domain.Product {
	return domain.Product{GTIN: GTIN(item), Name: name, Category: "grain", Variety: "郑麦379", Grade: "三等"}
}

func harvestOut(id, when string, actor domain.Party, region, batch string, p domain.Product, tonnes float64, harvestDate string) domain.Event {
	e := ev(id, domain.Produce, when, actor, &domain.Location{Name: "收获地块", Region: region})
	e.Outputs = []domain.Output{{Batch: batch, Product: p, Quantity: domain.Quantity{Value: tonnes, Unit: "t"},
		Origin: &domain.Origin{Producer: actor.Enterprise, Region: region, HarvestDate: harvestDate}}}
	return e
}

func buy(id, when string, seller, buyer domain.Party, region, batch string) domain.Event {
	e := ev(id, domain.Purchase, when, seller, &domain.Location{Name: "收购点", Region: region})
	e.Batches, e.To = []string{batch}, &buyer
	return e
}

func movement(id string, kind domain.MovementKind, when, granary, bin string, grain domain.Grain, year int, cat domain.ReserveCategory, tonnes float64, batch string) domain.StockMovement {
	return domain.StockMovement{ID: id, Kind: kind, Time: at(when), Granary: granary, Bin: bin, Grain: grain, HarvestYear: year, Category: cat, Tonnes: tonnes, Batch: batch}
}

// HenanReserve: a 中储粮 directly-managed depot in 河南 with two bins of central-reserve wheat. Bin
// P01 held 2021 wheat, rotated out this year to a flour mill (whose flour the consumer can trace)
// and refilled with 2026 wheat; bin P02's count by the regulator is 4.5 % short of its book after
// the natural-loss allowance.
func HenanReserve() Chain {
	depot := party("91410122MA44ZCL01", "中储粮郑州直属库有限公司")
	depot.Platform = "HenanMSP"
	coop := party("93410726MA45LM3X1", "延津县丰源小麦种植专业合作社联合社")
	mill := party("91410100MA46JY8K2", "郑州金苑面业有限公司")
	regulator := domain.Party{Enterprise: "国家粮食和物资储备局河南局", Name: "国家粮食和物资储备局河南局 执法督查处"}
	depotLoc := &domain.Location{ID: "urn:epc:id:sgln:6901234.50001.0", Name: "中储粮郑州直属库", Region: "410122"}
	millLoc := &domain.Location{ID: "urn:epc:id:sgln:6901234.50002.0", Name: "金苑面业 郑州工厂", Region: "410122"}

	old := Lot("50001", "ZCL21-P01")
	young := Lot("50001", "ZCL25-P02")
	fresh := Lot("50001", "ZCL26-P01")
	flour := Lot("50002", "JY2605-F01")
	bagsLot := Lot("50003", "JY2606-B10")
	p := wheatProduct("50001", "中央储备小麦（郑麦379）")

	trace := []domain.Event{
		harvestOut("seed-rsv-ha-01-harvest-2021", "2021-06-08T07:00:00", coop, "410726", old, p, 2000, "2021-06-08"),
		buy("seed-rsv-ha-02-intake-2021", "2021-06-15T09:00:00", coop, depot, "410122", old),
		harvestOut("seed-rsv-ha-03-harvest-2025", "2025-06-06T07:00:00", coop, "410726", young, p, 4000, "2025-06-06"),
		buy("seed-rsv-ha-04-intake-2025", "2025-06-20T09:00:00", coop, depot, "410122", young),
		harvestOut("seed-rsv-ha-05-harvest-2026", "2026-06-05T07:00:00", coop, "410726", fresh, p, 2000, "2026-06-05"),
		buy("seed-rsv-ha-06-intake-2026", "2026-06-18T09:00:00", coop, depot, "410122", fresh),
	}
	// 轮换出库: the depot sells the 2021 wheat to the mill, which mills it and packs flour
	rotateSale := buy("seed-rsv-ha-07-rotation-sale", "2026-05-20T10:00:00", depot, mill, "410122", old)
	rotateSale.Location = depotLoc
	milling := ev("seed-rsv-ha-08-milling", domain.Process, "2026-05-25T08:00:00", mill, millLoc)
	milling.Inputs = []domain.Portion{{Batch: old}}
	milling.Outputs = []domain.Output{{Batch: flour, Quantity: domain.Quantity{Value: 1500, Unit: "t"},
		Product: domain.Product{GTIN: GTIN("50002"), Name: "小麦粉（轮换粮加工）", Category: "grain", Grade: "标准粉"}}}
	pack := ev("seed-rsv-ha-09-pack", domain.Process, "2026-06-02T08:00:00", mill, millLoc)
	pack.Inputs = []domain.Portion{{Batch: flour, Quantity: &domain.Quantity{Value: 50, Unit: "t"}}}
	pack.Outputs = []domain.Output{{Batch: bagsLot, Quantity: bags(10000, 5),
		Product: domain.Product{GTIN: GTIN("50003"), Name: "金苑 小麦粉 5kg", Category: "grain"}}}
	trace = append(trace, rotateSale, milling, pack)

	granary := domain.Granary{ID: henanDepot, Name: "中储粮郑州直属库", Owner: depot, Region: "410122", Type: domain.CentralDepot,
		Bins:  []domain.Bin{{ID: "P01", Type: "平房仓", CapacityT: 6000}, {ID: "P02", Type: "平房仓", CapacityT: 6000}},
		Plans: []domain.RotationPlan{{Year: 2026, Grain: domain.Wheat, Tonnes: 2000, Approved: "中储粮河南分公司〔2026〕轮换计划"}}}
	moves := []domain.StockMovement{
		movement("seed-rsv-ha-m01-store-2021", domain.StoreIn, "2021-06-15T10:00:00", henanDepot, "P01", domain.Wheat, 2021, domain.CentralReserve, 2000, old),
		movement("seed-rsv-ha-m02-store-2025", domain.StoreIn, "2025-06-20T10:00:00", henanDepot, "P02", domain.Wheat, 2025, domain.CentralReserve, 4000, young),
		movement("seed-rsv-ha-m03-rotate-out", domain.RotateOut, "2026-05-20T10:00:00", henanDepot, "P01", domain.Wheat, 2021, domain.CentralReserve, 2000, old),
		movement("seed-rsv-ha-m04-rotate-in", domain.RotateIn, "2026-06-18T10:00:00", henanDepot, "P01", domain.Wheat, 2026, domain.CentralReserve, 2000, fresh),
	}
	moves[2].Counterparty = &mill
	doc := func(name, sha string) domain.Document {
		return domain.Document{Name: name, SHA256: sha, URI: "https://docs.agritrace.example/" + name}
	}
	countP01 := domain.StockCheck{ID: "seed-rsv-ha-c01-P01", Time: at("2026-11-10T09:00:00"), Granary: henanDepot, Bin: "P01", Method: domain.Weighbridge,
		CountedTonnes: 1996.4, Inspector: regulator, Document: doc("kcjc-2026-ZZ-P01.pdf", "9a1c3e5f7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a")}
	// measured: 4887 m³ × 780 kg/m³ × 1.000 = 3811.9 t against a book of 4000 t less 0.2 % natural loss
	countP02 := domain.StockCheck{ID: "seed-rsv-ha-c02-P02", Time: at("2026-11-10T14:00:00"), Granary: henanDepot, Bin: "P02", Method: domain.MeasuredVolume,
		VolumeM3: 4887, BulkDensity: 780, Correction: 1.0, Inspector: regulator,
		Document: doc("kcjc-2026-ZZ-P02.pdf", "2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d")}
	quality := []domain.QualityResult{
		{ID: "seed-rsv-ha-q01-P01", Time: at("2026-11-10T11:00:00"), Granary: henanDepot, Bin: "P01", Grain: domain.Wheat, HarvestYear: 2026,
			Class: domain.GoodStorage, Standard: "GB/T 20571-2006", Indicators: map[string]float64{"面筋吸水量_pct": 195, "品尝评分值": 78}, Lab: "河南省粮油饲料产品质量监督检验站"},
		{ID: "seed-rsv-ha-q02-P02", Time: at("2026-11-10T15:00:00"), Granary: henanDepot, Bin: "P02", Grain: domain.Wheat, HarvestYear: 2025,
			Class: domain.GoodStorage, Standard: "GB/T 20571-2006", Indicators: map[string]float64{"面筋吸水量_pct": 188, "品尝评分值": 74}, Lab: "河南省粮油饲料产品质量监督检验站"},
	}
	return Chain{Key: "reserve-ha", Title: "中储粮郑州直属库：2021 年小麦轮换出库 → 面粉；P02 仓库存检查账实不符", Consumer: bagsLot,
		Steps: []Step{
			{Org: "ha", Events: trace},
			{Org: "ha", Post: &Post{"/v1/reserves/granaries", map[string]any{"granaries": []domain.Granary{granary}}}},
			{Org: "ha", Post: &Post{"/v1/reserves/movements", map[string]any{"movements": moves}}},
			{Org: "reg", Post: &Post{"/v1/reserves/checks", countP01}},
			{Org: "reg", Post: &Post{"/v1/reserves/checks", countP02}},
			{Org: "reg", Post: &Post{"/v1/reserves/quality", map[string]any{"results": quality}}},
		}}
}

// HeilongjiangReserve: a 黑龙江 provincial reserve holding 2022 paddy, past the 3-year storage age
// for paddy and judged 轻度不宜存, next to a bin of 2025 paddy.
func HeilongjiangReserve() Chain {
	depot := party("91230109MA1HLJR07", "黑龙江省储备粮管理有限公司松北直属库")
	coop := party("93230184MA1C4X7K2", "五常市民乐乡稻香水稻种植专业合作社")
	regulator := domain.Party{Enterprise: "黑龙江省粮食和物资储备局", Name: "黑龙江省粮食和物资储备局 监督检查处"}
	p := domain.Product{GTIN: GTIN("50011"), Name: "省级储备粳稻", Category: "grain", Grade: "二等"}
	old := Lot("50011", "HLJ22-A1")
	recent := Lot("50011", "HLJ25-A2")
	cooked := Lot("50012", "HLJ25-A2-R")
	trace := []domain.Event{
		harvestOut("seed-rsv-hl-01-harvest-2022", "2022-10-05T07:00:00", coop, "230184", old, p, 5000, "2022-10-05"),
		buy("seed-rsv-hl-02-intake-2022", "2022-10-20T09:00:00", coop, depot, "230109", old),
		harvestOut("seed-rsv-hl-03-harvest-2025", "2025-10-03T07:00:00", coop, "230184", recent, p, 3000, "2025-10-03"),
		buy("seed-rsv-hl-04-intake-2025", "2025-10-25T09:00:00", coop, depot, "230109", recent),
	}
	// a trial milling of a sample from A2 gives the consumer page something to show
	sample := ev("seed-rsv-hl-05-sample-milling", domain.Process, "2026-03-02T09:00:00", depot, &domain.Location{Name: "松北直属库 化验室", Region: "230109"})
	sample.Inputs = []domain.Portion{{Batch: recent, Quantity: &domain.Quantity{Value: 0.2, Unit: "t"}}}
	sample.Outputs = []domain.Output{{Batch: cooked, Quantity: kg(130), Product: domain.Product{GTIN: GTIN("50012"), Name: "粳米（出糙试验样品）", Category: "grain"}}}
	trace = append(trace, sample)
	granary := domain.Granary{ID: hljDepot, Name: "黑龙江省储备粮 松北直属库", Owner: depot, Region: "230109", Type: domain.LocalReserve,
		Bins: []domain.Bin{{ID: "A1", Type: "浅圆仓", CapacityT: 8000}, {ID: "A2", Type: "立筒仓", CapacityT: 5000}}}
	moves := []domain.StockMovement{
		movement("seed-rsv-hl-m01-store-2022", domain.StoreIn, "2022-10-20T10:00:00", hljDepot, "A1", domain.Paddy, 2022, domain.ProvincialReserve, 5000, old),
		movement("seed-rsv-hl-m02-store-2025", domain.StoreIn, "2025-10-25T10:00:00", hljDepot, "A2", domain.Paddy, 2025, domain.ProvincialReserve, 3000, recent),
	}
	quality := []domain.QualityResult{{ID: "seed-rsv-hl-q01-A1", Time: at("2026-09-15T10:00:00"), Granary: hljDepot, Bin: "A1", Grain: domain.Paddy, HarvestYear: 2022,
		Class: domain.ModerateStorage, Standard: "GB/T 20569-2006", Indicators: map[string]float64{"脂肪酸值_mgKOH_per_100g": 31.5, "品尝评分值": 64},
		Lab: "黑龙江省粮油卫生检验监测站"}}
	count := domain.StockCheck{ID: "seed-rsv-hl-c01-A1", Time: at("2026-09-15T09:00:00"), Granary: hljDepot, Bin: "A1", Method: domain.MeasuredVolume,
		VolumeM3: 8600, BulkDensity: 580, Correction: 1.0, Inspector: regulator,
		Document: domain.Document{Name: "kcjc-2026-SB-A1.pdf", SHA256: "4c6e8a0b2d4f6c8e0a2b4d6f8c0e2a4b6d8f0c2e4a6b8d0f2c4e6a8b0d2f4c6e"}}
	return Chain{Key: "reserve-hlj", Title: "黑龙江省级储备：2022 年稻谷超期储存、轻度不宜存", Consumer: cooked,
		Steps: []Step{
			{Org: "hlj", Events: trace},
			{Org: "hlj", Post: &Post{"/v1/reserves/granaries", map[string]any{"granaries": []domain.Granary{granary}}}},
			{Org: "hlj", Post: &Post{"/v1/reserves/movements", map[string]any{"movements": moves}}},
			{Org: "reg", Post: &Post{"/v1/reserves/checks", count}},
			{Org: "reg", Post: &Post{"/v1/reserves/quality", map[string]any{"results": quality}}},
		}}
}

// MarketPurchases: priced purchases of wheat in 河南 (four weeks of 2026, one week of 2025) and of
// paddy in 黑龙江, each week by at least three buyers from at least three sellers, and two corn
// purchases in 河南 whose cell covers too few parties and is suppressed. The platforms' nodes then
// publish their aggregates; the prices themselves stay in the private collections.
func MarketPurchases() Chain {
	type week struct {
		monday string // a day of the ISO week, YYYY-MM-DD
		prices []float64
		tonnes []float64
	}
	buyersHA := []domain.Party{party("91410122MA44ZCL01", "中储粮郑州直属库有限公司"), party("91410100MA46JY8K2", "郑州金苑面业有限公司"),
		party("91410726MA40K2P7W", "延津县粮食收储有限公司")}
	buyersHL := []domain.Party{party("91230109MA1HLJR07", "黑龙江省储备粮管理有限公司松北直属库"), party("91230184MA1BXR5N8", "五常市金禾米业有限公司"),
		party("91230184MA19QW3E4", "中储粮五常直属库有限公司")}
	var ha, hl []domain.Event
	add := func(out *[]domain.Event, prefix, region string, buyers []domain.Party, p domain.Product, item string, w week) {
		for i, price := range w.prices {
			seller := domain.Party{Enterprise: fmt.Sprintf("%s-FARMER-%s-%d", prefix, region, i+1), Name: fmt.Sprintf("种粮大户 %d", i+1)}
			lot := Lot(item, fmt.Sprintf("%s%s-%d", prefix, w.monday[2:4]+w.monday[5:7]+w.monday[8:10], i+1))
			id := fmt.Sprintf("seed-mkt-%s-%s-%d", prefix, w.monday, i+1)
			*out = append(*out, harvestOut(id+"-harvest", w.monday+"T06:00:00", seller, region, lot, p, w.tonnes[i], w.monday))
			b := buy(id+"-purchase", w.monday+"T10:00:00", seller, buyers[i%len(buyers)], region, lot)
			b.Private = &domain.Private{Price: price, Currency: "CNY", ContractTerms: "三等及以上，水分≤12.5%，按质论价"}
			*out = append(*out, b)
		}
	}
	wheat := domain.Product{GTIN: GTIN("60001"), Name: "小麦（收购）", Category: "grain", Grade: "三等"}
	// the batches are counted in tonnes, so the terms are CNY per tonne
	for _, w := range []week{
		{"2025-06-17", []float64{2400, 2420, 2410}, []float64{20, 15, 18}},
		{"2026-06-09", []float64{2420, 2440, 2430, 2450}, []float64{60, 45, 80, 30}},
		{"2026-06-16", []float64{2440, 2450, 2460, 2430}, []float64{70, 50, 55, 40}},
		{"2026-06-23", []float64{2580, 2600, 2570, 2590}, []float64{65, 40, 50, 45}},
		{"2026-06-30", []float64{2360, 2350, 2370, 2340}, []float64{90, 70, 60, 80}},
	} {
		add(&ha, "HA-W", "410726", buyersHA, wheat, "60001", w)
	}
	corn := domain.Product{GTIN: GTIN("60002"), Name: "玉米（收购）", Category: "grain", Grade: "二等"}
	add(&ha, "HA-C", "411000", buyersHA[:1], corn, "60002", week{"2026-10-13", []float64{2210, 2230}, []float64{30, 25}})
	paddy := domain.Product{GTIN: GTIN("60003"), Name: "粳稻（收购）", Category: "grain", Grade: "二等"}
	for _, w := range []week{
		{"2026-10-13", []float64{2820, 2850, 2800}, []float64{120, 90, 100}},
		{"2026-10-20", []float64{2860, 2880, 2840}, []float64{110, 95, 130}},
	} {
		add(&hl, "HL-P", "230184", buyersHL, paddy, "60003", w)
	}
	consumer := Lot("60001", "HA-W260609-1")
	silo := ev("seed-mkt-HA-W-2026-06-09-1-store", domain.Store, "2026-06-10T09:00:00", buyersHA[0], &domain.Location{Name: "中储粮郑州直属库 收购待检仓", Region: "410122"})
	silo.Batches = []string{consumer}
	silo.Attributes = map[string]any{"direction": "in", "moisture_pct": 12.1}
	ha = append(ha, silo)
	return Chain{Key: "market", Title: "收购价格监测：河南小麦、黑龙江粳稻（仅发布 k≥3 的聚合，玉米单元被抑制）", Consumer: consumer,
		Steps: []Step{
			{Org: "ha", Events: ha},
			{Org: "hlj", Events: hl},
			{Org: "ha", Post: &Post{"/v1/market/aggregates", map[string]any{}}},
			{Org: "hlj", Post: &Post{"/v1/market/aggregates", map[string]any{}}},
		}}
}

// postReserve sends a reserve or market request and counts what was new and what was already on
// the ledger.
func postReserve(ctx context.Context, client *http.Client, base, key string, p Post) (Result, error) {
	out, status, err := post(ctx, client, base+p.Path, key, p.Body)
	if err != nil {
		return Result{}, err
	}
	if status != http.StatusOK {
		return Result{}, fmt.Errorf("POST %s: %d %s", p.Path, status, out)
	}
	var resp struct {
		Results     json.RawMessage `json:"results"`
		Publication string          `json:"publication"`
		Unchanged   bool            `json:"unchanged"`
	}
	if err := json.Unmarshal(out, &resp); err != nil {
		return Result{}, fmt.Errorf("POST %s: %w", p.Path, err)
	}
	if resp.Results == nil {
		if resp.Publication == "" {
			return Result{}, nil // nothing to publish
		}
		if resp.Unchanged {
			return Result{Duplicates: 1}, nil
		}
		return Result{Committed: 1}, nil
	}
	var many []domain.RecordResult
	if json.Unmarshal(resp.Results, &many) != nil {
		var one domain.RecordResult
		if err := json.Unmarshal(resp.Results, &one); err != nil {
			return Result{}, fmt.Errorf("POST %s: results %s: %w", p.Path, resp.Results, err)
		}
		many = []domain.RecordResult{one}
	}
	var r Result
	for _, x := range many {
		if x.Duplicate {
			r.Duplicates++
		} else {
			r.Committed++
		}
	}
	return r, nil
}
