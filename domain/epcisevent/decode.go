// Package epcisevent reads GS1 EPCIS 2.0 JSON / JSON-LD capture documents into agritrace events —
// each event's 产购储加销 projection, the rules' input — keeping
// every field it does not map as a vendor extension of the event.
package epcisevent

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
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

// Decode reads an EPCISDocument. actor is the enterprise recorded when an event names none
// (EPCIS has no actor field; the capturing platform's enterprise stands in).
func Decode(data []byte, actor domain.Party) ([]domain.Event, error) {
	// one tokenizer reads the document, then each event's members
	s := scanner{src: data, write: true, rd: readers.Get().(*reader)}
	defer func() { s.rd.release(); readers.Put(s.rd) }()
	d, ok := s.document()
	if !ok {
		// not plain: the strict decoder every request path shares refuses duplicate members and
		// invalid UTF-8 anywhere in the document before the generic reading
		if err := Strict(data); err != nil {
			return nil, err
		}
		var err error
		if d, err = readDocument(data); err != nil {
			return nil, err
		}
	}
	return d.events(actor, s.rd)
}

// DecodeEvent reads one EPCIS event sent on its own (the binding's POST /events) as Decode reads
// the events of a document: its projection, with the event kept as captured. An error's pointer
// starts at the event itself. Its caller reads the event strictly first (Strict), as Decode does a
// document that is not plain.
func DecodeEvent(raw json.RawMessage, actor domain.Party) (domain.Event, error) {
	return decodeSingle(raw, actor, true, "")
}

// Project projects one stored EPCIS event (domain.Event.EPCIS) again, as Decode did when it was
// captured, without keeping it (EPCIS stays empty): the contract uses it to check that the
// projection it is asked to apply is the one the event of record gives, on every endorsement.
// An error's pointer is that of the event's member in a stored event (/epcis).
func Project(raw json.RawMessage, actor domain.Party) (domain.Event, error) {
	return decodeSingle(raw, actor, false, "/epcis")
}

// ErrorDeclarationSuffix marks the ledger ID of an error declaration: EPCIS gives it the eventID
// of the event it declares erroneous.
const ErrorDeclarationSuffix = "#errorDeclaration"

// decodeEvent projects one event. keep asks for the event of record (its canonical form in
// e.EPCIS); without it the canonical form is computed only when the ID derives from it.
// rd reads the event's members.
func decodeEvent(src *source, at string, actor domain.Party, keep bool, rd *reader) (domain.Event, error) {
	if !src.open() {
		return domain.Event{}, errAt(at, "event is not a JSON object")
	}
	m := src.fields
	typ := m.str("type")
	if typ == "" {
		typ = m.str("isA")
	}
	action := m.str("action")
	bizStep := shortName(m.str("bizStep"), "bizstep")
	t, ok := domain.MapEPCIS(typ, action, bizStep)
	if !ok {
		return domain.Event{}, errAt(at+"/type", "unsupported EPCIS event type %q (ObjectEvent, AggregationEvent, TransformationEvent, AssociationEvent, TransactionEvent are)", typ)
	}
	_, declared := m.get("errorDeclaration")
	if declared {
		// an error declaration restates an event to say it was wrong: for the rules it is an
		// observation, never the transformation or harvest it restates
		t = domain.Observe
	}
	e := domain.Event{Type: t, BizStep: bizStep, Actor: actor}
	when, err := eventTime(m, at)
	if err != nil {
		return e, err
	}
	e.EventTime = when
	for _, k := range []string{"bizLocation", "readPoint"} {
		raw, _ := m.get(k)
		l, skip := rd.locationID(raw)
		if skip {
			continue
		}
		id, err := gs1.NormalizeLocation(l)
		if err != nil {
			return e, errAt(at+"/"+k+"/id", "%v", err)
		}
		if e.Location == nil {
			e.Location = &domain.Location{ID: id}
		}
	}
	sensors, _ := m.get("sensorElementList")
	switch typ {
	case "TransformationEvent":
		ins, err := refs(rd, m, "inputEPCList", "inputQuantityList", at)
		if err != nil {
			return e, err
		}
		outs, err := refs(rd, m, "outputEPCList", "outputQuantityList", at)
		if err != nil {
			return e, err
		}
		if len(ins) == 0 || len(outs) == 0 {
			return e, errAt(at, "a TransformationEvent needs inputs and outputs")
		}
		e.Inputs = make([]domain.Portion, 0, len(ins))
		for _, r := range ins {
			e.Inputs = append(e.Inputs, domain.Portion{Batch: r.id, Quantity: r.qty})
		}
		e.Outputs = make([]domain.Output, 0, len(outs))
		for _, r := range outs {
			q := domain.Quantity{Value: 1, Unit: "piece"}
			if r.qty != nil {
				q = *r.qty
			}
			e.Outputs = append(e.Outputs, domain.Output{Batch: r.id, Product: productOf(r.id), Quantity: q})
		}
	case "AggregationEvent", "AssociationEvent":
		var parts []ref
		if p := m.str("parentID"); p != "" {
			id, err := gs1.Normalize(p)
			if err != nil {
				return e, errAt(at+"/parentID", "%v", err)
			}
			parts = append(parts, ref{id: id})
		}
		kids, err := refs(rd, m, "childEPCs", "childQuantityList", at)
		if err != nil {
			return e, err
		}
		for _, r := range append(parts, kids...) {
			e.Batches = append(e.Batches, r.id)
		}
	default:
		rs, err := refs(rd, m, "epcList", "quantityList", at)
		if err != nil {
			return e, err
		}
		if len(rs) == 0 && typ == "ObjectEvent" && len(sensors) > 0 {
			t, e.Type = domain.Observe, domain.Observe // sensor readings of a place, about no object
		}
		if typ == "TransactionEvent" && !declared {
			owner, err := newOwner(rd, m, action, at)
			if err != nil {
				return e, err
			}
			if owner != "" {
				t, e.Type, e.To = domain.Purchase, domain.Purchase, &domain.Party{Enterprise: owner}
			}
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
	if declared {
		// the ledger's declare-error: it voids the declared event and takes the batches from it
		var d struct {
			Reason             string   `json:"reason"`
			CorrectiveEventIDs []string `json:"correctiveEventIDs"`
		}
		raw, _ := m.get("errorDeclaration")
		if err := json.Unmarshal(raw, &d); err != nil {
			return e, errAt(at+"/errorDeclaration", "must be an object with declarationTime, reason and correctiveEventIDs")
		}
		reason := shortName(d.Reason, "er")
		if reason == "" {
			reason = "unspecified" // EPCIS makes the reason optional; the ledger wants one
		}
		e.Type, e.Batches, e.Inputs, e.Outputs, e.To = domain.DeclareError, nil, nil, nil, nil
		e.Declaration = &domain.ErrorDeclaration{Event: m.str("eventID"), Reason: reason, CorrectiveEventIDs: d.CorrectiveEventIDs}
	}
	if len(e.Batches) == 0 && len(e.Outputs) == 0 && len(e.Inputs) == 0 && e.Type != domain.Observe && !declared {
		return e, errAt(at, "the event names no EPC or EPC class")
	}
	if len(e.Batches) == 0 && len(e.Outputs) == 0 && len(e.Inputs) == 0 && len(sensors) == 0 && !declared {
		return e, errAt(at, "the event names no EPC or EPC class and carries no sensor data")
	}
	if t == domain.Recall {
		e.Reason = "EPCIS recall event"
	}
	e.ID = m.str("eventID")
	derived := e.ID == "" || strings.HasPrefix(e.ID, "_:")
	if keep || derived {
		canon, err := src.canonical()
		if err != nil {
			return e, errAt(at, "%v", err)
		}
		if keep {
			e.EPCIS = canon
		}
		if derived {
			// No (global) eventID: derive one from the content, so a re-sent document is a replay.
			// This is sha-256 over agritrace's canonical JSON, not the CBV 2.0 event-hash algorithm.
			sum := sha256.Sum256(canon)
			e.ID = "ni:///sha-256;" + hex.EncodeToString(sum[:]) + "?ver=CBV2.0"
		}
	}
	if declared {
		// the declaration shares the declared event's eventID; the ledger keys it apart
		e.ID += ErrorDeclarationSuffix
	}
	return e, nil
}

// newOwner is the party a TransactionEvent hands ownership to: its owning_party destination
// (possessing_party when no owner is named), on ADD only.
func newOwner(rd *reader, m object, action, at string) (string, error) {
	if action != "ADD" {
		return "", nil
	}
	type dest struct {
		Type        string `json:"type"`
		Destination string `json:"destination"`
	}
	var dests []dest
	if raw, ok := m.get("destinationList"); ok {
		quick := rd.objects(raw, destNames, func(v [][]byte) bool {
			t, ok1 := optString(v[0])
			d, ok2 := optString(v[1])
			dests = append(dests, dest{t, d})
			return ok1 && ok2
		})
		if !quick {
			dests = nil
			if err := json.Unmarshal(raw, &dests); err != nil {
				return "", errAt(at+"/destinationList", "must be an array of {type, destination}")
			}
		}
	}
	pick := ""
	for _, want := range []string{"owning_party", "possessing_party"} {
		for _, d := range dests {
			if shortName(d.Type, "sdt") == want && pick == "" {
				pick = d.Destination
			}
		}
	}
	if pick == "" {
		return "", nil
	}
	id, err := gs1.NormalizeLocation(pick)
	if err != nil {
		return "", errAt(at+"/destinationList", "%v", err)
	}
	if len(id) > 64 {
		return "", errAt(at+"/destinationList", "owning party %q is longer than 64 characters", id)
	}
	return id, nil
}

var destNames = []string{"type", "destination"}

type ref struct {
	id  string
	qty *domain.Quantity
}

// refs reads an EPC list and a quantity list into normalised identifiers.
func refs(rd *reader, m object, epcKey, qtyKey, at string) ([]ref, error) {
	var out []ref
	if raw, ok := m.get(epcKey); ok {
		epcs, quick := rd.stringList(raw)
		if !quick {
			if err := json.Unmarshal(raw, &epcs); err != nil {
				return nil, errAt(at+"/"+epcKey, "must be an array of EPC URIs")
			}
		}
		for j, s := range epcs {
			id, err := gs1.Normalize(s)
			if err != nil {
				return nil, errAt(fmt.Sprintf("%s/%s/%d", at, epcKey, j), "%v", err)
			}
			out = append(out, ref{id: id})
		}
	}
	if raw, ok := m.get(qtyKey); ok {
		type qty struct {
			EPCClass string      `json:"epcClass"`
			Quantity json.Number `json:"quantity"`
			UOM      string      `json:"uom"`
		}
		var qs []qty
		quick := rd.objects(raw, qtyNames, func(v [][]byte) bool {
			class, ok1 := optString(v[0])
			uom, ok2 := optString(v[2])
			n := v[1]
			// a number as written is what json.Number keeps; a string or null is left to encoding/json
			ok3 := n == nil || n[0] == '-' || isDigit(n[0])
			qs = append(qs, qty{class, json.Number(n), uom})
			return ok1 && ok2 && ok3
		})
		if !quick {
			qs = nil
			if err := json.Unmarshal(raw, &qs); err != nil {
				return nil, errAt(at+"/"+qtyKey, "must be an array of {epcClass, quantity, uom}")
			}
		}
		for j, q := range qs {
			// the pointer is only spelt out for a refusal: most items are fine
			p := func() string { return at + "/" + qtyKey + "/" + strconv.Itoa(j) }
			id, err := gs1.Normalize(q.EPCClass)
			if err != nil {
				return nil, errAt(p()+"/epcClass", "%v", err)
			}
			r := ref{id: id}
			if q.Quantity != "" {
				v, err := q.Quantity.Float64()
				if err != nil || v <= 0 {
					return nil, errAt(p()+"/quantity", "quantity must be a positive number, got %s", q.Quantity)
				}
				unit := "piece"
				if q.UOM != "" {
					u, ok := domain.UnitFromUNECE(q.UOM)
					if !ok {
						return nil, errAt(p()+"/uom", "unit of measure %q is not supported (KGM, GRM, TNE, LTR, MLT, H87, …)", q.UOM)
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

var qtyNames = []string{"epcClass", "quantity", "uom"}

func productOf(id string) domain.Product {
	p, err := gs1.Parse(id)
	if err != nil || p.GTIN == "" {
		return domain.Product{Name: "EPCIS object " + id}
	}
	return domain.Product{GTIN: p.GTIN, Name: "GTIN " + p.GTIN}
}

func eventTime(m object, at string) (string, error) {
	s := m.str("eventTime")
	if s == "" {
		return "", errAt(at+"/eventTime", "eventTime is required")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return "", errAt(at+"/eventTime", "%q is not an RFC 3339 time with a zone", s)
	}
	off := m.str("eventTimeZoneOffset")
	if off == "" {
		return "", errAt(at+"/eventTimeZoneOffset", "eventTimeZoneOffset is required by EPCIS (e.g. +08:00)")
	}
	if !zoneOffset(off) {
		return "", errAt(at+"/eventTimeZoneOffset", "%q is not a zone offset like +08:00", off)
	}
	sign := 1
	if off[0] == '-' {
		sign = -1
	}
	// zoneOffset has checked the shape ±hh:mm
	hh := int(off[1]-'0')*10 + int(off[2]-'0')
	mm := int(off[4]-'0')*10 + int(off[5]-'0')
	// express the instant in the zone where the event happened
	return t.In(zone(off, sign*(hh*3600+mm*60))).Format(time.RFC3339Nano), nil
}

// zoneOffset reports whether off is a zone offset ±hh:mm, -14:59 to +14:59.
func zoneOffset(off string) bool {
	return len(off) == 6 && (off[0] == '+' || off[0] == '-') &&
		(off[1] == '0' && isDigit(off[2]) || off[1] == '1' && '0' <= off[2] && off[2] <= '4') &&
		off[3] == ':' && '0' <= off[4] && off[4] <= '5' && isDigit(off[5])
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// zones keeps the zone of each offset met (at most the 1,800 zoneOffset allows): the time's
// written form depends only on the offset, and a zone costs an allocation.
var zones sync.Map

func zone(name string, offset int) *time.Location {
	if z, ok := zones.Load(name); ok {
		return z.(*time.Location)
	}
	z, _ := zones.LoadOrStore(name, time.FixedZone(name, offset))
	return z.(*time.Location)
}

// shortName reduces a CBV URI (urn:epcglobal:cbv:bizstep:shipping, https://ref.gs1.org/cbv/BizStep-shipping,
// https://ref.gs1.org/cbv/SDT-owning_party) to its bare name; kind is the URN's vocabulary (bizstep, sdt…).
func shortName(s, kind string) string {
	if strings.HasPrefix(s, "urn:epcglobal:cbv:"+kind+":") {
		return strings.TrimPrefix(s, "urn:epcglobal:cbv:"+kind+":")
	}
	for _, p := range []string{"https://ref.gs1.org/cbv/", "https://gs1.org/voc/"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			if _, name, ok := strings.Cut(rest, "-"); ok {
				return name
			}
		}
	}
	return s
}

// ShortName is shortName for other packages (query parameters name CBV values either way).
func ShortName(s, kind string) string { return shortName(s, kind) }

// Strict is strictjson.Check of a capture's body as an *Error at its pointer: the strict reading
// every request path shares (no repeated member, valid UTF-8), which the generic reading
// (encoding/json) does not make.
func Strict(data []byte) error {
	err := strictjson.Check(data)
	if err == nil {
		return nil
	}
	var se *strictjson.Error
	if errors.As(err, &se) {
		return &Error{Pointer: se.Pointer, Detail: se.Error()}
	}
	return errAt("", "%v", err)
}
