package console

import (
	"strconv"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gs1"
	"github.com/agritrace/agritrace/trace"
)

// Chinese labels for every value the system stores as an English code.
var (
	statusLabels = map[string]string{"active": "在库/流通中", "consumed": "已加工（投入下游）", "sold": "已销售", "recalled": "已召回"}
	stageLabels  = map[string]string{"produce": "产", "purchase": "购", "store": "储", "process": "加", "sell": "销",
		"around": "其他"}
	stageOrder = []string{"produce", "purchase", "store", "process", "sell", "around"}
	typeLabels = map[string]string{
		"produce": "收获", "purchase": "收购", "store": "仓储", "process": "加工", "sell": "销售", "transport": "运输",
		"inspect": "检测", "certify": "认证", "revoke": "证书撤销", "split": "分装", "merge": "并仓", "aggregate": "装箱",
		"offer": "交接发起", "accept": "交接确认", "recall": "召回", "observe": "其他记录"}
	unitLabels = map[string]string{"kg": "千克", "t": "吨", "g": "克", "jin": "斤", "bag": "袋", "box": "箱", "piece": "件",
		"l": "升", "ml": "毫升", "case": "箱", "pallet": "托"}
	edgeLabels = map[string]string{"process": "加工", "split": "分装", "merge": "并仓", "aggregate": "装箱"}
)

func label(m map[string]string, code string) string {
	if l, ok := m[code]; ok {
		return l
	}
	return code
}

// platformName names a platform org by MSP ID, from the names the console was given (the orgs
// of the network, which the console itself does not know: it runs on one org's gateway).
func (c *Console) platformName(msp string) string { return label(c.Platforms, msp) }

// partyName is the enterprise's name, or its code when it has none.
func partyName(p domain.Party) string {
	if p.Name != "" {
		return p.Name
	}
	return p.Enterprise
}

// chinaTime: every time on the console is shown in Beijing time (China has one zone, no DST).
var chinaTime = time.FixedZone("CST", 8*3600)

// when formats any stored time as "2006-01-02 15:04" in Beijing time.
func when(s string) string {
	if s == "" {
		return "—"
	}
	t, err := domain.ParseEventTime(s)
	if err != nil {
		if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return s
		}
	}
	return t.In(chinaTime).Format("2006-01-02 15:04")
}

// lotOf is the human part of a batch ID: the lot code of a GS1 lot, else the ID.
func lotOf(id string) string {
	if x, err := gs1.Parse(id); err == nil {
		switch x.Kind {
		case gs1.KindLot:
			return x.Lot
		case gs1.KindSerial:
			return x.Serial
		}
	}
	return id
}

func quantity(q domain.Quantity) string {
	if q.Unit == "" {
		return ""
	}
	s := strconv.FormatFloat(q.Value, 'f', -1, 64) + " " + label(unitLabels, q.Unit)
	if q.NetContent != nil {
		s += "（每" + label(unitLabels, q.Unit) + " " + quantity(*q.NetContent) + "）"
	}
	return s
}

// regionIn names a region code in lang.
func regionIn(lang, code string) string {
	if lang != "en" {
		return regionName(code)
	}
	if code == "" || code == "--" {
		return "not stated"
	}
	return trace.RegionName(code, "en")
}

// quantityIn is a quantity with its unit in lang.
func quantityIn(lang string, q domain.Quantity) string {
	if lang != "en" || q.Unit == "" {
		return quantity(q)
	}
	s := strconv.FormatFloat(q.Value, 'f', -1, 64) + " " + tr(lang, label(unitLabels, q.Unit))
	if q.NetContent != nil {
		s += " of " + quantityIn(lang, *q.NetContent)
	}
	return s
}

func regionName(code string) string {
	if code == "" || code == "--" {
		return "未注明"
	}
	return trace.RegionName(code, "zh")
}

// navLink is an entry of the console's navigation bar.
type navLink struct{ Href, Label string }

// nav lists the console's pages. Pages added in their own files (e.g. reserves, market
// monitoring) append theirs in an init function.
var nav = []navLink{{"/console", "批次检索"}, {"/console/stats#recalls-card", "召回"}, {"/console/stats", "统计"}}
