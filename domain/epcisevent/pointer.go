package epcisevent

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/agritrace/agritrace/domain"
)

// MemberPointer is where in a captured EPCIS event (raw, as kept in domain.Event.EPCIS) the
// member lies that a refusal of its projection names: the rules and the validation speak of the
// projection (/inputs/1/quantity), while the platform sent the EPCIS event
// (/inputQuantityList/0/quantity). "" when no member of the event answers to it: the event itself.
//
// Refusals are rare, so the event is read the generic way; the lists are laid out in the order
// decodeEvent projects them (EPCs, then quantities; a parentID first), which
// TestMemberPointerFindsTheProjectedValue holds it to.
func MemberPointer(raw json.RawMessage, native string) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || native == "" {
		return ""
	}
	field, rest, _ := strings.Cut(strings.TrimPrefix(native, "/"), "/")
	switch field {
	case "epcis":
		// a refusal of the EPCIS event itself (Project's, on endorsement) already names its member
		if rest == "" {
			return ""
		}
		return "/" + rest
	case "id":
		return "/eventID"
	case "eventTime", "type", "bizStep":
		return "/" + field
	case "errorDeclaration":
		return "/errorDeclaration"
	case "to":
		return "/destinationList"
	case "location":
		for _, k := range []string{"bizLocation", "readPoint"} {
			if _, ok := m[k]; ok {
				return "/" + k
			}
		}
		return ""
	case "inputs", "outputs", "batches":
		i, sub, _ := strings.Cut(rest, "/")
		n, err := strconv.Atoi(i)
		if err != nil {
			return ""
		}
		lists := projectedLists(m)[field]
		if n < 0 || n >= len(lists) {
			return ""
		}
		return lists[n].pointer(sub)
	}
	return ""
}

// listed is one projected batch: the member it came from.
type listed struct {
	list  string // the EPCIS list (or parentID)
	index int    // its place there (-1 for parentID)
	qty   bool   // from a quantity list: {epcClass, quantity, uom}
}

// pointer is the member's pointer, down to the element's field for what a refusal names of it
// (an EPC stands for its batch and its quantity alike).
func (l listed) pointer(sub string) string {
	if l.index < 0 {
		return "/" + l.list
	}
	p := "/" + l.list + "/" + strconv.Itoa(l.index)
	if !l.qty {
		return p
	}
	switch field, _, _ := strings.Cut(sub, "/"); field {
	case "quantity":
		if strings.HasSuffix(sub, "/unit") {
			return p + "/uom"
		}
		return p + "/quantity"
	case "batch", "product":
		return p + "/epcClass"
	}
	return p
}

// projectedLists are the members behind the projection's inputs, outputs and batches, in order.
func projectedLists(m map[string]json.RawMessage) map[string][]listed {
	str := func(k string) string {
		var s string
		_ = json.Unmarshal(m[k], &s)
		return s
	}
	of := func(keys ...string) []listed {
		var out []listed
		for _, k := range keys {
			var items []json.RawMessage
			_ = json.Unmarshal(m[k], &items)
			for j := range items {
				out = append(out, listed{list: k, index: j, qty: strings.HasSuffix(strings.ToLower(k), "quantitylist")})
			}
		}
		return out
	}
	if _, declared := m["errorDeclaration"]; declared {
		return nil // a declaration names the declared event's batches, not its own members
	}
	typ := str("type")
	if typ == "" {
		typ = str("isA")
	}
	switch typ {
	case "TransformationEvent":
		return map[string][]listed{"inputs": of("inputEPCList", "inputQuantityList"), "outputs": of("outputEPCList", "outputQuantityList")}
	case "AggregationEvent", "AssociationEvent":
		var parts []listed
		if str("parentID") != "" {
			parts = append(parts, listed{list: "parentID", index: -1})
		}
		return map[string][]listed{"batches": append(parts, of("childEPCs", "childQuantityList")...)}
	}
	rs := of("epcList", "quantityList")
	if t, ok := domain.MapEPCIS(typ, str("action"), shortName(str("bizStep"), "bizstep")); ok && t == domain.Produce {
		return map[string][]listed{"outputs": rs}
	}
	return map[string][]listed{"batches": rs}
}
