package gateway

import (
	"strconv"
	"strings"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
)

// eventIn gives the JSON pointer of the i-th event of a capture body whose events are the array
// at list (epcisevent.DocumentList or QueryList).
func eventIn(list string) func(i int) string {
	return func(i int) string { return list + "/" + strconv.Itoa(i) }
}

// underEvent puts a refusal of event e where the platform sent e: the rules and the validation
// point into the event's native form (/events/3/inputs/0/quantity); e was sent as an EPCIS event,
// under at (/epcisBody/eventList/3), whose member is another (/inputQuantityList/0/quantity).
// sent is the native prefix the pointers carry ("/events/3", or "" for the event's own fields).
func (p *Problem) underEvent(at string, e domain.Event, sent string) {
	move := func(ptr string) string {
		rest, ok := strings.CutPrefix(ptr, sent)
		if !ok || (rest != "" && rest[0] != '/') {
			return ptr // about something else (another event, the request)
		}
		if len(e.EPCIS) == 0 {
			return at + rest
		}
		return at + epcisevent.MemberPointer(e.EPCIS, rest)
	}
	if p.Pointer != "" {
		p.Pointer = move(p.Pointer)
	}
	for k := range p.Errors {
		p.Errors[k].Pointer = move(p.Errors[k].Pointer)
	}
}

// underEvents puts each refusal among the results of a capture's events, pointed into the native
// request the gateway made of them (/events/i/…), where the platform sent its event: under at(i).
func underEvents(results []EventResult, events []domain.Event, at func(int) string) {
	for i := range results {
		if p := results[i].Problem; p != nil {
			p.underEvent(at(i), events[i], "/events/"+strconv.Itoa(i))
		}
	}
}
