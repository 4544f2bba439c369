package trace

import (
	"net/http"
	"strings"

	"golang.org/x/text/language"
)

var labels = map[string][2]string{
	"title":         {"产品追溯", "Product trace"},
	"colon":         {"：", ": "},
	"(":             {"（", "("},
	")":             {"）", ")"},
	"variety":       {"品种", "Variety"},
	"origin":        {"产地", "Origin"},
	"origins":       {"产地（多户合并）", "Origins (merged lots)"},
	"harvest":       {"收获", "harvested"},
	"plot":          {"地块", "plot"},
	"lot":           {"批次", "Lot"},
	"serial":        {"序列号", "Serial"},
	"package":       {"本件净含量", "This package"},
	"batchSize":     {"本批次共", "Whole lot"},
	"status":        {"流通状态", "Lot status"},
	"producer":      {"生产商", "Producer"},
	"tests":         {"检测", "Tests"},
	"certs":         {"认证", "Certification"},
	"recall":        {"召回", "Recall"},
	"noRecall":      {"无召回记录", "No recall on record"},
	"noTests":       {"暂无检测记录", "No test on record"},
	"packed":        {"包装日期", "Packed"},
	"produced":      {"生产日期", "Produced"},
	"harvestedOn":   {"收获日期", "Harvested"},
	"shelfLife":     {"保质期", "Shelf life"},
	"bestBefore":    {"保质期至", "best before"},
	"days":          {"天", "days"},
	"months":        {"个月", "months"},
	"journey":       {"从田间到货架", "From field to shelf"},
	"recalled":      {"该产品已被监管部门召回", "This product has been recalled by the regulator"},
	"recallDo":      {"请立即停止食用。", "Stop eating it now."},
	"recallReturn":  {"请凭包装或购物小票退回购买门店，门店应予退货退款。", "Take it back to the shop with the package or receipt for a refund."},
	"recallHotline": {"召回咨询电话", "Recall hotline"},
	"consumerLine":  {"消费者投诉举报电话", "Consumer complaints line"},
	"reason":        {"原因", "Reason"},
	"recallDate":    {"召回日期", "Recalled on"},
	"recallOn":      {"召回针对原料批次", "Recall issued on the source lot"},
	"proof":         {"区块链存证", "Ledger proof"},
	"proofHelp":     {"每条记录都写入 Hyperledger Fabric 账本，以下为区块号、交易号和附件哈希，可供核验。", "Every record is written to a Hyperledger Fabric ledger; block numbers, transaction IDs and document hashes below can be checked."},
	"allRecords":    {"全部记录", "All records"},
	"block":         {"区块", "block"},
	"tx":            {"交易", "tx"},
	"limit":         {"限量", "limit"},
	"pass":          {"合格", "pass"},
	"fail":          {"不合格", "FAIL"},
	"validUntil":    {"有效期至", "valid until"},
	"issuer":        {"发证机构", "Issued by"},
	"certAsOf":      {"状态截至", "status as of"},
	"declaredError": {"该记录已被登记方声明有误，不计入", "Declared erroneous by the platform that recorded it; it no longer counts"},
	"document":      {"附件", "Document"},
	"switch":        {"English", "中文"},
	"switchLang":    {"en", "zh"},
	"asOf":          {"数据截至区块", "As of ledger block"},
	"truncated":     {"链条较长，仅显示部分环节", "Long chain: only part of it is shown"},
	"folded":        {"条内部物流/交接记录已折叠", "internal logistics and hand-over records folded"},
	"notFound":      {"没有找到这个追溯码", "We could not find this code"},
	"notFoundHelp":  {"该码格式正确，但账本上还没有这个批次。请稍后再试，或联系商家。", "The code is well-formed but no such lot is on the ledger yet. Try again later or ask the seller."},
	"badCode":       {"这个码无法识别", "This code is not readable"},
	"badCodeHelp":   {"请确认扫描的是包装上的追溯二维码。", "Make sure you scanned the traceability QR code on the package."},
	"error":         {"服务暂时不可用", "Service unavailable"},
	"gtin":          {"商品条码", "Barcode (GTIN)"},
	"yield":         {"出品率", "yield"},
	"loss":          {"损耗", "loss"},
	"to":            {"交付", "to"},
	"verdictOK":     {"检测合格，无召回", "Tests passed, no recall"},
	"verdictFail":   {"有不合格检测", "A test failed"},
	// Status wording avoids "已售出", which a shopper reads as "sold out".
	"status-active":   {"流通中", "in distribution"},
	"status-sold":     {"已进入零售", "at retail"},
	"status-consumed": {"已加工为其他产品", "processed into other products"},
	"status-recalled": {"已召回", "recalled"},
	"status-void":     {"已作废", "void"},
}

var typeLabels = map[string][2]string{
	"produce": {"收获", "Harvest"}, "purchase": {"收购", "Purchase"}, "store": {"仓储", "Storage"},
	"process": {"加工", "Processing"}, "sell": {"销售", "Sale"}, "transport": {"运输", "Transport"},
	"inspect": {"检测", "Inspection"}, "certify": {"认证", "Certification"}, "revoke": {"证书撤销", "Certificate revoked"},
	"split": {"分装", "Packing"}, "merge": {"并仓", "Merging"}, "aggregate": {"装箱", "Casing"},
	"offer": {"交接发起", "Hand-over offered"}, "accept": {"交接确认", "Hand-over accepted"},
	"recall": {"召回", "Recall"}, "observe": {"记录", "Record"},
	"register": {"主体备案", "Registration"}, "suspend": {"证书暂停", "Certificate suspended"}, "reinstate": {"证书恢复", "Certificate reinstated"},
	"reject": {"交接拒收", "Hand-over rejected"}, "cancel": {"交接撤回", "Hand-over withdrawn"},
	"declare-error": {"更正声明", "Error declaration"},
}

// stageLabels name the five steps of 产购储加销.
var stageLabels = map[string][2]string{
	"produce": {"产", "Grown"}, "purchase": {"购", "Bought"}, "store": {"储", "Stored"},
	"process": {"加", "Processed"}, "sell": {"销", "Sold"},
}

// testNames give the other language's name of common grain and produce tests. Platforms record
// the item in their own words, so a name is matched by a distinctive part of it.
var testNames = []struct {
	keys   []string
	zh, en string
}{
	{[]string{"黄曲霉", "aflatoxin"}, "黄曲霉毒素 B₁", "Aflatoxin B₁"},
	{[]string{"呕吐毒素", "脱氧雪腐", "deoxynivalenol", "don"}, "呕吐毒素（脱氧雪腐镰刀菌烯醇）", "Deoxynivalenol (vomitoxin)"},
	{[]string{"玉米赤霉烯酮", "zearalenone"}, "玉米赤霉烯酮", "Zearalenone"},
	{[]string{"毒死蜱", "chlorpyrifos"}, "农药残留（毒死蜱）", "Pesticide residue (chlorpyrifos)"},
	{[]string{"甲胺磷", "methamidophos"}, "农药残留（甲胺磷）", "Pesticide residue (methamidophos)"},
	{[]string{"农药残留", "农残", "pesticide"}, "农药残留", "Pesticide residue"},
	{[]string{"镉", "cadmium"}, "镉（Cd）", "Cadmium (Cd)"},
	{[]string{"铅", "lead"}, "铅（Pb）", "Lead (Pb)"},
	{[]string{"汞", "mercury"}, "汞（Hg）", "Mercury (Hg)"},
	{[]string{"砷", "arsenic"}, "砷（As）", "Arsenic (As)"},
	{[]string{"水分", "moisture"}, "水分", "Moisture"},
	{[]string{"杂质", "impurit"}, "杂质", "Impurities"},
	{[]string{"容重", "test weight"}, "容重", "Test weight"},
	{[]string{"面筋", "gluten"}, "湿面筋", "Wet gluten"},
}

// testName is the item's name in lang: the recorded text when it is already in that language or
// unknown, else the known name.
func testName(item, lang string) string {
	low := strings.ToLower(item)
	for _, n := range testNames {
		for _, k := range n.keys {
			if k == "don" && low != "don" {
				continue
			}
			if strings.Contains(low, k) {
				if lang == "en" {
					return n.en
				}
				if isASCII(item) {
					return n.zh
				}
				return item
			}
		}
	}
	return item
}

func isASCII(s string) bool {
	for _, r := range s {
		if r > 127 {
			return false
		}
	}
	return true
}

// attribute labels with the unit written after the number.
var publicAttributes = map[string]struct{ zh, en, unit string }{
	"direction": {"出入库", "Movement", ""}, "warehouse": {"仓位", "Warehouse", ""}, "area": {"货位", "Shelf", ""},
	"moisture_pct": {"水分", "Moisture", "%"}, "grain_temp_c": {"粮温", "Grain temperature", "℃"}, "pest": {"虫害", "Pests", ""},
	"temp_c": {"温度", "Temperature", "℃"}, "temp_c_min": {"最低温", "Min temperature", "℃"}, "temp_c_max": {"最高温", "Max temperature", "℃"},
	"humidity_pct": {"湿度", "Humidity", "%"}, "atmosphere": {"气调", "Atmosphere", ""}, "process": {"工艺", "Process", ""},
	"line": {"产线", "Line", ""}, "recipe": {"配料", "Ingredients", ""}, "carrier": {"承运商", "Carrier", ""}, "to": {"目的地", "Destination", ""},
	"channel": {"渠道", "Channel", ""},
}

// attribute values the system itself writes, translated.
var attributeValues = map[string][2]string{
	"in": {"入库", "in"}, "out": {"出库", "out"}, "check": {"库内检查", "check"}, "未检出": {"未检出", "none found"},
	"门店零售": {"门店零售", "in-store retail"},
}

var unitNames = map[string][2]string{"kg": {"千克", "kg"}, "t": {"吨", "t"}, "g": {"克", "g"}, "jin": {"斤", "jin"},
	"bag": {"袋", "bags"}, "box": {"箱", "boxes"}, "piece": {"件", "pcs"}, "l": {"升", "l"}, "ml": {"毫升", "ml"},
	"case": {"箱", "cases"}, "pallet": {"托", "pallets"}}

var unitOne = map[string][2]string{"bag": {"袋", "bag"}, "box": {"箱", "box"}, "piece": {"件", "piece"}, "case": {"箱", "case"}, "pallet": {"托", "pallet"}}

func idx(lang string) int {
	if lang == "en" {
		return 1
	}
	return 0
}

func tr(lang, key string) string {
	if l, ok := labels[key]; ok {
		return l[idx(lang)]
	}
	return key
}

func typeLabel(lang, t string) string {
	if l, ok := typeLabels[t]; ok {
		return l[idx(lang)]
	}
	return t
}

var matcher = language.NewMatcher([]language.Tag{language.Chinese, language.English})

// Lang picks the page language: ?lang= wins, then the browser's Accept-Language; Chinese when
// neither says (the page is for shoppers in China).
func Lang(r *http.Request) string {
	switch r.URL.Query().Get("lang") {
	case "en":
		return "en"
	case "zh":
		return "zh"
	}
	al := r.Header.Get("Accept-Language")
	if al == "" {
		return "zh"
	}
	tags, _, err := language.ParseAcceptLanguage(al)
	if err != nil || len(tags) == 0 {
		return "zh"
	}
	tag, _, conf := matcher.Match(tags...)
	if base, _ := tag.Base(); base.String() == "en" && conf != language.No {
		return "en"
	}
	return "zh"
}
