package gs1

import (
	"fmt"
	"testing"
)

// BenchmarkNormalize is one identifier of a captured event: its first reading (an EPC URN the
// memo has not seen, as in a fresh capture) and the readings after it (its canonical form again,
// as the projection, validation and registry keys ask for it).
func BenchmarkNormalize(b *testing.B) {
	b.Run("first", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			if _, err := Normalize(fmt.Sprintf("urn:epc:class:lgtin:6901234.050002.B%d", i)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("again", func(b *testing.B) {
		const s = "https://id.gs1.org/01/06901234500028/10/L1"
		for b.Loop() {
			if _, err := Normalize(s); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("again, unmemoised", func(b *testing.B) {
		const s = "https://id.gs1.org/01/06901234500028/10/L1"
		for b.Loop() {
			if _, err := parse(s); err != nil {
				b.Fatal(err)
			}
		}
	})
}
