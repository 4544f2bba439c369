package gs1

import (
	"fmt"
	"testing"
)

// The memo answers exactly what parsing afresh answers, past the point where it empties itself,
// and keeps refusing what is invalid.
func TestMemoAgreesWithParse(t *testing.T) {
	for i := range memoCap + 50 {
		for _, s := range []string{
			fmt.Sprintf("urn:epc:class:lgtin:6901234.050002.L%d", i),
			fmt.Sprintf("https://id.gs1.org/01/06901234500028/10/L%d", i),
		} {
			for range 2 {
				got, err := Parse(s)
				want, werr := parse(s)
				if err != nil || werr != nil || got != want {
					t.Fatalf("Parse(%q) = %+v, %v; afresh %+v, %v", s, got, err, want, werr)
				}
				if n, _ := Normalize(s); n != want.String() {
					t.Fatalf("Normalize(%q) = %q, want %q", s, n, want.String())
				}
			}
		}
	}
	if len(parsed.m) > memoCap {
		t.Errorf("memo holds %d entries, more than its cap %d", len(parsed.m), memoCap)
	}
	for range 2 {
		if _, err := Parse("urn:epc:class:lgtin:6901234.050002."); err == nil {
			t.Fatal("an lgtin without a lot was accepted")
		}
	}
}
