package epcisevent

// The decoder as it was before the one-pass rewrite, kept verbatim (names prefixed "old") as the
// oracle the rewrite is compared against: events already on ledgers were captured with it, so
// every projection, stored byte, fingerprint and error must stay what it gave.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gs1"
	"github.com/agritrace/agritrace/strictjson"
)

func oldErrAt(pointer, format string, a ...any) *Error {
	return &Error{Pointer: pointer, Detail: fmt.Sprintf(format, a...)}
}

var oldOffsetRe = regexp.MustCompile(`^[+-](0\d|1[0-4]):[0-5]\d$`)

// Decode reads an EPCISDocument. actor is the enterprise recorded when an event names none
// (EPCIS has no actor field; the capturing platform's enterprise stands in).
func oldDecode(data []byte, actor domain.Party) ([]domain.Event, error) {
	// the strict decoder every request path shares refuses duplicate members and invalid UTF-8
	// anywhere in the document before the generic reading below
	if err := strictjson.Check(data); err != nil {
		var se *strictjson.Error
		if errors.As(err, &se) {
			return nil, &Error{Pointer: se.Pointer, Detail: se.Error()}
		}
		return nil, oldErrAt("", "%v", err)
	}
	var doc map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, oldErrAt("", "not a JSON object: %v", err)
	}
	typ := oldStr(doc, "type")
	if typ == "" {
		typ = oldStr(doc, "isA") // early EPCIS 2.0 drafts
	}
	if typ != "EPCISDocument" {
		return nil, oldErrAt("/type", "want an EPCISDocument, got %q", typ)
	}
	if v := strings.Trim(string(doc["schemaVersion"]), `"`); v != "" && !strings.HasPrefix(v, "2") {
		return nil, oldErrAt("/schemaVersion", "EPCIS schema version %s: only 2.x is accepted", v)
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(doc["epcisBody"], &body); err != nil || body == nil {
		return nil, oldErrAt("/epcisBody", "missing or not an object")
	}
	var list []json.RawMessage
	if raw, ok := body["eventList"]; ok {
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, oldErrAt("/epcisBody/eventList", "must be an array of events")
		}
	} else if raw, ok := body["event"]; ok {
		list = []json.RawMessage{raw}
	} else {
		return nil, oldErrAt("/epcisBody/eventList", "missing")
	}
	if len(list) == 0 || len(list) > MaxEvents {
		return nil, oldErrAt("/epcisBody/eventList", "a capture carries 1 to %d events, got %d", MaxEvents, len(list))
	}
	ns, err := oldNamespaces(doc["@context"])
	if err != nil {
		return nil, err
	}
	out := make([]domain.Event, 0, len(list))
	for i, raw := range list {
		e, err := oldDecodeEvent(raw, "/epcisBody/eventList/"+strconv.Itoa(i), actor, ns, true)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// decodeEvent projects one event. keep asks for the event of record (its canonical form in
// e.EPCIS); without it the canonical form is computed only when the ID derives from it.
func oldDecodeEvent(raw json.RawMessage, at string, actor domain.Party, ns []json.RawMessage, keep bool) (domain.Event, error) {
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil {
		return domain.Event{}, oldErrAt(at, "event is not a JSON object")
	}
	typ := oldStr(m, "type")
	if typ == "" {
		typ = oldStr(m, "isA")
	}
	action := oldStr(m, "action")
	bizStep := oldShortName(oldStr(m, "bizStep"), "bizstep")
	t, ok := domain.MapEPCIS(typ, action, bizStep)
	if !ok {
		return domain.Event{}, oldErrAt(at+"/type", "unsupported EPCIS event type %q (ObjectEvent, AggregationEvent, TransformationEvent, AssociationEvent, TransactionEvent are)", typ)
	}
	_, declared := m["errorDeclaration"]
	if declared {
		// an error declaration restates an event to say it was wrong: for the rules it is an
		// observation, never the transformation or harvest it restates
		t = domain.Observe
	}
	e := domain.Event{Type: t, BizStep: bizStep, Actor: actor}
	when, err := oldEventTime(m, at)
	if err != nil {
		return e, err
	}
	e.EventTime = when
	for _, k := range []string{"bizLocation", "readPoint"} {
		var l struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(m[k], &l) != nil || l.ID == "" {
			continue
		}
		id, err := gs1.NormalizeLocation(l.ID)
		if err != nil {
			return e, oldErrAt(at+"/"+k+"/id", "%v", err)
		}
		if e.Location == nil {
			e.Location = &domain.Location{ID: id}
		}
	}
	switch typ {
	case "TransformationEvent":
		ins, err := oldRefs(m, "inputEPCList", "inputQuantityList", at)
		if err != nil {
			return e, err
		}
		outs, err := oldRefs(m, "outputEPCList", "outputQuantityList", at)
		if err != nil {
			return e, err
		}
		if len(ins) == 0 || len(outs) == 0 {
			return e, oldErrAt(at, "a TransformationEvent needs inputs and outputs")
		}
		for _, r := range ins {
			e.Inputs = append(e.Inputs, domain.Portion{Batch: r.id, Quantity: r.qty})
		}
		for _, r := range outs {
			q := domain.Quantity{Value: 1, Unit: "piece"}
			if r.qty != nil {
				q = *r.qty
			}
			e.Outputs = append(e.Outputs, domain.Output{Batch: r.id, Product: oldProductOf(r.id), Quantity: q})
		}
	case "AggregationEvent", "AssociationEvent":
		var parts []oldRef
		if p := oldStr(m, "parentID"); p != "" {
			id, err := gs1.Normalize(p)
			if err != nil {
				return e, oldErrAt(at+"/parentID", "%v", err)
			}
			parts = append(parts, oldRef{id: id})
		}
		kids, err := oldRefs(m, "childEPCs", "childQuantityList", at)
		if err != nil {
			return e, err
		}
		for _, r := range append(parts, kids...) {
			e.Batches = append(e.Batches, r.id)
		}
	default:
		rs, err := oldRefs(m, "epcList", "quantityList", at)
		if err != nil {
			return e, err
		}
		if len(rs) == 0 && typ == "ObjectEvent" && len(m["sensorElementList"]) > 0 {
			t, e.Type = domain.Observe, domain.Observe // sensor readings of a place, about no object
		}
		if typ == "TransactionEvent" && !declared {
			owner, err := oldNewOwner(m, action, at)
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
				e.Outputs = append(e.Outputs, domain.Output{Batch: r.id, Product: oldProductOf(r.id), Quantity: q})
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
		if err := json.Unmarshal(m["errorDeclaration"], &d); err != nil {
			return e, oldErrAt(at+"/errorDeclaration", "must be an object with declarationTime, reason and correctiveEventIDs")
		}
		reason := oldShortName(d.Reason, "er")
		if reason == "" {
			reason = "unspecified" // EPCIS makes the reason optional; the ledger wants one
		}
		e.Type, e.Batches, e.Inputs, e.Outputs, e.To = domain.DeclareError, nil, nil, nil, nil
		e.Declaration = &domain.ErrorDeclaration{Event: oldStr(m, "eventID"), Reason: reason, CorrectiveEventIDs: d.CorrectiveEventIDs}
	}
	if len(e.Batches) == 0 && len(e.Outputs) == 0 && len(e.Inputs) == 0 && e.Type != domain.Observe && !declared {
		return e, oldErrAt(at, "the event names no EPC or EPC class")
	}
	if len(e.Batches) == 0 && len(e.Outputs) == 0 && len(e.Inputs) == 0 && len(m["sensorElementList"]) == 0 && !declared {
		return e, oldErrAt(at, "the event names no EPC or EPC class and carries no sensor data")
	}
	if t == domain.Recall {
		e.Reason = "EPCIS recall event"
	}
	e.ID = oldStr(m, "eventID")
	derived := e.ID == "" || strings.HasPrefix(e.ID, "_:")
	if keep || derived {
		canon, err := oldCanonicalEvent(raw, m, ns)
		if err != nil {
			return e, oldErrAt(at, "%v", err)
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
func oldNewOwner(m map[string]json.RawMessage, action, at string) (string, error) {
	if action != "ADD" {
		return "", nil
	}
	var dests []struct {
		Type        string `json:"type"`
		Destination string `json:"destination"`
	}
	if raw, ok := m["destinationList"]; ok {
		if err := json.Unmarshal(raw, &dests); err != nil {
			return "", oldErrAt(at+"/destinationList", "must be an array of {type, destination}")
		}
	}
	pick := ""
	for _, want := range []string{"owning_party", "possessing_party"} {
		for _, d := range dests {
			if oldShortName(d.Type, "sdt") == want && pick == "" {
				pick = d.Destination
			}
		}
	}
	if pick == "" {
		return "", nil
	}
	id, err := gs1.NormalizeLocation(pick)
	if err != nil {
		return "", oldErrAt(at+"/destinationList", "%v", err)
	}
	if len(id) > 64 {
		return "", oldErrAt(at+"/destinationList", "owning party %q is longer than 64 characters", id)
	}
	return id, nil
}

// Canonical is the stored form of an EPCIS event: keys sorted, numbers exactly as written, no
// insignificant space. Two captures mean the same content exactly when their canonical forms match.
func oldCanonical(v any) ([]byte, error) {
	var b []byte
	switch x := v.(type) {
	case []byte:
		b = x
	case json.RawMessage:
		b = x
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			return nil, err
		}
	}
	anyv, err := oldDecodeNumbers(b)
	if err != nil {
		return nil, err
	}
	return oldEncodeCanonical(anyv)
}

// decodeNumbers reads JSON keeping numbers as written.
func oldDecodeNumbers(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	return v, err
}

// encodeCanonical writes decoded JSON in canonical form: object keys sorted, no insignificant
// space, no HTML escaping.
func oldEncodeCanonical(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// canonicalEvent is the canonical form of one captured event (raw, already read into m): the
// document's namespaces travel with the event when it has no @context of its own, so its
// extensions keep their meaning. Canonicalising raw itself spares re-encoding m first.
func oldCanonicalEvent(raw json.RawMessage, m map[string]json.RawMessage, ns []json.RawMessage) ([]byte, error) {
	if _, own := m["@context"]; own || len(ns) == 0 {
		// raw has been read into m: it is valid JSON, as canonicalPlain needs
		if out, ok := oldCanonicalPlain(raw); ok {
			return out, nil
		}
		return oldCanonical(raw)
	}
	obj, err := oldDecodeNumbers(raw)
	if err != nil {
		return nil, err
	}
	ctx, err := json.Marshal(ns)
	if err != nil {
		return nil, err
	}
	if obj.(map[string]any)["@context"], err = oldDecodeNumbers(ctx); err != nil {
		return nil, err
	}
	return oldEncodeCanonical(obj)
}

// standardContexts are the @context entries every EPCIS 2.0 document may name; the rest are the
// sender's namespaces.
var oldStandardContexts = map[string]bool{
	"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld": true,
	"https://ref.gs1.org/standards/epcis/epcis-context.jsonld":       true,
	"https://gs1.github.io/EPCIS/epcis-context.jsonld":               true,
}

// namespaces returns the document's @context entries other than the standard EPCIS context.
func oldNamespaces(raw json.RawMessage) ([]json.RawMessage, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		list = []json.RawMessage{raw}
	}
	var out []json.RawMessage
	for _, c := range list {
		var s string
		if json.Unmarshal(c, &s) == nil && oldStandardContexts[s] {
			continue
		}
		out = append(out, c)
	}
	return out, nil
}

type oldRef struct {
	id  string
	qty *domain.Quantity
}

// refs reads an EPC list and a quantity list into normalised identifiers.
func oldRefs(m map[string]json.RawMessage, epcKey, qtyKey, at string) ([]oldRef, error) {
	var out []oldRef
	if raw, ok := m[epcKey]; ok {
		var epcs []string
		if err := json.Unmarshal(raw, &epcs); err != nil {
			return nil, oldErrAt(at+"/"+epcKey, "must be an array of EPC URIs")
		}
		for j, s := range epcs {
			id, err := gs1.Normalize(s)
			if err != nil {
				return nil, oldErrAt(fmt.Sprintf("%s/%s/%d", at, epcKey, j), "%v", err)
			}
			out = append(out, oldRef{id: id})
		}
	}
	if raw, ok := m[qtyKey]; ok {
		var qs []struct {
			EPCClass string      `json:"epcClass"`
			Quantity json.Number `json:"quantity"`
			UOM      string      `json:"uom"`
		}
		if err := json.Unmarshal(raw, &qs); err != nil {
			return nil, oldErrAt(at+"/"+qtyKey, "must be an array of {epcClass, quantity, uom}")
		}
		for j, q := range qs {
			// the pointer is only spelt out for a refusal: most items are fine
			p := func() string { return at + "/" + qtyKey + "/" + strconv.Itoa(j) }
			id, err := gs1.Normalize(q.EPCClass)
			if err != nil {
				return nil, oldErrAt(p()+"/epcClass", "%v", err)
			}
			r := oldRef{id: id}
			if q.Quantity != "" {
				v, err := q.Quantity.Float64()
				if err != nil || v <= 0 {
					return nil, oldErrAt(p()+"/quantity", "quantity must be a positive number, got %s", q.Quantity)
				}
				unit := "piece"
				if q.UOM != "" {
					u, ok := domain.UnitFromUNECE(q.UOM)
					if !ok {
						return nil, oldErrAt(p()+"/uom", "unit of measure %q is not supported (KGM, GRM, TNE, LTR, MLT, H87, …)", q.UOM)
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

func oldProductOf(id string) domain.Product {
	p, err := gs1.Parse(id)
	if err != nil || p.GTIN == "" {
		return domain.Product{Name: "EPCIS object " + id}
	}
	return domain.Product{GTIN: p.GTIN, Name: "GTIN " + p.GTIN}
}

func oldEventTime(m map[string]json.RawMessage, at string) (string, error) {
	s := oldStr(m, "eventTime")
	if s == "" {
		return "", oldErrAt(at+"/eventTime", "eventTime is required")
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return "", oldErrAt(at+"/eventTime", "%q is not an RFC 3339 time with a zone", s)
	}
	off := oldStr(m, "eventTimeZoneOffset")
	if off == "" {
		return "", oldErrAt(at+"/eventTimeZoneOffset", "eventTimeZoneOffset is required by EPCIS (e.g. +08:00)")
	}
	if !oldOffsetRe.MatchString(off) {
		return "", oldErrAt(at+"/eventTimeZoneOffset", "%q is not a zone offset like +08:00", off)
	}
	sign := 1
	if off[0] == '-' {
		sign = -1
	}
	// offsetRe has checked the shape ±hh:mm
	hh := int(off[1]-'0')*10 + int(off[2]-'0')
	mm := int(off[4]-'0')*10 + int(off[5]-'0')
	// express the instant in the zone where the event happened
	return t.In(time.FixedZone(off, sign*(hh*3600+mm*60))).Format(time.RFC3339Nano), nil
}

func oldStr(m map[string]json.RawMessage, k string) string {
	raw := m[k]
	if s, ok := oldPlainString(raw); ok {
		return s
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// plainString reads a JSON string with no escapes, control characters or invalid UTF-8 — nearly
// every string of an event — as json.Unmarshal would, without its reflection; ok is false for
// anything else, which is left to json.Unmarshal.
func oldPlainString(raw json.RawMessage) (string, bool) {
	if len(raw) < 2 || raw[0] != '"' || raw[len(raw)-1] != '"' {
		return "", false
	}
	body := raw[1 : len(raw)-1]
	for _, c := range body {
		if c < 0x20 || c == '"' || c == '\\' {
			return "", false
		}
	}
	if !utf8.Valid(body) {
		return "", false
	}
	return string(body), true
}

// shortName reduces a CBV URI (urn:epcglobal:cbv:bizstep:shipping, https://ref.gs1.org/cbv/BizStep-shipping,
// https://ref.gs1.org/cbv/SDT-owning_party) to its bare name; kind is the URN's vocabulary (bizstep, sdt…).
func oldShortName(s, kind string) string {
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

// DecodeEvent reads one EPCIS event on its own as Decode reads the events of a document: its
// projection, with the event kept as captured.
func oldDecodeOne(raw json.RawMessage, actor domain.Party) (domain.Event, error) {
	return oldDecodeEvent(raw, "", actor, nil, true)
}

// Project projects one stored EPCIS event (domain.Event.EPCIS) again, as Decode did when it was
// captured, without keeping it (EPCIS stays empty): the contract uses it to check that the
// projection it is asked to apply is the one the event of record gives, on every endorsement.
func oldProject(raw json.RawMessage, actor domain.Party) (domain.Event, error) {
	return oldDecodeEvent(raw, "/epcis", actor, nil, false)
}
func oldCanonicalPlain(src []byte) (out []byte, ok bool) {
	c := oldCanonWriter{src: src}
	var buf bytes.Buffer
	buf.Grow(len(src))
	if !c.value(&buf) {
		return nil, false
	}
	c.space()
	if c.i != len(src) {
		return nil, false
	}
	return buf.Bytes(), true
}

type oldCanonWriter struct {
	src []byte
	i   int
}

func (c *oldCanonWriter) space() {
	for c.i < len(c.src) {
		switch c.src[c.i] {
		case ' ', '\t', '\n', '\r':
			c.i++
		default:
			return
		}
	}
}

// value writes the value at c.i to buf.
func (c *oldCanonWriter) value(buf *bytes.Buffer) bool {
	c.space()
	if c.i >= len(c.src) {
		return false
	}
	switch c.src[c.i] {
	case '{':
		return c.object(buf)
	case '[':
		return c.array(buf)
	case '"':
		s, ok := c.oldStr()
		buf.Write(s)
		return ok
	}
	// number or literal: up to the next delimiter, as written
	start := c.i
	for c.i < len(c.src) {
		switch c.src[c.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			buf.Write(c.src[start:c.i])
			return c.i > start
		}
		c.i++
	}
	buf.Write(c.src[start:c.i])
	return c.i > start
}

// str returns the quoted string at c.i, if it is plain.
func (c *oldCanonWriter) oldStr() ([]byte, bool) {
	start := c.i
	c.i++
	for c.i < len(c.src) {
		switch b := c.src[c.i]; {
		case b == '"':
			c.i++
			s := c.src[start:c.i]
			body := s[1 : len(s)-1]
			return s, utf8.Valid(body) && !bytes.Contains(body, oldLineSep) && !bytes.Contains(body, oldParaSep)
		case b == '\\' || b < 0x20:
			return nil, false
		}
		c.i++
	}
	return nil, false
}

// U+2028 and U+2029, which encoding/json always escapes
var oldLineSep, oldParaSep = []byte("\u2028"), []byte("\u2029")

type oldMember struct {
	key, value []byte // key quoted
}

func (c *oldCanonWriter) object(buf *bytes.Buffer) bool {
	c.i++ // {
	var ms []oldMember
	for {
		c.space()
		if c.i < len(c.src) && c.src[c.i] == '}' && len(ms) == 0 {
			c.i++
			break
		}
		if c.i >= len(c.src) || c.src[c.i] != '"' {
			return false
		}
		key, ok := c.oldStr()
		if !ok {
			return false
		}
		c.space()
		if c.i >= len(c.src) || c.src[c.i] != ':' {
			return false
		}
		c.i++
		var v bytes.Buffer
		if !c.value(&v) {
			return false
		}
		ms = append(ms, oldMember{key, v.Bytes()})
		c.space()
		if c.i >= len(c.src) {
			return false
		}
		if c.src[c.i] == '}' {
			c.i++
			break
		}
		if c.src[c.i] != ',' {
			return false
		}
		c.i++
	}
	// as encoding/json sorts a map's keys: by the key itself, which for a plain key is what is quoted
	slices.SortFunc(ms, func(a, b oldMember) int {
		return bytes.Compare(a.key[1:len(a.key)-1], b.key[1:len(b.key)-1])
	})
	buf.WriteByte('{')
	for j, m := range ms {
		if j > 0 {
			if bytes.Equal(m.key, ms[j-1].key) {
				return false // a repeated key: decoding keeps the last one, left to the generic way
			}
			buf.WriteByte(',')
		}
		buf.Write(m.key)
		buf.WriteByte(':')
		buf.Write(m.value)
	}
	buf.WriteByte('}')
	return true
}

func (c *oldCanonWriter) array(buf *bytes.Buffer) bool {
	c.i++ // [
	buf.WriteByte('[')
	c.space()
	if c.i < len(c.src) && c.src[c.i] == ']' {
		c.i++
		buf.WriteByte(']')
		return true
	}
	for n := 0; ; n++ {
		if n > 0 {
			buf.WriteByte(',')
		}
		if !c.value(buf) {
			return false
		}
		c.space()
		if c.i >= len(c.src) {
			return false
		}
		if c.src[c.i] == ']' {
			c.i++
			buf.WriteByte(']')
			return true
		}
		if c.src[c.i] != ',' {
			return false
		}
		c.i++
	}
}

// oldFingerprint is domain.Fingerprint as it was: the whole event through encoding/json.
func oldFingerprint(e domain.Event) string {
	e.RecordTime, e.Platform, e.TxID, e.ContentHash, e.Yield, e.ExternalInputs, e.Block, e.Conservation = "", "", "", "", 0, nil, 0, ""
	if e.Private != nil {
		e.PrivateHash = domain.PrivateHash(*e.Private)
		e.Private = nil
	}
	b, _ := json.Marshal(e)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// The oracle's benchmarks, beside BenchmarkDecode and BenchmarkProject: the rewrite's gain, A/B
// in one process.
func BenchmarkDecodeOracle(b *testing.B) {
	doc := benchDoc(1000)
	cpu := cpuTime()
	for b.Loop() {
		if _, err := oldDecode(doc, domain.Party{Enterprise: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	reportPerEvent(b, cpu, 1000)
}

func BenchmarkProjectOracle(b *testing.B) {
	evs, err := oldDecode(benchDoc(1), domain.Party{Enterprise: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	cpu := cpuTime()
	for b.Loop() {
		if _, err := oldProject(evs[0].EPCIS, evs[0].Actor); err != nil {
			b.Fatal(err)
		}
	}
	reportPerEvent(b, cpu, 1)
}
