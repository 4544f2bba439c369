package seeds

import "github.com/agritrace/agritrace/domain"

// WuchangRice: 五常大米 from a 黑龙江 co-op to a 河南 supermarket shelf.
// 产 harvest → 购 co-op purchase → 储 granary (moisture, temperature) → 加 milling, split into
// 5 kg bags → cross-province hand-over → 销 retail in 郑州.
func WuchangRice() Chain {
	farmer := domain.Party{Enterprise: "HLJ-FARMER-230184-0231", Name: "张国富（民乐乡红光村农户）"}
	coop := party("93230184MA1C4X7K2", "五常市民乐乡稻香水稻种植专业合作社")
	granary := party("91230184MA19QW3E4", "中储粮五常直属库有限公司")
	mill := party("91230184MA1BXR5N8", "五常市金禾米业有限公司")
	dennis := party("91410100MA45T8L2J", "郑州丹尼斯百货有限公司")
	dennis.Platform = "HenanMSP"
	field := &domain.Location{Name: "五常市民乐乡红光村三组 07 号地块", Region: "230184"}
	store := &domain.Location{ID: "urn:epc:id:sgln:6901234.10001.3", Name: "中储粮五常直属库 3 号仓", Region: "230184"}
	millLoc := &domain.Location{ID: "urn:epc:id:sgln:6901234.10002.0", Name: "金禾米业 加工车间", Region: "230184"}
	shop := &domain.Location{ID: "urn:epc:id:sgln:6901234.20001.0", Name: "丹尼斯 郑州人民路店", Region: "410103"}

	paddy := Lot("10001", "WC2609-HG07")
	milled := Lot("10002", "WC2610-M01")
	bagsHA := Lot("10003", "WC2610-B5A")
	bagsHL := Lot("10003", "WC2610-B5B")

	harvest := ev("seed-rice-01-harvest", domain.Produce, "2026-09-28T07:30:00", farmer, field)
	harvest.Outputs = []domain.Output{{Batch: paddy, Quantity: kg(15000),
		Product: domain.Product{GTIN: GTIN("10001"), Name: "五常稻谷（稻花香2号）", Category: "grain", Variety: "稻花香2号", Grade: "一等"},
		Origin:  &domain.Origin{Producer: farmer.Enterprise, Region: "230184", Plot: "民乐乡红光村三组-07", HarvestDate: "2026-09-28"}}}

	buy := ev("seed-rice-02-purchase", domain.Purchase, "2026-09-30T10:00:00", farmer, field)
	buy.Batches, buy.To = []string{paddy}, &coop
	buy.Private = &domain.Private{Price: 3.62, Currency: "CNY", ContractTerms: "订单收购，水分≤15%，按一等价结算"}

	intake := ev("seed-rice-03-store", domain.Store, "2026-10-02T09:10:00", coop, store)
	intake.Batches = []string{paddy}
	intake.Attributes = map[string]any{"direction": "in", "warehouse": "3号仓", "moisture_pct": 14.2, "grain_temp_c": 12.5}
	moist := ev("seed-rice-04-inspect-moisture", domain.Inspect, "2026-10-02T09:40:00", granary, store)
	moist.Batches = []string{paddy}
	moist.Inspection = &domain.Inspection{Item: "水分", Value: 14.2, Unit: "%", Limit: 14.5, Result: "pass", Standard: "GB 1350-2009", Lab: "中储粮五常直属库化验室"}
	cd := ev("seed-rice-05-inspect-cadmium", domain.Inspect, "2026-10-05T14:00:00", granary, store)
	cd.Batches = []string{paddy}
	cd.Inspection = &domain.Inspection{Item: "镉（Cd）", Value: 0.04, Unit: "mg/kg", Limit: 0.2, Result: "pass", Standard: "GB 2762-2022", Lab: "黑龙江省粮油卫生检验监测站"}
	cd.Documents = doc("cd-report-WC2609-HG07.pdf", "3f1b0c1f5a3e5e0c4f7d2b8a9e6c1d0b7a3f2e1d4c5b6a798877665544332211")
	check := ev("seed-rice-06-store-check", domain.Store, "2026-10-20T08:00:00", coop, store)
	check.Batches = []string{paddy}
	check.Attributes = map[string]any{"direction": "check", "moisture_pct": 14.0, "grain_temp_c": 8.0, "pest": "未检出"}

	milling := ev("seed-rice-07-milling", domain.Process, "2026-10-28T08:00:00", mill, millLoc)
	milling.Inputs = []domain.Portion{{Batch: paddy}}
	milling.Outputs = []domain.Output{{Batch: milled, Quantity: kg(9900),
		Product: domain.Product{GTIN: GTIN("10002"), Name: "五常大米（散装）", Category: "grain", Variety: "稻花香2号", Grade: "一级"}}}
	milling.Attributes = map[string]any{"process": "砻谷→碾米→抛光→色选", "line": "2号线"}

	split := ev("seed-rice-08-pack", domain.Split, "2026-10-29T10:00:00", mill, millLoc)
	split.Inputs = []domain.Portion{{Batch: milled}}
	bagProduct := domain.Product{GTIN: GTIN("10003"), Name: "五常大米 稻花香 5kg", Category: "grain", Variety: "稻花香2号", Grade: "一级"}
	split.Outputs = []domain.Output{
		{Batch: bagsHA, Product: bagProduct, Quantity: bags(1000, 5)},
		{Batch: bagsHL, Product: bagProduct, Quantity: bags(960, 5)},
	}
	split.Loss = &domain.Quantity{Value: 100, Unit: "kg"}
	split.Attributes = map[string]any{"shelf_life_days": 540}
	// the geographical-indication certificate comes from the registered certification body, signed
	// through its org, never from the platform of the enterprise it certifies
	gi := ev("seed-rice-09-certify", domain.Certify, "2026-10-30T09:00:00", domain.Party{Enterprise: CertBody.ID, Name: CertBody.Name}, millLoc)
	gi.Batches = []string{bagsHA, bagsHL}
	gi.Certificate = &domain.Certificate{ID: "AGI-2026-WC-0412", Type: "geographical-indication", Issuer: CertBody.ID,
		Holder: mill.Enterprise, Scope: []string{GTIN("10003")}, ValidFrom: "2026-01-01", ValidUntil: "2029-12-31",
		Document: &domain.Document{Name: "AGI-2026-WC-0412.pdf", SHA256: "9c1e5b7a2f04d6e3b8a1c7f0e2d4b6a8c0e2f4a6b8d0c2e4f6a8b0d2c4e6f8a0",
			URI: "https://docs.agritrace.example/AGI-2026-WC-0412.pdf"}}

	sale := ev("seed-rice-10-sale-to-henan", domain.Purchase, "2026-11-02T15:00:00", mill, millLoc)
	sale.Batches, sale.To = []string{bagsHA}, &dennis
	sale.Private = &domain.Private{Price: 39.8, Currency: "CNY", ContractTerms: "每袋含税价，冷链非必需，30天账期"}
	ship := ev("seed-rice-11-transport", domain.Transport, "2026-11-03T06:00:00", mill, millLoc)
	ship.Batches = []string{bagsHL}
	ship.Attributes = map[string]any{"carrier": "哈尔滨顺达物流", "vehicle": "黑A·7K2Q9", "to": "哈尔滨配送中心"}

	accept := ev("seed-rice-12-accept", domain.Accept, "2026-11-06T11:20:00", dennis, shop)
	accept.Batches = []string{bagsHA}
	shelf := ev("seed-rice-13-store-shop", domain.Store, "2026-11-06T16:00:00", dennis, shop)
	shelf.Batches = []string{bagsHA}
	shelf.Attributes = map[string]any{"direction": "in", "area": "粮油区 A3 货架"}
	sell := ev("seed-rice-14-retail", domain.Sell, "2026-11-08T19:42:00", dennis, shop)
	sell.Batches = []string{bagsHA}
	sell.Attributes = map[string]any{"channel": "门店零售"}

	return Chain{Key: "rice", Title: "五常大米：黑龙江合作社 → 中储粮 → 米业 → 河南丹尼斯超市", Consumer: bagsHA,
		Steps: []Step{
			{Org: "hlj", Events: []domain.Event{harvest, buy, intake, moist, cd, check, milling, split, sale, ship}},
			{Org: "reg", Events: []domain.Event{gi}},
			{Org: "ha", Events: []domain.Event{accept, shelf, sell}},
		}}
}

// HenanNoodles: 延津 strong-gluten wheat from three farmers, merged in a silo, milled to flour and
// made into noodles.
func HenanNoodles() Chain {
	silo := party("91410726MA40K2P7W", "延津县粮食收储有限公司")
	flourMill := party("91410726MA3XQ5R1T", "延津克明面业有限公司")
	region := "410726"
	var farmers []domain.Event
	var inputs []domain.Portion
	for i, f := range []struct {
		name, plot string
		kg         float64
	}{{"李春生", "石婆固乡-12", 8000}, {"王秀兰", "石婆固乡-15", 9500}, {"赵建国", "胙城乡-03", 7200}} {
		farmer := domain.Party{Enterprise: "HA-FARMER-410726-" + string(rune('A'+i)), Name: f.name + "（延津县农户）"}
		lot := Lot("20001", "YJ2606-F"+string(rune('1'+i)))
		e := ev("seed-noodle-0"+string(rune('1'+i))+"-harvest", domain.Produce, "2026-06-05T06:30:00", farmer,
			&domain.Location{Name: "延津县 " + f.plot, Region: region})
		e.Outputs = []domain.Output{{Batch: lot, Quantity: kg(f.kg),
			Product: domain.Product{GTIN: GTIN("20001"), Name: "延津强筋小麦（新麦26）", Category: "grain", Variety: "新麦26", Grade: "二等"},
			Origin:  &domain.Origin{Producer: farmer.Enterprise, Region: region, Plot: f.plot, HarvestDate: "2026-06-05"}}}
		farmers = append(farmers, e)
		inputs = append(inputs, domain.Portion{Batch: lot})
	}
	siloLoc := &domain.Location{ID: "urn:epc:id:sgln:6901234.30001.0", Name: "延津县粮食储备库 7 号仓", Region: region}
	siloLot := Lot("20002", "YJ2606-S07")
	merge := ev("seed-noodle-04-merge", domain.Merge, "2026-06-12T10:00:00", silo, siloLoc)
	merge.Inputs = inputs
	merge.Outputs = []domain.Output{{Batch: siloLot, Quantity: kg(24700),
		Product: domain.Product{GTIN: GTIN("20002"), Name: "延津强筋小麦（仓储批）", Category: "grain", Variety: "新麦26", Grade: "二等"}}}
	don := ev("seed-noodle-05-inspect", domain.Inspect, "2026-06-14T09:00:00", silo, siloLoc)
	don.Batches = []string{siloLot}
	don.Inspection = &domain.Inspection{Item: "脱氧雪腐镰刀菌烯醇（呕吐毒素）", Value: 0.31, Unit: "mg/kg", Limit: 1.0, Result: "pass", Standard: "GB 2761-2017"}
	millLoc := &domain.Location{ID: "urn:epc:id:sgln:6901234.30002.0", Name: "克明面业 延津工厂", Region: region}
	flour := Lot("20003", "KM2609-F22")
	milling := ev("seed-noodle-06-flour", domain.Process, "2026-09-02T08:00:00", flourMill, millLoc)
	milling.Inputs = []domain.Portion{{Batch: siloLot}}
	milling.Outputs = []domain.Output{{Batch: flour, Quantity: kg(17290),
		Product: domain.Product{GTIN: GTIN("20003"), Name: "高筋小麦粉", Category: "grain", Grade: "特一等"}}}
	noodles := Lot("20004", "KM2609-N22")
	making := ev("seed-noodle-07-noodles", domain.Process, "2026-09-05T08:00:00", flourMill, millLoc)
	making.Inputs = []domain.Portion{{Batch: flour}}
	making.Outputs = []domain.Output{{Batch: noodles, Quantity: bags(33800, 0.5),
		Product: domain.Product{GTIN: GTIN("20004"), Name: "克明 鸡蛋挂面 500g", Category: "grain"}}}
	making.Attributes = map[string]any{"recipe": "小麦粉、水、鸡蛋粉、食用盐", "line": "挂面 3 号线", "shelf_life_days": 365}
	shop := party("91410100MA46B3C9X", "河南大张实业有限公司")
	sell := ev("seed-noodle-08-retail", domain.Sell, "2026-09-20T18:00:00", flourMill, millLoc)
	sell.Batches, sell.To = []string{noodles}, &shop
	return Chain{Key: "noodles", Title: "延津小麦 → 面粉 → 挂面（三户农户合并入仓后加工）", Consumer: noodles,
		Steps: []Step{{Org: "ha", Events: append(farmers, merge, don, milling, making, sell)}}}
}

// ShandongApples: 栖霞 apples in cold-chain storage with a pesticide-residue inspection, supplied
// into 河南 (the supplier is onboarded on the 河南 platform).
func ShandongApples() Chain {
	coop := party("93370686MA3P9L6Q1", "栖霞市蛇窝泊镇果品专业合作社")
	cold := party("91410100MA44W7N3M", "郑州万邦冷链物流有限公司")
	lot := Lot("30001", "QX2610-FJ80")
	orchard := &domain.Location{Name: "栖霞市蛇窝泊镇 果园 12 号", Region: "370686"}
	pick := ev("seed-apple-01-harvest", domain.Produce, "2026-10-12T08:00:00", coop, orchard)
	pick.Outputs = []domain.Output{{Batch: lot, Quantity: kg(6000),
		Product: domain.Product{GTIN: GTIN("30001"), Name: "栖霞红富士苹果 80#", Category: "produce", Variety: "烟富3号", Grade: "特级"},
		Origin:  &domain.Origin{Producer: coop.Enterprise, Region: "370686", Plot: "蛇窝泊镇-12", HarvestDate: "2026-10-12"}}}
	coldLoc := &domain.Location{ID: "urn:epc:id:sgln:6901234.40001.0", Name: "万邦冷链 2 号冷库", Region: "410183"}
	trans := ev("seed-apple-02-transport", domain.Transport, "2026-10-14T05:00:00", coop, orchard)
	trans.Batches = []string{lot}
	trans.Attributes = map[string]any{"carrier": "万邦冷链", "vehicle": "豫A·L3321", "temp_c_min": 1.2, "temp_c_max": 3.6}
	in := ev("seed-apple-03-coldstore", domain.Store, "2026-10-15T07:00:00", coop, coldLoc)
	in.Batches = []string{lot}
	in.Attributes = map[string]any{"direction": "in", "temp_c": 1.0, "humidity_pct": 92, "atmosphere": "气调 O₂ 2% CO₂ 1.5%"}
	residue := ev("seed-apple-04-residue", domain.Inspect, "2026-10-16T10:00:00", cold, coldLoc)
	residue.Batches = []string{lot}
	residue.Inspection = &domain.Inspection{Item: "农药残留（毒死蜱）", Value: 0.01, Unit: "mg/kg", Limit: 1.0, Result: "pass", Standard: "GB 2763-2021", Lab: "河南省农产品质量安全检测中心"}
	residue.Documents = doc("residue-QX2610-FJ80.pdf", "9c2e4a6b8d0f1e3c5a7b9d1f3e5c7a9b0d2f4e6c8a0b1d3f5e7c9a1b3d5f7e9c")
	out := ev("seed-apple-05-retail", domain.Sell, "2026-11-10T09:00:00", coop, coldLoc)
	out.Batches = []string{lot}
	return Chain{Key: "apples", Title: "栖霞苹果：冷链入库 → 农残检测 → 郑州销售", Consumer: lot,
		Steps: []Step{{Org: "ha", Events: []domain.Event{pick, trans, in, residue, out}}}}
}

// RecalledCorn: 黑龙江 corn milled into corn flour; a failed aflatoxin test makes the regulator
// recall the corn lot, and with it every bag made from it.
func RecalledCorn() Chain {
	farm := party("93230822MA1D2K8P5", "桦南县宏运玉米种植专业合作社")
	mill := party("91230822MA1C7T4Y6", "桦南县北粮食品有限公司")
	region := "230822"
	corn := Lot("40001", "HN2610-C03")
	field := &domain.Location{Name: "桦南县 驼腰子镇 地块 03", Region: region}
	pick := ev("seed-corn-01-harvest", domain.Produce, "2026-10-03T07:00:00", farm, field)
	pick.Outputs = []domain.Output{{Batch: corn, Quantity: kg(20000),
		Product: domain.Product{GTIN: GTIN("40001"), Name: "玉米（籽粒）", Category: "grain", Variety: "德美亚1号", Grade: "二等"},
		Origin:  &domain.Origin{Producer: farm.Enterprise, Region: region, Plot: "驼腰子镇-03", HarvestDate: "2026-10-03"}}}
	millLoc := &domain.Location{ID: "urn:epc:id:sgln:6901234.50001.0", Name: "北粮食品 玉米粉车间", Region: region}
	flour := Lot("40002", "BL2610-CF1")
	milling := ev("seed-corn-02-milling", domain.Process, "2026-10-10T08:00:00", mill, millLoc)
	milling.Inputs = []domain.Portion{{Batch: corn}}
	milling.Outputs = []domain.Output{{Batch: flour, Quantity: kg(16000),
		Product: domain.Product{GTIN: GTIN("40002"), Name: "玉米粉（散装）", Category: "grain"}}}
	bagA, bagB := Lot("40003", "BL2610-CF1-A"), Lot("40003", "BL2610-CF1-B")
	pack := ev("seed-corn-03-pack", domain.Split, "2026-10-11T09:00:00", mill, millLoc)
	pack.Inputs = []domain.Portion{{Batch: flour}}
	bagProduct := domain.Product{GTIN: GTIN("40003"), Name: "北粮 玉米面 2.5kg", Category: "grain"}
	pack.Outputs = []domain.Output{{Batch: bagA, Product: bagProduct, Quantity: bags(3200, 2.5)}, {Batch: bagB, Product: bagProduct, Quantity: bags(3200, 2.5)}}
	afla := ev("seed-corn-04-inspect", domain.Inspect, "2026-11-12T10:00:00", mill, millLoc)
	afla.Batches = []string{corn}
	afla.Inspection = &domain.Inspection{Item: "黄曲霉毒素 B₁", Value: 28, Unit: "μg/kg", Limit: 20, Result: "fail", Standard: "GB 2761-2017", Lab: "黑龙江省粮油卫生检验监测站"}
	return Chain{Key: "corn", Title: "桦南玉米 → 玉米面（黄曲霉毒素超标，监管召回）", Consumer: bagA, Recalled: true,
		Steps: []Step{
			{Org: "hlj", Events: []domain.Event{pick, milling, pack, afla}},
			{Org: "reg", Recall: &Recall{Batch: corn, EventID: "seed-corn-05-recall", EventTime: at("2026-11-13T09:00:00"),
				Reason:  "抽检黄曲霉毒素B₁超标（28 μg/kg，限量 20 μg/kg），责令召回该批次及其全部制品",
				Hotline: "0454-8123456"}},
		}}
}
