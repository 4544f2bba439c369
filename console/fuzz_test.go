package console_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/internal/demosite"
	"github.com/agritrace/agritrace/seeds"
)

// FuzzConsoleForms posts arbitrary urlencoded bodies to the console's forms (login and recall) in
// a logged-in session: no answer is a 5xx. (Wrong keys soon lock the fuzzing client out; the
// answers while locked out are part of what is checked.)
func FuzzConsoleForms(f *testing.F) {
	for _, s := range []string{"key=", "key=%00", "key=" + strings.Repeat("k", 5000), "key=a&key=b", "reason=%E2%80%AE&csrf=x",
		"reason=" + strings.Repeat("%FF", 100) + "&csrf=", "csrf=x&csrf=y&reason=a%0Ab", "%", "a=%zz", "reason=" + strings.Repeat("稻", 3000)} {
		f.Add(uint8(0), s)
		f.Add(uint8(1), s)
	}
	s := demosite.New(f)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if resp, err := c.PostForm(s.URL+"/console/login", url.Values{"key": {s.Keys["reg"]}}); err != nil {
		f.Fatal(err)
	} else {
		resp.Body.Close()
	}
	recall := s.URL + "/console/batch/" + url.PathEscape(seeds.ShandongApples().Consumer) + "/recall"
	f.Fuzz(func(t *testing.T, form uint8, body string) {
		// (logout takes no fields; fuzzing it would end the session the recall inputs use)
		target := [...]string{s.URL + "/console/login", recall}[form%2]
		resp, err := c.Post(target, "application/x-www-form-urlencoded", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("%s %q: %d %.300s", target, body, resp.StatusCode, b)
		}
	})
}
