package landing_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/internal/browser"
	"github.com/agritrace/agritrace/internal/demosite"
	"github.com/agritrace/agritrace/landing"
	"github.com/agritrace/agritrace/seeds"
)

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestHome: / answers 200 with a link to every demo lot's consumer page, the console and the
// API docs, and this node's health.
func TestHome(t *testing.T) {
	s := demosite.New(t)
	st, body := get(t, s.URL+"/")
	if st != 200 {
		t.Fatalf("/ answered %d", st)
	}
	for _, c := range seeds.Chains() {
		if !strings.Contains(body, c.Title) {
			t.Errorf("/ lacks the %s demo lot", c.Key)
		}
	}
	for _, want := range []string{`href="/console"`, `href="/docs"`, `data-status="ok"`} {
		if !strings.Contains(body, want) {
			t.Errorf("/ lacks %s", want)
		}
	}
	if st, _ := get(t, s.URL+"/no-such-page"); st != 404 {
		t.Errorf("/no-such-page answered %d", st)
	}
}

// TestNodeHealth: each node's /healthz is shown; one that is down or answers nonsense is
// reported as unreachable without holding up the page.
func TestNodeHealth(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(gateway.Health{Status: "ok", LedgerBlock: 42, Following: true, Batches: 7, Events: 9})
	}))
	defer up.Close()
	regulator := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(gateway.Health{Status: "ok", LedgerBlock: 42, Following: true, Org: "reg", Role: "regulator"})
	}))
	defer regulator.Close()
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "boom", http.StatusServiceUnavailable)
	}))
	defer broken.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()
	mux := http.NewServeMux()
	page := &landing.Page{Public: "http://example.test", OpenAPI: gateway.OpenAPI(), Log: slog.New(slog.DiscardHandler),
		Nodes: []landing.Node{{"黑龙江", up.URL + "/healthz"}, {"河南", broken.URL + "/healthz"}, {"监管", downURL + "/healthz"}}}
	page.Mount(mux)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	body := rec.Body.String()
	for _, want := range []string{"#42", "7 / 9", `data-status="ok"`} {
		if !strings.Contains(body, want) {
			t.Errorf("healthy node: page lacks %q", want)
		}
	}
	if strings.Contains(body, `id="console-link"`) {
		t.Error("a platform's page links a console although no node is the regulator's")
	}
	if n := strings.Count(body, `data-status="unreachable"`); n != 2 {
		t.Errorf("%d nodes shown unreachable, want 2 (503 and closed port)", n)
	}
	// with the regulator's gateway among the nodes, a platform's page links its console
	page.Nodes = append(page.Nodes, landing.Node{Name: "监管机构", HealthURL: regulator.URL + "/healthz"})
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if want := `href="` + regulator.URL + `/console" id="console-link"`; !strings.Contains(rec.Body.String(), want) {
		t.Errorf("no link to the regulator's console (%s)", want)
	}
}

// TestDocs: every operation of the OpenAPI contract is on /docs, with its parameters.
func TestDocs(t *testing.T) {
	s := demosite.New(t)
	st, body := get(t, s.URL+"/docs")
	if st != 200 {
		t.Fatalf("/docs answered %d", st)
	}
	var spec struct {
		Paths map[string]map[string]json.RawMessage
	}
	if err := json.Unmarshal(gateway.OpenAPI(), &spec); err != nil {
		t.Fatal(err)
	}
	for path, ops := range spec.Paths {
		for m := range ops {
			if id := fmt.Sprintf(`id="%s%s"`, strings.ToUpper(m), path); !strings.Contains(body, id) {
				t.Errorf("/docs lacks %s %s", m, path)
			}
		}
	}
	if !strings.Contains(body, "page_size") || !strings.Contains(body, `id="schema-Batch"`) {
		t.Error("/docs lacks parameters or schemas")
	}
}

// TestBrowserLanding: the landing page and the API docs on a phone and a desktop.
func TestBrowserLanding(t *testing.T) {
	s := demosite.New(t)
	for _, sc := range []struct{ w, h int }{{390, 740}, {1280, 800}} {
		ctx := browser.New(t, sc.w, sc.h)
		for _, p := range []struct{ name, path string }{{"landing", "/"}, {"docs", "/docs"}} {
			if err := chromedp.Run(ctx, chromedp.Navigate(s.URL+p.path), chromedp.WaitReady(`#main`)); err != nil {
				t.Fatal(err)
			}
			name := fmt.Sprintf("%s-%d", p.name, sc.w)
			browser.CheckFirstScreen(t, ctx, name, "#main")
			browser.Screenshot(t, ctx, name+".png")
		}
	}
}

// TestBrowserDocsOnAPhone: on a phone the operations and schemas of /docs are closed to one line
// each, so the page is a list to scan rather than a hundred thousand pixels to scroll; a link to an
// operation or a schema (the responses' links, a shared URL) opens what it points at.
func TestBrowserDocsOnAPhone(t *testing.T) {
	s := demosite.New(t)
	ctx := browser.New(t, 390, 740)
	var height float64
	var open []bool
	err := chromedp.Run(ctx, chromedp.Navigate(s.URL+"/docs"), chromedp.WaitReady(`#main`),
		chromedp.Evaluate(`document.documentElement.scrollHeight`, &height),
		chromedp.Navigate(s.URL+"/docs#GET/v1/events"), chromedp.WaitReady(`#main`),
		chromedp.Navigate(s.URL+"/docs#schema-Batch"),
		chromedp.Evaluate(`[document.getElementById("GET/v1/events").parentElement.open, document.getElementById("schema-Batch").parentElement.open,
			document.getElementById("POST/v1/events").parentElement.open]`, &open))
	if err != nil {
		t.Fatal(err)
	}
	// every operation and schema one closed line: a few screens, where all open was 130,000 px
	if height > 20000 {
		t.Errorf("/docs on a phone is %.0f px tall", height)
	}
	if len(open) != 3 || !open[0] || !open[1] || open[2] {
		t.Errorf("opened by their links (GET /v1/events, schema Batch) and not (POST /v1/events): %v", open)
	}
	browser.Screenshot(t, ctx, "docs-390-linked.png")
}
