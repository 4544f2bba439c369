package gs1

import (
	"fmt"
	"regexp"
	"strings"
)

// EPC schemes of the Tag Data Standard that have no GS1 Digital Link form: identifiers of other
// issuing agencies (the US Department of Defense's CAGE codes, ISO 6346 container codes, IMO
// vessel numbers, General Identifiers) and GS1's UPUI, a GTIN with a third-party-controlled
// extension that no resolver serves. An EPCIS event may name them like any other EPC: each is
// checked against its scheme's syntax (and check digit, where it has one) and kept as written.
var urnOnly = map[string]func(body string) bool{
	// GeneralManagerNumber.ObjectClass.SerialNumber (28, 24 and 36 bits)
	"id:gid": regexp.MustCompile(`^[0-9]{1,9}\.[0-9]{1,8}\.[0-9]{1,11}$`).MatchString,
	// CAGECodeOrDODAAC.SerialNumber
	"id:usdod": regexp.MustCompile(`^[0-9A-HJ-NP-Z]{5,6}\.[0-9]{1,11}$`).MatchString,
	// CAGECodeOrDODAAC.OriginalPartNumber.Serial: the part number may be empty, the serial may
	// start with # (%23); both may hold / (%2F)
	"id:adi":   regexp.MustCompile(`^[0-9A-HJ-NP-Z]{5,6}\.(?:[0-9A-Z\-]|%2F){0,32}\.(?:%23)?(?:[0-9A-Z\-]|%2F){1,30}$`).MatchString,
	"id:bic":   validBIC,
	"id:imovn": validIMO,
	"id:upui":  validUPUI,
}

// urnOnlyID parses an identifier of one of the urnOnly schemes; ok is false when scheme is not one.
func urnOnlyID(s, scheme, body string) (id ID, ok bool, err error) {
	valid := urnOnly[scheme]
	if valid == nil {
		return ID{}, false, nil
	}
	if !valid(body) {
		return ID{}, true, fmt.Errorf("%q: not a valid %s EPC (Tag Data Standard syntax and check digit)", s, strings.TrimPrefix(scheme, "id:"))
	}
	// the scheme's name in lower case, so two spellings of one identifier are one identifier
	return ID{Kind: KindURI, Local: "urn:epc:" + scheme + ":" + body}, true, nil
}

var bicSyntax = regexp.MustCompile(`^[A-Z]{3}[UJZ][0-9]{7}$`)

// validBIC checks an ISO 6346 container code: owner code, equipment category, serial number and
// its check digit (each character's value weighted 2^position, the sum mod 11, mod 10).
func validBIC(s string) bool {
	if !bicSyntax.MatchString(s) {
		return false
	}
	sum := 0
	for i := 0; i < 10; i++ {
		v := int(s[i] - '0')
		if s[i] >= 'A' {
			v = bicLetter[s[i]-'A']
		}
		sum += v << i
	}
	return byte('0'+sum%11%10) == s[10]
}

// bicLetter is the value of each letter in an ISO 6346 check digit: 10 on, skipping 11, 22 and 33.
var bicLetter = func() (t [26]int) {
	v := 10
	for i := range t {
		if v%11 == 0 {
			v++
		}
		t[i] = v
		v++
	}
	return t
}()

// validIMO checks an IMO ship number: seven digits, the last the sum of the others weighted 7 to 2,
// mod 10.
func validIMO(s string) bool {
	if len(s) != 7 || !allDigits(s) {
		return false
	}
	sum := 0
	for i := 0; i < 6; i++ {
		sum += int(s[i]-'0') * (7 - i)
	}
	return byte('0'+sum%10) == s[6]
}

// validUPUI checks CompanyPrefix.IndicatorItemRef.TPX: a GTIN's 13 digits and a third-party
// extension of up to 28 characters.
func validUPUI(s string) bool {
	f := strings.Split(s, ".")
	return len(f) == 3 && allDigits(f[0]) && allDigits(f[1]) && len(f[0]) >= 6 && len(f[0]) <= 12 &&
		len(f[0])+len(f[1]) == 13 && f[2] != "" && len(f[2]) <= 28*3
}
