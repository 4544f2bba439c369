package domain

import (
	"encoding/json"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Limits of the text an event carries. Names are one line; free text (a recall reason, contract
// terms, attribute values) may span lines. Both refuse control characters and bidirectional
// formatting characters: an invisible U+202E in a producer's name makes a page show a different
// name from the one stored, which is the spoofing a trace record exists to prevent.
const (
	MaxNameRunes      = 200  // names, codes, units, certificate and inspection fields
	MaxTextRunes      = 2000 // documented multi-line fields: reason, private.contractTerms
	MaxAttributeRunes = 1000 // one attribute value (free text)
	MaxAttributes     = 100
	MaxDocuments      = 50
	MaxURIBytes       = 2048
	MaxExtensionBytes = 16 << 10 // EPCIS vendor fields kept as sent
	MaxListItems      = 1000     // batches, inputs or outputs of one event
)

// textKind is how a field may be written.
type textKind int

const (
	oneLine   textKind = iota // no control characters at all
	multiLine                 // tab, CR and LF allowed
)

// checkText refuses invalid UTF-8, control, line-separator and bidi formatting characters, and
// overlong values. pointer names the field in the refusal.
func checkText(s, pointer string, kind textKind, maxRunes int) error {
	if !utf8.ValidString(s) {
		return Invalid(pointer, "not valid UTF-8")
	}
	n := 0
	for i, r := range s {
		n++
		switch {
		case kind == multiLine && (r == '\n' || r == '\r' || r == '\t'):
		case unicode.Is(unicode.Cc, r), r == '\u2028', r == '\u2029':
			return Refuse(400, "text", pointer, "control character U+%04X at byte %d; this field is %s", r, i, kind)
		case unicode.Is(unicode.Bidi_Control, r):
			return Refuse(400, "text", pointer, "bidirectional formatting character U+%04X at byte %d is not allowed (it makes displayed text differ from stored text)", r, i)
		}
	}
	if n > maxRunes {
		return Refuse(400, "field-length", pointer, "%d characters; at most %d", n, maxRunes)
	}
	return nil
}

func (k textKind) String() string {
	if k == multiLine {
		return "multi-line text (tab, CR and LF allowed)"
	}
	return "a single line"
}

// checkEventText applies the text rules to every caller-written string of e.
func checkEventText(e *Event) error {
	type field struct {
		v, pointer string
	}
	names := []field{{e.BizStep, "/bizStep"}}
	party := func(p *Party, ptr string) {
		if p != nil {
			names = append(names, field{p.Enterprise, ptr + "/enterprise"}, field{p.Name, ptr + "/name"}, field{p.Platform, ptr + "/platform"})
		}
	}
	party(&e.Actor, "/actor")
	party(e.To, "/to")
	if l := e.Location; l != nil {
		names = append(names, field{l.ID, "/location/id"}, field{l.Name, "/location/name"})
	}
	qty := func(q *Quantity, ptr string) {
		for q != nil {
			names = append(names, field{q.Unit, ptr + "/unit"})
			q, ptr = q.NetContent, ptr+"/netContent"
		}
	}
	if len(e.Batches) > MaxListItems {
		return Refuse(400, "field-length", "/batches", "%d batches in one event; at most %d", len(e.Batches), MaxListItems)
	}
	if len(e.Inputs) > MaxListItems || len(e.Outputs) > MaxListItems {
		return Refuse(400, "field-length", "/outputs", "%d inputs and %d outputs in one event; at most %d each", len(e.Inputs), len(e.Outputs), MaxListItems)
	}
	for i := range e.Inputs {
		qty(e.Inputs[i].Quantity, fmt.Sprintf("/inputs/%d/quantity", i))
	}
	for i := range e.Outputs {
		o := &e.Outputs[i]
		p := fmt.Sprintf("/outputs/%d", i)
		names = append(names, field{o.Product.Name, p + "/product/name"}, field{o.Product.Code, p + "/product/code"},
			field{o.Product.Variety, p + "/product/variety"}, field{o.Product.Grade, p + "/product/grade"})
		qty(&o.Quantity, p+"/quantity")
		if o.Origin != nil {
			names = append(names, field{o.Origin.Plot, p + "/origin/plot"}, field{o.Origin.Producer, p + "/origin/producer"})
		}
	}
	qty(e.Loss, "/loss")
	if in := e.Inspection; in != nil {
		names = append(names, field{in.Item, "/inspection/item"}, field{in.Unit, "/inspection/unit"}, field{in.Result, "/inspection/result"},
			field{in.Standard, "/inspection/standard"}, field{in.Lab, "/inspection/lab"})
	}
	if c := e.Certificate; c != nil {
		names = append(names, field{c.ID, "/certificate/id"}, field{c.Type, "/certificate/type"}, field{c.Issuer, "/certificate/issuer"},
			field{c.ValidUntil, "/certificate/validUntil"})
	}
	if d := e.Declaration; d != nil {
		if err := checkText(d.Reason, "/errorDeclaration/reason", multiLine, MaxTextRunes); err != nil {
			return err
		}
	}
	if r := e.Registration; r != nil {
		if en := r.Enterprise; en != nil {
			names = append(names, field{en.ID, "/registration/enterprise/id"}, field{en.Name, "/registration/enterprise/name"})
		}
		if b := r.Body; b != nil {
			names = append(names, field{b.ID, "/registration/body/id"}, field{b.Name, "/registration/body/name"})
		}
	}
	if len(e.Documents) > MaxDocuments {
		return Refuse(400, "field-length", "/documents", "%d documents; at most %d (put a list in one document)", len(e.Documents), MaxDocuments)
	}
	for i, d := range e.Documents {
		names = append(names, field{d.Name, fmt.Sprintf("/documents/%d/name", i)})
		if err := checkText(d.URI, fmt.Sprintf("/documents/%d/uri", i), oneLine, MaxURIBytes); err != nil {
			return err
		}
		if len(d.URI) > MaxURIBytes {
			return Refuse(400, "field-length", fmt.Sprintf("/documents/%d/uri", i), "%d bytes; at most %d", len(d.URI), MaxURIBytes)
		}
	}
	if p := e.Private; p != nil {
		names = append(names, field{p.Currency, "/private/currency"})
		if err := checkText(p.ContractTerms, "/private/contractTerms", multiLine, MaxTextRunes); err != nil {
			return err
		}
	}
	for _, f := range names {
		if err := checkText(f.v, f.pointer, oneLine, MaxNameRunes); err != nil {
			return err
		}
	}
	if err := checkText(e.Reason, "/reason", multiLine, MaxTextRunes); err != nil {
		return err
	}
	if len(e.Attributes) > MaxAttributes {
		return Refuse(400, "field-length", "/attributes", "%d attributes; at most %d", len(e.Attributes), MaxAttributes)
	}
	for k, v := range e.Attributes {
		ptr := "/attributes/" + escapePointer(k)
		if err := checkText(k, ptr, oneLine, 100); err != nil {
			return err
		}
		if err := checkValue(v, ptr, 0); err != nil {
			return err
		}
	}
	if len(e.Extensions) > 0 {
		if len(e.Extensions) > MaxExtensionBytes {
			return Refuse(413, "field-length", "/extensions", "%d bytes of vendor extensions; at most %d", len(e.Extensions), MaxExtensionBytes)
		}
		var v any
		if err := json.Unmarshal(e.Extensions, &v); err != nil {
			return Invalid("/extensions", "extensions must be JSON: %v", err)
		}
		if err := checkValue(v, "/extensions", 0); err != nil {
			return err
		}
	}
	return nil
}

// checkValue applies the free-text rule to every string inside an attribute or extension value.
func checkValue(v any, ptr string, depth int) error {
	if depth > 16 {
		return Invalid(ptr, "nested deeper than 16 levels")
	}
	switch x := v.(type) {
	case string:
		return checkText(x, ptr, multiLine, MaxAttributeRunes)
	case []any:
		for i, y := range x {
			if err := checkValue(y, fmt.Sprintf("%s/%d", ptr, i), depth+1); err != nil {
				return err
			}
		}
	case map[string]any:
		for k, y := range x {
			p := ptr + "/" + escapePointer(k)
			if err := checkText(k, p, oneLine, MaxNameRunes); err != nil {
				return err
			}
			if err := checkValue(y, p, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// escapePointer escapes a member name as an RFC 6901 reference token.
func escapePointer(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '~':
			out = append(out, '~', '0')
		case '/':
			out = append(out, '~', '1')
		default:
			out = append(out, s[i])
		}
	}
	return string(out)
}
