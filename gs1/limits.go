package gs1

import (
	"fmt"
	"unicode/utf8"
)

// Length and character limits of the GS1 General Specifications (section 3, "GS1 Application
// Identifiers"; section 7.11, "GS1 AI encodable character set 82"). A value the standard does not
// allow cannot be printed in a GS1 barcode or resolved by another GS1 resolver, so it is refused on
// capture rather than stored and failing later at label time.
var aiMaxLen = map[string]int{
	"10":  20, // batch or lot number, X..20
	"21":  20, // serial number, X..20
	"22":  20, // consumer product variant, X..20
	"254": 20, // GLN extension component, X..20
	"401": 30, // GINC, global identification number for consignment, X..30
	"402": 17, // GSIN, global shipment identification number, N17
}

// isCS82 reports whether c is in GS1 AI encodable character set 82: A–Z a–z 0–9 and
// ! " % & ' ( ) * + , - . / : ; < = > ? _
func isCS82(c rune) bool {
	switch {
	case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		return true
	}
	switch c {
	case '!', '"', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/', ':', ';', '<', '=', '>', '?', '_':
		return true
	}
	return false
}

// CheckAI verifies a value against the limits of application identifier ai (10, 21, 22, 254, 401,
// 402); other AIs pass.
func CheckAI(ai, v string) error {
	limit, ok := aiMaxLen[ai]
	if !ok {
		return nil
	}
	if v == "" {
		return fmt.Errorf("AI (%s) is empty", ai)
	}
	if n := utf8.RuneCountInString(v); n > limit {
		return fmt.Errorf("AI (%s) %s is %d characters; GS1 allows at most %d", ai, aiName[ai], n, limit)
	}
	for i, c := range v {
		if !isCS82(c) {
			return fmt.Errorf("AI (%s) %s has %q at position %d, outside the GS1 character set 82 (A-Z a-z 0-9 and !\"%%&'()*+,-./:;<=>?_)",
				ai, aiName[ai], c, i+1)
		}
	}
	return nil
}

var aiName = map[string]string{"10": "lot", "21": "serial", "22": "variant", "254": "GLN extension", "401": "GINC", "402": "GSIN"}
