// Package trace serves what a consumer reaches by scanning a package: the GS1 Digital Link
// resolver, the trace page (server-rendered, verdict first, readable at 360 px) and the public
// trail JSON. Only allowlisted fields are ever shown; commercial terms never are.
package trace

import (
	"fmt"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gs1"
)

// PublicTrail is the consumer's view of a batch: the verdict (tests, certificates, recall,
// origins, dates), a compact 产购储加销 journey, and every record with its ledger proof.
type PublicTrail struct {
	ID           string           `json:"id"`
	Product      PublicProduct    `json:"product"`
	Producer     string           `json:"producer,omitempty"`     // who made or packed this lot
	Package      string           `json:"package,omitempty"`      // the package in hand, e.g. "5 千克"
	Quantity     *domain.Quantity `json:"quantity,omitempty"`     // the whole lot, in the API's one quantity shape
	QuantityText string           `json:"quantityText,omitempty"` // the same, worded for the page's language
	Status       string           `json:"status"`
	StatusLabel  string           `json:"statusLabel"`
	Origin       *PublicOrigin    `json:"origin,omitempty"` // the first of Origins
	Origins      []PublicOrigin   `json:"origins,omitempty"`
	OriginLines  []string         `json:"-"`              // origins grouped by region and harvest day, for the page
	Made         *PublicDate      `json:"made,omitempty"` // packing or production date
	ShelfLife    string           `json:"shelfLife,omitempty"`
	BestBefore   string           `json:"bestBefore,omitempty"`
	Tests        []PublicTest     `json:"tests"`
	Certificates []PublicCert     `json:"certificates"` // covering this lot, with their status today (see Certificates)
	Recall       *PublicRecall    `json:"recall,omitempty"`
	Journey      []JourneyStep    `json:"journey"`
	Folded       int              `json:"folded,omitempty"` // records left out of the journey
	Steps        []PublicStep     `json:"steps"`            // every record, with its ledger proof
	LedgerBlock  uint64           `json:"ledgerBlock"`
	Truncated    bool             `json:"truncated,omitempty"`
	Links        []Link           `json:"links"`
}

// PublicProduct names the product.
type PublicProduct struct {
	Name    string `json:"name"`
	GTIN    string `json:"gtin,omitempty"`
	Lot     string `json:"lot,omitempty"`
	Serial  string `json:"serial,omitempty"` // the scanned item's serial (/21/), when the code carries one
	Variety string `json:"variety,omitempty"`
	Grade   string `json:"grade,omitempty"`
}

// PublicOrigin is where the raw material grew.
type PublicOrigin struct {
	Region      string `json:"region"`
	RegionName  string `json:"regionName"`
	Plot        string `json:"plot,omitempty"`
	HarvestDate string `json:"harvestDate,omitempty"`
	Producer    string `json:"producer,omitempty"`
}

// PublicDate is a dated fact with its kind: packed, produced or harvestedOn.
type PublicDate struct {
	Kind string `json:"kind"`
	Date string `json:"date"`
}

// PublicTest is one test result of this lot or a lot it was made from.
type PublicTest struct {
	Item     string  `json:"item"`
	Result   string  `json:"result"` // pass or fail
	Date     string  `json:"date"`
	Value    float64 `json:"value,omitempty"`
	Unit     string  `json:"unit,omitempty"`
	Limit    float64 `json:"limit,omitempty"`
	Standard string  `json:"standard,omitempty"`
	Lab      string  `json:"lab,omitempty"`
	Of       string  `json:"of,omitempty"` // the tested lot's product, when not this one
}

// PublicRecall is shown as a red banner with what to do.
type PublicRecall struct {
	Event   string `json:"event"`
	Reason  string `json:"reason"`
	Date    string `json:"date"`
	Batch   string `json:"batch"`             // the batch the recall was issued on (this one or an ancestor)
	Source  string `json:"source,omitempty"`  // that batch's product, when it is an ancestor
	Hotline string `json:"hotline,omitempty"` // from the recall event
}

// JourneyStep is one step of 产购储加销: consecutive records of one stage at one place, merged.
type JourneyStep struct {
	Stage   string   `json:"stage"`
	Title   string   `json:"title"`
	Date    string   `json:"date"`
	Actors  []string `json:"actors"`
	Places  []string `json:"places,omitempty"`
	Lines   []string `json:"lines,omitempty"`
	Details []Detail `json:"details,omitempty"`
	Events  []string `json:"events"`
	first   string   // the first record's day
	types   []string // the records' kinds, for the title
}

// PublicStep is one record of the trail.
type PublicStep struct {
	Event       string              `json:"event"`
	Type        string              `json:"type"`
	TypeLabel   string              `json:"typeLabel"`
	Stage       string              `json:"stage"`
	Icon        string              `json:"-"`
	Time        string              `json:"time"`
	Place       string              `json:"place,omitempty"`
	Region      string              `json:"region,omitempty"`
	Actor       string              `json:"actor"`
	Summary     string              `json:"summary,omitempty"`
	Details     []Detail            `json:"details,omitempty"`
	Inspection  *domain.Inspection  `json:"inspection,omitempty"`
	Certificate *domain.Certificate `json:"certificate,omitempty"`
	Documents   []domain.Document   `json:"documents,omitempty"`
	ContentHash string              `json:"contentHash,omitempty"`
	TxID        string              `json:"txId"`
	Block       uint64              `json:"block"`
	Folded      bool                `json:"folded,omitempty"` // not part of the compact journey
	// DeclaredErroneous names the declare-error event that voided this step (EPCIS errorDeclaration).
	DeclaredErroneous string `json:"declaredErroneous,omitempty"`
}

// Detail is one public attribute with its label, value and unit.
type Detail struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Value string `json:"value"`
	Unit  string `json:"unit,omitempty"`
}

// Link is a GS1 Digital Link resolver link.
type Link struct {
	LinkType string `json:"linkType"`
	Href     string `json:"href"`
	Type     string `json:"type"`
	Title    string `json:"title,omitempty"`
}

// Public builds the consumer view of a trail as of now.
func Public(t *domain.Trail, lang string) PublicTrail {
	return build(t, lang, time.Now())
}

func build(t *domain.Trail, lang string, now time.Time) PublicTrail {
	declared := map[string]string{} // voided event → the declaration
	for _, e := range t.Events {
		if e.Type == domain.DeclareError && e.Declaration != nil {
			declared[e.Declaration.Event] = e.ID
		}
	}
	byID := map[string]domain.Batch{}
	for _, b := range t.Batches {
		byID[b.ID] = b
	}
	root := byID[t.Batch]
	mine := lineageOf(root.ID, byID)
	p := PublicTrail{ID: root.ID, Status: string(root.Status), StatusLabel: tr(lang, "status-"+string(root.Status)),
		LedgerBlock: t.LedgerBlock, Truncated: t.Truncated, Tests: []PublicTest{}, Certificates: Certificates(t, now, lang),
		Product: PublicProduct{Name: root.Product.Name, GTIN: root.Product.GTIN, Variety: root.Product.Variety, Grade: root.Product.Grade}}
	if id, err := gs1.Parse(root.ID); err == nil && id.Kind == gs1.KindLot {
		p.Product.Lot = id.Lot
	}
	if root.Quantity.Unit != "" {
		q := root.Quantity
		p.Quantity = &q
	}
	p.Package, p.QuantityText = packageOf(root.Quantity, lang)
	p.Origins = origins(root.ID, byID, mine, lang)
	if len(p.Origins) > 0 {
		p.Origin = &p.Origins[0]
	}
	p.OriginLines = originLines(p.Origins, lang)
	var events []domain.Event
	for _, e := range t.Events {
		if touches(e, mine) {
			events = append(events, e)
		}
	}
	for _, e := range t.Events {
		if e.Type == domain.Recall && e.ID == t.RecalledBy {
			p.Recall = recallOf(e, root.ID, byID, lang)
		}
	}
	for _, e := range events {
		switch {
		case e.ID == root.CreatedBy:
			p.Producer = partyName(e.Actor)
			p.Made = madeOf(e)
			if d, ok := shelfLifeDays(e); ok {
				p.ShelfLife = fmt.Sprintf("%d %s", d, tr(lang, "days"))
				if made, err := domain.ParseEventTime(e.EventTime); err == nil {
					p.BestBefore = made.AddDate(0, 0, d).Format("2006-01-02")
				}
			}
		}
		if e.Type == domain.Inspect && e.Inspection != nil && declared[e.ID] == "" {
			in := e.Inspection
			pt := PublicTest{Item: testName(in.Item, lang), Result: in.Result, Date: day(e.EventTime), Value: in.Value, Unit: in.Unit,
				Limit: in.Limit, Standard: in.Standard, Lab: in.Lab}
			if of := subjectOf(e, root.ID, byID); of != "" {
				pt.Of = of
			}
			p.Tests = append(p.Tests, pt)
		}
		st := step(e, byID, lang)
		st.DeclaredErroneous = declared[e.ID]
		p.Steps = append(p.Steps, st)
	}
	if p.Made == nil && root.Origin != nil && root.Origin.HarvestDate != "" {
		p.Made = &PublicDate{Kind: "harvestedOn", Date: root.Origin.HarvestDate}
	}
	p.Journey, p.Folded = journey(events, p.Steps, lang)
	if p.Certificates == nil {
		p.Certificates = []PublicCert{}
	}
	for i := range p.Steps {
		p.Steps[i].Folded = !inJourney(p.Journey, p.Steps[i].Event)
	}
	if p.Steps == nil {
		p.Steps = []PublicStep{}
	}
	if p.Journey == nil {
		p.Journey = []JourneyStep{}
	}
	return p
}
