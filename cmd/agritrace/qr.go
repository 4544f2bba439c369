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
	"slices"
	"strings"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gs1"
	"github.com/agritrace/agritrace/qr"
	"github.com/agritrace/agritrace/trace"
)

func init() {
	register("qr", "QR codes for packaging: `qr label <batch…>` (code + printable label), `qr sheet` (A4 label sheet, PDF or HTML)", runQR)
}

var qrHelp = fmt.Sprintf(`label  writes <dir>/<lot>.png and .svg (the bare code) and <lot>-label.pdf (code, 扫码溯源, product,
       lot and the GS1 human-readable line) for each batch: the GS1 Digital Link of the batch under
       --resolver (or a short /t/ URL for batches without a GTIN)
sheet  writes an A4 sheet of --count serialised labels for one lot, as PDF (--out x.pdf, the
       default) or HTML (--out x.html); every bag its own code /01/{gtin}/10/{lot}/21/{serial}, all
       resolving to the lot
compliance  writes a 承诺达标合格证 (the producer's compliance certificate, 100 × 70 mm PDF) for one lot:
       the producer's written promise, the lot's product, quantity, origin and producer from the
       ledger, --contact and --basis, and the code of its trace page
Labels are 48 × 36 mm, 4 × 8 to a page, with a 26 mm code; a code whose modules would print
smaller than %.2f mm (the minimum X-dimension) is refused. Codes pointing at a loopback resolver
(127.0.0.1, localhost) and labels of recalled lots are refused unless --force is given.`, qr.MinXDimensionMM)

// batchInfo is what labelling needs to know about a batch from the API.
type batchInfo struct {
	name   string
	status domain.Status
	known  bool
	batch  *domain.Batch
}

func runQR(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "label" && args[0] != "sheet" && args[0] != "compliance") {
		fmt.Fprintf(os.Stderr, "Usage: agritrace qr label|sheet|compliance [flags]\n\n%s\n", qrHelp)
		return fmt.Errorf("missing subcommand")
	}
	sub := args[0]
	fs := newFlags("qr "+sub, "qr "+sub+" [flags] <batch…>", qrHelp)
	resolver := fs.String("resolver", "", "resolver base URL printed in the codes (default: AGRITRACE_URL from --env)")
	envPath := fs.String("env", filepath.Join("run", "demo.env"), "demo.env with AGRITRACE_URL and a key (to look up product names and recalls)")
	out := fs.String("out", "", "output directory (label, default labels) or file (sheet, default labels.pdf)")
	ppm := fs.Int("px", 8, "pixels per module of PNG codes (whole pixels: every decoder reads them)")
	count := fs.Int("count", 1000, "sheet: number of serialised labels")
	first := fs.Int("first", 1, "sheet: first serial number")
	name := fs.String("name", "", "product name printed on the label (default: looked up through the API)")
	force := fs.Bool("force", false, "print even for a loopback resolver or a recalled lot")
	contact := fs.String("contact", "", "compliance: the producer's telephone or address")
	basis := fs.String("basis", "自我承诺", "compliance: grounds of the promise, comma-separated: "+strings.Join(qr.ComplianceBases, ","))
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
	if qr.LoopbackHost(base) {
		msg := fmt.Sprintf("the resolver %s is this machine only: a shopper's phone cannot open these codes (pass --resolver https://your-public-host)", base)
		if !*force {
			return fmt.Errorf("%s, or --force to print anyway", msg)
		}
		fmt.Fprintln(os.Stderr, "warning: "+msg)
	}
	font, fontPath, fontErr := qr.CJKFont()
	if fontErr != nil {
		fmt.Fprintf(os.Stderr, "warning: %v: Chinese text on PDF labels will be missing (codes and GS1 lines are unaffected)\n", fontErr)
	}
	lookup := func(id string) batchInfo {
		info := batchInfo{name: *name}
		api, key := env["AGRITRACE_URL"], env["AGRITRACE_PLATFORM_KEY"]
		if api == "" || key == "" {
			return info
		}
		req, _ := http.NewRequestWithContext(ctx, "GET", strings.TrimSuffix(api, "/")+"/v1/batches/"+url.PathEscape(id), nil)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
		if err != nil {
			return info
		}
		defer resp.Body.Close()
		var br struct{ Batch *domain.Batch }
		if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&br) != nil || br.Batch == nil {
			return info
		}
		if info.name == "" {
			info.name = br.Batch.Product.Name
		}
		info.status, info.known = br.Batch.Status, true
		info.batch = br.Batch
		return info
	}
	checkRecall := func(id string, info batchInfo) error {
		switch {
		case !info.known:
			fmt.Fprintf(os.Stderr, "warning: could not look %s up through the API (--env): its recall status is unchecked\n", id)
		case info.status == domain.Recalled:
			msg := fmt.Sprintf("%s has been recalled: its labels would put recalled goods on sale", id)
			if !*force {
				return fmt.Errorf("%s (--force to print anyway)", msg)
			}
			fmt.Fprintln(os.Stderr, "warning: "+msg)
		}
		return nil
	}
	if sub == "compliance" {
		if fs.NArg() != 1 {
			return fmt.Errorf("compliance: give exactly one lot")
		}
		return writeCompliance(fs.Arg(0), base, *out, *contact, *basis, font, lookup, checkRecall)
	}
	if sub == "label" {
		dir := *out
		if dir == "" {
			dir = "labels"
		}
		return writeLabels(ctx, dir, base, *ppm, font, fs.Args(), lookup, checkRecall)
	}
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
	info := lookup(id)
	if err := checkRecall(id, info); err != nil {
		return err
	}
	labels := make([]qr.Label, *count)
	width := len(fmt.Sprint(*first + *count - 1))
	for i := range labels {
		serial := fmt.Sprintf("%0*d", max(6, width), *first+i)
		u, err := qr.ItemURL(base, id, serial)
		if err != nil {
			return err
		}
		labels[i] = qr.Label{URL: u, Product: info.name, Lot: parsed.Lot, Serial: serial, HRI: qr.HRI(id, serial)}
	}
	// the longest serial makes the densest code: check it prints large enough
	longest, err := qr.Encode(labels[len(labels)-1].URL)
	if err != nil {
		return err
	}
	if err := qr.A4.Fits(longest); err != nil {
		return fmt.Errorf("sheet: %w", err)
	}
	path := *out
	if path == "" {
		path = "labels.pdf"
	}
	if !strings.HasSuffix(path, ".html") && !strings.HasSuffix(path, ".pdf") {
		path += ".pdf"
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	// thousands of symbols allocate heavily: let the heap grow rather than collect constantly
	debug.SetGCPercent(800)
	start, last := time.Now(), time.Now()
	progress := func(done, total int) {
		if time.Since(last) > time.Second || done == total {
			fmt.Printf("\r  %d / %d labels (%.0f%%)", done, total, 100*float64(done)/float64(total))
			last = time.Now()
		}
	}
	title := info.name + " " + parsed.Lot
	if strings.HasSuffix(path, ".html") {
		err = qr.WriteSheet(f, title, labels, qr.A4, progress)
	} else {
		err = qr.WritePDF(f, title, labels, qr.A4, font, progress)
	}
	fmt.Println()
	if err != nil {
		return err
	}
	pages := (len(labels) + qr.A4.PerPage() - 1) / qr.A4.PerPage()
	fmt.Printf("wrote %s: %d labels on %d A4 pages in %s — print at 100%% scale; modules %.2f mm (minimum %.2f mm)%s\n", path, len(labels), pages,
		time.Since(start).Round(time.Millisecond), qr.A4.XDimension(longest), qr.MinXDimensionMM, fontNote(fontPath, fontErr))
	return nil
}

func fontNote(path string, err error) string {
	if err != nil {
		return "; no CJK font: Chinese text missing"
	}
	return "; font " + filepath.Base(path)
}

// writeLabels writes each batch's bare code (PNG, SVG) and a one-label PDF with its text.
func writeLabels(ctx context.Context, dir, base string, ppm int, font []byte, ids []string, lookup func(string) batchInfo, checkRecall func(string, batchInfo) error) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	one := qr.A4.Single()
	for _, id := range ids {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		info := lookup(id)
		if err := checkRecall(id, info); err != nil {
			return err
		}
		u, err := qr.URL(base, id)
		if err != nil {
			return err
		}
		c, err := qr.Encode(u)
		if err != nil {
			return err
		}
		if err := one.Fits(c); err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		png, err := c.PNG(ppm)
		if err != nil {
			return err
		}
		stem := filepath.Join(dir, fileStem(id))
		if err := os.WriteFile(stem+".png", png, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(stem+".svg", []byte(c.SVG(fmt.Sprintf("%.0fmm", one.CodeMM))), 0o644); err != nil {
			return err
		}
		lot := id
		if p, err := gs1.Parse(id); err == nil && p.Lot != "" {
			lot = p.Lot
		}
		f, err := os.Create(stem + "-label.pdf")
		if err != nil {
			return err
		}
		err = qr.WritePDF(f, info.name+" "+lot, []qr.Label{{URL: u, Product: info.name, Lot: lot, HRI: qr.HRI(id, "")}}, one, font, nil)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		fmt.Printf("%s → %s (%s.png, .svg, -label.pdf; %d modules, %.2f mm at %.0f mm)\n", id, u, stem, c.Modules(), one.XDimension(c), one.CodeMM)
	}
	return nil
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

// writeCompliance prints one lot's 承诺达标合格证 with the particulars the ledger holds for it.
func writeCompliance(id, base, out, contact, basis string, font []byte, lookup func(string) batchInfo, checkRecall func(string, batchInfo) error) error {
	info := lookup(id)
	if !info.known {
		return fmt.Errorf("compliance: %s could not be looked up through the API (--env): a certificate needs the lot's particulars", id)
	}
	if err := checkRecall(id, info); err != nil {
		return err
	}
	for _, b := range strings.Split(basis, ",") {
		if !slices.Contains(qr.ComplianceBases, b) {
			return fmt.Errorf("compliance: --basis %q is not one of %s", b, strings.Join(qr.ComplianceBases, ", "))
		}
	}
	u, err := qr.URL(base, id)
	if err != nil {
		return err
	}
	b := info.batch
	c := qr.ComplianceCert{URL: u, Product: info.name, Quantity: trace.QuantityText(b.Quantity, "zh"),
		Producer: b.Owner.Name, Contact: contact, Date: time.Now().In(shanghai()).Format("2006-01-02"), Basis: strings.Split(basis, ",")}
	if c.Producer == "" {
		c.Producer = b.Owner.Enterprise
	}
	if b.Origin != nil {
		c.Origin = trace.RegionName(b.Origin.Region, "zh")
		if b.Origin.Plot != "" {
			c.Origin += " " + b.Origin.Plot
		}
	}
	if out == "" {
		out = "compliance.pdf"
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := qr.WriteCompliancePDF(f, c, font); err != nil {
		return err
	}
	fmt.Printf("wrote %s: 承诺达标合格证 of %s (%s), print at 100%% scale on a 100 × 70 mm label\n", out, c.Product, id)
	return nil
}

// shanghai is China's time zone for the certificate's date (fixed +08:00 when tzdata is missing).
func shanghai() *time.Location {
	if l, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return l
	}
	return time.FixedZone("CST", 8*3600)
}
