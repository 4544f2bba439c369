package gs1

import (
	"strings"
	"testing"
)

func TestCheckDigit(t *testing.T) {
	for _, tc := range []struct {
		code string
		ok   bool
	}{
		{"09506000134352", true}, // GS1 Digital Link standard's example GTIN
		{"4006381333931", true},
		{"80614141123458", true}, // EPC Tag Data Standard SGTIN example
		{"0614141123452", true},  // TDS SGLN example GLN
		{"96385074", true},       // GTIN-8
		{"09506000134353", false},
		{"4006381333932", false},
	} {
		err := VerifyCheckDigit(tc.code, len(tc.code))
		if (err == nil) != tc.ok {
			t.Errorf("VerifyCheckDigit(%s) = %v, want ok=%v", tc.code, err, tc.ok)
		}
	}
}

func TestParseAndNormalize(t *testing.T) {
	tests := []struct {
		in, want string
		urnLen   int // company prefix length to render back to a URN (0: skip)
		urn      string
	}{
		{"urn:epc:id:sgtin:0614141.812345.6789", "https://id.gs1.org/01/80614141123458/21/6789", 7, "urn:epc:id:sgtin:0614141.812345.6789"},
		{"urn:epc:class:lgtin:4012345.012345.998877", "https://id.gs1.org/01/04012345123456/10/998877", 7, "urn:epc:class:lgtin:4012345.012345.998877"},
		{"urn:epc:id:sgln:0614141.12345.400", "https://id.gs1.org/414/0614141123452/254/400", 7, "urn:epc:id:sgln:0614141.12345.400"},
		{"urn:epc:id:sgln:0614141.12345.0", "https://id.gs1.org/414/0614141123452", 7, "urn:epc:id:sgln:0614141.12345.0"},
		{"https://id.gs1.org/01/09506000134352/10/ABC123", "https://id.gs1.org/01/09506000134352/10/ABC123", 7, "urn:epc:class:lgtin:9506000.013435.ABC123"},
		{"https://example.com/01/09506000134352/21/12345", "https://id.gs1.org/01/09506000134352/21/12345", 0, ""},
		{"https://brand.example.com/resolver/01/9506000134352/10/LOT%2F7", "https://id.gs1.org/01/09506000134352/10/LOT%2F7", 0, ""},
		{"https://id.gs1.org/01/09506000134352", "https://id.gs1.org/01/09506000134352", 0, ""},
		{"https://id.gs1.org/01/09506000134352/10/L1/21/S9", "https://id.gs1.org/01/09506000134352/21/S9", 0, ""},
		{"https://id.gs1.org/414/0614141123452/254/7", "https://id.gs1.org/414/0614141123452/254/7", 0, ""},
		{"HLJ-WC-2026-0001", "HLJ-WC-2026-0001", 0, ""},
		{"urn:epc:id:sscc:0614141.1234567890", "https://id.gs1.org/00/106141412345678908", 7, "urn:epc:id:sscc:0614141.1234567890"},
		{"https://id.gs1.org/00/106141412345678908", "https://id.gs1.org/00/106141412345678908", 0, ""},
		{"urn:epc:idpat:sgtin:4012345.066666.*", "https://id.gs1.org/01/04012345666663", 7, "urn:epc:idpat:sgtin:4012345.066666.*"},
		{"  urn:epc:class:lgtin:4012345.012345.A%2FB ", "https://id.gs1.org/01/04012345123456/10/A%2FB", 7, "urn:epc:class:lgtin:4012345.012345.A%2FB"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			id, err := Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := id.String(); got != tc.want {
				t.Fatalf("canonical = %s, want %s", got, tc.want)
			}
			again, err := Normalize(id.String())
			if err != nil || again != tc.want {
				t.Fatalf("canonical form does not round-trip: %s, %v", again, err)
			}
			if tc.urnLen > 0 {
				urn, err := id.URN(tc.urnLen)
				if err != nil || urn != tc.urn {
					t.Fatalf("URN = %s (%v), want %s", urn, err, tc.urn)
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "empty"},
		{"urn:epc:id:sgtin:0614141.812345", "want CompanyPrefix"},
		{"urn:epc:id:sgtin:061A141.812345.1", "digits"},
		{"urn:epc:id:xyz:0614141.12345.1", "not supported"},
		{"urn:epc:id:adi:0614141.12345.1", "not a valid adi"},
		{"urn:isbn:123", "only urn:epc"},
		{"https://id.gs1.org/01/09506000134353/10/X", "check digit"},
		{"https://id.gs1.org/01/12345/10/X", "8, 12, 13 or 14"},
		{"https://id.gs1.org/products/123", "primary key"},
		{"https://id.gs1.org/01/09506000134352/99/X", "expected /10/"},
		{"https://id.gs1.org/414/0614141123453", "check digit"},
		{"https://id.gs1.org/414/0614141123452/10/X", "only /254/"},
		{"bad code with spaces", "neither"},
		{"lot\u202e\u0000", "neither"},
		{strings.Repeat("A", 200), "neither"},
	} {
		if _, err := Parse(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want error containing %q", tc.in, err, tc.want)
		}
	}
	if _, err := (ID{Kind: KindLocal, Local: "X"}).URN(7); err == nil {
		t.Error("local code has no URN")
	}
	if _, err := (ID{Kind: KindLot, GTIN: "09506000134352", Lot: "1"}).URN(3); err == nil {
		t.Error("prefix length 3 accepted")
	}
}

func TestDigitalLinkHost(t *testing.T) {
	id, _ := Parse("urn:epc:class:lgtin:4012345.012345.998877")
	if got := id.DigitalLink("https://trace.example.cn/"); got != "https://trace.example.cn/01/04012345123456/10/998877" {
		t.Fatal(got)
	}
	if g, err := NormalizeGTIN("96385074"); err != nil || g != "00000096385074" {
		t.Fatal(g, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"urn:epc:id:sgtin:0614141.812345.6789", "https://id.gs1.org/01/09506000134352/10/ABC",
		"urn:epc:id:sgln:0614141.12345.400", "HLJ-1", "https://x/414/0614141123452/254/1", "urn:epc:class:lgtin:4012345.012345.%ZZ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := Parse(s)
		if err != nil {
			return
		}
		// whatever parses must normalise to a fixed point
		n := id.String()
		again, err := Normalize(n)
		if err != nil || again != n {
			t.Fatalf("Parse(%q) → %q does not round-trip: %q, %v", s, n, again, err)
		}
	})
}

func TestOtherKeys(t *testing.T) {
	for _, tc := range []struct{ urn, dl string }{
		{"urn:epc:id:grai:0614141.12345.400", "https://id.gs1.org/8003/00614141123452400"},
		{"urn:epc:id:giai:0614141.12345400", "https://id.gs1.org/8004/061414112345400"},
		{"urn:epc:id:gsrn:0614141.1234567890", "https://id.gs1.org/8018/061414112345678902"},
		{"urn:epc:id:gsrnp:0614141.1234567890", "https://id.gs1.org/8017/061414112345678902"},
		{"urn:epc:id:gdti:0614141.12345.006847", "https://id.gs1.org/253/0614141123452006847"},
		{"urn:epc:id:sgcn:4012345.67890.04711", "https://id.gs1.org/255/401234567890104711"},
		{"urn:epc:id:pgln:0614141.00002", "https://id.gs1.org/417/0614141000029"},
		{"urn:epc:id:cpi:0614141.123ABC.123456789", "https://id.gs1.org/8010/0614141123ABC/8011/123456789"},
		{"urn:epc:id:itip:4012345.012345.01.02.987", "https://id.gs1.org/8006/040123451234560102/21/987"},
		{"urn:epc:id:ginc:0614141.xyz47%2F11", "https://id.gs1.org/401/0614141xyz47%2F11"},
		{"urn:epc:id:gsin:0614141.123456789", "https://id.gs1.org/402/06141411234567890"},
	} {
		got, err := Normalize(tc.urn)
		if err != nil || got != tc.dl {
			t.Errorf("Normalize(%s) = %s, %v; want %s", tc.urn, got, err, tc.dl)
			continue
		}
		// the Digital Link under any host is the same key
		again, err := Normalize(strings.Replace(tc.dl, CanonicalHost, "https://example.com/dl", 1))
		if err != nil || again != tc.dl {
			t.Errorf("Digital Link %s does not round-trip: %s, %v", tc.dl, again, err)
		}
		// and back to the URN, given the company prefix's length (ITIP's URN is not written)
		if strings.Contains(tc.urn, ":itip:") {
			continue
		}
		cp, ok := CompanyPrefix(tc.urn)
		id, _ := Parse(tc.dl)
		if urn, err := id.URN(len(cp)); !ok || err != nil || urn != tc.urn {
			t.Errorf("URN of %s = %s, %v; want %s", tc.dl, urn, err, tc.urn)
		}
	}
	// a GDTI without its serial, a CPI without its 8011: keys the URN cannot write
	for _, dl := range []string{"https://id.gs1.org/253/0614141123452", "https://id.gs1.org/8010/0614141123ABC"} {
		id, err := Parse(dl)
		if err != nil {
			t.Fatalf("Parse(%s): %v", dl, err)
		}
		if urn, err := id.URN(7); err == nil {
			t.Errorf("URN of %s = %s", dl, urn)
		}
	}
	for _, bad := range []string{"https://id.gs1.org/417/0614141000028", "https://id.gs1.org/8018/061414112345678903",
		"https://id.gs1.org/8004/0614141/21/1",
		"https://id.gs1.org/402/06141411234567891", "https://id.gs1.org/402/061414112345678900", // GSIN: check digit, 17 digits
		"urn:epc:id:gsin:0614141.12345678", "urn:epc:id:ginc:0614141." + strings.Repeat("x", 24)} { // GINC: at most 30
		if _, err := Parse(bad); err == nil {
			t.Errorf("Parse(%s) accepted", bad)
		}
	}
	for _, loc := range []string{"geo:22.300,-118.44", "urn:uuid:6d4a3a3e-2c5e-4fdc-9d2d-7e3b1f1b2a10"} {
		if got, err := NormalizeLocation(loc); err != nil || got != loc {
			t.Errorf("NormalizeLocation(%s) = %s, %v", loc, got, err)
		}
	}
	if _, err := NormalizeLocation("https://id.gs1.org/414/0614141123453"); err == nil {
		t.Error("a GLN with a wrong check digit passed as some other URI")
	}
}

// TestOtherEPCSchemes: the Tag Data Standard's schemes without a Digital Link form are kept as
// written when their syntax and check digit hold, and refused, naming the scheme, when not. The
// valid examples are the standard's own (TDS 2.1 §6.3) or computed by hand from its check-digit
// rules.
func TestOtherEPCSchemes(t *testing.T) {
	for _, tc := range []struct {
		urn string
		ok  bool
	}{
		{"urn:epc:id:gid:95100000.12345.400", true},
		{"urn:epc:id:gid:95100000.12345.4x0", false},
		{"urn:epc:id:usdod:2S194.12345678901", true},
		{"urn:epc:id:usdod:2S194", false},
		{"urn:epc:id:adi:2S194.12345A1.%23A1", true},
		{"urn:epc:id:adi:W81X9C.3KL984PX1.2WMA52", true},
		{"urn:epc:id:adi:2S194..12345ABCDEFGHIJKLMN", true}, // no part number
		{"urn:epc:id:adi:2S194.12345A1", false},
		{"urn:epc:id:bic:CSQU3054383", true}, // ISO 6346's example
		{"urn:epc:id:bic:CSQU3054384", false},
		{"urn:epc:id:bic:CSQX3054383", false},
		{"urn:epc:id:imovn:9176187", true}, // 9·7+1·6+7·5+6·4+1·3+8·2 = 147
		{"urn:epc:id:imovn:9176188", false},
		{"urn:epc:id:upui:0614141.000024.ABCD%2F12", true},
		{"urn:epc:id:upui:0614141.00024.ABC", false}, // 12 digits, not 13
	} {
		if tc.ok {
			// the scheme's name is case-insensitive: one identifier, one form
			if n, err := Normalize(strings.Replace(tc.urn, "urn:epc:id:", "URN:EPC:ID:", 1)); err != nil || n != tc.urn {
				t.Errorf("Normalize of %s in capitals = %s, %v", tc.urn, n, err)
			}
		}
		id, err := Parse(tc.urn)
		switch {
		case tc.ok && (err != nil || id.Kind != KindURI || id.String() != tc.urn):
			t.Errorf("Parse(%s) = %+v, %v; want it kept as written", tc.urn, id, err)
		case !tc.ok && err == nil:
			t.Errorf("Parse(%s) accepted: %+v", tc.urn, id)
		case !tc.ok && !strings.Contains(err.Error(), "not a valid"):
			t.Errorf("Parse(%s): %v, want the scheme's syntax named", tc.urn, err)
		}
	}
}
