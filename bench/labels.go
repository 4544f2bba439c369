package bench

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/agritrace/agritrace/qr"
)

// Labels renders n serialised label PNGs the way agritrace does (go-qrcode's encoder, agritrace's
// 1-bit PNG writer) and, as the baseline, with stock go-qrcode Encode at the same pixels per
// module, on every core. It returns the two durations.
func Labels(n int) (agritrace, stock time.Duration, err error) {
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
	const ppm = 4 // pixels per module, as agritrace qr label prints
	agritrace, err = par(func(u string) error {
		c, err := qr.Encode(u)
		if err != nil {
			return err
		}
		_, err = c.PNG(ppm)
		return err
	})
	if err != nil {
		return
	}
	// the URLs differ only in their serial digits, so every symbol has the same size
	first, err := qr.Encode(urls[0])
	if err != nil {
		return
	}
	size := first.Modules() * ppm
	stock, err = par(func(u string) error {
		_, err := qrcode.Encode(u, qr.Level, size)
		return err
	})
	return
}
