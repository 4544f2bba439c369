package reserve

import (
	"math"
	"time"

	"github.com/agritrace/agritrace/domain"
)

// LotAllowance is the natural-loss allowance of one lot at a check.
type LotAllowance struct {
	Lot             string  `json:"lot"`
	BookTonnes      float64 `json:"bookTonnes"`
	Months          int     `json:"months"`
	Rate            float64 `json:"rate"`
	AllowanceTonnes float64 `json:"allowanceTonnes"`
}

// Reconciliation compares a physical count with the book stock it was taken against.
type Reconciliation struct {
	Check           string         `json:"check"`
	Granary         string         `json:"granary"`
	Bin             string         `json:"bin"`
	Time            string         `json:"time"`
	Method          string         `json:"method"`
	BookTonnes      float64        `json:"bookTonnes"`
	AllowanceTonnes float64        `json:"allowanceTonnes"`
	ExpectedTonnes  float64        `json:"expectedTonnes"` // book − allowance
	CountedTonnes   float64        `json:"countedTonnes"`
	Variance        float64        `json:"variance"` // (counted − expected) / expected
	Tolerance       float64        `json:"tolerance"`
	Within          bool           `json:"within"`
	Lots            []LotAllowance `json:"lots"`
}

// Reconcile applies the storage-loss allowance of every lot in the bin for the time it had been
// stored when counted, and compares. A count of grain in a bin whose book is empty is a 100 %
// variance.
func (c Config) Reconcile(ck domain.StockCheck) Reconciliation {
	// Lots is a list even when the book was empty: answers hold no null where a list belongs
	r := Reconciliation{Check: ck.ID, Granary: ck.Granary, Bin: ck.Bin, Time: ck.Time, Method: string(ck.Method),
		CountedTonnes: ck.CountedTonnes, Tolerance: c.Tolerance, Lots: []LotAllowance{}}
	at, _ := domain.ParseEventTime(ck.Time)
	for _, l := range ck.Book {
		months := 0
		if in, err := time.Parse(time.RFC3339, l.FirstIn); err == nil {
			months = monthsBetween(in, at)
		}
		rate := c.LossRate(l.Grain, months)
		a := LotAllowance{Lot: l.LotKey(), BookTonnes: l.Tonnes, Months: months, Rate: rate, AllowanceTonnes: l.Tonnes * rate}
		r.Lots = append(r.Lots, a)
		r.BookTonnes += l.Tonnes
		r.AllowanceTonnes += a.AllowanceTonnes
	}
	r.ExpectedTonnes = r.BookTonnes - r.AllowanceTonnes
	switch {
	case r.ExpectedTonnes > 0:
		r.Variance = (r.CountedTonnes - r.ExpectedTonnes) / r.ExpectedTonnes
	case r.CountedTonnes > 0:
		r.Variance = 1
	}
	r.Variance = math.Round(r.Variance*1e6) / 1e6
	r.Within = math.Abs(r.Variance) <= c.Tolerance+1e-9
	return r
}
