package trace_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/agritrace/agritrace/internal/browser"
	"github.com/agritrace/agritrace/internal/demosite"
	"github.com/agritrace/agritrace/qr"
	"github.com/agritrace/agritrace/seeds"
)

// TestBrowserTracePage loads the consumer page of a seeded bag on a 360×740 phone screen, finds
// every 产购储加销 stage, checks nothing overflows sideways, and the recalled lineage's banner.
func TestBrowserTracePage(t *testing.T) {
	s := demosite.New(t)
	ctx := browser.New(t, 360, 740)
	u, _ := qr.URL(s.URL, seeds.WuchangRice().Consumer)
	var stages []string
	var scrollWidth int
	var banners int
	err := chromedp.Run(ctx,
		chromedp.Navigate(u),
		chromedp.WaitReady(`ol.tl`),
		chromedp.Evaluate(`[...new Set([...document.querySelectorAll('li.step')].map(li => li.dataset.stage))]`, &stages),
		chromedp.Evaluate(`document.documentElement.scrollWidth`, &scrollWidth),
		chromedp.Evaluate(`document.querySelectorAll('#recall-banner').length`, &banners),
	)
	if err != nil {
		t.Fatal(err)
	}
	browser.Screenshot(t, ctx, "trace-rice-360.png")
	for _, want := range []string{"produce", "purchase", "store", "process", "sell"} {
		if !strings.Contains(strings.Join(stages, ","), want) {
			t.Errorf("stage %s missing from the page: %v", want, stages)
		}
	}
	if scrollWidth > 360 {
		t.Errorf("page is %d px wide on a 360 px screen", scrollWidth)
	}
	if banners != 0 {
		t.Error("recall banner on a clean lot")
	}
	cu, _ := qr.URL(s.URL, seeds.RecalledCorn().Consumer)
	var banner string
	if err := chromedp.Run(ctx, chromedp.Navigate(cu), chromedp.WaitVisible(`#recall-banner`), chromedp.Text(`#recall-banner`, &banner)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(banner, "召回") {
		t.Errorf("banner text %q", banner)
	}
	browser.Screenshot(t, ctx, "trace-corn-recalled-360.png")
}
