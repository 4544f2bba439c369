package gs1

import (
	"strings"
	"testing"
)

func TestParseEnforcesGS1Limits(t *testing.T) {
	const gtin = "06901234100037"
	cases := []struct {
		in string
		ok bool
	}{
		{"https://id.gs1.org/01/" + gtin + "/10/" + strings.Repeat("A", 20), true},
		{"https://id.gs1.org/01/" + gtin + "/10/" + strings.Repeat("A", 21), false},
		{"https://id.gs1.org/01/" + gtin + "/10/" + strings.Repeat("A", 3000), false},
		{"https://id.gs1.org/01/" + gtin + "/10/LOT%20A", false},                          // space is not in CS82
		{"https://id.gs1.org/01/" + gtin + "/10/%E7%A8%BB", false},                        // 稻: not in CS82
		{"https://id.gs1.org/01/" + gtin + "/10/A%00B", false},                            // NUL
		{"https://id.gs1.org/01/" + gtin + "/10/" + "!%22%25&'()*+,-.:;<=>%3F_AB", false}, // 21 characters of CS82
		{"https://id.gs1.org/01/" + gtin + "/10/" + "!%22%25&'()*+,-.:;<=>%3F_A", true},   // 20: every CS82 symbol but "/" (the path separator)
		{"https://id.gs1.org/01/" + gtin + "/21/" + strings.Repeat("9", 20), true},
		{"https://id.gs1.org/01/" + gtin + "/21/" + strings.Repeat("9", 21), false},
		{"https://id.gs1.org/01/" + gtin + "/10/A/10/B", false}, // the same AI twice
		{"https://id.gs1.org/414/6901234000017/254/" + strings.Repeat("x", 21), false},
		{"https://id.gs1.org/00/" + "106901234000000001", false}, // wrong check digit
		{"https://id.gs1.org/00/" + "10690123400000000", false},  // 17 digits
		{"https://id.gs1.org/01/690123410003", false},            // GTIN-12 with a wrong check digit
		{"https://id.gs1.org/01/123456789", false},               // 9 digits is no GTIN length
		{"urn:epc:class:lgtin:6901234.010003." + strings.Repeat("L", 21), false},
		{"urn:epc:class:lgtin:6901234.010003." + strings.Repeat("L", 20), true},
		{"urn:epc:id:sgtin:6901234.010003.%E2%80%AE1", false}, // U+202E
		{"urn:epc:id:sgln:6901234.00001.%0A", false},
	}
	for _, c := range cases {
		_, err := Parse(c.in)
		if (err == nil) != c.ok {
			t.Errorf("Parse(%.80q): err=%v, want ok=%v", c.in, err, c.ok)
		}
	}
}
