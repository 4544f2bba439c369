package console

import (
	"net/http"
	"strings"
)

// en gives the English of every Chinese text the console itself writes: the pages are Chinese
// first, English with ?lang=en (kept for the session). Data entered in Chinese stays Chinese.
var en = map[string]string{
	"agritrace 监管控制台": "agritrace regulator console", "退出": "Log out", "时间均为北京时间（UTC+8）": "All times are Beijing time (UTC+8)",
	"批次检索": "Search", "召回": "Recalls", "统计": "Statistics", "储备粮": "Reserve grain", "市场监测": "Market monitoring",
	"登录": "Log in", "API 密钥": "API key", "请输入监管机构 API 密钥（": "Enter the regulator's API key (", "，见 run/demo.env）。": ", see run/demo.env).",
	"请求未完成": "Request not completed", "返回批次检索": "Back to search",
	"产品 / 商品条码": "Product / GTIN", "产地（行政区划代码）": "Origin (GB/T 2260 code)", "企业（名称或信用代码）": "Enterprise (name or code)",
	"环节": "Stage", "状态": "Status", "全部": "All", "起": "From", "止": "To", "检索": "Search",
	"批次": "Batches", "账本区块": "ledger block", "产品 / 批次号": "Product / lot", "原料产地": "Origin of raw material", "数量": "Quantity",
	"持有方": "Custodian", "所有方": "Owner", "产品": "Product", "产地": "Origin", "没有匹配的批次": "No matching batch", "下一页 →": "Next page →",
	"已发布召回：该批次及其全部下游批次已标记为召回。": "Recall issued: this batch and every batch made from it are marked recalled.",
	"已召回": "Recalled", "批次号": "Lot", "最近更新": "Last change", "消费者页面": "Consumer page", "打开追溯页": "Open the trace page",
	"召回事件": "Recall event", "来源": "Source", "链外（首次作为引用出现）": "Off-ledger (first seen as a reference)",
	"召回该批次…": "Recall this batch…", "溯源图谱": "Lineage graph", "上游": "upstream", "下游": "downstream", "已截断": "truncated",
	"左为原料，右为制品；红色为已召回。点击节点查看该批次；图较宽时可左右滑动。": "Raw material on the left, products on the right; red is recalled. Tap a node to open its batch; scroll sideways when the graph is wide.",
	"事件": "Events", "（按时间先后）": "(oldest first)", "时间": "Time", "类型": "Type", "主体": "Actor", "地点": "Place", "区块 / 交易": "Block / tx", "存证": "Proof",
	"账本历史": "Ledger history", "（该批次在账本上的每一次变更，按时间先后，直接读自区块链）": "(every change of this batch on the ledger, oldest first, read from the ledger itself)",
	"变更事件": "Changed by", "交易": "Transaction", "批次数": "Batches", "召回影响评估": "Recall impact",
	"导出 CSV": "Export CSV", "按持有方": "By custodian", "按所有方 / 买方": "By owner / buyer", "按所在地区": "By region where it is", "地区": "Region",
	"召回原因（必填，将在消费者页面显示）": "Reason (required; shown on the consumer page)", "召回咨询电话（显示给消费者，可选）": "Recall hotline (shown to consumers, optional)",
	"确认召回": "Confirm the recall of", "个批次": "batches", "取消": "Cancel", "受影响批次": "Affected batches", "所在地": "Where it is",
	"已全部加工为下游批次":   "wholly processed into other batches",
	"该批次已被召回；召回覆盖": "This batch is recalled; the recall covers ", "召回将同时标记": "The recall marks ",
	"本批次及全部下游共": "this batch and every batch made from it:", "个批次，其中未被加工耗尽、需要追回的": "batches, of which still to be retrieved (not used up by processing):",
	"个（下列合计只计这些批次）": "(the totals below count only these)", "（列表已截断）": "(list truncated)",
	"各环节事件数": "Events per stage", "近": "last", "天，按北京时间日期": "days, by Beijing date", "合计": "Total", "个事件：": "events:",
	"按省": "By province", "省（事件发生地）": "Province (where it happened)", "事件数": "Events", "省": "Province", "按日": "By day", "日期": "Date",
	"“其他”指检测、认证、运输、交接、召回等不属于产购储加销的记录。": "“Other” are records outside 产购储加销: tests, certificates, transport, hand-overs, recalls.",
	"原因": "Reason", "涉及批次数": "Batches reached", "无": "None", "在库超过": "In storage longer than", "天的批次": "days",
	"阈值（天）": "Threshold (days)", "更新": "Update", "入库/检查时间": "Stored / checked", "天数": "Days", "自": "Since",
	"未注明": "not stated", "其他": "Other",
	"· 下游": "· downstream", "· 已截断": "· truncated", "。": ".", "召回影响评估：": "Recall impact: ", "召回（": "Recalls (", "地块": "plot",
	"天，按北京时间日期）": "days, by Beijing date)", "登录 · agritrace 监管控制台": "Log in · agritrace regulator console",
	"请求未完成（": "Request not completed (", "（账本区块 #": "(ledger block #", "（近": "(last", "）": ")",
	// enums
	"在库/流通中": "in stock / in distribution", "已加工（投入下游）": "processed (used up)", "已销售": "sold", "已作废": "void",
	"产": "Produce", "购": "Purchase", "储": "Store", "加": "Process", "销": "Sell",
	"收获": "harvest", "收购": "purchase", "仓储": "storage", "加工": "processing", "销售": "sale", "运输": "transport", "检测": "inspection",
	"认证": "certification", "证书撤销": "certificate revoked", "分装": "packing", "并仓": "merge", "装箱": "casing", "交接发起": "hand-over offered",
	"交接确认": "hand-over accepted", "其他记录": "other record", "主体备案": "registration", "证书暂停": "certificate suspended",
	"证书恢复": "certificate reinstated", "交接拒收": "hand-over rejected", "交接撤回": "hand-over withdrawn", "更正声明": "error declaration",
	"千克": "kg", "吨": "t", "克": "g", "斤": "jin", "袋": "bags", "箱": "boxes", "件": "pieces", "升": "l", "毫升": "ml", "托": "pallets",
	"每": "each",
	// refusals
	"请填写召回原因": "A reason is required", "表单已过期，请重新打开召回页面": "The form has expired; open the recall page again",
	"该密钥不是监管机构的 API 密钥（The key is not the regulator's API key）": "The key is not the regulator's API key",
	"影响评估失败": "The impact could not be assessed", "统计失败": "Statistics failed", "读取批次失败": "The batch could not be read",
	"召回未完成，请稍后重试": "The recall did not complete; try again later", "检索失败：": "Search failed: ",
	"账本历史暂不可读（节点未响应），请稍后重试": "The ledger history cannot be read right now (no peer answered); try again later",
}

// tr is the console's text in lang.
func tr(lang, zh string) string {
	if lang == "en" {
		if e, ok := en[zh]; ok {
			return e
		}
	}
	return zh
}

// lang is the page language: ?lang= switches it for the session; otherwise the session's.
func (c *Console) lang(r *http.Request, s *session) string {
	q := r.URL.Query().Get("lang")
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case q == "en" || q == "zh":
		if s != nil {
			s.lang = q
		}
		return q
	case s != nil && s.lang != "":
		return s.lang
	}
	return "zh"
}

// navFor is the navigation bar in lang.
func navFor(lang string) []navLink {
	out := make([]navLink, len(nav))
	for i, n := range nav {
		out[i] = navLink{Href: withLang(n.Href, lang), Label: tr(lang, n.Label)}
	}
	return out
}

// failedIn shows a refusal in the page's language.
func (c *Console) failedIn(w http.ResponseWriter, r *http.Request, status int, msg string) {
	l := c.lang(r, c.session(r))
	c.render(w, status, "error", map[string]any{"Error": tr(l, msg), "Status": status, "L": l})
}

// withLang carries the language to pages that read it from the query (reserve, market).
func withLang(href, lang string) string {
	if lang != "en" {
		return href
	}
	if strings.Contains(href, "?") {
		return href + "&lang=en"
	}
	if i := strings.Index(href, "#"); i >= 0 {
		return href[:i] + "?lang=en" + href[i:]
	}
	return href + "?lang=en"
}
