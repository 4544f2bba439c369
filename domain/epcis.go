package domain

import "encoding/json"

// EPCISMapping is how GS1 EPCIS 2.0 events and CBV business steps map to agritrace events, and back
// (EPCIS export). It is the single table both directions use.
//
//	EPCIS event type     action       CBV bizStep                          agritrace event  stage
//	ObjectEvent          ADD          commissioning, creating_class_instance  produce       产
//	ObjectEvent          OBSERVE      receiving, accepting, arriving, storing  store         储
//	ObjectEvent          OBSERVE      shipping, departing, transporting     transport        around
//	ObjectEvent          OBSERVE      retail_selling                        sell             销
//	ObjectEvent          any          recalling                             recall           around (regulator)
//	ObjectEvent          any          other / DELETE (destroying…)          observe          around (bizStep kept)
//	TransformationEvent  –            (any)                                 process          加
//	AggregationEvent     ADD/OBSERVE/DELETE  packing, unpacking…            aggregate        加 (batches stay active)
//	AssociationEvent     ADD/DELETE   assembling…                           aggregate        加 (no lineage)
//	TransactionEvent     ADD with an owning_party destination            purchase         购 (else observe)
//
// Native events export with: produce → ObjectEvent ADD commissioning; purchase → ObjectEvent OBSERVE
// receiving with a "po" business transaction; store → storing; transport → shipping; inspect →
// inspecting; certify → inspecting (certificationInfo); sell → retail_selling; process, split,
// merge → TransformationEvent; aggregate → AggregationEvent; offer → shipping; accept → receiving;
// recall → recalling; revoke → inspecting (certificationInfo revoked).
type EPCISMapping struct {
	EPCISType string
	Action    string // "" = any
	BizSteps  []string
	Event     EventType
}

// EPCISMappings is the table, first match wins.
var EPCISMappings = []EPCISMapping{
	{"ObjectEvent", "ADD", []string{"commissioning", "creating_class_instance", ""}, Produce},
	{"ObjectEvent", "", []string{"recalling"}, Recall},
	{"ObjectEvent", "OBSERVE", []string{"receiving", "accepting", "arriving", "storing"}, Store},
	{"ObjectEvent", "OBSERVE", []string{"shipping", "departing", "transporting"}, Transport},
	{"ObjectEvent", "OBSERVE", []string{"retail_selling"}, Sell},
	{"ObjectEvent", "", nil, Observe},
	{"TransformationEvent", "", nil, Process},
	{"AggregationEvent", "", nil, Aggregate},
	{"AssociationEvent", "", nil, Aggregate}, // attaching assets to a parent, like packing (held by the recorder)
	{"TransactionEvent", "", nil, Observe},
}

// MapEPCIS returns the agritrace event type for an EPCIS event, or false for an unknown EPCIS type.
func MapEPCIS(epcisType, action, bizStep string) (EventType, bool) {
	for _, m := range EPCISMappings {
		if m.EPCISType != epcisType || (m.Action != "" && m.Action != action) {
			continue
		}
		if m.BizSteps == nil {
			return m.Event, true
		}
		for _, b := range m.BizSteps {
			if b == bizStep {
				return m.Event, true
			}
		}
	}
	return "", false
}

// ExportBizStep is the CBV bizStep a native event exports with.
func ExportBizStep(t EventType) string {
	switch t {
	case Produce:
		return "commissioning"
	case Purchase, Accept:
		return "receiving"
	case Store:
		return "storing"
	case Transport, Offer:
		return "shipping"
	case Inspect, Certify, Revoke:
		return "inspecting"
	case Sell:
		return "retail_selling"
	case Process, Split, Merge:
		return "commissioning"
	case Aggregate:
		return "packing"
	case Recall:
		return "recalling"
	}
	return "other"
}

// Packing is what an AggregationEvent packs: the container (its parentID) and the contents, when a
// captured event adds children to a named parent. Packing forms lineage (container → contents),
// so a recall of a pallet reaches every lot packed on it; unpacking and observations do not.
func (e Event) Packing() (container string, contents []string, ok bool) {
	if e.Type != Aggregate || len(e.EPCIS) == 0 || len(e.Batches) < 2 {
		return "", nil, false
	}
	var m struct {
		Type     string `json:"type"`
		Action   string `json:"action"`
		ParentID string `json:"parentID"`
	}
	if json.Unmarshal(e.EPCIS, &m) != nil || m.Type != "AggregationEvent" || m.Action != "ADD" || m.ParentID == "" {
		return "", nil, false
	}
	return e.Batches[0], e.Batches[1:], true // the decoder puts the parent first
}

// Projection is the part of an event that its captured EPCIS event (Event.EPCIS) determines: its
// 产购储加销 projection, which the rules act on.
type Projection struct {
	ID, EventTime, BizStep, Reason string
	Type                           EventType
	Location                       *Location
	Batches                        []string
	Inputs                         []Portion
	Outputs                        []Output
	To                             *Party
	Declaration                    *ErrorDeclaration
}

// Projection returns e's projection fields.
func (e *Event) Projection() Projection {
	return Projection{e.ID, e.EventTime, e.BizStep, e.Reason, e.Type, e.Location, e.Batches, e.Inputs, e.Outputs, e.To, e.Declaration}
}

// SetProjection sets e's projection fields.
func (e *Event) SetProjection(p Projection) {
	e.ID, e.EventTime, e.BizStep, e.Reason, e.Type, e.Location = p.ID, p.EventTime, p.BizStep, p.Reason, p.Type, p.Location
	e.Batches, e.Inputs, e.Outputs, e.To, e.Declaration = p.Batches, p.Inputs, p.Outputs, p.To, p.Declaration
}

// Submission is what a transaction carries of an event. A captured event's projection is derived
// from its EPCIS event by the contract on every endorsement, so it travels without its projection
// fields but its ID (most of a native event's bytes, on every peer, and derived anyway); a native
// event travels whole.
func (e Event) Submission() Event {
	if len(e.EPCIS) == 0 {
		return e
	}
	e.SetProjection(Projection{ID: e.ID})
	return e
}
