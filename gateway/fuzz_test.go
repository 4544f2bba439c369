package gateway

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzPostEvents feeds arbitrary bodies to the native ingest endpoint: every answer is a success or
// a 4xx problem+json, never a 5xx, and the server keeps serving.
func FuzzPostEvents(f *testing.F) {
	ev, _ := json.Marshal(harvest("f1", "FUZZ-LOT", 10))
	f.Add(string(ev))
	f.Add(`{"events":[` + string(ev) + `,{"id":"x","type":"store"}]}`)
	f.Add(`{"id":"x","type":"process","eventTime":"2026-01-01T00:00:00Z","actor":{"enterprise":"E"},"inputs":[{"batch":"FUZZ-LOT","quantity":{"value":1e308,"unit":"t"}}],"outputs":[{"batch":"O","product":{"name":"n"},"quantity":{"value":1,"unit":"bag"}}]}`)
	f.Add(`{"events":[]}`)
	for _, c := range hostileCases(f) { // the hostile table is the seed corpus
		if c.method == "POST" && strings.HasPrefix(c.path, "/v1/events") && len(c.body) < 64<<10 {
			f.Add(c.body)
		}
	}
	e := newEnv(f)
	f.Fuzz(func(t *testing.T, body string) {
		e := *e
		e.t = t
		r := e.do("POST", "/v1/events", e.keys["hlj"], "application/json", strings.NewReader(body))
		if r.status >= 500 {
			t.Fatalf("%d for %q: %s", r.status, body, r.body)
		}
		if r.status >= 400 && r.ctype != "application/problem+json" {
			t.Fatalf("%d without problem+json for %q", r.status, body)
		}
	})
}
