package gateway

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSpecCheckerFindsMismatches runs the live-traffic checker over a stand-in server whose answers
// are wrong in one way each, so that a checker which silently accepts everything cannot pass the
// package: each case must be reported, and the faithful answers must not be.
func TestSpecCheckerFindsMismatches(t *testing.T) {
	problem := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(status)
			_, _ = fmt.Fprintf(w, `{"type":"https://agritrace.test/problems/x","title":"x","status":%d}`, status)
		}
	}
	answer := func(status int, ctype, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if ctype != "" {
				w.Header().Set("Content-Type", ctype)
			}
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		}
	}
	const stats = `{"ledgerBlock":3,"from":"2026-01-01T00:00:00Z","to":"2026-02-01T00:00:00Z","storedDays":30,"activity":[],"recalls":[],"longStored":[]}`
	// a lot's public trail and linkset as the resolver answers them, and the same with a fault each
	const trail = `{"id":"LOT-1","product":{"name":"稻谷"},"status":"active","statusLabel":"流通中","tests":[],"certificates":[],` +
		`"journey":[{"stage":"produce","title":"产 · 收获","date":"2026-10-01","actors":["合作社"],"events":["h1"]}],` +
		`"steps":[{"event":"h1","type":"produce","typeLabel":"收获","stage":"produce","time":"2026-10-01T08:00:00+08:00","actor":"合作社","txId":"tx1","block":1}],` +
		`"ledgerBlock":1,"links":[{"linkType":"gs1:defaultLink","href":"http://trace.test/t/LOT-1","type":"text/html"}]}`
	const linkset = `{"linkset":[{"anchor":"http://trace.test/t/LOT-1","https://gs1.org/voc/defaultLink":[{"href":"http://trace.test/t/LOT-1","type":"text/html"}]}]}`
	cases := []struct {
		name    string
		pattern string // "" = nothing registered: the bare mux answers
		handler http.HandlerFunc
		method  string
		target  string
		body    string
		want    string // in the one reported failure; "" = none may be reported
	}{
		{"documented refusal", "GET /v1/batches/{id}", problem(404), "GET", "/v1/batches/LOT-1", "", ""},
		{"undocumented status", "GET /v1/batches/{id}", problem(http.StatusTeapot), "GET", "/v1/batches/LOT-1", "", "status is not supported"},
		{"undocumented content type", "GET /v1/batches/{id}", answer(404, "text/plain", "not found"), "GET", "/v1/batches/LOT-1", "", `"text/plain"`},
		{"body off its schema", "GET /v1/batches/{id}", answer(404, "application/problem+json", `{"title":"x"}`), "GET", "/v1/batches/LOT-1", "", "doesn't match schema"},
		{"2xx to a request the spec calls invalid", "GET /v1/stats", answer(200, "application/json", stats), "GET", "/v1/stats?stored_days=many", "", "request answered 200 is invalid"},
		{"valid request, valid answer", "GET /v1/stats", answer(200, "application/json", stats), "GET", "/v1/stats?stored_days=30", "", ""},
		{"refusal of an invalid request", "GET /v1/stats", problem(400), "GET", "/v1/stats?stored_days=many", "", ""},
		{"body where none is documented", "OPTIONS /epcis", answer(204, "text/plain", "hello"), "OPTIONS", "/epcis", "", "documents no content"},
		{"route served but undocumented", "GET /v1/hidden", answer(200, "application/json", `{}`), "GET", "/v1/hidden", "", "has no such operation"},
		{"unknown path answered as plain text", "", nil, "GET", "/nowhere", "", "want application/problem+json"},
		{"faithful trail", "GET /t/{id}", answer(200, "application/json", trail), "GET", "/t/LOT-1", "", ""},
		{"trail without its records", "GET /t/{id}", answer(200, "application/json", strings.Replace(trail, `"steps"`, `"records"`, 1)), "GET", "/t/LOT-1", "", `property "steps" is missing`},
		{"trail with null for a list", "GET /t/{id}", answer(200, "application/json", strings.Replace(trail, `"tests":[]`, `"tests":null`, 1)), "GET", "/t/LOT-1", "", "at /tests: Value is not nullable"},
		{"faithful linkset", "GET /t/{id}", answer(200, "application/linkset+json", linkset), "GET", "/t/LOT-1", "", ""},
		{"linkset without its anchor", "GET /t/{id}", answer(200, "application/linkset+json", strings.Replace(linkset, `"anchor"`, `"context"`, 1)), "GET", "/t/LOT-1", "", "missing property 'anchor'"},
		{"linkset anchored at no URI", "GET /t/{id}", answer(200, "application/linkset+json", strings.Replace(linkset, `"anchor":"http://trace.test/t/LOT-1"`, `"anchor":"LOT-1"`, 1)), "GET", "/t/LOT-1", "", "not an absolute URI"},
		{"linkset with a CURIE for a link type", "GET /t/{id}", answer(200, "application/linkset+json", strings.Replace(linkset, "https://gs1.org/voc/defaultLink", "gs1:defaultLink", 1)), "GET", "/t/LOT-1", "", "'gs1:defaultLink' not allowed"},
		{"product page without its lots' links", "GET /01/{gtin}", answer(200, "application/json",
			`{"id":"https://id.gs1.org/01/06901234500028","kind":"product","items":[{"name":"RT2610A","meta":"200 kg"}],"ledgerBlock":2}`), "GET", "/01/06901234500028", "", "missing property 'href'"},
		{"bulk partly accepted: accepted event invalid", "POST /v1/events",
			answer(207, "application/json", `{"accepted":1,"duplicates":0,"rejected":1,"results":[{"index":0,"eventId":"a","status":"committed"},{"index":1,"eventId":"b","status":"rejected"}]}`),
			"POST", "/v1/events", `{"events":[{"unexpected":true},{}]}`, "does not match the Event schema"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := newSpecChecker(OpenAPI())
			if err != nil {
				t.Fatal(err)
			}
			mux := http.NewServeMux()
			if tc.pattern != "" {
				mux.HandleFunc(tc.pattern, tc.handler)
			}
			ts := httptest.NewServer(c.wrap(mux, mux))
			req, _ := http.NewRequest(tc.method, ts.URL+tc.target, strings.NewReader(tc.body))
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			ts.Close() // waits for the handler, and so for its validation
			_, failures := c.report()
			switch {
			case tc.want == "" && len(failures) > 0:
				t.Errorf("faithful answer reported: %v", failures)
			case tc.want != "" && (len(failures) != 1 || !strings.Contains(failures[0], tc.want)):
				t.Errorf("want one failure with %q, got %q", tc.want, failures)
			}
		})
	}
}
