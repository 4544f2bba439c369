package epcis

import (
	"encoding/json"
	"time"

	"github.com/agritrace/agritrace/domain"
)

// Encode renders events as an EPCIS 2.0 JSON-LD document, using the mapping table in
// domain.EPCISMappings (native fields become standard EPCIS fields; the rest go under the
// agritrace: namespace).
func Encode(events []domain.Event, created time.Time) ([]byte, error) {
	list := make([]map[string]any, 0, len(events))
	for _, e := range events {
		m := map[string]any{"eventID": "urn:agritrace:event:" + e.ID, "eventTime": e.EventTime, "bizStep": domain.ExportBizStep(e.Type)}
		if t, err := domain.ParseEventTime(e.EventTime); err == nil {
			m["eventTimeZoneOffset"] = t.Format("-07:00")
		}
		if e.RecordTime != "" {
			m["recordTime"] = e.RecordTime
		}
		qty := func(id string, q *domain.Quantity) map[string]any {
			out := map[string]any{"epcClass": id}
			if q != nil {
				out["quantity"] = q.Value
				out["uom"] = q.Unit
			}
			return out
		}
		switch e.Type {
		case domain.Process, domain.Split, domain.Merge:
			m["type"] = "TransformationEvent"
			var in, out []map[string]any
			for _, p := range e.Inputs {
				in = append(in, qty(p.Batch, p.Quantity))
			}
			for _, o := range e.Outputs {
				q := o.Quantity
				out = append(out, qty(o.Batch, &q))
			}
			m["inputQuantityList"], m["outputQuantityList"] = in, out
		case domain.Aggregate:
			m["type"], m["action"] = "AggregationEvent", "ADD"
			if len(e.Batches) > 0 {
				m["parentID"], m["childEPCs"] = e.Batches[0], e.Batches[1:]
			}
		default:
			m["type"], m["action"] = "ObjectEvent", "OBSERVE"
			var ql []map[string]any
			if e.Type == domain.Produce {
				m["action"] = "ADD"
				for _, o := range e.Outputs {
					q := o.Quantity
					ql = append(ql, qty(o.Batch, &q))
				}
			}
			for _, b := range e.Batches {
				ql = append(ql, qty(b, nil))
			}
			m["quantityList"] = ql
			if e.Type == domain.Purchase {
				m["bizTransactionList"] = []map[string]string{{"type": "po", "bizTransaction": "urn:agritrace:event:" + e.ID}}
			}
		}
		if e.Location != nil && e.Location.ID != "" {
			m["bizLocation"] = map[string]string{"id": e.Location.ID}
		}
		m["agritrace:type"] = string(e.Type)
		m["agritrace:actor"] = e.Actor
		m["agritrace:platform"] = e.Platform
		m["agritrace:txId"] = e.TxID
		if e.Block != 0 {
			m["agritrace:block"] = e.Block
		}
		for k, v := range map[string]any{"agritrace:inspection": e.Inspection, "agritrace:certificate": e.Certificate,
			"agritrace:attributes": e.Attributes, "agritrace:reason": e.Reason} {
			switch x := v.(type) {
			case *domain.Inspection:
				if x != nil {
					m[k] = x
				}
			case *domain.Certificate:
				if x != nil {
					m[k] = x
				}
			case map[string]any:
				if len(x) > 0 {
					m[k] = x
				}
			case string:
				if x != "" {
					m[k] = x
				}
			}
		}
		if len(e.Extensions) > 0 {
			var ext map[string]json.RawMessage
			if json.Unmarshal(e.Extensions, &ext) == nil {
				for k, v := range ext {
					if _, taken := m[k]; !taken {
						m[k] = v
					}
				}
			}
		}
		list = append(list, m)
	}
	doc := map[string]any{
		"@context":      []any{"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld", map[string]string{"agritrace": "https://agritrace.example/epcis/"}},
		"type":          "EPCISDocument",
		"schemaVersion": "2.0",
		"creationDate":  created.UTC().Format(time.RFC3339),
		"epcisBody":     map[string]any{"eventList": list},
	}
	return json.MarshalIndent(doc, "", " ")
}
