package gateway

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
)

// hostile is one request an attacker or a careless client sends, and the answer it must get.
type hostile struct {
	name    string
	method  string
	path    string
	key     string // org key (hlj, ha, reg), "" for none, or "raw:<key>"
	ctype   string
	body    string
	headers map[string]string
	status  int    // the exact status wanted
	kind    string // problem type suffix wanted ("" = any)
	check   func(t *testing.T, body []byte)
}

// event renders the harvest fixture with changes applied to its JSON form; paths are dotted
// (outputs.0.product.name), so a case states only what it breaks.
func event(changes map[string]any) string {
	b, _ := json.Marshal(harvest("hx", "LOT-HX", 5))
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for path, v := range changes {
		setPath(m, strings.Split(path, "."), v)
	}
	out, _ := json.Marshal(m)
	return string(out)
}

func setPath(node any, path []string, v any) {
	for i, seg := range path {
		last := i == len(path)-1
		switch n := node.(type) {
		case map[string]any:
			if last {
				n[seg] = v
				return
			}
			if n[seg] == nil {
				n[seg] = map[string]any{}
			}
			node = n[seg]
		case []any:
			k, _ := strconv.Atoi(seg)
			if last {
				n[k] = v
				return
			}
			node = n[k]
		}
	}
}

func hostileCases(t testing.TB) []hostile {
	const lot = "/v1/batches/LOT-H"
	const dl = "https://id.gs1.org/01/06901234100037/10/"
	long := func(n int) string { return strings.Repeat("稻", n) }
	bulk := func(n int) string {
		return `{"events":[` + strings.TrimSuffix(strings.Repeat(`{},`, n), ",") + `]}`
	}
	manyAttrs := map[string]any{}
	for i := 0; i < 100; i++ {
		manyAttrs[fmt.Sprintf("k%03d", i)] = strings.Repeat("x", 999)
	}
	tooManyAttrs := map[string]any{}
	for i := 0; i < 101; i++ {
		tooManyAttrs[fmt.Sprintf("k%03d", i)] = "v"
	}
	docs := make([]any, 51)
	for i := range docs {
		docs[i] = map[string]any{"name": "d", "sha256": strings.Repeat("a", 64)}
	}
	epcisDoc, err := os.ReadFile("testdata/epcis/object-events.jsonld")
	if err != nil {
		t.Fatal(err)
	}
	epcis := string(epcisDoc)
	ev := func(changes map[string]any) string { return event(changes) }
	valid := ev(nil)
	post := func(name, body string, status int, kind string) hostile {
		return hostile{name: name, method: "POST", path: "/v1/events", key: "hlj", ctype: "application/json", body: body, status: status, kind: kind}
	}
	get := func(name, path, key string, status int, kind string) hostile {
		return hostile{name: name, method: "GET", path: path, key: key, status: status, kind: kind}
	}
	action := func(name, path, key, body string, status int, kind string) hostile {
		return hostile{name: name, method: "POST", path: path, key: key, ctype: "application/json", body: body, status: status, kind: kind}
	}
	q := url.QueryEscape
	errorsAtLeast := func(n int) func(t *testing.T, b []byte) {
		return func(t *testing.T, b []byte) {
			var p Problem
			_ = json.Unmarshal(b, &p)
			if len(p.Errors) < n {
				t.Errorf("want at least %d errors reported at once, got %d: %s", n, len(p.Errors), b)
			}
		}
	}
	noBatches := func(t *testing.T, b []byte) {
		var r struct{ Batches []any }
		_ = json.Unmarshal(b, &r)
		if len(r.Batches) != 0 {
			t.Errorf("a wildcard-looking term matched %d batches: %s", len(r.Batches), b)
		}
	}
	return []hostile{
		// strict JSON on native ingest
		post("duplicate top-level key", `{"id":"a","id":"b","type":"produce"}`, 400, "duplicate-member"),
		post("duplicate nested key", strings.Replace(valid, `"enterprise":"COOP-1"`, `"enterprise":"COOP-1","enterprise":"COOP-2"`, 1), 400, "duplicate-member"),
		post("duplicate key in attributes", strings.Replace(valid, `"id":"hx"`, `"id":"hx","attributes":{"k":1,"k":2}`, 1), 400, "duplicate-member"),
		post("case-folded id", strings.Replace(valid, `"id":"hx"`, `"ID":"hx"`, 1), 400, "unknown-member"),
		post("case-folded nested name", strings.Replace(valid, `"enterprise"`, `"Enterprise"`, 1), 400, "unknown-member"),
		post("invalid UTF-8 in a value", strings.Replace(valid, "稻谷", "稻\xff谷", 1), 400, "bad-json"),
		post("invalid UTF-8 in a name", strings.Replace(valid, `"id":`, "\"i\xc3d\":", 1), 400, "bad-json"),
		post("lone surrogate escape", strings.Replace(valid, "稻谷", `\ud800`, 1), 400, "bad-json"),
		post("trailing data", valid+` {}`, 400, "bad-json"),
		post("trailing garbage", valid+`x`, 400, "bad-json"),
		post("empty body", ``, 400, "bad-json"),
		post("whitespace body", " \n ", 400, "bad-json"),
		post("array body", `[`+valid+`]`, 400, "bad-json"),
		post("null body", `null`, 400, "bad-json"),
		post("string body", `"event"`, 400, "bad-json"),
		post("BOM before the object", "\ufeff"+valid, 400, "bad-json"),
		post("deep nesting", `{"attributes":`+strings.Repeat(`[`, 20000)+strings.Repeat(`]`, 20000)+`}`, 400, "bad-json"),
		post("number out of range", ev(map[string]any{"outputs.0.quantity.value": json.Number("1e400")}), 400, "wrong-type"),
		post("unknown field", ev(map[string]any{"colour": "red"}), 400, "unknown-member"),
		post("ledger-set field", ev(map[string]any{"txId": "forged"}), 400, "validation"),
		// text rules
		post("BEL in the enterprise name", ev(map[string]any{"actor.name": "合作社\a"}), 400, "text"),
		post("NUL in the product name", ev(map[string]any{"outputs.0.product.name": "稻谷\x00"}), 400, "text"),
		post("U+202E in the producer", ev(map[string]any{"outputs.0.origin.producer": "\u202eCOOP"}), 400, "text"),
		post("U+2066 in a location name", ev(map[string]any{"location": map[string]any{"name": "仓\u2066库"}}), 400, "text"),
		post("LINE SEPARATOR in a name", ev(map[string]any{"actor.name": "合作\u2028社"}), 400, "text"),
		post("newline in a one-line name", ev(map[string]any{"outputs.0.product.name": "稻\n谷"}), 400, "text"),
		post("ESC in an attribute value", ev(map[string]any{"attributes": map[string]any{"note": "\x1b[31mred"}}), 400, "text"),
		post("bidi in an attribute name", ev(map[string]any{"attributes": map[string]any{"k\u202e": "v"}}), 400, "text"),
		post("bidi deep in extensions", ev(map[string]any{"extensions": map[string]any{"a": []any{"\u202d"}}}), 400, "text"),
		post("C1 control in a plot", ev(map[string]any{"outputs.0.origin.plot": "地块\u0085"}), 400, "text"),
		post("multi-line attribute is free text", ev(map[string]any{"id": "ok-multiline", "attributes": map[string]any{"note": "第一行\n第二行"}}), 201, ""),
		// lengths and sizes
		post("product name of 201 characters", ev(map[string]any{"outputs.0.product.name": long(201)}), 400, "field-length"),
		post("product name of 200 characters", ev(map[string]any{"id": "ok-200", "outputs.0.batch": "LOT-200", "outputs.0.product.name": long(200)}), 201, ""),
		post("300 KB product name", ev(map[string]any{"outputs.0.product.name": strings.Repeat("a", 300<<10)}), 400, "field-length"),
		post("101 attributes", ev(map[string]any{"attributes": tooManyAttrs}), 400, "field-length"),
		post("51 documents", ev(map[string]any{"documents": docs}), 400, "field-length"),
		post("100 KB event", ev(map[string]any{"attributes": manyAttrs}), 413, "event-too-large"),
		post("20 KB of extensions", ev(map[string]any{"extensions": map[string]any{"x": strings.Repeat("y", 999), "pad": strings.Repeat("z", 20<<10)}}), 413, "field-length"),
		post("1,001 events", bulk(1001), 413, "bulk-size"),
		post("no events", `{"events":[]}`, 400, "bulk-size"),
		post("events not an array", `{"events":{}}`, 400, "wrong-type"),
		post("body over the limit", `{"reason":"`+strings.Repeat("a", 1<<20)+`"}`, 413, "body-too-large"),
		{name: "text/plain body", method: "POST", path: "/v1/events", key: "hlj", ctype: "text/plain", body: valid, status: 415, kind: "unsupported-media-type"},
		{name: "no content type", method: "POST", path: "/v1/events", key: "hlj", body: valid, status: 415, kind: "unsupported-media-type"},
		// GS1 limits and identifiers
		post("lot of 21 characters", ev(map[string]any{"outputs.0.batch": dl + strings.Repeat("A", 21)}), 400, "validation"),
		post("lot of 3,000 characters", ev(map[string]any{"outputs.0.batch": dl + strings.Repeat("A", 3000)}), 400, "validation"),
		post("lot with a space", ev(map[string]any{"outputs.0.batch": dl + "A%20B"}), 400, "validation"),
		post("lot in Chinese", ev(map[string]any{"outputs.0.batch": dl + url.PathEscape("稻谷一号")}), 400, "validation"),
		post("lot with a NUL", ev(map[string]any{"outputs.0.batch": dl + "A%00"}), 400, "validation"),
		post("serial of 21 characters", ev(map[string]any{"outputs.0.batch": "https://id.gs1.org/01/06901234100037/21/" + strings.Repeat("9", 21)}), 400, "validation"),
		post("URN lot of 21 characters", ev(map[string]any{"outputs.0.batch": "urn:epc:class:lgtin:6901234.010003." + strings.Repeat("L", 21)}), 400, "validation"),
		post("GTIN of 9 digits", ev(map[string]any{"outputs.0.product.gtin": "123456789"}), 400, "validation"),
		post("GTIN with a wrong check digit", ev(map[string]any{"outputs.0.product.gtin": "06901234100038"}), 400, "validation"),
		post("SSCC of 17 digits", ev(map[string]any{"outputs.0.batch": "https://id.gs1.org/00/10690123400000000"}), 400, "validation"),
		post("GLN with a wrong check digit", ev(map[string]any{"location": map[string]any{"id": "https://id.gs1.org/414/6901234000018"}}), 400, "validation"),
		post("local code with a slash-dot path", ev(map[string]any{"outputs.0.batch": "../../etc/passwd"}), 400, "validation"),
		post("local code of 129 characters", ev(map[string]any{"outputs.0.batch": strings.Repeat("A", 129)}), 400, "validation"),
		// dates
		post("harvest in year 9999", ev(map[string]any{"outputs.0.origin.harvestDate": "9999-01-01"}), 400, "date-range"),
		post("harvest in 1989", ev(map[string]any{"outputs.0.origin.harvestDate": "1989-12-31"}), 400, "date-range"),
		post("harvest after the event", ev(map[string]any{"outputs.0.origin.harvestDate": "2026-10-05"}), 400, "date-range"),
		post("harvest date not a date", ev(map[string]any{"outputs.0.origin.harvestDate": "2026-02-30"}), 400, "validation"),
		post("event in year 9999", ev(map[string]any{"eventTime": "9999-01-01T00:00:00Z"}), 400, "validation"),
		post("event in 1900", ev(map[string]any{"eventTime": "1900-01-01T00:00:00Z"}), 400, "validation"),
		post("event time without a zone", ev(map[string]any{"eventTime": "2026-10-01T08:00:00"}), 400, "validation"),
		post("certificate valid until 9999", `{"id":"c9","type":"certify","eventTime":"2026-10-01T08:00:00+08:00","actor":{"enterprise":"LAB"},"batches":["LOT-H"],"certificate":{"id":"C","type":"organic","issuer":"CB-1","validUntil":"9999-12-31"}}`, 400, "date-range"),
		post("certificate valid until garbage", `{"id":"c8","type":"certify","eventTime":"2026-10-01T08:00:00+08:00","actor":{"enterprise":"LAB"},"batches":["LOT-H"],"certificate":{"id":"C","type":"organic","issuer":"CB-1","validUntil":"soon"}}`, 400, "validation"),
		// quantities
		post("negative quantity", ev(map[string]any{"outputs.0.quantity.value": -5}), 400, "validation"),
		post("quantity as a string", ev(map[string]any{"outputs.0.quantity": "5 kg"}), 400, "wrong-type"),
		post("unknown unit", ev(map[string]any{"outputs.0.quantity.unit": "furlong"}), 400, "validation"),
		{name: "every refused field at once", method: "POST", path: "/v1/events", key: "hlj", ctype: "application/json", status: 400,
			body:  ev(map[string]any{"id": "a b", "eventTime": "yesterday", "outputs.0.quantity.value": -1, "outputs.0.product.gtin": "1"}),
			check: errorsAtLeast(4)},
		// EPCIS capture
		{name: "EPCIS: valid document", method: "POST", path: "/v1/epcis/capture", key: "hlj", ctype: "application/ld+json", body: epcis, status: 200},
		{name: "EPCIS: duplicate key deep in the event list", method: "POST", path: "/v1/epcis/capture", key: "hlj", ctype: "application/ld+json",
			body: strings.Replace(epcis, `"action": "ADD",`, `"action": "ADD", "action": "DELETE",`, 1), status: 400, kind: "bad-epcis"},
		{name: "EPCIS: invalid UTF-8", method: "POST", path: "/v1/epcis/capture", key: "hlj", ctype: "application/ld+json",
			body: strings.Replace(epcis, "稻花香2号", "\xff\xfe", 1), status: 400, kind: "bad-epcis"},
		{name: "EPCIS: not a document", method: "POST", path: "/v1/epcis/capture", key: "hlj", ctype: "application/json", body: `{"type":"Nope"}`, status: 400, kind: "bad-epcis"},
		{name: "EPCIS: case-folded type member", method: "POST", path: "/v1/epcis/capture", key: "hlj", ctype: "application/json", body: `{"Type":"EPCISDocument"}`, status: 400, kind: "bad-epcis"},
		{name: "EPCIS: lot of 21 characters", method: "POST", path: "/v1/epcis/capture", key: "hlj", ctype: "application/ld+json",
			body: strings.ReplaceAll(epcis, "RICE2609", "RICE2609"+strings.Repeat("X", 13)), status: 400, kind: "bad-epcis"},
		{name: "EPCIS: bidi in an extension", method: "POST", path: "/v1/epcis/capture", key: "hlj", ctype: "application/ld+json",
			body: strings.Replace(epcis, "稻花香2号", "稻花香\u202e2号", 1), status: 207},
		{name: "EPCIS: trailing data", method: "POST", path: "/v1/epcis/capture", key: "hlj", ctype: "application/ld+json", body: epcis + "[]", status: 400, kind: "bad-epcis"},
		{name: "EPCIS: XML", method: "POST", path: "/v1/epcis/capture", key: "hlj", ctype: "application/xml", body: "<epcis/>", status: 415, kind: "unsupported-media-type"},
		// custody actions and recalls
		action("recall by a platform", lot+"/recall", "hlj", `{"reason":"x"}`, 403, ""),
		action("recall reason with a bidi override", "/v1/batches/LOT-R/recall", "reg", `{"reason":"镉超标\u202e"}`, 400, "text"),
		action("recall reason of 2,001 characters", "/v1/batches/LOT-R/recall", "reg", `{"reason":"`+long(2001)+`"}`, 400, "field-length"),
		action("recall without a reason", "/v1/batches/LOT-R/recall", "reg", `{}`, 400, "validation"),
		action("recall with a duplicate key", "/v1/batches/LOT-R/recall", "reg", `{"reason":"a","reason":"b"}`, 400, "duplicate-member"),
		action("offer with a case-folded member", lot+"/offer", "hlj", `{"To":{"enterprise":"S","platform":"HenanMSP"}}`, 400, "unknown-member"),
		action("offer with an unknown member", lot+"/offer", "hlj", `{"to":{"enterprise":"S","platform":"HenanMSP"},"price":1}`, 400, "unknown-member"),
		action("offer with a control character in the receiver", lot+"/offer", "hlj", `{"to":{"enterprise":"S\u0007","platform":"HenanMSP"}}`, 400, "text"),
		action("accept with invalid UTF-8", lot+"/accept", "ha", "{\"id\":\"\xff\"}", 400, "bad-json"),
		action("recall reason over several lines", "/v1/batches/LOT-R/recall", "reg", `{"id":"rc-ml","reason":"镉超标。\n请停止销售并退回门店。"}`, 201, ""),
		// paths
		get("identifier URL pasted unescaped", "/v1/batches/"+dl+"WC2610-B5A/trail", "hlj", 400, "unescaped-identifier"),
		get("identifier URL pasted unescaped (http)", "/v1/batches/http://id.gs1.org/01/06901234100037/10/X", "hlj", 400, "unescaped-identifier"),
		get("identifier of 50,000 characters", "/v1/batches/"+strings.Repeat("A", 50000), "hlj", 400, "bad-identifier"),
		get("identifier with a NUL", "/v1/batches/A%00B", "hlj", 400, "bad-identifier"),
		get("identifier with invalid UTF-8", "/v1/batches/A%FFB", "hlj", 400, "bad-identifier"),
		get("identifier with a lot of 21 characters", "/v1/batches/"+url.PathEscape(dl+strings.Repeat("A", 21)), "hlj", 400, "bad-identifier"),
		get("event id of 10,000 characters", "/v1/events/"+strings.Repeat("e", 10000), "hlj", 404, "not-found"),
		get("trail depth 0", lot+"/trail?depth=0", "hlj", 400, "bad-parameter"),
		get("trail depth 51", lot+"/trail?depth=51", "hlj", 400, "bad-parameter"),
		get("trail limit not a number", lot+"/trail?limit=ten", "hlj", 400, "bad-parameter"),
		get("lineage direction sideways", lot+"/lineage?direction=sideways", "reg", 400, "bad-parameter"),
		get("impact limit of a huge number", lot+"/impact?limit=99999999999999999999", "reg", 400, "bad-parameter"),
		get("QR of an unknown batch", "/v1/batches/NOPE/qr.png", "", 404, "not-found"),
		get("QR of an over-long lot", "/v1/batches/"+url.PathEscape(dl+strings.Repeat("A", 40))+"/qr.svg", "", 400, "bad-identifier"),
		{name: "resolver with a 9-digit GTIN", method: "GET", path: "/01/123456789/10/A", headers: map[string]string{"Accept": "application/json"}, status: 400},
		{name: "resolver with a lot of 3,000 characters", method: "GET", path: "/01/06901234100037/10/" + strings.Repeat("A", 3000), headers: map[string]string{"Accept": "application/json"}, status: 400},
		{name: "trace of a bidi identifier", method: "GET", path: "/t/" + url.PathEscape("\u202eLOT"), headers: map[string]string{"Accept": "application/json"}, status: 400},
		// queries
		get("search term of 50,000 characters", "/v1/batches?product="+strings.Repeat("a", 50000), "hlj", 400, "bad-parameter"),
		get("event search term of 50,000 characters", "/v1/events?product="+strings.Repeat("a", 50000), "hlj", 400, "bad-parameter"),
		get("enterprise of 50,000 characters", "/v1/batches?enterprise="+strings.Repeat("a", 50000), "hlj", 400, "bad-parameter"),
		get("CSV export with a 50,000-character term", "/v1/export/batches.csv?product="+strings.Repeat("a", 50000), "reg", 400, "bad-parameter"),
		get("EPCIS export with a 50,000-character term", "/v1/export/epcis?product="+strings.Repeat("a", 50000), "reg", 400, "bad-parameter"),
		get("NUL in a search term", "/v1/batches?product=%00", "hlj", 400, "bad-parameter"),
		get("NUL after a search term", "/v1/batches?product=%E7%A8%BB%00", "hlj", 400, "bad-parameter"),
		get("NUL in an enterprise", "/v1/events?enterprise=COOP%00", "hlj", 400, "bad-parameter"),
		get("NUL in the CSV export", "/v1/export/batches.csv?product=%00", "reg", 400, "bad-parameter"),
		get("invalid UTF-8 in a term", "/v1/batches?product=%FF", "hlj", 400, "bad-parameter"),
		get("bidi in a term", "/v1/batches?product="+q("\u202e稻"), "hlj", 400, "bad-parameter"),
		{name: "LIKE wildcards match literally", method: "GET", path: "/v1/batches?product=" + q("%_%"), key: "hlj", status: 200, check: noBatches},
		{name: "backslash matches literally", method: "GET", path: "/v1/batches?product=" + q(`\`), key: "hlj", status: 200, check: noBatches},
		get("region not a code", "/v1/batches?region=abc", "hlj", 400, "bad-parameter"),
		get("stage unknown", "/v1/events?stage=harvest", "hlj", 400, "bad-parameter"),
		get("status unknown", "/v1/batches?status=lost", "hlj", 400, "bad-parameter"),
		get("type unknown", "/v1/events?type=teleport", "hlj", 400, "bad-parameter"),
		get("from not a time", "/v1/events?from=yesterday", "hlj", 400, "bad-parameter"),
		get("to before from", "/v1/events?from=2026-10-02&to=2026-10-01", "hlj", 400, "bad-parameter"),
		get("page_size 0", "/v1/batches?page_size=0", "hlj", 400, "bad-parameter"),
		get("page_size 501", "/v1/batches?page_size=501", "hlj", 400, "bad-parameter"),
		get("page_size negative", "/v1/batches?page_size=-1", "hlj", 400, "bad-parameter"),
		get("cursor not base64", "/v1/batches?cursor=%21%21%21", "hlj", 400, "bad-parameter"),
		get("cursor of 5,000 characters", "/v1/events?cursor="+strings.Repeat("A", 5000), "hlj", 400, "bad-parameter"),
		get("limit instead of page_size", "/v1/batches?limit=5", "hlj", 400, "unknown-parameter"),
		get("unknown parameter", "/v1/events?colour=red", "hlj", 400, "unknown-parameter"),
		get("parameter of another route", "/v1/stats?product=x", "reg", 400, "unknown-parameter"),
		{name: "every bad parameter at once", method: "GET", path: "/v1/batches?region=x&stage=y&status=z&page_size=0&from=soon", key: "hlj", status: 400,
			check: errorsAtLeast(4)},
		get("stats stored_days 0", "/v1/stats?stored_days=0", "reg", 400, "bad-parameter"),
		get("stats from garbage", "/v1/stats?from=%FF", "reg", 400, "bad-parameter"),
		{name: "query parameter on ingest", method: "POST", path: "/v1/events?dryRun=1", key: "hlj", ctype: "application/json", body: valid, status: 400, kind: "unknown-parameter"},
		// authentication, authorization, browsers
		get("no key", "/v1/batches", "", 401, "unauthenticated"),
		get("unknown key", "/v1/batches", "raw:at_guess", 401, "unauthenticated"),
		get("key of 10 KB", "/v1/batches", "raw:at_"+strings.Repeat("k", 10<<10), 401, "unauthenticated"),
		{name: "every unknown parameter at once", method: "GET", path: "/v1/events?limit=1&colour=red&q=x", key: "hlj", status: 400, check: errorsAtLeast(3)},
		get("platform on a regulator route", "/v1/stats", "hlj", 403, "regulator-only"),
		{name: "cross-site POST", method: "POST", path: "/v1/events", key: "hlj", ctype: "application/json", body: valid,
			headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, status: 403, kind: "cross-origin"},
		{name: "foreign Origin POST", method: "POST", path: lot + "/offer", key: "hlj", ctype: "application/json", body: `{}`,
			headers: map[string]string{"Origin": "https://evil.example"}, status: 403, kind: "cross-origin"},
		{name: "cross-site GET is a read", method: "GET", path: "/v1/batches", key: "hlj", headers: map[string]string{"Sec-Fetch-Site": "cross-site"}, status: 200},
		{name: "DELETE a batch", method: "DELETE", path: lot, key: "hlj", status: 405, kind: "method-not-allowed"},
		{name: "PUT an event", method: "PUT", path: "/v1/events", key: "hlj", status: 405, kind: "method-not-allowed"},
		get("unknown route", "/v1/wallet", "hlj", 404, "not-found"),
		get("path traversal", "/v1/../../etc/passwd", "hlj", 400, "non-canonical-path"),
		get("doubled slash", "/v1//batches", "hlj", 400, "non-canonical-path"),
		get("dot segment", "/v1/./batches", "hlj", 400, "non-canonical-path"),
	}
}

// TestHostileInputs sends each hostile request to a gateway with two batches on its ledger:
// every answer is the exact status wanted, and every refusal a problem+json naming its kind.
func TestHostileInputs(t *testing.T) {
	e := newEnv(t)
	for _, lot := range []string{"LOT-H", "LOT-R"} {
		if r := e.post("/v1/events", "hlj", harvest("h-"+lot, lot, 100)); r.status != 201 {
			t.Fatalf("fixture %s: %d %s", lot, r.status, r.body)
		}
	}
	cases := hostileCases(t)
	if len(cases) < 100 {
		t.Fatalf("only %d hostile cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, ctype, body := e.send(t, c)
			if status != c.status {
				t.Fatalf("%s %.80s: %d, want %d: %.400s", c.method, c.path, status, c.status, body)
			}
			if status >= 400 {
				if ctype != "application/problem+json" {
					t.Fatalf("%d with %q, want problem+json", status, ctype)
				}
				var p Problem
				if err := json.Unmarshal(body, &p); err != nil || p.Status != status || p.Detail == "" {
					t.Fatalf("malformed problem: %s", body)
				}
				if c.kind != "" && p.Type != problemBase+c.kind {
					t.Fatalf("problem type %s, want %s: %s", p.Type, c.kind, body)
				}
			}
			if c.check != nil {
				c.check(t, body)
			}
		})
	}
}

func (e *env) send(t *testing.T, c hostile) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest(c.method, e.ts.URL+c.path, strings.NewReader(c.body))
	if err != nil {
		// the path itself is not a URL Go's client will send: send it raw
		req, err = http.NewRequest(c.method, e.ts.URL+"/", strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		req.URL.Opaque = c.path
	}
	switch {
	case strings.HasPrefix(c.key, "raw:"):
		req.Header["Authorization"] = []string{"Bearer " + strings.TrimPrefix(c.key, "raw:")}
	case c.key != "":
		req.Header.Set("Authorization", "Bearer "+e.keys[c.key])
	}
	if c.ctype != "" {
		req.Header.Set("Content-Type", c.ctype)
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}
