package trace

var labels = map[string][2]string{
	"title":           {"产品追溯", "Product trace"},
	"variety":         {"品种", "Variety"},
	"origin":          {"产地", "Origin"},
	"harvest":         {"收获日期", "Harvested"},
	"plot":            {"地块", "Plot"},
	"lot":             {"批次", "Lot"},
	"quantity":        {"数量", "Quantity"},
	"status":          {"状态", "Status"},
	"journey":         {"从田间到货架", "From field to shelf"},
	"recalled":        {"该批次已被监管部门召回，请勿食用", "This lot has been recalled by the regulator. Do not eat it."},
	"reason":          {"原因", "Reason"},
	"recallDate":      {"召回日期", "Recall date"},
	"proof":           {"区块链存证", "Ledger proof"},
	"block":           {"区块", "block"},
	"tx":              {"交易", "tx"},
	"inspection":      {"检测", "Test"},
	"limit":           {"限量", "limit"},
	"pass":            {"合格", "pass"},
	"fail":            {"不合格", "FAIL"},
	"certificate":     {"证书", "Certificate"},
	"validUntil":      {"有效期至", "valid until"},
	"revoked":         {"已撤销", "revoked"},
	"certificates":    {"认证证书", "Certificates"},
	"issuer":          {"发证机构", "Issued by"},
	"certAsOf":        {"状态截至", "status as of"},
	"document":        {"附件", "Document"},
	"switch":          {"English", "中文"},
	"switchLang":      {"en", "zh"},
	"asOf":            {"数据截至区块", "As of ledger block"},
	"truncated":       {"链条较长，仅显示部分环节", "Long chain: only part of it is shown"},
	"notFound":        {"没有找到这个追溯码", "We could not find this code"},
	"notFoundHelp":    {"该码格式正确，但账本上还没有这个批次。请稍后再试，或联系商家。", "The code is well-formed but no such lot is on the ledger yet. Try again later or ask the seller."},
	"badCode":         {"这个码无法识别", "This code is not readable"},
	"badCodeHelp":     {"请确认扫描的是包装上的追溯二维码。", "Make sure you scanned the traceability QR code on the package."},
	"error":           {"服务暂时不可用", "Service unavailable"},
	"status-active":   {"在售/在库", "in stock"},
	"status-sold":     {"已售出", "sold"},
	"status-consumed": {"已加工", "processed"},
	"status-recalled": {"已召回", "recalled"},
	"status-void":     {"已作废", "void"},
	"declaredError":   {"该记录已被登记方声明有误，不计入", "Declared erroneous by the platform that recorded it; it no longer counts"},
	"st-produce":      {"产", "G"},
	"st-purchase":     {"购", "B"},
	"st-store":        {"储", "S"},
	"st-process":      {"加", "M"},
	"st-sell":         {"销", "$"},
	"st-around":       {"检", "✓"},
}

var typeLabels = map[string][2]string{
	"produce": {"收获", "Harvest"}, "purchase": {"收购", "Purchase"}, "store": {"仓储", "Storage"},
	"process": {"加工", "Processing"}, "sell": {"销售", "Sale"}, "transport": {"运输", "Transport"},
	"inspect": {"检测", "Inspection"}, "certify": {"认证", "Certification"}, "revoke": {"证书撤销", "Certificate revoked"},
	"split": {"分装", "Packing"}, "merge": {"并仓", "Merging"}, "aggregate": {"装箱", "Packing"},
	"offer": {"交接发起", "Hand-over offered"}, "accept": {"交接确认", "Hand-over accepted"},
	"recall": {"召回", "Recall"}, "observe": {"记录", "Record"},
	"register": {"主体备案", "Registration"}, "suspend": {"证书暂停", "Certificate suspended"}, "reinstate": {"证书恢复", "Certificate reinstated"},
	"reject": {"交接拒收", "Hand-over rejected"}, "cancel": {"交接撤回", "Hand-over withdrawn"},
	"declare-error": {"更正声明", "Error declaration"},
}

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
