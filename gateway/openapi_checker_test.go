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
