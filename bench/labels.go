package bench

import (
	"bytes"
	"fmt"
	"image/png"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"github.com/boombuler/barcode"
	bqr "github.com/boombuler/barcode/qr"

	"github.com/agritrace/agritrace/qr"
)

// Labels renders n serialised label PNGs with go-qrcode (what agritrace uses) and, for comparison,
// with boombuler/barcode, on every core. It returns the two durations.
func Labels(n int) (skip2, boombuler time.Duration, err error) {
	urls := make([]string, n)
	for i := range urls {
		urls[i] = fmt.Sprintf("https://trace.example.cn/01/06901234100037/10/WC2610-B5A/21/%06d", i)
	}
	// a label run is a batch job that allocates heavily: let the heap grow instead of collecting
	// on every few symbols (the qr sheet command does the same)
	defer debug.SetGCPercent(debug.SetGCPercent(800))
	par := func(f func(u string) error) (time.Duration, error) {
		start := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, runtime.GOMAXPROCS(0))
		per := (n + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0)
		for w := 0; w < runtime.GOMAXPROCS(0); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w * per; i < min(n, (w+1)*per); i++ {
					if err := f(urls[i]); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		return time.Since(start), <-errs
	}
	skip2, err = par(func(u string) error {
		c, err := qr.Encode(u)
		if err != nil {
			return err
		}
		_, err = c.PNG(4)
		return err
	})
	if err != nil {
		return
	}
	boombuler, err = par(func(u string) error {
		code, err := bqr.Encode(u, bqr.Q, bqr.Auto)
		if err != nil {
			return err
		}
		// same whole-pixel scale as the go-qrcode labels (4 px per module, quiet zone aside)
		scaled, err := barcode.Scale(code, code.Bounds().Dx()*4, code.Bounds().Dy()*4)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		return png.Encode(&buf, scaled)
	})
	return
}
