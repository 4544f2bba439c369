// Package trace serves what a consumer reaches by scanning a package: the GS1 Digital Link
// resolver, the trace page (server-rendered, one small request, readable at 360 px) and the public
// trail JSON. Only whitelisted fields are ever shown; commercial terms never are.
package trace

import (
	"fmt"
	"sort"
	"strings"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gs1"
)

// PublicTrail is the consumer's view of a batch and its lineage.
type PublicTrail struct {
	ID           string           `json:"id"`
	Product      PublicProduct    `json:"product"`
	Quantity     *domain.Quantity `json:"quantity,omitempty"`     // the API's one quantity shape
	QuantityText string           `json:"quantityText,omitempty"` // the same, worded for the page's language
	Status       string           `json:"status"`
	Origin       *PublicOrigin    `json:"origin,omitempty"`
	Recall       *PublicRecall    `json:"recall,omitempty"`
	// Certificates covering this batch with their status today (see Certificates).
	Certificates []PublicCert `json:"certificates,omitempty"`
	Steps        []PublicStep `json:"steps"`
	LedgerBlock  uint64       `json:"ledgerBlock"`
	Truncated    bool         `json:"truncated,omitempty"`
	Links        []Link       `json:"links"`
}

// PublicProduct names the product.
type PublicProduct struct {
	Name    string `json:"name"`
	GTIN    string `json:"gtin,omitempty"`
	Lot     string `json:"lot,omitempty"`
	Variety string `json:"variety,omitempty"`
	Grade   string `json:"grade,omitempty"`
}

// PublicOrigin is where the raw material grew.
type PublicOrigin struct {
	Region      string `json:"region"`
	RegionName  string `json:"regionName"`
	Plot        string `json:"plot,omitempty"`
	HarvestDate string `json:"harvestDate,omitempty"`
}

// PublicRecall is shown as a red banner.
type PublicRecall struct {
	Event  string `json:"event"`
	Reason string `json:"reason"`
	Date   string `json:"date"`
	Batch  string `json:"batch"` // the batch the recall was issued on (this one or an ancestor)
}

// PublicStep is one event in the timeline.
type PublicStep struct {
	Event       string              `json:"event"`
	Type        string              `json:"type"`
	Stage       string              `json:"stage"`
	Time        string              `json:"time"`
	Place       string              `json:"place,omitempty"`
	Region      string              `json:"region,omitempty"`
	Actor       string              `json:"actor"`
	Summary     string              `json:"summary,omitempty"`
	Details     []Detail            `json:"details,omitempty"`
	Inspection  *domain.Inspection  `json:"inspection,omitempty"`
	Certificate *domain.Certificate `json:"certificate,omitempty"`
	Documents   []domain.Document   `json:"documents,omitempty"`
	TxID        string              `json:"txId"`
	Block       uint64              `json:"block"`
	// DeclaredErroneous names the declare-error event that voided this step (EPCIS errorDeclaration).
	DeclaredErroneous string `json:"declaredErroneous,omitempty"`
}

// Detail is one public attribute with its label.
type Detail struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Value string `json:"value"`
}

// Link is a GS1 Digital Link resolver link.
type Link struct {
	LinkType string `json:"linkType"`
	Href     string `json:"href"`
	Type     string `json:"type"`
	Title    string `json:"title,omitempty"`
}

// publicAttributes is the allowlist of event attributes a consumer may see, with their labels.
// Anything else a platform records (prices, contract references, internal notes) stays off the page.
var publicAttributes = map[string][2]string{
	"direction": {"出入库", "Movement"}, "warehouse": {"仓位", "Warehouse"}, "area": {"货位", "Shelf"},
	"moisture_pct": {"水分 %", "Moisture %"}, "grain_temp_c": {"粮温 ℃", "Grain temp ℃"}, "pest": {"虫害", "Pests"},
	"temp_c": {"温度 ℃", "Temperature ℃"}, "temp_c_min": {"最低温 ℃", "Min temp ℃"}, "temp_c_max": {"最高温 ℃", "Max temp ℃"},
	"humidity_pct": {"湿度 %", "Humidity %"}, "atmosphere": {"气调", "Atmosphere"}, "process": {"工艺", "Process"},
	"line": {"产线", "Line"}, "recipe": {"配料", "Ingredients"}, "carrier": {"承运商", "Carrier"}, "to": {"目的地", "Destination"},
	"channel": {"渠道", "Channel"},
}

var directionLabels = map[string][2]string{"in": {"入库", "in"}, "out": {"出库", "out"}, "check": {"库内检查", "check"}}

// Public builds the consumer view of a trail.
func Public(t *domain.Trail, lang string) PublicTrail {
	en := lang == "en"
	pick := func(zh, e string) string {
		if en {
			return e
		}
		return zh
	}
	var root domain.Batch
	byID := map[string]domain.Batch{}
	for _, b := range t.Batches {
		byID[b.ID] = b
		if b.ID == t.Batch {
			root = b
		}
	}
	p := PublicTrail{ID: root.ID, Status: string(root.Status), LedgerBlock: t.LedgerBlock, Truncated: t.Truncated,
		Product: PublicProduct{Name: root.Product.Name, GTIN: root.Product.GTIN, Variety: root.Product.Variety, Grade: root.Product.Grade}}
	if id, err := gs1.Parse(root.ID); err == nil && id.Kind == gs1.KindLot {
		p.Product.Lot = id.Lot
	}
	if root.Quantity.Unit != "" {
		q := root.Quantity
		p.Quantity, p.QuantityText = &q, quantity(root.Quantity, lang)
	}
	// origin: the batch's own, else the first ancestor's that has one
	origins := []domain.Batch{root}
	for _, b := range t.Batches {
		if b.ID != root.ID {
			origins = append(origins, b)
		}
	}
	for _, b := range origins {
		if b.Origin != nil && b.Origin.Region != "" {
			p.Origin = &PublicOrigin{Region: b.Origin.Region, RegionName: RegionName(b.Origin.Region, lang),
				Plot: b.Origin.Plot, HarvestDate: b.Origin.HarvestDate}
			break
		}
	}
	declared := map[string]string{} // voided event → the declaration
	for _, e := range t.Events {
		if e.Type == domain.DeclareError && e.Declaration != nil {
			declared[e.Declaration.Event] = e.ID
		}
	}
	for _, e := range t.Events {
		if e.Type == domain.Recall && e.ID == t.RecalledBy {
			p.Recall = &PublicRecall{Event: e.ID, Reason: e.Reason, Date: day(e.EventTime)}
			if len(e.Batches) > 0 {
				p.Recall.Batch = e.Batches[0]
			}
		}
		s := PublicStep{Event: e.ID, Type: string(e.Type), Stage: e.Type.Stage(), Time: e.EventTime,
			Actor: e.Actor.Name, TxID: e.TxID, Block: e.Block, Inspection: e.Inspection, Certificate: e.Certificate, Documents: e.Documents,
			DeclaredErroneous: declared[e.ID]}
		if e.Declaration != nil {
			s.Summary = e.Declaration.Reason
		}
		if s.Actor == "" {
			s.Actor = e.Actor.Enterprise
		}
		if e.Location != nil {
			s.Place = e.Location.Name
			if e.Location.Region != "" {
				s.Region = RegionName(e.Location.Region, lang)
			}
		}
		if s.Summary == "" {
			s.Summary = summary(e, byID, lang)
		}
		keys := make([]string, 0, len(e.Attributes))
		for k := range e.Attributes {
			if _, ok := publicAttributes[k]; ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			v := fmt.Sprint(e.Attributes[k])
			if k == "direction" {
				if d, ok := directionLabels[v]; ok {
					v = pick(d[0], d[1])
				}
			}
			s.Details = append(s.Details, Detail{Key: k, Label: pick(publicAttributes[k][0], publicAttributes[k][1]), Value: v})
		}
		p.Steps = append(p.Steps, s)
	}
	if p.Steps == nil {
		p.Steps = []PublicStep{}
	}
	return p
}

func day(ts string) string {
	if t, err := domain.ParseEventTime(ts); err == nil {
		return t.Format("2006-01-02")
	}
	return ts
}

var unitNames = map[string][2]string{"kg": {"千克", "kg"}, "t": {"吨", "t"}, "g": {"克", "g"}, "jin": {"斤", "jin"},
	"bag": {"袋", "bags"}, "box": {"箱", "boxes"}, "piece": {"件", "pcs"}, "l": {"升", "l"}, "ml": {"毫升", "ml"},
	"case": {"箱", "cases"}, "pallet": {"托", "pallets"}}

func quantity(q domain.Quantity, lang string) string {
	i := 0
	if lang == "en" {
		i = 1
	}
	u := q.Unit
	if n, ok := unitNames[q.Unit]; ok {
		u = n[i]
	}
	s := strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.3f", q.Value), "0"), ".") + " " + u
	if q.NetContent != nil {
		s += " × " + quantity(*q.NetContent, lang)
	}
	return s
}

// summary says in one line what the event did to which goods.
func summary(e domain.Event, byID map[string]domain.Batch, lang string) string {
	name := func(id string) string {
		if b, ok := byID[id]; ok && b.Product.Name != "" {
			return b.Product.Name
		}
		return id
	}
	var ins, outs []string
	for _, in := range e.Inputs {
		s := name(in.Batch)
		if in.Quantity != nil {
			s += " " + quantity(*in.Quantity, lang)
		}
		ins = append(ins, s)
	}
	for _, o := range e.Outputs {
		outs = append(outs, o.Product.Name+" "+quantity(o.Quantity, lang))
	}
	switch {
	case len(ins) > 0 && len(outs) > 0:
		s := strings.Join(ins, "、") + " → " + strings.Join(outs, "、")
		if e.Yield > 0 {
			s += fmt.Sprintf("（%s %.0f%%）", map[bool]string{true: "yield", false: "出品率"}[lang == "en"], e.Yield*100)
		}
		return s
	case len(outs) > 0:
		return strings.Join(outs, "、")
	case e.To != nil && (e.To.Name != "" || e.To.Enterprise != ""):
		to := e.To.Name
		if to == "" {
			to = e.To.Enterprise
		}
		if lang == "en" {
			return "to " + to
		}
		return "→ " + to
	case e.Reason != "":
		return e.Reason
	}
	return ""
}
