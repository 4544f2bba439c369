package ledger

import (
	"reflect"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
)

// projectCaptured makes the native fields of a captured event the projection of its EPCIS event,
// the event of record: the rules act on the projection, so it must be the one the event of record
// gives, whoever submitted it. A submission without projection fields but its ID
// (domain.Event.Submission, what the gateway sends) gets them derived here, on every endorsement;
// one that carries them is refused unless they are that projection.
func projectCaptured(e *domain.Event) error {
	if len(e.EPCIS) == 0 {
		return nil
	}
	want, err := epcisevent.Project(e.EPCIS, e.Actor)
	if err != nil {
		return domain.Invalid("/epcis", "the captured EPCIS event does not decode: %v", err)
	}
	if reflect.DeepEqual(e.Projection(), domain.Projection{ID: e.ID}) && (e.ID == "" || e.ID == want.ID) {
		e.SetProjection(want.Projection())
		return nil
	}
	return sameProjection(e, &want)
}

// CheckProjection refuses a captured event whose native fields are not its EPCIS event's
// projection, as the contract does. The gateway checks an event that arrived with both, since what
// it submits (domain.Event.Submission) leaves the native fields to the contract to derive.
func CheckProjection(e domain.Event) error {
	if len(e.EPCIS) == 0 {
		return nil
	}
	want, err := epcisevent.Project(e.EPCIS, e.Actor)
	if err != nil {
		return domain.Invalid("/epcis", "the captured EPCIS event does not decode: %v", err)
	}
	return sameProjection(&e, &want)
}

func sameProjection(e, want *domain.Event) error {
	if !reflect.DeepEqual(e.Projection(), want.Projection()) {
		return domain.Refuse(400, "epcis-projection", "/epcis", "event %s: its native fields are not the projection of its captured EPCIS event", e.ID)
	}
	return nil
}
