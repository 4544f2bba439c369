package gateway

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestOpenAPIWalkNoServerErrors walks every operation of the OpenAPI document — so routes other
// packages add to it are covered without touching this test — with oversize and malformed path
// parameters, query parameters and bodies, as each org. No answer may be a 5xx, and every refusal
// from the API is problem+json (pages may answer HTML to a client that did not ask for JSON).
func TestOpenAPIWalkNoServerErrors(t *testing.T) {
	e := harvestedEnv(t, "walk-1", "LOT-W")
	var spec struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(OpenAPI(), &spec); err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("A", 60<<10)
	pathValues := map[string][]string{
		"id":     {"LOT-W", url.PathEscape(big), "%00", "%FF%FE", "..%2F..%2Fetc", url.PathEscape("https://id.gs1.org/01/06901234100037/10/" + strings.Repeat("L", 50)), url.PathEscape("\u202eLOT")},
		"gtin":   {"06901234100037", "1", strings.Repeat("9", 10000), "%00"},
		"lot":    {"LOT-W", strings.Repeat("L", 3000), "%00", "%E2%80%AE"},
		"serial": {"0001", strings.Repeat("9", 3000), "%0A"},
	}
	queryValues := []string{big, "%00", "%FF", "-1", "99999999999999999999", "2026-13-45", "%E2%80%AE"}
	bodies := []struct{ ctype, body string }{
		{"application/json", "{}"},
		{"application/json", `{"id":"x","id":"y"}`},
		{"application/json", "{\"id\":\"\xff\"}"},
		{"application/json", strings.Repeat("[", 50000)},
		{"application/json", `{"reason":"` + strings.Repeat("x", 1<<20) + `"}`},
		{"application/json", "null"},
		{"application/ld+json", "\x00\x01\x02"},
		{"text/plain", "hello"},
	}
	param := regexp.MustCompile(`\{([a-z]+)\}`)
	client := &http.Client{Timeout: 20 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	paths := make([]string, 0, len(spec.Paths))
	for p := range spec.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	requests := 0
	for _, p := range paths {
		for method, raw := range spec.Paths[p] {
			if method == "parameters" {
				continue
			}
			method = strings.ToUpper(method)
			var op struct {
				Parameters []struct{ Name, In string } `json:"parameters"`
			}
			_ = json.Unmarshal(raw, &op)
			// path variants: each parameter takes each of its hostile values, the others their first
			var targets []string
			names := param.FindAllStringSubmatch(p, -1)
			fill := func(which string, v string) string {
				return param.ReplaceAllStringFunc(p, func(m string) string {
					n := m[1 : len(m)-1]
					if n == which {
						return v
					}
					if vs := pathValues[n]; len(vs) > 0 {
						return vs[0]
					}
					return "x"
				})
			}
			targets = append(targets, fill("", ""))
			for _, n := range names {
				for _, v := range pathValues[n[1]] {
					targets = append(targets, fill(n[1], v))
				}
			}
			base := targets[0]
			// query variants: each declared query parameter takes each hostile value, and one undeclared
			for _, prm := range op.Parameters {
				if prm.In != "query" {
					continue
				}
				for _, v := range queryValues {
					targets = append(targets, base+"?"+prm.Name+"="+v)
				}
			}
			targets = append(targets, base+"?undeclared=1", base+"?"+strings.Repeat("p", 5000)+"=1")
			for _, target := range targets {
				for _, org := range []string{"hlj", "reg", ""} {
					if method == "POST" {
						for _, b := range bodies {
							requests++
							e.walkOne(t, client, method, target, org, b.ctype, b.body)
						}
						continue
					}
					requests++
					e.walkOne(t, client, method, target, org, "", "")
				}
			}
		}
	}
	t.Logf("%d paths, %d requests", len(paths), requests)
}

func (e *env) walkOne(t *testing.T, client *http.Client, method, target, org, ctype, body string) {
	t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+target, strings.NewReader(body))
	if err != nil {
		req, _ = http.NewRequest(method, e.ts.URL+"/", strings.NewReader(body))
		req.URL.Opaque = target
	}
	if org != "" {
		req.Header.Set("Authorization", "Bearer "+e.keys[org])
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Errorf("%s %.100s as %q: %v", method, target, org, err)
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	ct := resp.Header.Get("Content-Type")
	switch {
	case resp.StatusCode >= 500:
		t.Errorf("%s %.100s as %q (%s %.40q): %d %.300s", method, target, org, ctype, body, resp.StatusCode, b)
	case resp.StatusCode >= 400 && ct != "application/problem+json" && !(strings.HasPrefix(ct, "text/html") && !strings.HasPrefix(target, "/v1/")):
		t.Errorf("%s %.100s as %q: %d with %q, want problem+json", method, target, org, resp.StatusCode, ct)
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		t.Errorf("%s %.100s as %q: redirect %d to %s", method, target, org, resp.StatusCode, resp.Header.Get("Location"))
	}
}
