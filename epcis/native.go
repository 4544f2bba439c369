package epcis

import (
	"bytes"
	"cmp"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gs1"
)

// nativeObject collects the members of a native event's EPCIS rendering, their values written as
// JSON one after another into one buffer, and writes them out sorted by name: what json.Marshal
// writes for the same map[string]any, without building the map and reflecting over it. A read
// model renders every native event it applies, so this was a sixth of catch-up.
type nativeObject struct {
	buf     []byte
	members []member
	err     error
}

type member struct {
	key        string
	start, end int // the value, in buf
}

// begin starts the value of member key; end closes it.
func (o *nativeObject) begin(key string) {
	o.members = append(o.members, member{key: key, start: len(o.buf)})
}
func (o *nativeObject) end() { o.members[len(o.members)-1].end = len(o.buf) }

func (o *nativeObject) str(key, v string) {
	o.begin(key)
	o.buf = appendString(o.buf, v)
	o.end()
}

// value writes v as json.Marshal does: the rare nested values (parties, inspections, attributes)
// and vendor extensions, which must come out compacted and HTML-escaped like the rest.
func (o *nativeObject) value(key string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		o.err = err
		return
	}
	o.begin(key)
	o.buf = append(o.buf, b...)
	o.end()
}

func (o *nativeObject) has(key string) bool {
	return slices.ContainsFunc(o.members, func(m member) bool { return m.key == key })
}

// quantity writes one QuantityElement: epcClass, and quantity with its UN/ECE unit when known.
func (o *nativeObject) quantity(id string, q *domain.Quantity) {
	o.buf = append(o.buf, `{"epcClass":`...)
	o.buf = appendString(o.buf, gs1.AsURI(id))
	if q != nil {
		v, uom := domain.UNECE(*q)
		n, err := json.Marshal(v) // NaN and ±Inf fail here, as they fail json.Marshal of the whole map
		if err != nil {
			o.err = err
			return
		}
		o.buf = append(o.buf, `,"quantity":`...)
		o.buf = append(o.buf, n...)
		o.buf = append(o.buf, `,"uom":`...)
		o.buf = appendString(o.buf, uom)
	}
	o.buf = append(o.buf, '}')
}

// quantities writes a list of quantity elements; an empty one is null (the mapping appended to a
// nil slice, which marshals so).
func quantities[T any](o *nativeObject, key string, list []T, each func(T) (string, *domain.Quantity)) {
	o.begin(key)
	if len(list) == 0 {
		o.buf = append(o.buf, "null"...)
	} else {
		o.buf = append(o.buf, '[')
		for i, x := range list {
			if i > 0 {
				o.buf = append(o.buf, ',')
			}
			o.quantity(each(x))
		}
		o.buf = append(o.buf, ']')
	}
	o.end()
}

func (o *nativeObject) json() (json.RawMessage, error) {
	if o.err != nil {
		return nil, o.err
	}
	slices.SortFunc(o.members, func(a, b member) int { return cmp.Compare(a.key, b.key) })
	var out bytes.Buffer
	out.Grow(len(o.buf) + 24*len(o.members))
	out.WriteByte('{')
	for i, m := range o.members {
		if i > 0 {
			out.WriteByte(',')
		}
		writeKey(&out, m.key)
		out.WriteByte(':')
		out.Write(o.buf[m.start:m.end])
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// nativeJSON renders a native event as an EPCIS 2.0 event through the mapping table: CBV bizSteps,
// UN/ECE units, and the fields EPCIS has no member for under the agritrace: namespace.
func nativeJSON(e domain.Event) (json.RawMessage, error) {
	o := &nativeObject{buf: make([]byte, 0, 512), members: make([]member, 0, 20)}
	h := nativeHead(e)
	o.str("eventID", h.EventID)
	o.str("eventTime", e.EventTime)
	o.str("bizStep", h.BizStep)
	if t, err := domain.ParseEventTime(e.EventTime); err == nil {
		o.str("eventTimeZoneOffset", t.Format("-07:00"))
	}
	if e.RecordTime != "" {
		o.str("recordTime", e.RecordTime)
	}
	input := func(p domain.Portion) (string, *domain.Quantity) { return p.Batch, p.Quantity }
	output := func(p domain.Output) (string, *domain.Quantity) { return p.Batch, &p.Quantity }
	switch e.Type {
	case domain.Process, domain.Split, domain.Merge:
		quantities(o, "inputQuantityList", e.Inputs, input)
		quantities(o, "outputQuantityList", e.Outputs, output)
	case domain.Aggregate:
		if len(e.Batches) > 0 {
			o.str("parentID", gs1.AsURI(e.Batches[0]))
			o.begin("childEPCs")
			o.buf = append(o.buf, '[')
			for i, b := range e.Batches[1:] {
				if i > 0 {
					o.buf = append(o.buf, ',')
				}
				o.buf = appendString(o.buf, gs1.AsURI(b))
			}
			o.buf = append(o.buf, ']')
			o.end()
		}
	default:
		type item struct {
			id string
			q  *domain.Quantity
		}
		var ql []item
		if e.Type == domain.Produce {
			for _, out := range e.Outputs {
				q := out.Quantity
				ql = append(ql, item{out.Batch, &q})
			}
		}
		for _, b := range e.Batches {
			ql = append(ql, item{b, nil})
		}
		quantities(o, "quantityList", ql, func(x item) (string, *domain.Quantity) { return x.id, x.q })
		if e.Type == domain.Purchase {
			o.begin("bizTransactionList")
			o.buf = append(o.buf, `[{"bizTransaction":`...)
			o.buf = appendString(o.buf, EventID(e))
			o.buf = append(o.buf, `,"type":"po"}]`...)
			o.end()
		}
	}
	o.str("type", h.Type)
	if h.Action != "" {
		o.str("action", h.Action)
	}
	if h.BizLocation != "" {
		o.begin("bizLocation")
		o.buf = append(o.buf, `{"id":`...)
		o.buf = appendString(o.buf, h.BizLocation)
		o.buf = append(o.buf, '}')
		o.end()
	}
	o.str("agritrace:type", string(e.Type))
	o.value("agritrace:actor", e.Actor)
	if e.Platform != "" {
		o.str("agritrace:platform", e.Platform)
	}
	if e.TxID != "" {
		o.str("agritrace:txId", e.TxID)
	}
	if e.Block != 0 {
		o.begin("agritrace:block")
		o.buf = strconv.AppendUint(o.buf, e.Block, 10)
		o.end()
	}
	if e.To != nil {
		o.value("agritrace:to", e.To)
	}
	if e.Inspection != nil {
		o.value("agritrace:inspection", e.Inspection)
	}
	if e.Certificate != nil {
		o.value("agritrace:certificate", e.Certificate)
	}
	if len(e.Attributes) > 0 {
		o.value("agritrace:attributes", e.Attributes)
	}
	if e.Reason != "" {
		o.str("agritrace:reason", e.Reason)
	}
	if len(e.Extensions) > 0 {
		// vendor fields fill only the members the mapping leaves free; undecodable ones are left out
		var ext map[string]json.RawMessage
		if json.Unmarshal(e.Extensions, &ext) == nil {
			for k, v := range ext {
				if !o.has(k) {
					o.value(k, v)
				}
			}
		}
	}
	return o.json()
}

// nativeHead is the head of a native event's rendering through the mapping table (vendor
// extensions aside).
func nativeHead(e domain.Event) Head {
	h := Head{EventID: EventID(e), BizStep: domain.ExportBizStep(e.Type)}
	switch e.Type {
	case domain.Process, domain.Split, domain.Merge:
		h.Type = "TransformationEvent"
	case domain.Aggregate:
		h.Type, h.Action = "AggregationEvent", "ADD"
	case domain.Produce:
		h.Type, h.Action = "ObjectEvent", "ADD"
	default:
		h.Type, h.Action = "ObjectEvent", "OBSERVE"
	}
	if e.Location != nil && e.Location.ID != "" {
		h.BizLocation = gs1.AsURI(e.Location.ID)
	}
	return h
}

// appendString appends s as a JSON string as json.Marshal writes it. Most strings here (IDs,
// times, codes) are plain printable ASCII without the characters json.Marshal escapes: those are
// copied; anything else goes through json.Marshal.
func appendString(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			b, _ := json.Marshal(s)
			return append(buf, b...)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"')
}
