package trace_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/agritrace/agritrace/internal/demosite"
)

// captureAllTypes records the EPCIS document with every event type through the REST binding, as
// 河南: the demo registers the 6901234 company prefix to one of its enterprises.
func captureAllTypes(t *testing.T, s *demosite.Site) {
	t.Helper()
	doc, err := os.ReadFile("../epcis/testdata/docs/all-types.jsonld")
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("POST", s.URL+"/epcis/capture", bytes.NewReader(doc))
	req.Header.Set("Authorization", "Bearer "+s.Keys["ha"])
	req.Header.Set("Content-Type", "application/ld+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 202 {
		t.Fatalf("capture: %v %v", err, resp)
	}
	resp.Body.Close()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		req, _ := http.NewRequest("GET", s.URL+resp.Header.Get("Location"), nil)
		req.Header.Set("Authorization", "Bearer "+s.Keys["ha"])
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var job struct {
			Running, Success bool
			Errors           []json.RawMessage
		}
		_ = json.NewDecoder(r.Body).Decode(&job)
		r.Body.Close()
		if !job.Running {
			if !job.Success {
				t.Fatalf("capture job failed: %s", job.Errors)
			}
			return
		}
	}
	t.Fatal("capture job did not finish")
}

func TestResolverKeys(t *testing.T) {
	s := demosite.New(t)
	captureAllTypes(t, s)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, tc := range []struct {
		path, accept string
		status       int
		ctype, want  string
	}{
		// a pallet: its trail reaches what was packed on it
		{"/00/069012340000000719", "application/json", 200, "application/json", `"kind":"packed"`}, // the pallet, made by packing
		{"/00/069012340000000718", "", 400, "text/html", "069012340000000718"},
		// a product: its lots
		{"/01/06901234500028", "", 200, "text/html", "RT2610A"},
		{"/01/06901234500028?lang=en", "", 200, "text/html", "Product"},
		{"/01/06901234500035", "application/json", 200, "application/json", `"kind":"product"`},
		{"/01/06901234500028?linkType=all", "", 200, "application/linkset+json", `"anchor":"https://id.gs1.org/01/06901234500028"`},
		{"/01/6901234500028?lang=en", "", 301, "", ""},
		{"/01/00000000000000", "", 404, "text/html", ""},
		// a place: what happened there, newest first
		{"/414/6901234000016", "", 200, "text/html", "生产"},
		{"/414/6901234000016?lang=en", "", 200, "text/html", "commissioning"},
		{"/414/6901234000054/254/DOCK-2", "application/json", 200, "application/json", "ObjectEvent"},
		{"/414/6901234000054", "application/linkset+json", 200, "application/linkset+json", "https://gs1.org/voc/locationInfo"},
		{"/414/6901234000017", "", 400, "text/html", ""},
	} {
		req, _ := http.NewRequest("GET", s.URL+tc.path, nil)
		if tc.accept != "" {
			req.Header.Set("Accept", tc.accept)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), tc.ctype) || !strings.Contains(string(body), tc.want) {
			t.Errorf("%s: %d %s, want %d %s containing %q: %.300s", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), tc.status, tc.ctype, tc.want, body)
		}
		if tc.status == 301 && resp.Header.Get("Location") != "/01/06901234500028?lang=en" {
			t.Errorf("%s redirects to %q", tc.path, resp.Header.Get("Location"))
		}
	}
}
