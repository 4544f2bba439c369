package ledger

import (
	"reflect"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
)

// checkProjection refuses an event whose native fields are not the projection of its captured
// EPCIS event: the rules act on the projection, so it must be the one the event of record gives,
// whoever submitted it.
func checkProjection(e *domain.Event) error {
	if len(e.EPCIS) == 0 {
		return nil
	}
	want, err := epcisevent.Project(e.EPCIS, e.Actor)
	if err != nil {
		return domain.Invalid("/epcis", "the captured EPCIS event does not decode: %v", err)
	}
	type projection struct {
		ID, EventTime, BizStep, Reason string
		Type                           domain.EventType
		Location                       *domain.Location
		Batches                        []string
		Inputs                         []domain.Portion
		Outputs                        []domain.Output
		To                             *domain.Party
		Declaration                    *domain.ErrorDeclaration
	}
	of := func(x *domain.Event) projection {
		return projection{x.ID, x.EventTime, x.BizStep, x.Reason, x.Type, x.Location, x.Batches, x.Inputs, x.Outputs, x.To, x.Declaration}
	}
	if !reflect.DeepEqual(of(e), of(&want)) {
		return domain.Refuse(400, "epcis-projection", "/epcis", "event %s: its native fields are not the projection of its captured EPCIS event", e.ID)
	}
	return nil
}
