package console_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/internal/demosite"
	"github.com/agritrace/agritrace/seeds"
)

// TestConsoleHardening: pages are not cached and carry the browser security headers, state-changing
// forms refuse cross-origin posts (logout included), the recall form's text goes through the API's
// text rules, and a client guessing keys is locked out — the right key too — with Retry-After.
func TestConsoleHardening(t *testing.T) {
	s := demosite.New(t)
	c := client(t)
	if st, _ := fetch(t, c, "POST", s.URL+"/console/login", url.Values{"key": {s.Keys["reg"]}}); st != 200 {
		t.Fatalf("login: %d", st)
	}
	resp, err := c.Get(s.URL + "/console")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := resp.Header
	if h.Get("Cache-Control") != "no-store" || h.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("Referrer-Policy") == "" {
		t.Fatalf("console headers: %v", h)
	}

	// a cross-site page cannot log the regulator out (or post anything else)
	for _, hdr := range []map[string]string{{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}} {
		req, _ := http.NewRequest("POST", s.URL+"/console/logout", nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 403 {
			t.Fatalf("cross-origin logout %v: %d", hdr, resp.StatusCode)
		}
	}
	if st, _ := fetch(t, c, "GET", s.URL+"/console/stats", nil); st != 200 {
		t.Fatalf("session gone after refused cross-origin logouts: %d", st)
	}

	// the recall reason is free text: several lines pass, a bidi override does not
	apples := url.PathEscape(seeds.ShandongApples().Consumer)
	_, body := fetch(t, c, "GET", s.URL+"/console/batch/"+apples+"/recall", nil)
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if csrf == nil {
		t.Fatal("no recall form")
	}
	if st, body := fetch(t, c, "POST", s.URL+"/console/batch/"+apples+"/recall", url.Values{"reason": {"农残\u202e超标"}, "csrf": {csrf[1]}}); st != 400 || !strings.Contains(body, "202E") {
		t.Fatalf("bidi reason: %d %s", st, body[strings.Index(body, "<main"):])
	}

	// key guessing from one client: locked out, the right key too, until Retry-After
	guesser := client(t)
	var last int
	for i := 0; i < 15; i++ {
		last, _ = fetch(t, guesser, "POST", s.URL+"/console/login", url.Values{"key": {"at_guess_" + strings.Repeat("x", i)}})
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("15th wrong key: %d", last)
	}
	resp, err = guesser.PostForm(s.URL+"/console/login", url.Values{"key": {s.Keys["reg"]}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(b), "尝试次数过多") {
		t.Fatalf("right key while locked out: %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
}
