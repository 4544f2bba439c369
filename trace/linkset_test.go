package trace_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/qr"
	"github.com/agritrace/agritrace/seeds"
)

// TestLinksetAnchor: every linkset is anchored at a URI (RFC 9264 §4.2.2): a GS1 key at its
// canonical Digital Link, a platform's own batch number, which is no URI, at its resolver URL.
func TestLinksetAnchor(t *testing.T) {
	s := newSite(t)
	// a platform's own batch number, recorded as its platform sends it
	const harvest = `{"events":[{"id":"ls-h1","type":"produce","eventTime":"2026-10-01T08:00:00+08:00","actor":{"enterprise":"TEST-COOP"},` +
		`"outputs":[{"batch":"LS-LOT-7","product":{"name":"稻谷"},"quantity":{"value":100,"unit":"kg"}}]}]}`
	req, _ := http.NewRequest("POST", s.URL+"/v1/events", strings.NewReader(harvest))
	req.Header.Set("Authorization", "Bearer "+s.Keys["hlj"])
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("harvest: %v %v", resp, err)
	}
	rice := seeds.WuchangRice().Consumer
	riceURL, _ := qr.URL(s.URL, rice)
	for _, tc := range []struct{ name, url, anchor string }{
		{"GS1 key", riceURL, rice},
		{"own batch number", s.URL + "/t/" + url.PathEscape("LS-LOT-7"), s.URL + "/t/" + url.PathEscape("LS-LOT-7")},
	} {
		status, ctype, body := get(t, tc.url+"?linkType=all", "")
		var ls struct {
			Linkset []map[string]json.RawMessage `json:"linkset"`
		}
		if status != 200 || ctype != "application/linkset+json" || json.Unmarshal([]byte(body), &ls) != nil || len(ls.Linkset) != 1 {
			t.Fatalf("%s: %d %s %s", tc.name, status, ctype, body)
		}
		var anchor string
		_ = json.Unmarshal(ls.Linkset[0]["anchor"], &anchor)
		if u, err := url.Parse(anchor); anchor != tc.anchor || err != nil || !u.IsAbs() {
			t.Errorf("%s: anchor %q, want %q", tc.name, anchor, tc.anchor)
		}
	}
}
