package domain

import "strings"

// DeclareError declares an earlier event erroneous (EPCIS 2.0 errorDeclaration): the platform that
// recorded it says it should not have happened. The ledger then treats the declared event as void
// for conservation and custody; both events stay on the ledger.
const DeclareError EventType = "declare-error"

// ErrorDeclaration is the payload of a declare-error event, with EPCIS's fields.
type ErrorDeclaration struct {
	Event              string   `json:"declaredEvent"`                // the erroneous event's ID
	Reason             string   `json:"reason"`                       // e.g. incorrect_data, did_not_occur (CBV error reasons) or free text
	CorrectiveEventIDs []string `json:"correctiveEventIDs,omitempty"` // events recorded to replace it, if any
}

func validDeclaration(e *Event) error {
	d := e.Declaration
	if d == nil || d.Event == "" || !eventIDRe.MatchString(d.Event) {
		return Invalid("/errorDeclaration/declaredEvent", "declare-error needs the ID of the event declared erroneous")
	}
	if strings.TrimSpace(d.Reason) == "" {
		return Invalid("/errorDeclaration/reason", "an error declaration needs a reason")
	}
	for i, id := range d.CorrectiveEventIDs {
		if !eventIDRe.MatchString(id) {
			return Invalid("/errorDeclaration/correctiveEventIDs/"+itoa(i), "not an event ID: %q", id)
		}
	}
	if len(e.Batches)+len(e.Inputs)+len(e.Outputs) > 0 {
		return Invalid("/batches", "the ledger takes the batches from the declared event")
	}
	return nil
}
