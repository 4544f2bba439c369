package domain

import (
	"fmt"
	"time"
)

// EarliestDate bounds every date an event carries: the ledger records current harvests, and an
// earlier date is a typing error (as is a harvest in year 9999, which would sort first in every
// "newest" list for the next eight millennia).
var EarliestDate = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)

// MaxCertificateYears bounds how far ahead a certificate may be valid (a geographical indication
// is registered for decades; year 9999 is a typing error).
const MaxCertificateYears = 100

// checkDates keeps harvest dates between EarliestDate and the event's own day (a day of slack for
// time zones: the date is the farm's local date) and certificate expiry within MaxCertificateYears.
func checkDates(e *Event, eventTime time.Time) error {
	latest := eventTime.UTC().Add(24 * time.Hour)
	for i := range e.Outputs {
		o := e.Outputs[i].Origin
		if o == nil || o.HarvestDate == "" {
			continue
		}
		d, err := time.Parse(time.DateOnly, o.HarvestDate)
		if err != nil {
			continue // the format rule reports it
		}
		ptr := fmt.Sprintf("/outputs/%d/origin/harvestDate", i)
		if d.Before(EarliestDate) {
			return Refuse(400, "date-range", ptr, "harvest date %s is before %s", o.HarvestDate, EarliestDate.Format(time.DateOnly))
		}
		if d.After(latest) {
			return Refuse(400, "date-range", ptr, "harvest date %s is after the event (%s): a batch is harvested before it is recorded",
				o.HarvestDate, e.EventTime)
		}
	}
	if c := e.Certificate; c != nil && c.ValidUntil != "" {
		d, err := time.Parse(time.DateOnly, c.ValidUntil)
		if err != nil {
			return nil // the certificate rules report the format
		}
		if d.Before(EarliestDate) || d.After(eventTime.AddDate(MaxCertificateYears, 0, 0)) {
			return Refuse(400, "date-range", "/certificate/validUntil", "validUntil %s is outside %s … %d years after the event",
				c.ValidUntil, EarliestDate.Format(time.DateOnly), MaxCertificateYears)
		}
	}
	return nil
}
