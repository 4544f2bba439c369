package gateway

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// answerOK is what every fuzz target asserts: never a 5xx, and every refusal problem+json.
func answerOK(t *testing.T, r response, what string) {
	t.Helper()
	if r.status >= 500 {
		t.Fatalf("%d for %s: %s", r.status, what, r.body)
	}
	// a page answers a browser in HTML; the API and the EPCIS binding answer problems
	page := !strings.HasPrefix(what, "/v1/") && !strings.HasPrefix(what, "/epcis/") && strings.HasPrefix(r.ctype, "text/html")
	if r.status >= 400 && r.ctype != "application/problem+json" && !page {
		t.Fatalf("%d with %q for %s", r.status, r.ctype, what)
	}
}

// FuzzEPCISCapture feeds arbitrary documents to EPCIS capture.
func FuzzEPCISCapture(f *testing.F) {
	for _, c := range hostileCases(f) {
		if strings.HasPrefix(c.path, "/v1/epcis/") && len(c.body) < 64<<10 {
			f.Add(c.body)
		}
	}
	f.Add(`{"type":"EPCISDocument","schemaVersion":"2.0","epcisBody":{"eventList":[{"type":"ObjectEvent","epcList":["urn:epc:id:sgtin:6901234.010003.` + "\u202e" + `"]}]}}`)
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, body string) {
		e := *e
		e.t = t
		answerOK(t, e.do("POST", "/v1/epcis/capture", e.keys["hlj"], "application/ld+json", strings.NewReader(body)), "EPCIS "+body)
	})
}

// FuzzCustodyAction feeds arbitrary batch identifiers and bodies to offer, accept and recall.
func FuzzCustodyAction(f *testing.F) {
	for _, c := range hostileCases(f) {
		if c.method == "POST" && strings.HasPrefix(c.path, "/v1/batches/") {
			parts := strings.Split(strings.TrimPrefix(c.path, "/v1/batches/"), "/")
			f.Add(uint8(len(c.body)%3), parts[0], c.body)
		}
	}
	f.Add(uint8(2), "https://id.gs1.org/01/06901234100037/10/A", `{"reason":"a\nb"}`)
	f.Add(uint8(0), "LOT-F", `{"to":{"enterprise":"S","platform":"HenanMSP"},"to":{}}`)
	e := newEnv(f)
	e.post("/v1/events", "hlj", harvest("fz-1", "LOT-F", 10))
	f.Fuzz(func(t *testing.T, which uint8, id, body string) {
		e := *e
		e.t = t
		action, org := [...]string{"offer", "accept", "recall"}[which%3], [...]string{"hlj", "ha", "reg"}[which%3]
		path := "/v1/batches/" + url.PathEscape(id) + "/" + action
		answerOK(t, e.do("POST", path, e.keys[org], "application/json", strings.NewReader(body)), path+" "+body)
	})
}

// FuzzQueryString feeds arbitrary raw query strings to every search, export and walk route.
func FuzzQueryString(f *testing.F) {
	routes := []string{"/v1/batches", "/v1/events", "/v1/export/batches.csv", "/v1/export/epcis", "/v1/stats",
		"/v1/batches/LOT-Q/trail", "/v1/batches/LOT-Q/lineage", "/v1/batches/LOT-Q/impact", "/01/06901234100037/10/LOT"}
	for _, c := range hostileCases(f) {
		if c.method == "GET" {
			if _, q, ok := strings.Cut(c.path, "?"); ok {
				f.Add(uint8(0), q)
			}
		}
	}
	f.Add(uint8(1), "product=%25%5F&product=%00&page_size=1")
	f.Add(uint8(3), "cursor="+strings.Repeat("%FF", 100))
	f.Add(uint8(7), "depth=1&limit=1&direction=up&depth=50")
	e := newEnv(f)
	e.post("/v1/events", "hlj", harvest("fq-1", "LOT-Q", 10))
	f.Fuzz(func(t *testing.T, route uint8, query string) {
		e := *e
		e.t = t
		path := routes[int(route)%len(routes)] + "?" + query
		if _, err := url.Parse(e.ts.URL + path); err != nil || !onTheWire(query) {
			return // not a request line a client can send: net/http itself answers 400 text/plain
		}
		answerOK(t, e.do("GET", path, e.keys["reg"], "", nil), path)
	})
}

// onTheWire reports whether s can stand in an HTTP/1.1 request target as sent (RFC 9112: visible
// ASCII only); anything else is refused by net/http's own request-line parser before any handler.
func onTheWire(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// FuzzEPCISQuery feeds arbitrary query strings and GS1-EPC-Format values to the standard binding's
// query routes, over a ledger holding captured and native events.
func FuzzEPCISQuery(f *testing.F) {
	routes := []string{"/epcis/events", "/epcis/eventTypes/ObjectEvent/events", "/epcis/bizSteps/commissioning/events",
		"/epcis/epcs/" + url.PathEscape("https://id.gs1.org/01/06901234100037/10/LOT-E") + "/events",
		"/epcis/bizLocations", "/epcis/readPoints", "/epcis/dispositions", "/epcis/epcs", "/epcis/queries"}
	seeds := []string{"EQ_bizStep=commissioning&perPage=1", "GE_eventTime=2026-01-01T00:00:00Z&LT_eventTime=2027-01-01T00:00:00.5%2B08:00",
		"MATCH_anyEPC=urn:epc:class:lgtin:6901234.10003.*&orderBy=eventTime&orderDirection=DESC",
		"eventCountLimit=1&perPage=1", "maxEventCount=0", "nextPageToken=" + strings.Repeat("A", 80), "EQ_quantity=10&GT_quantity=x",
		"EXISTS_errorDeclaration=&WD_bizLocation=https://id.gs1.org/414/6901234000016", "eventType=ObjectEvent&eventType=Nonsense",
		"EQ_INNER_sensorElementList.sensorReport.type=gs1:Temperature&GE_INNER_sensorElementList.sensorReport.value=-5"}
	formats := []string{"", "Always_EPC_URN", "Always_GS1_Digital_Link", "Never_Translates", "No_Preference", "always_epc_urn", "\t"}
	for i, q := range seeds {
		f.Add(uint8(i), q, formats[i%len(formats)])
	}
	e := newEnv(f)
	if r := e.post("/v1/events", "hlj", harvest("fq-epcis-1", "https://id.gs1.org/01/06901234100037/10/LOT-E", 10)); r.status >= 300 {
		f.Fatalf("harvest: %d %s", r.status, r.body)
	}
	if r := e.postEvent("hlj", map[string]any{"type": "ObjectEvent", "eventID": "urn:uuid:fq-epcis-2", "action": "ADD", "bizStep": "commissioning",
		"eventTime": "2026-10-01T08:00:00+08:00", "eventTimeZoneOffset": "+08:00",
		"quantityList": []any{map[string]any{"epcClass": "urn:epc:class:lgtin:6901234.100037.LOT-F", "quantity": 5, "uom": "KGM"}},
		"bizLocation":  map[string]any{"id": "urn:epc:id:sgln:6901234.00001.0"}}); r.status != 201 {
		f.Fatalf("capture: %d %s", r.status, r.body)
	}
	f.Fuzz(func(t *testing.T, route uint8, query, format string) {
		e := *e
		e.t = t
		path := routes[int(route)%len(routes)] + "?" + query
		if _, err := url.Parse(e.ts.URL + path); err != nil || !onTheWire(query) || !onTheWire(strings.ReplaceAll(format, " ", "")) {
			return // not a request a client can send: net/http itself answers or refuses to send it
		}
		what := path + " GS1-EPC-Format: " + format
		answerOK(t, e.doWith("GET", path, e.keys["reg"], map[string]string{"GS1-EPC-Format": format}, nil), what)
	})
}

// FuzzEPCISWrites feeds arbitrary bodies to the binding's writing routes: one event captured on its
// own, a named query defined, a capture document queued. (Subscriptions are left out: a body the
// fuzzer makes valid would send webhooks off the machine.)
func FuzzEPCISWrites(f *testing.F) {
	routes := []string{"/epcis/events", "/epcis/queries", "/epcis/capture"}
	context, events := allTypesInContext(f)
	for _, ev := range events {
		b, _ := json.Marshal(ev)
		f.Add(uint8(0), string(b))
	}
	f.Add(uint8(1), `{"name":"shipped","query":{"EQ_bizStep":["shipping"],"GE_eventTime":"2026-01-01T00:00:00Z","perPage":5}}`)
	f.Add(uint8(1), `{"name":"n\u0000","query":{"MATCH_anyEPC":["urn:epc:id:sgtin:6901234.010003.*"],"eventCountLimit":"1"}}`)
	// a document of one event: the fuzzer minimizes every new input it finds, request by request,
	// and the whole test document made that most of its time
	small, _ := json.Marshal(map[string]any{"@context": context, "type": "EPCISDocument", "schemaVersion": "2.0",
		"creationDate": "2026-10-01T08:00:00Z", "epcisBody": map[string]any{"eventList": events[:1]}})
	f.Add(uint8(2), string(small))
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, route uint8, body string) {
		e := *e
		e.t = t
		path := routes[int(route)%len(routes)]
		answerOK(t, e.do("POST", path, e.keys["hlj"], "application/ld+json", strings.NewReader(body)), path+" "+body)
	})
}
