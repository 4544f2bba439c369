// Package browser drives headless Chromium (Debian's package) for end-to-end page tests.
package browser

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// New starts a headless Chromium with a phone-sized window and returns its context. Without
// Chromium the test is skipped, unless AGRITRACE_REQUIRE_BROWSER=1 (set by `make test`, which
// installs it) makes that a failure.
func New(t *testing.T, width, height int) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("AGRITRACE_REQUIRE_BROWSER") == "1" {
			t.Fatal("chromium is not installed (make tools installs it)")
		}
		t.Skip("chromium not installed; `make tools` installs it")
	}
	// not t.TempDir: Chromium may still be flushing its profile when the test's own cleanup runs
	profile, err := os.MkdirTemp("", "agritrace-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// a shopper's phone in China: pages choose their language from Accept-Language
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(width, height),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelC := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() {
		cancelC()
		cancelB()
		cancelA()
		for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(50 * time.Millisecond)
		}
	})
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// maxShotHeight is the tallest screenshot taken: Chromium refuses to capture a page taller than
// 2^17 px ("Page is too large"), which /docs on a phone is about to be; a taller page is
// captured from its top.
const maxShotHeight = 1 << 16

// Screenshot saves a full-page PNG (at most maxShotHeight px tall) in the test's artifact
// directory and returns its path.
func Screenshot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	var png []byte
	var width, height float64
	err := chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollWidth`, &width),
		chromedp.Evaluate(`document.documentElement.scrollHeight`, &height))
	if err == nil && height <= maxShotHeight {
		err = chromedp.Run(ctx, chromedp.FullScreenshot(&png, 100))
	} else if err == nil {
		t.Logf("screenshot %s: the page is %.0f px tall, its top %d px are captured", name, height, maxShotHeight)
		err = chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) (err error) {
			png, err = page.CaptureScreenshot().WithFormat(page.CaptureScreenshotFormatPng).WithCaptureBeyondViewport(true).
				WithClip(&page.Viewport{Width: width, Height: maxShotHeight, Scale: 1}).Do(ctx)
			return err
		}))
	}
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(t.ArtifactDir(), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	return path
}

// Layout is what a page test checks of the first screen.
type Layout struct {
	ScrollWidth, InnerWidth, InnerHeight int
	// KeyTop and KeyBottom are the page's key block (the verdict, the results…) in viewport
	// pixels right after load; KeyFound is false when the selector matched nothing.
	KeyTop, KeyBottom float64
	KeyFound          bool
}

// Measure scrolls to the top and measures the page and its key block.
func Measure(ctx context.Context, key string) (Layout, error) {
	var l Layout
	err := chromedp.Run(ctx,
		chromedp.Evaluate(`window.scrollTo(0, 0)`, nil),
		chromedp.Evaluate(`(() => { const e = document.querySelector(`+"`"+key+"`"+`); const r = e ? e.getBoundingClientRect() : null;
			return {ScrollWidth: document.documentElement.scrollWidth, InnerWidth: window.innerWidth, InnerHeight: window.innerHeight,
				KeyTop: r ? r.top : 0, KeyBottom: r ? r.bottom : 0, KeyFound: !!e}; })()`, &l),
	)
	return l, err
}

// CheckFirstScreen fails the test when the page scrolls sideways or its key block does not start
// within the first screen.
func CheckFirstScreen(t *testing.T, ctx context.Context, page, key string) Layout {
	t.Helper()
	l, err := Measure(ctx, key)
	if err != nil {
		t.Fatalf("%s: measure: %v", page, err)
	}
	if l.ScrollWidth > l.InnerWidth {
		t.Errorf("%s: page is %d px wide in a %d px window (horizontal overflow)", page, l.ScrollWidth, l.InnerWidth)
	}
	switch {
	case !l.KeyFound:
		t.Errorf("%s: no %s on the page", page, key)
	case l.KeyTop < 0 || l.KeyTop >= float64(l.InnerHeight)-40:
		t.Errorf("%s: %s starts at %.0f px, not within the first %d px screen", page, key, l.KeyTop, l.InnerHeight)
	}
	return l
}
