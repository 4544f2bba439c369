package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gs1"
	"github.com/agritrace/agritrace/qr"
)

func init() {
	register("qr", "QR codes for packaging: `qr label <batch…>` (PNG + SVG), `qr sheet` (A4 label sheet)", runQR)
}

const qrHelp = `label  writes <dir>/<lot>.png and .svg for each batch: the GS1 Digital Link of the batch under
       --resolver (or a short /t/ URL for batches without a GTIN)
sheet  writes a printable A4 HTML sheet of --count serialised labels for one lot
       (/01/{gtin}/10/{lot}/21/{serial}: every bag its own code, all resolving to the lot)`

func runQR(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "label" && args[0] != "sheet") {
		fmt.Fprintf(os.Stderr, "Usage: agritrace qr label|sheet [flags]\n\n%s\n", qrHelp)
		return fmt.Errorf("missing subcommand")
	}
	sub := args[0]
	fs := newFlags("qr "+sub, "qr "+sub+" [flags] <batch…>", qrHelp)
	resolver := fs.String("resolver", "", "resolver base URL printed in the codes (default: AGRITRACE_URL from --env)")
	envPath := fs.String("env", filepath.Join("run", "demo.env"), "demo.env with AGRITRACE_URL and a key (to look up product names)")
	out := fs.String("out", "labels", "output directory (label) or file (sheet)")
	ppm := fs.Int("px", 8, "pixels per module of PNG codes (whole pixels: every decoder reads them)")
	count := fs.Int("count", 1000, "sheet: number of serialised labels")
	first := fs.Int("first", 1, "sheet: first serial number")
	name := fs.String("name", "", "product name printed under the code (default: looked up through the API)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	env, _ := readEnv(*envPath)
	base := *resolver
	if base == "" {
		base = env["AGRITRACE_URL"]
	}
	if base == "" {
		return fmt.Errorf("no resolver URL: pass --resolver or run the gateway first (run/demo.env)")
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("give at least one batch identifier (EPC URN, Digital Link or local code)")
	}
	productName := func(id string) string {
		if *name != "" {
			return *name
		}
		if env == nil {
			return ""
		}
		req, _ := http.NewRequestWithContext(ctx, "GET", base+"/v1/batches/"+url.PathEscape(id), nil)
		req.Header.Set("Authorization", "Bearer "+env["AGRITRACE_PLATFORM_KEY"])
		resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
		if err != nil {
			return ""
		}
		defer resp.Body.Close()
		var br struct{ Batch domain.Batch }
		_ = json.NewDecoder(resp.Body).Decode(&br)
		return br.Batch.Product.Name
	}
	switch sub {
	case "label":
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
		for _, id := range fs.Args() {
			u, err := qr.URL(base, id)
			if err != nil {
				return err
			}
			c, err := qr.Encode(u)
			if err != nil {
				return err
			}
			png, err := c.PNG(*ppm)
			if err != nil {
				return err
			}
			stem := fileStem(id)
			if err := os.WriteFile(filepath.Join(*out, stem+".png"), png, 0o644); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(*out, stem+".svg"), []byte(c.SVG("30mm")), 0o644); err != nil {
				return err
			}
			fmt.Printf("%s → %s (%s.png, .svg; %d modules)\n", id, u, filepath.Join(*out, stem), c.Modules())
		}
		return nil
	default:
		if fs.NArg() != 1 {
			return fmt.Errorf("sheet: give exactly one lot")
		}
		id := fs.Arg(0)
		parsed, err := gs1.Parse(id)
		if err != nil || parsed.Kind != gs1.KindLot {
			return fmt.Errorf("sheet: %s is not a GTIN + lot identifier (serialised labels need one)", id)
		}
		if *count < 1 || *count > 1_000_000 {
			return fmt.Errorf("sheet: --count must be 1..1000000")
		}
		product := productName(id)
		labels := make([]qr.Label, *count)
		width := len(fmt.Sprint(*first + *count - 1))
		for i := range labels {
			serial := fmt.Sprintf("%0*d", max(6, width), *first+i)
			u, err := qr.ItemURL(base, id, serial)
			if err != nil {
				return err
			}
			labels[i] = qr.Label{URL: u, Product: product, Lot: parsed.Lot, Serial: serial}
		}
		path := *out
		if !strings.HasSuffix(path, ".html") {
			path += ".html"
		}
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		// thousands of symbols allocate heavily: let the heap grow rather than collect constantly
		debug.SetGCPercent(800)
		start := time.Now()
		last := time.Now()
		err = qr.WriteSheet(f, product+" "+parsed.Lot, labels, func(done, total int) {
			if time.Since(last) > time.Second || done == total {
				fmt.Printf("\r  %d / %d labels (%.0f%%)", done, total, 100*float64(done)/float64(total))
				last = time.Now()
			}
		})
		fmt.Println()
		if err != nil {
			return err
		}
		fmt.Printf("wrote %s: %d labels on %d A4 pages in %s — print at 100%% scale\n", path, len(labels), (len(labels)+27)/28, time.Since(start).Round(time.Millisecond))
		return nil
	}
}

func fileStem(id string) string {
	if p, err := gs1.Parse(id); err == nil {
		switch p.Kind {
		case gs1.KindLot:
			return p.GTIN + "_" + p.Lot
		case gs1.KindSerial:
			return p.GTIN + "_" + p.Serial
		}
	}
	return strings.NewReplacer("/", "_", ":", "_").Replace(id)
}
