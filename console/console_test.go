package console_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/agritrace/agritrace/internal/browser"
	"github.com/agritrace/agritrace/internal/demosite"
	"github.com/agritrace/agritrace/qr"
	"github.com/agritrace/agritrace/seeds"
)

func client(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

func fetch(t *testing.T, c *http.Client, method, u string, form url.Values) (int, string) {
	t.Helper()
	var resp *http.Response
	var err error
	if method == "POST" {
		resp, err = c.PostForm(u, form)
	} else {
		resp, err = c.Get(u)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestConsoleFlow(t *testing.T) {
	s := demosite.New(t)
	c := client(t)
	if _, body := fetch(t, c, "GET", s.URL+"/console", nil); !strings.Contains(body, `id="login"`) {
		t.Fatal("no login form")
	}
	if st, _ := fetch(t, c, "POST", s.URL+"/console/login", url.Values{"key": {s.Keys["hlj"]}}); st != 401 {
		t.Fatalf("platform key logged in: %d", st)
	}
	if st, body := fetch(t, c, "POST", s.URL+"/console/login", url.Values{"key": {s.Keys["reg"]}}); st != 200 || !strings.Contains(body, `id="search"`) {
		t.Fatalf("regulator login: %d", st)
	}
	_, body := fetch(t, c, "GET", s.URL+"/console?region=2301&product=稻", nil)
	if !strings.Contains(body, "五常") || strings.Contains(body, "延津") {
		t.Fatalf("search by region and product: %.500s", body)
	}
	if st, body := fetch(t, c, "GET", s.URL+"/console?region=abc", nil); st != 400 || !strings.Contains(body, "GB/T 2260") {
		t.Fatalf("bad region: %d", st)
	}
	_, body = fetch(t, c, "GET", s.URL+"/console?page_size=2", nil)
	if !strings.Contains(body, `id="next"`) {
		t.Fatal("no pagination")
	}
	corn := seeds.RecalledCorn()
	_, body = fetch(t, c, "GET", s.URL+"/console/batch/"+url.PathEscape(seeds.Lot("40002", "BL2610-CF1")), nil)
	for _, want := range []string{`id="lineage"`, `data-status="recalled"`, `id="history"`, "账本历史", "已召回"} {
		if !strings.Contains(body, want) {
			t.Errorf("batch page lacks %s", want)
		}
	}
	if n := strings.Count(body, `class="node"`); n != 4 {
		t.Errorf("corn flour lineage has %d nodes, want 4 (corn, flour, two bag lots)", n)
	}
	for _, code := range []string{">recalled<", ">consumed<", ">HeilongjiangMSP<", ">kg<", "GetHistoryForKey"} {
		if strings.Contains(body, code) {
			t.Errorf("batch page shows the code %s instead of its name", code)
		}
	}
	// derived batches are found by the origin of their raw material; enterprises by name
	_, body = fetch(t, c, "GET", s.URL+"/console?region=41&product=挂面", nil)
	if !strings.Contains(body, "克明 鸡蛋挂面 500g") {
		t.Errorf("region 41 misses the noodles made from 河南 wheat")
	}
	_, body = fetch(t, c, "GET", s.URL+"/console?enterprise=丹尼斯", nil)
	if !strings.Contains(body, "WC2610-B5A") || strings.Contains(body, "WC2610-B5B") {
		t.Errorf("enterprise search by name")
	}
	// the impact of the corn: who holds and who owns every bag, and a CSV of it
	cornLot := url.PathEscape(corn.Steps[1].Recall.Batch)
	_, body = fetch(t, c, "GET", s.URL+"/console/batch/"+cornLot+"/recall", nil)
	for _, want := range []string{"按持有方", "按所有方", "按所在地区", "桦南县北粮食品有限公司", "6400 袋"} {
		if !strings.Contains(body, want) {
			t.Errorf("corn impact lacks %q", want)
		}
	}
	if strings.Contains(body, "16000 千克、6400 袋") {
		t.Error("impact totals count the flour milled into the bags twice")
	}
	st, csvBody := fetch(t, c, "GET", s.URL+"/console/batch/"+cornLot+"/impact.csv", nil)
	if lines := strings.Count(csvBody, "\n"); st != 200 || lines != 5 || !strings.Contains(csvBody, "BL2610-CF1-A") {
		t.Errorf("impact CSV: %d, %d lines: %.300s", st, lines, csvBody)
	}
	// recall the apples: impact first, then the recall needs the form's CSRF token
	apples := seeds.ShandongApples().Consumer
	_, body = fetch(t, c, "GET", s.URL+"/console/batch/"+url.PathEscape(apples)+"/recall", nil)
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if csrf == nil || !strings.Contains(body, `id="impact-count">1<`) {
		t.Fatalf("impact page: %.400s", body)
	}
	if st, _ := fetch(t, c, "POST", s.URL+"/console/batch/"+url.PathEscape(apples)+"/recall", url.Values{"reason": {"x"}, "csrf": {"forged"}}); st != 403 {
		t.Fatalf("recall with a forged token: %d", st)
	}
	if st, _ := fetch(t, c, "POST", s.URL+"/console/batch/"+url.PathEscape(apples)+"/recall", url.Values{"csrf": {csrf[1]}}); st != 400 {
		t.Fatalf("recall without reason: %d", st)
	}
	st, body = fetch(t, c, "POST", s.URL+"/console/batch/"+url.PathEscape(apples)+"/recall", url.Values{"reason": {"农残复检超标"}, "csrf": {csrf[1]}})
	if st != 200 || !strings.Contains(body, `id="flash"`) || !strings.Contains(body, `id="recalled"`) {
		t.Fatalf("recall: %d %.300s", st, body)
	}
	_, body = fetch(t, c, "GET", s.URL+"/console/stats?stored_days=1&days=3650", nil)
	if !strings.Contains(body, "农残复检超标") || !strings.Contains(body, corn.Steps[1].Recall.Reason[:20]) {
		t.Fatalf("stats lack the recalls: %.300s", body)
	}
	// every event of the past ten years is in the total, and the chart has a bar per day and stage
	counts, err := s.Store.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf(`id="total-events">%d<`, counts.Events); !strings.Contains(body, want) || !strings.Contains(body, `id="activity-chart"`) {
		t.Errorf("stats: want %s and the chart", want)
	}
	if st, _ := fetch(t, c, "GET", s.URL+"/console/batch/NOPE", nil); st != 404 {
		t.Fatalf("unknown batch: %d", st)
	}
	// English with ?lang=en, kept for the session; names of enterprises stay as recorded
	_, body = fetch(t, c, "GET", s.URL+"/console/stats?lang=en&days=3650", nil)
	for _, want := range []string{`<html lang="en">`, "Events per stage", "By province", "Heilongjiang", "Recalls ("} {
		if !strings.Contains(body, want) {
			t.Errorf("English statistics lack %q", want)
		}
	}
	_, body = fetch(t, c, "GET", s.URL+"/console/batch/"+url.PathEscape(seeds.Lot("40002", "BL2610-CF1")), nil)
	for _, want := range []string{`<html lang="en">`, "Ledger history", "Lineage graph", "Recalled"} {
		if !strings.Contains(body, want) {
			t.Errorf("English batch page (language kept by the session) lacks %q", want)
		}
	}
	if strings.Contains(body, "账本历史") || strings.Contains(body, "溯源图谱") {
		t.Error("English batch page keeps Chinese labels")
	}
	fetch(t, c, "GET", s.URL+"/console?lang=zh", nil)
	fetch(t, c, "POST", s.URL+"/console/logout", nil)
	if st, _ := fetch(t, c, "GET", s.URL+"/console/stats", nil); st != 401 {
		t.Fatalf("after logout: %d", st)
	}
}

// TestBrowserRegulatorAndConsumer: search → open a batch → the lineage graph shows the expected
// nodes → recall (impact first) → the consumer page of a descendant shows the red banner.
func TestBrowserRegulatorAndConsumer(t *testing.T) {
	s := demosite.New(t)
	ctx := browser.New(t, 1280, 900)
	var nodes []string
	var status string
	err := chromedp.Run(ctx,
		chromedp.Navigate(s.URL+"/console"),
		chromedp.WaitVisible(`#login`),
		chromedp.SendKeys(`input[name=key]`, s.Keys["reg"]),
		chromedp.Submit(`#login`),
		chromedp.WaitVisible(`#search`),
		chromedp.SendKeys(`input[name=product]`, "延津强筋小麦（仓储批）"),
		chromedp.Submit(`#search`),
		chromedp.WaitVisible(`#results a.batch-link`),
		chromedp.Click(`#results a.batch-link`),
		chromedp.WaitVisible(`#lineage`),
		chromedp.Evaluate(`[...document.querySelectorAll('#lineage g.node')].map(n => n.dataset.batch)`, &nodes),
	)
	if err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(t, ctx, "console-lineage.png")
	want := []string{seeds.Lot("20001", "YJ2606-F1"), seeds.Lot("20001", "YJ2606-F2"), seeds.Lot("20001", "YJ2606-F3"),
		seeds.Lot("20002", "YJ2606-S07"), seeds.Lot("20003", "KM2609-F22"), seeds.Lot("20004", "KM2609-N22")}
	for _, w := range want {
		if !strings.Contains(strings.Join(nodes, " "), w) {
			t.Errorf("lineage graph lacks %s: %v", w, nodes)
		}
	}
	err = chromedp.Run(ctx,
		chromedp.Click(`#recall-link`),
		chromedp.WaitVisible(`#impact`),
		chromedp.Text(`#impact-count`, &status),
	)
	if err != nil {
		t.Fatal(err)
	}
	if status != "3" { // silo lot, flour, noodles
		t.Errorf("impact shows %s batches, want 3", status)
	}
	browser.Screenshot(t, ctx, "console-recall-impact.png")
	err = chromedp.Run(ctx,
		chromedp.SendKeys(`textarea[name=reason]`, "呕吐毒素复检超标"),
		chromedp.Click(`#confirm-recall`),
		chromedp.WaitVisible(`#flash`),
	)
	if err != nil {
		t.Fatal(err)
	}
	// the consumer scans a bag of noodles made from that wheat
	u, _ := qr.URL(s.URL, seeds.HenanNoodles().Consumer)
	phone := browser.New(t, 360, 740)
	var banner string
	if err := chromedp.Run(phone, chromedp.Navigate(u), chromedp.WaitVisible(`#recall-banner`), chromedp.Text(`#recall-banner`, &banner)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(banner, "呕吐毒素复检超标") {
		t.Fatalf("banner: %q", banner)
	}
	browser.Screenshot(t, phone, "consumer-recalled-noodles.png")
}
