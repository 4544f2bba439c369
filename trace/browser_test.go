package trace_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/agritrace/agritrace/internal/browser"
	"github.com/agritrace/agritrace/internal/demosite"
	"github.com/agritrace/agritrace/qr"
	"github.com/agritrace/agritrace/seeds"
)

var screens = []struct{ w, h int }{{390, 740}, {1280, 800}}

// TestBrowserTracePages opens the consumer pages a shopper reaches on a phone and on a desktop:
// the verdict (tests, certificate, recall, origin) starts on the first screen, nothing scrolls
// sideways, and each page says what it must.
func TestBrowserTracePages(t *testing.T) {
	s := demosite.New(t)
	rice, _ := qr.URL(s.URL, seeds.WuchangRice().Consumer)
	item, _ := qr.ItemURL(s.URL, seeds.WuchangRice().Consumer, "000042")
	corn, _ := qr.URL(s.URL, seeds.RecalledCorn().Consumer)
	noodles, _ := qr.URL(s.URL, seeds.HenanNoodles().Consumer)
	pages := []struct {
		name, url string
		want      map[string]string // selector → text it must contain
		wholeKey  bool              // the whole verdict fits the first screen
	}{
		{"rice-zh", rice, map[string]string{"#tests": "合格", "#certs": "农产品地理标志", "#origin": "五常", "#package": "5 千克", "#status": "已进入零售", "#made": "2026-10-29"}, true},
		{"rice-en", rice + "?lang=en", map[string]string{"#tests": "Cadmium (Cd)", "#certs": "Geographical indication", "#status": "at retail", "#journey": "From field to shelf"}, true},
		{"rice-item", item, map[string]string{"#serial": "000042"}, true},
		{"recalled", corn, map[string]string{"#recall-banner": "停止食用", "#hotline": "0454-8123456", "#tests": "不合格"}, false},
		{"noodles", noodles, map[string]string{"#origin": "石婆固乡-12", "#made": "2026-09-05"}, true},
	}
	for _, sc := range screens {
		ctx := browser.New(t, sc.w, sc.h)
		for _, p := range pages {
			if err := chromedp.Run(ctx, chromedp.Navigate(p.url), chromedp.WaitReady(`#verdict`)); err != nil {
				t.Fatalf("%s: %v", p.name, err)
			}
			name := fmt.Sprintf("trace-%s-%d", p.name, sc.w)
			l := browser.CheckFirstScreen(t, ctx, name, "#verdict")
			if p.wholeKey && sc.w < 500 && l.KeyBottom > float64(l.InnerHeight) {
				t.Errorf("%s: the verdict ends at %.0f px, below the %d px screen", name, l.KeyBottom, l.InnerHeight)
			}
			for sel, want := range p.want {
				var got string
				if err := chromedp.Run(ctx, chromedp.TextContent(sel, &got, chromedp.ByQuery)); err != nil {
					t.Fatalf("%s %s: %v", name, sel, err)
				}
				if !strings.Contains(got, want) {
					t.Errorf("%s: %s reads %q, want %q in it", name, sel, got, want)
				}
			}
			browser.Screenshot(t, ctx, name+".png")
		}
	}
}
