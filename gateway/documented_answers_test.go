package gateway

import (
	"strings"
	"testing"
)

// TestDocumentedAnswers pins the answers the live OpenAPI check found off the document: a body of
// JSON null was taken as an empty request, an unknown grain filtered everything away with a 200,
// and lists with nothing in them were null where the document promises arrays.
func TestDocumentedAnswers(t *testing.T) {
	e := harvestedEnv(t, "doc-1", "LOT-DOC")
	cases := []struct {
		name, method, path, org, body string
		status                        int
		kind, pointer                 string   // of the refusal
		has                           []string // in the answer
	}{
		{"null body to the aggregates", "POST", "/v1/market/aggregates", "hlj", "null", 400, "bad-json", "", nil},
		{"null body to a registration", "POST", "/v1/registry/enterprises", "hlj", " null ", 400, "bad-json", "", nil},
		{"null body to a reserve submission", "POST", "/v1/reserves/granaries", "hlj", "null", 400, "bad-json", "", nil},
		{"unknown grain", "GET", "/v1/market/prices?grain=barley", "hlj", "", 400, "bad-parameter", "?grain", nil},
		{"known grain", "GET", "/v1/market/prices?grain=rice", "hlj", "", 200, "", "", []string{`"series":[]`}},
		{"lineage of a lone batch", "GET", "/v1/batches/LOT-DOC/lineage", "reg", "", 200, "", "", []string{`"upstream":[]`, `"downstream":[]`}},
		{"statistics with no recall or long storage", "GET", "/v1/stats", "reg", "", 200, "", "", []string{`"recalls":[]`, `"longStored":[]`}},
		{"statistics of an empty window", "GET", "/v1/stats?from=2001-01-01&to=2001-01-02", "reg", "", 200, "", "", []string{`"activity":[]`}},
		{"clean audit", "GET", "/v1/audit", "reg", "", 200, "", "", []string{`"mismatches":[]`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r response
			if tc.method == "POST" {
				r = e.post(tc.path, tc.org, tc.body)
			} else {
				r = e.get(tc.path, tc.org)
			}
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if tc.kind != "" {
				p := r.problem(t)
				if p.Type != problemBase+tc.kind || p.Pointer != tc.pointer {
					t.Errorf("problem %s at %q, want %s at %q: %s", p.Type, p.Pointer, tc.kind, tc.pointer, r.body)
				}
			}
			for _, want := range tc.has {
				if !strings.Contains(string(r.body), want) {
					t.Errorf("answer lacks %s: %s", want, r.body)
				}
			}
		})
	}
}
