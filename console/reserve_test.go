package console_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/agritrace/agritrace/internal/browser"
	"github.com/agritrace/agritrace/internal/demosite"
)

func TestReservePages(t *testing.T) {
	s := demosite.New(t)
	c := client(t)
	if st, _ := fetch(t, c, "GET", s.URL+"/console/reserves", nil); st != 401 {
		t.Fatalf("reserve page without a session: %d", st)
	}
	fetch(t, c, "POST", s.URL+"/console/login", url.Values{"key": {s.Keys["reg"]}})
	st, body := fetch(t, c, "GET", s.URL+"/console/reserves", nil)
	for _, want := range []string{`id="provinces"`, "河南省", "黑龙江省", "中储粮郑州直属库", "账实不符", "超期储存", "储存品质不宜存"} {
		if st != 200 || !strings.Contains(body, want) {
			t.Fatalf("储备粮 page (%d) lacks %q", st, want)
		}
	}
	_, body = fetch(t, c, "GET", s.URL+"/console/reserves?province=23", nil)
	if strings.Contains(body, "中储粮郑州直属库") || !strings.Contains(body, "松北直属库") {
		t.Fatal("the province filter does not narrow the granaries")
	}
	_, en := fetch(t, c, "GET", s.URL+"/console/reserves?lang=en", nil)
	if !strings.Contains(en, "Reserve grain by province") || !strings.Contains(en, "Book and count disagree") {
		t.Fatal("English page incomplete")
	}
	// the navigation bar in English too, its links keeping the language
	for _, p := range []string{"/console/reserves?lang=en", "/console/reserves/HLJ-RES-230109-07?lang=en", "/console/market?lang=en"} {
		_, en := fetch(t, c, "GET", s.URL+p, nil)
		nav := regexp.MustCompile(`(?s)<nav>.*?</nav>`).FindString(en)
		for _, want := range []string{">Search<", ">Reserve grain<", ">Market monitoring<", `href="/console/market?lang=en"`} {
			if !strings.Contains(nav, want) {
				t.Errorf("%s: navigation lacks %q: %s", p, want, nav)
			}
		}
		if strings.Contains(nav, "批次检索") || strings.Contains(nav, "市场监测") {
			t.Errorf("%s: navigation in Chinese: %s", p, nav)
		}
	}
	if _, en := fetch(t, c, "GET", s.URL+"/console/reserves/HLJ-RES-230109-07?lang=en", nil); !strings.Contains(en, "squat silo (浅圆仓)") {
		t.Error("English granary page does not name the bin type in English")
	}

	_, body = fetch(t, c, "GET", s.URL+"/console/reserves/ZCL-410122-ZZ", nil)
	for _, want := range []string{`id="age-chart"`, `<svg`, "-4.51%", "轮换出库", `class="lineage"`, "宜存", `id="outflows"`, "金苑 小麦粉 5kg"} {
		if !strings.Contains(body, want) {
			t.Fatalf("granary page lacks %q", want)
		}
	}
	// close the shortfall from the console
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if csrf == nil {
		t.Fatal("no close form")
	}
	alert := "variance:seed-rsv-ha-c02-P02"
	st, _ = fetch(t, c, "POST", s.URL+"/console/reserves/alerts/"+url.PathEscape(alert)+"/close",
		url.Values{"csrf": {csrf[1]}, "reason": {"复核：出库单漏记，已补录"}, "back": {"/console/reserves/ZCL-410122-ZZ"}})
	if st != 200 {
		t.Fatalf("closing the alert: %d", st)
	}
	_, body = fetch(t, c, "GET", s.URL+"/console/reserves/ZCL-410122-ZZ", nil)
	if !strings.Contains(body, "已关闭") || !strings.Contains(body, "出库单漏记") {
		t.Fatal("closed alert not shown with its reason")
	}
	if st, _ := fetch(t, c, "POST", s.URL+"/console/reserves/alerts/"+url.PathEscape(alert)+"/close",
		url.Values{"csrf": {"forged"}, "reason": {"x"}}); st != 403 {
		t.Fatalf("forged form: %d", st)
	}

	st, body = fetch(t, c, "GET", s.URL+"/console/market", nil)
	for _, want := range []string{`id="index-chart"`, `class="suppressed"`, "低于最低收购价", "价格周环比异动", "河南省"} {
		if st != 200 || !strings.Contains(body, want) {
			t.Fatalf("市场监测 page (%d) lacks %q", st, want)
		}
	}
}

// TestReservePagesFit renders both pages in Chromium at a phone's and a desktop's width: nothing
// wider than the window.
func TestReservePagesFit(t *testing.T) {
	s := demosite.New(t)
	for _, width := range []int{390, 1280} {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			ctx := browser.New(t, width, 900)
			if err := chromedp.Run(ctx, chromedp.Navigate(s.URL+"/console"), chromedp.WaitVisible(`#login`),
				chromedp.SendKeys(`input[name=key]`, s.Keys["reg"]), chromedp.Submit(`#login`), chromedp.WaitVisible(`#search`)); err != nil {
				t.Fatal(err)
			}
			for _, page := range []string{"/console/reserves", "/console/reserves/HLJ-RES-230109-07", "/console/market",
				"/console/reserves?lang=en", "/console/reserves/ZCL-410122-ZZ?lang=en", "/console/market?lang=en"} {
				var overflow int
				if err := chromedp.Run(ctx, chromedp.Navigate(s.URL+page), chromedp.WaitVisible(`footer`, chromedp.ByQuery),
					chromedp.Evaluate(`document.documentElement.scrollWidth - window.innerWidth`, &overflow)); err != nil {
					t.Fatal(err)
				}
				if overflow > 0 {
					t.Errorf("%s at %d px is %d px wider than the window", page, width, overflow)
				}
				browser.Screenshot(t, ctx, fmt.Sprintf("reserve-%s-%d.png", strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(strings.Trim(page, "/")), width))
			}
		})
	}
}
