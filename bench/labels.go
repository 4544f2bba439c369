package bench

import (
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/agritrace/agritrace/qr"
)

// LabelRun is how long a run of label PNGs took and the CPU this process used for it.
type LabelRun struct {
	Wall, CPU time.Duration
}

// Labels renders n serialised label PNGs the way agritrace does (package qr: go-qr's encoder,
// agritrace's 1-bit PNG writer) and, as the baseline, with stock go-qrcode Encode (level Q, which
// go-qrcode calls High) at the same pixel size, on every core.
func Labels(n int) (agritrace, stock LabelRun, err error) {
	urls := make([]string, n)
	for i := range urls {
		urls[i] = fmt.Sprintf("https://trace.example.cn/01/06901234100037/10/WC2610-B5A/21/%06d", i)
	}
	// a label run is a batch job that allocates heavily: let the heap grow instead of collecting
	// on every few symbols (the qr sheet command does the same)
	defer debug.SetGCPercent(debug.SetGCPercent(800))
	par := func(f func(u string) error) (LabelRun, error) {
		runtime.GC() // the previous run's garbage is not this run's cost
		cpu0, err := ProcCPU(os.Getpid())
		if err != nil {
			return LabelRun{}, err
		}
		start := time.Now()
		var wg sync.WaitGroup
		var next atomic.Int64
		errs := make(chan error, runtime.GOMAXPROCS(0))
		// workers take the next label as they free up: on a shared machine one core may get
		// much less time than the other, and a fixed split would wait for the slower half
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
					if err := f(urls[i]); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		wall := time.Since(start)
		close(errs)
		if err := <-errs; err != nil {
			return LabelRun{}, err
		}
		cpu1, err := ProcCPU(os.Getpid())
		return LabelRun{Wall: wall, CPU: cpu1 - cpu0}, err
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
		_, err := qrcode.Encode(u, qrcode.High, size)
		return err
	})
	return
}
