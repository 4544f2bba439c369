package console_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/agritrace/agritrace/internal/browser"
	"github.com/agritrace/agritrace/internal/demosite"
	"github.com/agritrace/agritrace/seeds"
)

// TestBrowserConsolePages: the regulator's pages on a phone (390×740) and a desktop (1280×800):
// nothing scrolls sideways (wide graphs and charts scroll inside their own box), and the page's
// main block starts on the first screen.
func TestBrowserConsolePages(t *testing.T) {
	s := demosite.New(t)
	corn := url.PathEscape(seeds.RecalledCorn().Steps[1].Recall.Batch)
	noodles := url.PathEscape(seeds.HenanNoodles().Consumer)
	pages := []struct{ name, path, ready string }{
		{"search", "/console?region=41", "#results"},
		{"batch-graph", "/console/batch/" + noodles, "#lineage"},
		{"recall-impact", "/console/batch/" + corn + "/recall", "#impact"},
		{"stats", "/console/stats", "#activity-chart"},
		{"impact-en", "/console/batch/" + corn + "/recall?lang=en", "#impact"},
		{"search-en", "/console?region=41&lang=en", "#results"},
	}
	for _, sc := range []struct{ w, h int }{{390, 740}, {1280, 800}} {
		ctx := browser.New(t, sc.w, sc.h)
		err := chromedp.Run(ctx,
			chromedp.Navigate(s.URL+"/console"),
			chromedp.WaitVisible(`#login`),
			chromedp.SendKeys(`input[name=key]`, s.Keys["reg"]),
			chromedp.Submit(`#login`),
			chromedp.WaitVisible(`#search`),
		)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			if err := chromedp.Run(ctx, chromedp.Navigate(s.URL+p.path), chromedp.WaitReady(p.ready)); err != nil {
				t.Fatalf("%s: %v", p.name, err)
			}
			name := fmt.Sprintf("console-%s-%d", p.name, sc.w)
			browser.CheckFirstScreen(t, ctx, name, "#main")
			browser.Screenshot(t, ctx, name+".png")
		}
	}
}
