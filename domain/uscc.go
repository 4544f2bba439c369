package domain

import "strings"

// Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, the last a check
// character over the first 17.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// IsUSCCShape reports whether s is made of USCC characters (so it is meant to be one).
func IsUSCCShape(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune(usccChars, r) {
			return false
		}
	}
	return true
}

// USCCCheck computes the check character for the first 17 characters.
func USCCCheck(body string) byte {
	sum := 0
	for i := 0; i < 17 && i < len(body); i++ {
		sum += strings.IndexByte(usccChars, body[i]) * usccWeights[i]
	}
	return usccChars[(31-sum%31)%31]
}

// ValidUSCC checks the length, alphabet and check character.
func ValidUSCC(s string) bool {
	return len(s) == 18 && IsUSCCShape(s) && USCCCheck(s[:17]) == s[17]
}
