package qr

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/agritrace/agritrace/gs1"
)

// CallToAction is printed above every code: shoppers scan what tells them to.
const CallToAction = "扫码溯源"

// MinXDimensionMM is the smallest module (X-dimension) a label may print. 0.4 mm is about the
// smallest module that GS1's retail guidance allows for 2D symbols (0.396 mm) and that phone
// cameras read reliably at arm's length; below it the sheet is refused.
const MinXDimensionMM = 0.40

// Label is one printed label.
type Label struct {
	URL     string
	Product string
	Lot     string
	Serial  string
	HRI     string // GS1 human-readable interpretation, e.g. (01)06901234100037(10)WC2610-B5A(21)000042
}

// Layout is a sheet of labels: Cols × Rows cells of CellW × CellH mm on a page (A4 unless
// PageW and PageH are set), each with a CodeMM square code (quiet zone included).
type Layout struct {
	Cols, Rows       int
	CellW, CellH     float64
	CodeMM           float64
	MarginX, MarginY float64
	PageW, PageH     float64
}

// Single is one label on a page of its own size.
func (l Layout) Single() Layout {
	l.Cols, l.Rows, l.MarginX, l.MarginY, l.PageW, l.PageH = 1, 1, 0, 0, l.CellW, l.CellH
	return l
}

// A4 is the default sheet: 4 × 8 labels of 48 × 36 mm with a 26 mm code.
var A4 = Layout{Cols: 4, Rows: 8, CellW: 48, CellH: 36, CodeMM: 26, MarginX: 9, MarginY: 4.5}

// PerPage is how many labels a page holds.
func (l Layout) PerPage() int { return l.Cols * l.Rows }

// XDimension is the module size in mm at which c prints in this layout.
func (l Layout) XDimension(c Code) float64 { return l.CodeMM / float64(c.Modules()) }

// Fits checks that c prints with modules of at least MinXDimensionMM.
func (l Layout) Fits(c Code) error {
	if x := l.XDimension(c); x < MinXDimensionMM {
		return fmt.Errorf("a %d-module code in %.0f mm prints %.2f mm modules, below the %.2f mm minimum: use a shorter resolver URL or a larger code",
			c.Modules(), l.CodeMM, x, MinXDimensionMM)
	}
	return nil
}

// HRI is the GS1 human-readable line of a batch identifier (and serial), printed under the code
// so that a person or a register can key it in when the code does not scan.
func HRI(batchID, serial string) string {
	id, err := gs1.Parse(batchID)
	if err != nil {
		return ""
	}
	var b strings.Builder
	switch id.Kind {
	case gs1.KindLot:
		b.WriteString("(01)" + id.GTIN + "(10)" + id.Lot)
	case gs1.KindSerial:
		b.WriteString("(01)" + id.GTIN + "(21)" + id.Serial)
	case gs1.KindGTIN:
		b.WriteString("(01)" + id.GTIN)
	default:
		return ""
	}
	if serial != "" {
		b.WriteString("(21)" + serial)
	}
	return b.String()
}

// LoopbackHost reports whether a resolver URL points at this machine only (127.0.0.0/8, ::1,
// localhost): codes carrying it scan to nothing on a shopper's phone.
func LoopbackHost(resolver string) bool {
	u, err := url.Parse(resolver)
	if err != nil {
		return false
	}
	h := u.Hostname()
	if strings.EqualFold(h, "localhost") || strings.HasSuffix(strings.ToLower(h), ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
