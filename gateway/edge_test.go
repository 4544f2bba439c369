package gateway

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/wire"
)

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	e := newEnv(t)
	e.post("/v1/events", "hlj", harvest("sh-1", "urn:epc:class:lgtin:6901234.010003.SH1", 10))
	for _, c := range []struct {
		path, accept string
		html         bool
	}{
		{"/01/06901234100037/10/SH1", "text/html", true},
		{"/01/06901234100037/10/NOPE", "text/html", true},
		{"/v1/batches", "", false},
		{"/openapi.json", "", false},
		{"/no/such/page", "", false},
	} {
		req, _ := http.NewRequest("GET", e.ts.URL+c.path, nil)
		req.Header.Set("Accept", c.accept)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("%s: nosniff %q, referrer %q", c.path, h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"))
		}
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("%s: CSP %q", c.path, csp)
		}
		if c.html {
			script := directive(csp, "script-src")
			if !strings.HasPrefix(h.Get("Content-Type"), "text/html") || script == "" || strings.Contains(script, "unsafe-inline") {
				t.Errorf("%s: HTML page %q with script-src %q", c.path, h.Get("Content-Type"), script)
			}
		}
	}
	// a hashed inline script is allowed by that hash only
	e.srv.AllowInlineScript("console.log(1)")
	resp, _ := http.Get(e.ts.URL + "/01/06901234100037/10/SH1")
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "'sha256-") {
		t.Errorf("hashed script missing from %q", csp)
	}
}

func TestFailedKeysAreRateLimited(t *testing.T) {
	e := newEnv(t)
	var last response
	statuses := map[int]int{}
	for i := 0; i < 30; i++ {
		last = e.do("GET", "/v1/batches", fmt.Sprintf("at_wrong_%d", i), "", nil)
		statuses[last.status]++
	}
	// the burst of failures is answered 401, the one that empties the bucket too, then 429s
	if statuses[401] != e.srv.guard.Burst+1 || statuses[429] != 30-e.srv.guard.Burst-1 {
		t.Fatalf("30 wrong keys: %v, want %d × 401 then 429s", statuses, e.srv.guard.Burst+1)
	}
	// the right key from the locked-out client waits too: guessing cannot be interleaved with use
	req, _ := http.NewRequest("GET", e.ts.URL+"/v1/batches", nil)
	req.Header.Set("Authorization", "Bearer "+e.keys["hlj"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("right key right after: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}

func TestAuthGuardBacksOff(t *testing.T) {
	now := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	g := &AuthGuard{Burst: 3, Every: time.Hour, BaseLock: 2 * time.Second, MaxLock: time.Minute}
	g.init()
	g.now = func() time.Time { return now }
	for i := 0; i < 3; i++ { // the burst
		g.Failed("10.0.0.1", fmt.Sprint("k", i), "test")
	}
	if _, blocked := g.Blocked("10.0.0.1", "other"); blocked {
		t.Fatal("locked out within the burst")
	}
	var locks []time.Duration
	for i := 0; i < 6; i++ {
		g.Failed("10.0.0.1", fmt.Sprint("x", i), "test")
		wait, blocked := g.Blocked("10.0.0.1", "other")
		if !blocked {
			t.Fatalf("failure %d past the burst not locked out", i)
		}
		locks = append(locks, wait)
		now = now.Add(wait) // the attacker waits exactly the lockout, then fails again
	}
	want := []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 32 * time.Second, time.Minute}
	for i := range want {
		if locks[i] != want[i] {
			t.Fatalf("lockouts %v, want %v", locks, want)
		}
	}
	if _, blocked := g.Blocked("10.0.0.2", "other"); blocked {
		t.Fatal("another client locked out")
	}
	// the same wrong key from many clients is limited by key
	for i := 0; i < 4; i++ {
		g.Failed(fmt.Sprintf("10.1.0.%d", i), "stolen", "test")
	}
	if _, blocked := g.Blocked("10.9.9.9", "stolen"); !blocked {
		t.Fatal("a key hammered from many clients is not limited")
	}
}

func TestUnknownParameterHints(t *testing.T) {
	e := newEnv(t)
	p := e.get("/v1/batches?limit=5", "hlj").problem(t)
	if p.Pointer != "?limit" || !strings.Contains(p.Detail, `did you mean "page_size"`) {
		t.Fatalf("limit: %+v", p)
	}
	id := "https://id.gs1.org/01/06901234100037/10/WC2610-B5A"
	r := e.get("/v1/batches/"+id+"/trail", "hlj")
	p = r.problem(t)
	if r.status != 400 || p.Hint != "percent-encode the identifier as one path segment: /v1/batches/https:%2F%2Fid.gs1.org%2F01%2F06901234100037%2F10%2FWC2610-B5A/trail" {
		t.Fatalf("unescaped id: %d %+v", r.status, p)
	}
}

func TestCSVExportSaysWhenCapped(t *testing.T) {
	e := newEnv(t)
	e.srv.opts.MaxExportRows = 3
	for i := 0; i < 7; i++ {
		e.post("/v1/events", "hlj", harvest(fmt.Sprint("cap-", i), fmt.Sprint("CAP-", i), 10))
	}
	export := func(query string) (rows [][]string, trailer http.Header) {
		req, _ := http.NewRequest("GET", e.ts.URL+"/v1/export/batches.csv"+query, nil)
		req.Header.Set("Authorization", "Bearer "+e.keys["reg"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		rows, err = csv.NewReader(resp.Body).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		return rows[1:], resp.Trailer
	}
	var all []string
	query := ""
	for round := 0; ; round++ {
		rows, tr := export(query)
		for _, r := range rows {
			all = append(all, r[0])
		}
		if tr.Get("X-Export-Complete") == "true" {
			break
		}
		if tr.Get("X-Export-Complete") != "false" || tr.Get("X-Export-Next") == "" || len(rows) != 3 || round > 5 {
			t.Fatalf("round %d: %d rows, trailers %v", round, len(rows), tr)
		}
		query = "?cursor=" + tr.Get("X-Export-Next")
	}
	if len(all) != 7 {
		t.Fatalf("following X-Export-Next gave %d batches: %v", len(all), all)
	}
}

func TestTransactionsFitFabricMessages(t *testing.T) {
	// 300 events of ~6 KB: by count they would make 2 transactions of ~900 KB, over the budget
	events := make([]domain.Event, 300)
	todo := make([]int, 300)
	for i := range events {
		events[i] = harvest(fmt.Sprint("big-", i), fmt.Sprint("BIG-", i), 1)
		events[i].Attributes = map[string]any{"note": strings.Repeat("n", 6000)}
		todo[i] = i
	}
	sizes := make([]int, len(events))
	for i := range events {
		sizes[i] = eventBytes(events[i])
	}
	lanes := fitBytes(pack(events, todo, wire.MaxEventsPerTx, nil), sizes)
	seen := 0
	for _, lane := range lanes {
		for _, chunk := range lane {
			size := 0
			for _, i := range chunk {
				if i != seen {
					t.Fatalf("event %d out of order (want %d)", i, seen)
				}
				seen++
				size += eventBytes(events[i]) // measured anew, not taken from sizes
			}
			if size > wire.MaxTxEventBytes || len(chunk) > wire.MaxEventsPerTx {
				t.Fatalf("transaction of %d events, %d bytes; limits %d, %d", len(chunk), size, wire.MaxEventsPerTx, wire.MaxTxEventBytes)
			}
		}
	}
	if seen != 300 {
		t.Fatalf("%d events packed of 300", seen)
	}
}

// directive returns one directive of a CSP ("" when absent).
func directive(csp, name string) string {
	for _, d := range strings.Split(csp, ";") {
		if d = strings.TrimSpace(d); strings.HasPrefix(d, name+" ") {
			return d
		}
	}
	return ""
}

// closingWriter closes the read model at the first byte of the response, so the export's next
// page fails mid-stream.
type closingWriter struct {
	*httptest.ResponseRecorder
	close func()
	once  bool
}

func (c *closingWriter) Write(b []byte) (int, error) {
	if !c.once {
		c.once = true
		c.close()
	}
	return c.ResponseRecorder.Write(b)
}

func TestCSVExportAbortsOnAFaultMidway(t *testing.T) {
	e := newEnv(t)
	e.srv.opts.MaxExportRows = 1000
	events := make([]domain.Event, 600) // more than one page of 500
	for i := range events {
		events[i] = harvest(fmt.Sprint("ab-", i), fmt.Sprint("AB-", i), 1)
	}
	if r := e.post("/v1/events", "hlj", map[string]any{"events": events}); r.status != 200 {
		t.Fatalf("fixture: %d %.300s", r.status, r.body)
	}
	req := httptest.NewRequest("GET", "/v1/export/batches.csv", nil)
	req.Header.Set("Authorization", "Bearer "+e.keys["reg"])
	w := &closingWriter{ResponseRecorder: httptest.NewRecorder(), close: func() { e.srv.store.Close() }}
	aborted := func() (p any) {
		defer func() { p = recover() }()
		e.srv.ServeHTTP(w, req)
		return nil
	}()
	if aborted != http.ErrAbortHandler { //nolint:errorlint // the sentinel net/http compares by identity
		t.Fatalf("a fault after the first page did not abort the stream: panic %v, trailer %q", aborted, w.Header().Get("X-Export-Complete"))
	}
	if w.Header().Get("X-Export-Complete") == "true" {
		t.Fatal("an aborted export claims to be complete")
	}
}

func TestOpenQueryOperationsAreNotChecked(t *testing.T) {
	if p := unknownParams("GET /v1/batches", url.Values{"EQ_bizStep": {"x"}}); p == nil {
		t.Fatal("a declared route accepted an undeclared parameter")
	}
	spec := []byte(`{"paths":{"/v1/q":{"get":{"x-open-query":true,"parameters":[]}},"/v1/r":{"get":{"parameters":[{"name":"a","in":"query"}]}}}}`)
	params := queryParamsOf(spec)
	if _, checked := params["GET /v1/q"]; checked {
		t.Fatal("an x-open-query operation is checked")
	}
	if !params["GET /v1/r"]["a"] || params["GET /v1/r"]["b"] {
		t.Fatalf("declared parameters: %v", params["GET /v1/r"])
	}
}
