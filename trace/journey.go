package trace

import (
	"strings"

	"github.com/agritrace/agritrace/domain"
)

// journeyTypes are the records that make a step of 产购储加销. Hand-overs, transport and other
// observations are internal logistics: kept in the ledger proof, folded out of the journey.
var journeyTypes = map[domain.EventType]bool{
	domain.Produce: true, domain.Purchase: true, domain.Store: true, domain.Process: true,
	domain.Split: true, domain.Merge: true, domain.Aggregate: true, domain.Sell: true,
}

// journey merges the records into at most one step per stage and place in a row: the granary's
// intake and its later check are one 储 step, milling and packing at the mill one 加 step, three
// farms' harvests of a day one 产 step. Shelving in a shop right before its sale is part of the sale.
func journey(events []domain.Event, steps []PublicStep, lang string) ([]JourneyStep, int) {
	var out []JourneyStep
	var lastPlace, lastDay string
	var lastType domain.EventType
	folded := 0
	for i, e := range events {
		if !journeyTypes[e.Type] || shelving(events, i) || steps[i].DeclaredErroneous != "" {
			folded++
			continue
		}
		place := ""
		if e.Location != nil {
			place = e.Location.Name
		}
		stage := e.Type.Stage()
		s := steps[i]
		d := day(e.EventTime)
		if n := len(out); n > 0 && out[n-1].Stage == stage && (place == lastPlace || (e.Type == lastType && d == lastDay)) {
			j := &out[n-1]
			if d != j.first {
				j.Date = j.first + " – " + d
			}
			j.Actors = appendNew(j.Actors, s.Actor)
			if place != "" {
				j.Places = appendNew(j.Places, placeLine(s))
			}
			if s.Summary != "" {
				j.Lines = appendNew(j.Lines, s.Summary)
			}
			j.Details = append(j.Details, s.Details...)
			j.Events = append(j.Events, e.ID)
			j.types = appendNew(j.types, s.TypeLabel)
		} else {
			j := JourneyStep{Stage: stage, Date: d, Actors: []string{s.Actor}, Events: []string{e.ID}, Details: s.Details, first: d, types: []string{s.TypeLabel}}
			if place != "" {
				j.Places = []string{placeLine(s)}
			}
			if s.Summary != "" {
				j.Lines = []string{s.Summary}
			}
			out = append(out, j)
		}
		lastPlace, lastDay, lastType = place, d, e.Type
	}
	for i := range out {
		out[i].Title = stepTitle(out[i], lang)
	}
	return out, folded
}

// stepTitle names a step by its stage and what happened in it: "加 · 加工、分装", "Processing · Packing".
func stepTitle(j JourneyStep, lang string) string {
	if lang == "en" {
		return strings.Join(j.types, " · ")
	}
	return stageLabels[j.Stage][0] + " · " + strings.Join(j.types, "、")
}

func placeLine(s PublicStep) string {
	if s.Region != "" && !strings.Contains(s.Place, s.Region) {
		return s.Place + " · " + s.Region
	}
	return s.Place
}

// shelving reports a store record at a place whose next journey record is a sale there.
func shelving(events []domain.Event, i int) bool {
	e := events[i]
	if e.Type != domain.Store || e.Location == nil {
		return false
	}
	for _, n := range events[i+1:] {
		if !journeyTypes[n.Type] {
			continue
		}
		return n.Type == domain.Sell && n.Location != nil && n.Location.Name == e.Location.Name
	}
	return false
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

func inJourney(j []JourneyStep, event string) bool {
	for _, s := range j {
		for _, e := range s.Events {
			if e == event {
				return true
			}
		}
	}
	return false
}

// icon names the symbol of a record: each stage its own, and transport, inspection,
// certification, recall and hand-over each a distinct one.
func icon(t domain.EventType) string {
	switch t {
	case domain.Transport:
		return "transport"
	case domain.Inspect:
		return "inspect"
	case domain.Certify, domain.Revoke, domain.Suspend, domain.Reinstate:
		return "certify"
	case domain.Recall:
		return "recall"
	case domain.Offer, domain.Accept, domain.Reject, domain.Cancel:
		return "handover"
	case domain.Observe, domain.Register, domain.DeclareError:
		return "record"
	}
	if s := t.Stage(); s != "around" {
		return s
	}
	return "record"
}
