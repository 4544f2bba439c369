// Package qr makes the codes printed on packaging: a GS1 Digital Link (or a short trace URL for
// batches without a GTIN) rendered as PNG, SVG or terminal text.
package qr

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	goqr "github.com/piglig/go-qr"

	"github.com/agritrace/agritrace/gs1"
)

// Level is the error correction used for packaging: Q restores up to ~25% of the symbol, which
// survives the scuffs, folds and smudges of a bag in transit at a modest size cost.
const Level = goqr.Quartile

// QuietZone is the light margin around the symbol, in modules: ISO/IEC 18004 asks for 4.
const QuietZone = 4

// URL is the public address a batch's code carries: a GS1 Digital Link under the resolver for
// GTIN-based identifiers, or base/t/{id} for platform-local codes.
func URL(base, batchID string) (string, error) {
	id, err := gs1.Parse(batchID)
	if err != nil {
		return "", fmt.Errorf("qr for %q: %w", batchID, err)
	}
	base = strings.TrimSuffix(base, "/")
	switch id.Kind {
	case gs1.KindLot, gs1.KindSerial, gs1.KindGTIN, gs1.KindSSCC:
		return id.DigitalLink(base), nil
	}
	return base + "/t/" + url.PathEscape(id.String()), nil
}

// ItemURL is the Digital Link of one serialised item of a lot (/01/{gtin}/10/{lot}/21/{serial}):
// every bag of a production run gets its own code, all resolving to the lot's trail.
func ItemURL(base, lotID, serial string) (string, error) {
	id, err := gs1.Parse(lotID)
	if err != nil {
		return "", err
	}
	if id.Kind != gs1.KindLot {
		return "", fmt.Errorf("%s is not a GTIN + lot identifier", lotID)
	}
	return id.DigitalLink(strings.TrimSuffix(base, "/")) + "/21/" + url.PathEscape(serial), nil
}

// Code is an encoded symbol: its modules, quiet zone included, dark = true. The modules are laid
// out once at Encode; every rendering reads them.
type Code struct{ rows [][]bool }

// MaxContentBytes is what the largest symbol (version 40) holds in byte mode at Level (Q): longer
// content is the caller's mistake (an over-long identifier), not a fault of the encoder.
const MaxContentBytes = 1663

// ErrTooLong is returned for content over MaxContentBytes.
var ErrTooLong = errors.New("content too long for a QR code")

// Encode encodes content at the packaging error-correction level, the smallest symbol that holds
// it. The encoder is github.com/piglig/go-qr (a port of Nayuki's, which
// lays out each version's mask patterns once and stops scoring a mask once it cannot win); stock
// go-qrcode spent about 4× the CPU per label (BenchmarkLabel).
func Encode(content string) (Code, error) {
	if len(content) > MaxContentBytes {
		return Code{}, fmt.Errorf("encode QR of %d bytes (at most %d): %w", len(content), MaxContentBytes, ErrTooLong)
	}
	// the optimal mix of modes: a Digital Link's GTIN and serial go in numeric or alphanumeric
	// segments, which keeps a serialised bag's link at version 5 where byte mode needs 6
	segs, err := goqr.MakeSegmentsOptimally(content, Level, goqr.MinVersion, goqr.MaxVersion)
	if err != nil {
		return Code{}, fmt.Errorf("encode QR: %w", err)
	}
	// mask -1: the encoder scores all eight masks and keeps the best; the level is not boosted,
	// so every label of a run carries the same, documented level
	q, err := goqr.EncodeSegments(segs, Level, goqr.MinVersion, goqr.MaxVersion, -1, false)
	if err != nil {
		return Code{}, fmt.Errorf("encode QR: %w", err)
	}
	n := q.Size() + 2*QuietZone
	cells := make([]bool, n*n)
	rows := make([][]bool, n)
	for y := range rows {
		rows[y] = cells[y*n : (y+1)*n]
	}
	for y := 0; y < q.Size(); y++ {
		for x := 0; x < q.Size(); x++ {
			rows[y+QuietZone][x+QuietZone] = q.Module(x, y)
		}
	}
	return Code{rows}, nil
}

// PNG renders with a whole number of pixels per module, so no module is resampled and every
// decoder reads it; the quiet zone is included (see png.go for the format).
func (c Code) PNG(pixelsPerModule int) ([]byte, error) {
	if pixelsPerModule < 1 || pixelsPerModule > 40 {
		return nil, fmt.Errorf("pixels per module must be 1..40, got %d", pixelsPerModule)
	}
	if len(c.rows) == 0 {
		return nil, errors.New("PNG of an empty code")
	}
	return writePNG(c.rows, pixelsPerModule)
}

// Modules is the symbol size including the quiet zone.
func (c Code) Modules() int { return len(c.rows) }

// SVG renders the symbol as one path (scales to any print size); size is the rendered width in
// the given CSS unit, e.g. "30mm".
func (c Code) SVG(size string) string {
	bm := c.rows
	n := len(bm)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%s" height="%s" shape-rendering="crispEdges">`, n, n, size, size)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range bm {
		for x := 0; x < n; {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < n && row[x] {
				x++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", start, y, x-start, x-start)
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String()
}

// Terminal renders the symbol with half-block characters, two modules per character row.
func (c Code) Terminal() string {
	bm := c.rows
	var b strings.Builder
	for y := 0; y < len(bm); y += 2 {
		for x := range bm[y] {
			top := bm[y][x]
			bottom := y+1 < len(bm) && bm[y+1][x]
			switch {
			case top && bottom:
				b.WriteRune(' ')
			case top:
				b.WriteRune('▄')
			case bottom:
				b.WriteRune('▀')
			default:
				b.WriteRune('█')
			}
		}
		b.WriteRune('\n')
	}
	return b.String()
}
