package trace_test

import (
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/agritrace/agritrace/qr"
	"github.com/agritrace/agritrace/seeds"
)

// TestAnswerLength: every form of a resolver answer, rendered or served from the cache, goes out
// with its length, not chunked (a page is larger than net/http's buffer before chunking).
func TestAnswerLength(t *testing.T) {
	s := newSite(t)
	u, _ := qr.URL(s.URL, seeds.WuchangRice().Consumer)
	for _, c := range []struct{ name, url, accept string }{
		{"page", u, "text/html"},
		{"English page", u + "?lang=en", "text/html"},
		{"JSON", u, "application/json"},
		{"linkset", u + "?linkType=all", ""},
	} {
		for _, pass := range []string{"rendered", "cached"} {
			req, _ := http.NewRequest("GET", c.url, nil)
			req.Header.Set("Accept", c.accept)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("%s, %s: %d %v", c.name, pass, resp.StatusCode, err)
			}
			if len(resp.TransferEncoding) > 0 || resp.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
				t.Errorf("%s, %s: transfer encoding %v, Content-Length %q for %d bytes", c.name, pass, resp.TransferEncoding, resp.Header.Get("Content-Length"), len(body))
			}
		}
	}
}
