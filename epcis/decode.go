// Package epcis reads GS1 EPCIS 2.0 JSON / JSON-LD capture documents into agritrace events, keeping
// every field it does not map as a vendor extension of the event.
package epcis

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gs1"
	"github.com/agritrace/agritrace/strictjson"
)

// Error is a problem at a JSON pointer of the document.
type Error struct {
	Pointer string
	Detail  string
}

func (e *Error) Error() string { return e.Pointer + ": " + e.Detail }

func errAt(pointer, format string, a ...any) *Error {
	return &Error{Pointer: pointer, Detail: fmt.Sprintf(format, a...)}
}

// MaxEvents bounds the events of one capture document.
const MaxEvents = 1000

var offsetRe = regexp.MustCompile(`^[+-](0\d|1[0-4]):[0-5]\d$`)

// Decode reads an EPCISDocument. actor is the enterprise recorded when an event names none
// (EPCIS has no actor field; the capturing platform's enterprise stands in).
func Decode(data []byte, actor domain.Party) ([]domain.Event, error) {
	// the strict decoder every request path shares refuses duplicate members and invalid UTF-8
	// anywhere in the document before the generic reading below
	if err := strictjson.Check(data); err != nil {
		var se *strictjson.Error
		if errors.As(err, &se) {
			return nil, &Error{Pointer: se.Pointer, Detail: se.Error()}
		}
		return nil, errAt("", "%v", err)
	}
	var doc map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, errAt("", "not a JSON object: %v", err)
	}
	typ := str(doc, "type")
	if typ == "" {
		typ = str(doc, "isA") // early EPCIS 2.0 drafts
	}
	if typ != "EPCISDocument" {
		return nil, errAt("/type", "want an EPCISDocument, got %q", typ)
	}
	if v := strings.Trim(string(doc["schemaVersion"]), `"`); v != "" && !strings.HasPrefix(v, "2") {
		return nil, errAt("/schemaVersion", "EPCIS schema version %s: only 2.x is accepted", v)
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(doc["epcisBody"], &body); err != nil || body == nil {
		return nil, errAt("/epcisBody", "missing or not an object")
	}
	var list []json.RawMessage
	if raw, ok := body["eventList"]; ok {
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, errAt("/epcisBody/eventList", "must be an array of events")
		}
	} else if raw, ok := body["event"]; ok {
		list = []json.RawMessage{raw}
	} else {
		return nil, errAt("/epcisBody/eventList", "missing")
	}
	if len(list) == 0 || len(list) > MaxEvents {
		return nil, errAt("/epcisBody/eventList", "a capture carries 1 to %d events, got %d", MaxEvents, len(list))
	}
	out := make([]domain.Event, 0, len(list))
	for i, raw := range list {
		e, err := decodeEvent(raw, fmt.Sprintf("/epcisBody/eventList/%d", i), actor)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// consumed lists the EPCIS fields the mapping turns into native fields; every other field is kept.
var consumed = map[string]bool{
	"type": true, "isA": true, "eventID": true, "eventTime": true, "eventTimeZoneOffset": true, "action": true,
	"bizStep": true, "epcList": true, "quantityList": true, "inputEPCList": true, "inputQuantityList": true,
	"outputEPCList": true, "outputQuantityList": true, "parentID": true, "childEPCs": true, "childQuantityList": true,
	"bizLocation": true, "id": true, "recordTime": true,
}

func decodeEvent(raw json.RawMessage, at string, actor domain.Party) (domain.Event, error) {
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil {
		return domain.Event{}, errAt(at, "event is not a JSON object")
	}
	typ := str(m, "type")
	if typ == "" {
		typ = str(m, "isA")
	}
	action := str(m, "action")
	bizStep := shortName(str(m, "bizStep"), "bizstep")
	t, ok := domain.MapEPCIS(typ, action, bizStep)
	if !ok {
		return domain.Event{}, errAt(at+"/type", "unsupported EPCIS event type %q (ObjectEvent, AggregationEvent, TransformationEvent, AssociationEvent, TransactionEvent are)", typ)
	}
	e := domain.Event{Type: t, BizStep: bizStep, Actor: actor}
	when, err := eventTime(m, at)
	if err != nil {
		return e, err
	}
	e.EventTime = when
	loc := ""
	for _, k := range []string{"bizLocation", "readPoint"} {
		var l struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(m[k], &l) == nil && l.ID != "" {
			loc = l.ID
			break
		}
	}
	if loc != "" {
		id, err := gs1.Normalize(loc)
		if err != nil {
			return e, errAt(at+"/bizLocation/id", "%v", err)
		}
		e.Location = &domain.Location{ID: id}
	}
	switch typ {
	case "TransformationEvent":
		ins, err := refs(m, "inputEPCList", "inputQuantityList", at)
		if err != nil {
			return e, err
		}
		outs, err := refs(m, "outputEPCList", "outputQuantityList", at)
		if err != nil {
			return e, err
		}
		if len(ins) == 0 || len(outs) == 0 {
			return e, errAt(at, "a TransformationEvent needs inputs and outputs")
		}
		for _, r := range ins {
			e.Inputs = append(e.Inputs, domain.Portion{Batch: r.id, Quantity: r.qty})
		}
		for _, r := range outs {
			q := domain.Quantity{Value: 1, Unit: "piece"}
			if r.qty != nil {
				q = *r.qty
			}
			e.Outputs = append(e.Outputs, domain.Output{Batch: r.id, Product: productOf(r.id), Quantity: q})
		}
	case "AggregationEvent", "AssociationEvent":
		var parts []ref
		if p := str(m, "parentID"); p != "" {
			id, err := gs1.Normalize(p)
			if err != nil {
				return e, errAt(at+"/parentID", "%v", err)
			}
			parts = append(parts, ref{id: id})
		}
		kids, err := refs(m, "childEPCs", "childQuantityList", at)
		if err != nil {
			return e, err
		}
		for _, r := range append(parts, kids...) {
			e.Batches = append(e.Batches, r.id)
		}
	default:
		rs, err := refs(m, "epcList", "quantityList", at)
		if err != nil {
			return e, err
		}
		if t == domain.Produce {
			for _, r := range rs {
				q := domain.Quantity{Value: 1, Unit: "piece"}
				if r.qty != nil {
					q = *r.qty
				}
				e.Outputs = append(e.Outputs, domain.Output{Batch: r.id, Product: productOf(r.id), Quantity: q})
			}
		} else {
			for _, r := range rs {
				e.Batches = append(e.Batches, r.id)
			}
		}
	}
	if len(e.Batches) == 0 && len(e.Outputs) == 0 && len(e.Inputs) == 0 {
		return e, errAt(at, "the event names no EPC or EPC class")
	}
	if t == domain.Recall {
		e.Reason = "EPCIS recall event"
	}
	ext := map[string]json.RawMessage{}
	for k, v := range m {
		if !consumed[k] {
			ext[k] = v
		}
	}
	if len(ext) > 0 {
		b, _ := json.Marshal(ext) // map keys sorted: a stable form for idempotency
		e.Extensions = b
	}
	e.ID = str(m, "eventID")
	if e.ID == "" || strings.HasPrefix(e.ID, "_:") {
		// No (global) eventID: derive one from the content, so a re-sent document is a replay.
		// This is sha-256 over agritrace's canonical JSON, not the CBV 2.0 event-hash algorithm.
		canon, _ := json.Marshal(m)
		sum := sha256.Sum256(canon)
		e.ID = "ni:///sha-256;" + hex.EncodeToString(sum[:]) + "?ver=CBV2.0"
	}
	return e, nil
}

type ref struct {
	id  string
	qty *domain.Quantity
}

// refs reads an EPC list and a quantity list into normalised identifiers.
func refs(m map[string]json.RawMessage, epcKey, qtyKey, at string) ([]ref, error) {
	var out []ref
	if raw, ok := m[epcKey]; ok {
		var epcs []string
		if err := json.Unmarshal(raw, &epcs); err != nil {
			return nil, errAt(at+"/"+epcKey, "must be an array of EPC URIs")
		}
		for j, s := range epcs {
			id, err := gs1.Normalize(s)
			if err != nil {
				return nil, errAt(fmt.Sprintf("%s/%s/%d", at, epcKey, j), "%v", err)
			}
			out = append(out, ref{id: id})
		}
	}
	if raw, ok := m[qtyKey]; ok {
		var qs []struct {
			EPCClass string      `json:"epcClass"`
			Quantity json.Number `json:"quantity"`
			UOM      string      `json:"uom"`
		}
		if err := json.Unmarshal(raw, &qs); err != nil {
			return nil, errAt(at+"/"+qtyKey, "must be an array of {epcClass, quantity, uom}")
		}
		for j, q := range qs {
			p := fmt.Sprintf("%s/%s/%d", at, qtyKey, j)
			id, err := gs1.Normalize(q.EPCClass)
			if err != nil {
				return nil, errAt(p+"/epcClass", "%v", err)
			}
			r := ref{id: id}
			if q.Quantity != "" {
				v, err := q.Quantity.Float64()
				if err != nil || v <= 0 {
					return nil, errAt(p+"/quantity", "quantity must be a positive number, got %s", q.Quantity)
				}
				unit := "piece"
				if q.UOM != "" {
					u, ok := domain.UnitFromUNECE(q.UOM)
					if !ok {
						return nil, errAt(p+"/uom", "unit of measure %q is not supported (KGM, GRM, TNE, LTR, MLT, H87, …)", q.UOM)
					}
					unit = u
				}
				r.qty = &domain.Quantity{Value: v, Unit: unit}
			}
			out = append(out, r)
		}
	}
	return out, nil
}

func productOf(id string) domain.Product {
	p, err := gs1.Parse(id)
	if err != nil || p.GTIN == "" {
		return domain.Product{Name: "EPCIS object " + id}
	}
	return domain.Product{GTIN: p.GTIN, Name: "GTIN " + p.GTIN}
}

func eventTime(m map[string]json.RawMessage, at string) (string, error) {
	s := str(m, "eventTime")
	if s == "" {
		return "", errAt(at+"/eventTime", "eventTime is required")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return "", errAt(at+"/eventTime", "%q is not an RFC 3339 time with a zone", s)
	}
	off := str(m, "eventTimeZoneOffset")
	if off == "" {
		return "", errAt(at+"/eventTimeZoneOffset", "eventTimeZoneOffset is required by EPCIS (e.g. +08:00)")
	}
	if !offsetRe.MatchString(off) {
		return "", errAt(at+"/eventTimeZoneOffset", "%q is not a zone offset like +08:00", off)
	}
	sign := 1
	if off[0] == '-' {
		sign = -1
	}
	var hh, mm int
	fmt.Sscanf(off[1:], "%d:%d", &hh, &mm)
	// express the instant in the zone where the event happened
	return t.In(time.FixedZone(off, sign*(hh*3600+mm*60))).Format(time.RFC3339Nano), nil
}

func str(m map[string]json.RawMessage, k string) string {
	var s string
	if json.Unmarshal(m[k], &s) != nil {
		return ""
	}
	return s
}

// shortName reduces a CBV URI (urn:epcglobal:cbv:bizstep:shipping, https://ref.gs1.org/cbv/BizStep-shipping)
// to its bare name.
func shortName(s, kind string) string {
	for _, p := range []string{"urn:epcglobal:cbv:" + kind + ":", "https://ref.gs1.org/cbv/BizStep-", "https://gs1.org/voc/BizStep-"} {
		if strings.HasPrefix(s, p) {
			return strings.TrimPrefix(s, p)
		}
	}
	return s
}
