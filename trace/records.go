package trace

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gs1"
)

// How one record reads: its date, quantities with units after the numbers, public attributes
// and a one-line summary.

func day(ts string) string {
	if t, err := domain.ParseEventTime(ts); err == nil {
		return t.Format("2006-01-02")
	}
	return ts
}

func number(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func quantity(q domain.Quantity, lang string) string {
	u := q.Unit
	if n, ok := unitNames[q.Unit]; ok {
		u = n[idx(lang)]
	}
	s := number(q.Value) + " " + u
	if q.NetContent != nil {
		if lang == "en" {
			s += " of " + quantity(*q.NetContent, lang)
		} else {
			s += "（每" + unitOne[q.Unit][0] + " " + quantity(*q.NetContent, lang) + "）"
		}
	}
	return s
}

func step(e domain.Event, byID map[string]domain.Batch, lang string) PublicStep {
	s := PublicStep{Event: e.ID, Type: string(e.Type), TypeLabel: typeLabel(lang, string(e.Type)), Stage: e.Type.Stage(), Icon: icon(e.Type),
		Time: e.EventTime, Actor: partyName(e.Actor), TxID: e.TxID, Block: e.Block, Inspection: e.Inspection,
		Certificate: e.Certificate, Documents: e.Documents, ContentHash: e.ContentHash}
	if e.Location != nil {
		s.Place = e.Location.Name
		if e.Location.Region != "" {
			s.Region = RegionName(e.Location.Region, lang)
		}
	}
	if e.Declaration != nil {
		s.Summary = e.Declaration.Reason
	} else {
		s.Summary = summary(e, byID, lang)
	}
	s.Details = details(e, lang)
	return s
}

func details(e domain.Event, lang string) []Detail {
	keys := make([]string, 0, len(e.Attributes))
	for k := range e.Attributes {
		if _, ok := publicAttributes[k]; ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []Detail
	for _, k := range keys {
		a := publicAttributes[k]
		v := e.Attributes[k]
		var val string
		switch x := v.(type) {
		case float64:
			val = number(x)
		default:
			val = fmt.Sprint(x)
		}
		if t, ok := attributeValues[val]; ok {
			val = t[idx(lang)]
		}
		label := a.zh
		if lang == "en" {
			label = a.en
		}
		out = append(out, Detail{Key: k, Label: label, Value: val, Unit: a.unit})
	}
	return out
}

// summary says in one line what the event did to which goods; outputs carry their lot code, so
// the two bag lots of one packing run can be told apart.
func summary(e domain.Event, byID map[string]domain.Batch, lang string) string {
	name := func(id string) string {
		if b, ok := byID[id]; ok && b.Product.Name != "" {
			return b.Product.Name
		}
		return id
	}
	open, closeP := "（", "）"
	if lang == "en" {
		open, closeP = " (", ")"
	}
	var ins, outs []string
	count := map[string]int{}
	for _, in := range e.Inputs {
		s := name(in.Batch)
		if in.Quantity != nil {
			s += " " + quantity(*in.Quantity, lang)
		}
		if count[s]++; count[s] == 1 {
			ins = append(ins, s)
		}
	}
	for i, s := range ins {
		if n := count[s]; n > 1 {
			if lang == "en" {
				ins[i] = fmt.Sprintf("%s × %d lots", s, n)
			} else {
				ins[i] = fmt.Sprintf("%s × %d 批", s, n)
			}
		}
	}
	for _, o := range e.Outputs {
		s := o.Product.Name
		if id, err := gs1.Parse(o.Batch); err == nil && id.Kind == gs1.KindLot && (len(e.Outputs) > 1 || e.Type == domain.Split) {
			s += " " + tr(lang, "lot") + " " + id.Lot
		}
		outs = append(outs, s+" "+quantity(o.Quantity, lang))
	}
	sep := "、"
	if lang == "en" {
		sep = "; "
	}
	switch {
	case len(ins) > 0 && len(outs) > 0:
		s := strings.Join(ins, sep) + " → " + strings.Join(outs, sep)
		if e.Yield > 0 {
			s += fmt.Sprintf("%s%s %.0f%%%s", open, tr(lang, "yield"), e.Yield*100, closeP)
		}
		return s
	case len(outs) > 0:
		return strings.Join(outs, sep)
	case e.To != nil && (e.To.Name != "" || e.To.Enterprise != ""):
		return tr(lang, "to") + " " + partyName(*e.To)
	case e.Reason != "":
		return e.Reason
	}
	return ""
}

// QuantityText words a quantity in the page's language (e.g. "1000 袋（每袋 5 千克）").
func QuantityText(q domain.Quantity, lang string) string { return quantity(q, lang) }
