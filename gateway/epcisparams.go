package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/agritrace/agritrace/domain/epcisevent"
	"github.com/agritrace/agritrace/readmodel"
)

// EPCIS query parameters of the standard (EPCIS 2.0 §8.2.7.1, as the REST binding names them).
const (
	epcisDefaultPerPage = 30
	epcisMaxPerPage     = 1000
)

// matchRoles maps MATCH_ parameters to the roles of the EPC index.
var matchRoles = map[string][]string{
	"MATCH_epc":            {readmodel.RoleEPC, readmodel.RoleChild},
	"MATCH_parentID":       {readmodel.RoleParent},
	"MATCH_inputEPC":       {readmodel.RoleInput},
	"MATCH_outputEPC":      {readmodel.RoleOutput},
	"MATCH_anyEPC":         {readmodel.RoleEPC, readmodel.RoleChild, readmodel.RoleParent, readmodel.RoleInput, readmodel.RoleOutput},
	"MATCH_epcClass":       {readmodel.RoleClass, readmodel.RoleChildClass},
	"MATCH_inputEPCClass":  {readmodel.RoleInputClass},
	"MATCH_outputEPCClass": {readmodel.RoleOutputClass},
	"MATCH_anyEPCClass":    {readmodel.RoleClass, readmodel.RoleChildClass, readmodel.RoleInputClass, readmodel.RoleOutputClass},
}

var eventTypeNames = map[string]bool{"ObjectEvent": true, "AggregationEvent": true, "TransactionEvent": true,
	"TransformationEvent": true, "AssociationEvent": true}

// ParseEPCISQuery turns query parameters into a query. Unknown parameters are refused (the
// standard's QueryParameterException), never ignored.
func ParseEPCISQuery(v url.Values) (readmodel.EPCISQuery, *Problem) {
	q := readmodel.EPCISQuery{Limit: epcisDefaultPerPage}
	var checks []func(map[string]json.RawMessage) bool
	bad := func(param, format string, a ...any) *Problem {
		return queryParamProblem(param, fmt.Sprintf(format, a...))
	}
	for name, vals := range v {
		val := vals[len(vals)-1]
		list := splitList(val)
		switch {
		case name == "eventType":
			for _, t := range list {
				if !eventTypeNames[t] {
					return q, bad(name, "unknown event type %q (ObjectEvent, AggregationEvent, TransactionEvent, TransformationEvent, AssociationEvent)", t)
				}
			}
			q.EventTypes = list
		case name == "perPage":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > epcisMaxPerPage {
				return q, bad(name, "perPage must be 1 to %d, got %q", epcisMaxPerPage, val)
			}
			q.Limit = n
		case name == "nextPageToken":
			q.Cursor = val
		case name == "eventCountLimit" || name == "maxEventCount":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 {
				return q, bad(name, "%s must be a positive integer, got %q", name, val)
			}
			if name == "eventCountLimit" {
				q.CountLimit = n
			} else {
				q.MaxCount = n
			}
		case name == "orderBy":
			switch val {
			case "eventTime":
				q.ByEventTime = true
			case "recordTime":
			default:
				return q, bad(name, "orderBy is eventTime or recordTime (commit order), got %q", val)
			}
		case name == "orderDirection":
			switch val {
			case "ASC":
			case "DESC":
				q.Desc = true
			default:
				return q, bad(name, "orderDirection is ASC or DESC, got %q", val)
			}
		case name == "GE_eventTime" || name == "LT_eventTime" || name == "GE_recordTime" || name == "LT_recordTime":
			t, err := time.Parse(time.RFC3339Nano, val)
			if err != nil {
				return q, bad(name, "%s must be an RFC 3339 time with a zone, got %q", name, val)
			}
			*map[string]*time.Time{"GE_eventTime": &q.GEEventTime, "LT_eventTime": &q.LTEventTime,
				"GE_recordTime": &q.GERecordTime, "LT_recordTime": &q.LTRecordTime}[name] = t
		case name == "EQ_action":
			q.Actions = list
		case name == "EQ_bizStep":
			q.BizSteps = shortNames(list, "bizstep")
		case name == "EQ_disposition":
			q.Dispositions = shortNames(list, "disp")
		case name == "EQ_readPoint" || name == "WD_readPoint":
			// no location hierarchy is registered, so "with descendants" is the place itself
			q.ReadPoints = indexKeys(list)
		case name == "EQ_bizLocation" || name == "WD_bizLocation":
			q.BizLocations = indexKeys(list)
		case name == "EQ_eventID":
			q.EventIDs = list
		case matchRoles[name] != nil:
			q.EPCs = append(q.EPCs, readmodel.EPCMatch{Roles: matchRoles[name], Values: list})
		case strings.HasPrefix(name, "EXISTS_"):
			field := strings.TrimPrefix(name, "EXISTS_")
			checks = append(checks, func(m map[string]json.RawMessage) bool { _, ok := m[field]; return ok })
		case strings.HasPrefix(name, "EQ_bizTransaction_"), strings.HasPrefix(name, "EQ_source_"), strings.HasPrefix(name, "EQ_destination_"):
			checks = append(checks, typedListCheck(name, list))
		case name == "EQ_errorReason":
			want := shortNames(list, "er")
			checks = append(checks, func(m map[string]json.RawMessage) bool {
				var d struct {
					Reason string `json:"reason"`
				}
				return json.Unmarshal(m["errorDeclaration"], &d) == nil && contains(want, epcisevent.ShortName(d.Reason, "er"))
			})
		case strings.HasPrefix(name, "EQ_"):
			field := strings.TrimPrefix(name, "EQ_")
			checks = append(checks, func(m map[string]json.RawMessage) bool { return contains(list, scalar(m[field])) })
		case strings.HasPrefix(name, "GE_") || strings.HasPrefix(name, "LT_") || strings.HasPrefix(name, "GT_") || strings.HasPrefix(name, "LE_"):
			op, field := name[:2], name[3:]
			bound, err := strconv.ParseFloat(val, 64)
			if err != nil {
				return q, bad(name, "%s compares numbers; %q is not one", name, val)
			}
			checks = append(checks, func(m map[string]json.RawMessage) bool {
				x, err := strconv.ParseFloat(scalar(m[field]), 64)
				if err != nil {
					return false
				}
				return map[string]bool{"GE": x >= bound, "LT": x < bound, "GT": x > bound, "LE": x <= bound}[op]
			})
		default:
			return q, bad(name, "unknown query parameter %q (see /openapi.json)", name)
		}
	}
	if q.CountLimit > 0 && q.MaxCount > 0 {
		// the standard makes them exclusive: one trims the result, the other refuses it
		return q, bad("maxEventCount", "eventCountLimit and maxEventCount cannot be used together: eventCountLimit returns the first N events, maxEventCount refuses a result of more than N")
	}
	if len(checks) > 0 {
		q.Match = func(ev json.RawMessage) bool {
			var m map[string]json.RawMessage
			dec := json.NewDecoder(bytes.NewReader(ev))
			dec.UseNumber()
			if dec.Decode(&m) != nil {
				return false
			}
			for _, c := range checks {
				if !c(m) {
					return false
				}
			}
			return true
		}
	}
	return q, nil
}

// typedListCheck answers EQ_bizTransaction_{type}, EQ_source_{type} and EQ_destination_{type}.
func typedListCheck(name string, want []string) func(map[string]json.RawMessage) bool {
	rest := strings.TrimPrefix(name, "EQ_")
	kind, typ, _ := strings.Cut(rest, "_")
	field, valueKey, vocab := map[string]string{"bizTransaction": "bizTransactionList", "source": "sourceList", "destination": "destinationList"}[kind], kind, map[string]string{"bizTransaction": "btt", "source": "sdt", "destination": "sdt"}[kind]
	return func(m map[string]json.RawMessage) bool {
		var items []map[string]string
		if json.Unmarshal(m[field], &items) != nil {
			return false
		}
		for _, it := range items {
			if epcisevent.ShortName(it["type"], vocab) == typ && contains(want, it[valueKey]) {
				return true
			}
		}
		return false
	}
}

func scalar(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return strings.TrimSpace(string(raw))
}

// splitList splits the binding's alternatives (a|b); commas stay, as URIs such as geo: carry them.
func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, "|") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func shortNames(list []string, kind string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = epcisevent.ShortName(s, kind)
	}
	return out
}

func indexKeys(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = readmodel.IndexKey(s)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// epcisParam finds a standard EPCIS query parameter sent to a native search, which would
// otherwise ignore it and answer as if it had not been asked.
func epcisParam(v url.Values) (string, bool) {
	for name := range v {
		for _, p := range []string{"EQ_", "MATCH_", "GE_", "LT_", "GT_", "LE_", "EXISTS_", "WD_"} {
			if strings.HasPrefix(name, p) {
				return name, true
			}
		}
		if name == "eventType" || name == "nextPageToken" || name == "perPage" || name == "eventCountLimit" || name == "maxEventCount" {
			return name, true
		}
	}
	return "", false
}

// subscriptionLimits refuses a subscription to a query bounding its result: a subscription
// delivers every matching event as it commits, where "the first N" (eventCountLimit) or "no more
// than N" (maxEventCount) of one poll's result has no meaning.
func subscriptionLimits(q readmodel.EPCISQuery) *Problem {
	if q.CountLimit == 0 && q.MaxCount == 0 {
		return nil
	}
	param := "eventCountLimit"
	if q.MaxCount > 0 {
		param = "maxEventCount"
	}
	p := newProblem(http.StatusBadRequest, "subscription-controls", "this query has "+param+
		", which bounds one poll's result; a subscription delivers every matching event as it commits: subscribe to a query without it")
	p.Rule, p.Pointer = "SubscriptionControlsException", "?"+param
	return p
}
