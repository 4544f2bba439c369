package gs1

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// otherKey describes a GS1 primary key beyond GTIN, GLN and SSCC: its Digital Link application
// identifier, how many leading digits end in a check digit (0 = none), the qualifier it may carry,
// and how its EPC URN fields make the Digital Link value.
type otherKey struct {
	ai      string
	checked int    // length of the leading digit run that ends in a check digit
	lead    string // fixed leading digits before the checked run (GRAI's "0")
	qualAI  string
	urn     string // EPC scheme (id:grai…)
	serial  bool   // the URN has a third field after the check digit (GRAI, GDTI, SGCN)
	// fromFields turns the URN's dot-separated fields into the key value and qualifier.
	fromFields func(s string, f []string) (key, qual string, err error)
}

var otherKeys = map[string]*otherKey{}
var urnKeys = map[string]*otherKey{}

func init() {
	for _, k := range []*otherKey{
		{ai: "8003", checked: 13, lead: "0", urn: "id:grai", serial: true, fromFields: prefixCheckRest(12, 3, "0")},
		{ai: "8004", urn: "id:giai", fromFields: prefixRest},
		{ai: "8018", checked: 18, urn: "id:gsrn", fromFields: prefixCheckRest(17, 2, "")},
		{ai: "8017", checked: 18, urn: "id:gsrnp", fromFields: prefixCheckRest(17, 2, "")},
		{ai: "253", checked: 13, urn: "id:gdti", serial: true, fromFields: prefixCheckRest(12, 3, "")},
		{ai: "255", checked: 13, urn: "id:sgcn", serial: true, fromFields: prefixCheckRest(12, 3, "")},
		{ai: "417", checked: 13, urn: "id:pgln", fromFields: prefixCheckRest(12, 2, "")},
		{ai: "8010", qualAI: "8011", urn: "id:cpi", fromFields: cpiFields},
		{ai: "8006", checked: 14, qualAI: "21", urn: "id:itip", fromFields: itipFields},
		{ai: "401", urn: "id:ginc", fromFields: prefixRest},
		{ai: "402", checked: 17, urn: "id:gsin", fromFields: prefixCheckRest(16, 2, "")},
	} {
		otherKeys[k.ai] = k
		urnKeys[k.urn] = k
	}
}

func (id ID) keyString() string {
	s := CanonicalHost + "/" + id.AI + "/" + escape(id.Key)
	if id.QualAI != "" && id.Qual != "" {
		s += "/" + id.QualAI + "/" + escape(id.Qual)
	}
	return s
}

// prefixDigits is the part of the key that begins with the company prefix ("" for ITIP, whose
// URN is not written here).
func (k *otherKey) prefixDigits(id ID) string {
	if k.urn == "id:itip" {
		return ""
	}
	return strings.TrimPrefix(id.Key, k.lead)
}

// toURN writes the EPC URN of a key, its company prefix cpLen digits long: the inverse of
// fromFields.
func (k *otherKey) toURN(id ID, cpLen int) (string, error) {
	key := k.prefixDigits(id)
	bad := fmt.Errorf("%s %s has no EPC URN with a %d-digit company prefix", k.urn, id.Key, cpLen)
	if len(key) <= cpLen || !allDigits(key[:cpLen]) {
		return "", bad
	}
	urn := "urn:epc:" + k.urn + ":" + key[:cpLen] + "."
	switch {
	case k.urn == "id:cpi":
		if id.Qual == "" {
			return "", bad // the URN names one part: it needs the serial
		}
		return urn + urnEscape(key[cpLen:]) + "." + urnEscape(id.Qual), nil
	case k.checked == 0: // GIAI, GINC: CompanyPrefix.Reference
		return urn + urnEscape(key[cpLen:]), nil
	case k.qualAI == "":
		n := k.checked - 1 // the digits before the check digit
		if len(key) < n+1 || (k.serial && len(key) == n+1) {
			return "", bad
		}
		urn += key[cpLen:n]
		if k.serial {
			urn += "." + urnEscape(key[n+1:])
		}
		return urn, nil
	}
	return "", bad
}

func (k *otherKey) fromURN(s string, fields []string) (ID, error) {
	key, qual, err := k.fromFields(s, fields)
	if err != nil {
		return ID{}, err
	}
	if err := CheckAI(k.ai, key); err != nil {
		return ID{}, fmt.Errorf("%q: %w", s, err)
	}
	return ID{Kind: KindKey, AI: k.ai, Key: key, QualAI: k.qualAI, Qual: qual}, nil
}

func (k *otherKey) fromDL(s string, order []string, vals map[string]string) (ID, error) {
	key := vals[k.ai]
	if k.checked > 0 {
		if !strings.HasPrefix(key, k.lead) || len(key) < len(k.lead)+k.checked {
			return ID{}, fmt.Errorf("%q: AI %s must start with %d digits ending in a check digit", s, k.ai, k.checked)
		}
		if err := VerifyCheckDigit(key[len(k.lead):len(k.lead)+k.checked], k.checked); err != nil {
			return ID{}, fmt.Errorf("%q: AI %s: %w", s, k.ai, err)
		}
	}
	id := ID{Kind: KindKey, AI: k.ai, Key: key, QualAI: k.qualAI}
	switch {
	case len(order) == 1:
	case len(order) == 2 && k.qualAI != "" && order[1] == k.qualAI:
		id.Qual = vals[k.qualAI]
	default:
		return ID{}, fmt.Errorf("%q: AI %s takes %s", s, k.ai, map[bool]string{true: "only /" + k.qualAI + "/ as a qualifier", false: "no qualifiers"}[k.qualAI != ""])
	}
	return id, nil
}

var urnDigits = regexp.MustCompile(`^[0-9]+$`)

// prefixCheckRest builds keys made of CompanyPrefix.Reference (n digits together) + check digit,
// followed by the URN's remaining field (a serial) when it has one. fields is the URN's field count.
func prefixCheckRest(n, fieldCount int, lead string) func(string, []string) (string, string, error) {
	return func(s string, f []string) (string, string, error) {
		if len(f) != fieldCount {
			return "", "", fmt.Errorf("%q: want %d dot-separated fields", s, fieldCount)
		}
		body := f[0] + f[1]
		if !urnDigits.MatchString(f[0]) || (f[1] != "" && !urnDigits.MatchString(f[1])) || len(body) != n || len(f[0]) < 6 || len(f[0]) > 12 {
			return "", "", fmt.Errorf("%q: company prefix and reference must be digits totalling %d", s, n)
		}
		key := lead + body + string(CheckDigit(lead+body))
		if fieldCount == 3 {
			serial, err := url.PathUnescape(f[2])
			if err != nil {
				return "", "", fmt.Errorf("%q: bad escaping in %q", s, f[2])
			}
			key += serial
		}
		return key, "", nil
	}
}

// prefixRest builds keys made of CompanyPrefix.Reference without a check digit: GIAI (individual
// asset reference) and GINC (consignment reference).
func prefixRest(s string, f []string) (string, string, error) {
	if len(f) != 2 || !urnDigits.MatchString(f[0]) || f[1] == "" {
		return "", "", fmt.Errorf("%q: want CompanyPrefix.Reference", s)
	}
	ref, err := url.PathUnescape(f[1])
	if err != nil {
		return "", "", fmt.Errorf("%q: bad escaping in %q", s, f[1])
	}
	return f[0] + ref, "", nil
}

// cpiFields: CompanyPrefix.ComponentPartReference.Serial → 8010 = prefix+reference, 8011 = serial.
func cpiFields(s string, f []string) (string, string, error) {
	if len(f) != 3 || !urnDigits.MatchString(f[0]) || f[1] == "" {
		return "", "", fmt.Errorf("%q: want CompanyPrefix.ComponentPartReference.Serial", s)
	}
	ref, err := url.PathUnescape(f[1])
	if err != nil {
		return "", "", fmt.Errorf("%q: bad escaping in %q", s, f[1])
	}
	return f[0] + ref, f[2], nil
}

// itipFields: CompanyPrefix.IndicatorItemRef.Piece.Total.Serial → 8006 = GTIN + piece + total, 21 = serial.
func itipFields(s string, f []string) (string, string, error) {
	if len(f) != 5 {
		return "", "", fmt.Errorf("%q: want CompanyPrefix.IndicatorItemRef.Piece.Total.Serial", s)
	}
	cp, item := f[0], f[1]
	if !urnDigits.MatchString(cp) || !urnDigits.MatchString(item) || len(cp)+len(item) != 13 ||
		len(f[2]) != 2 || len(f[3]) != 2 || !urnDigits.MatchString(f[2]+f[3]) {
		return "", "", fmt.Errorf("%q: company prefix and item reference must total 13 digits, piece and total 2 digits each", s)
	}
	body := item[:1] + cp + item[1:]
	serial, err := url.PathUnescape(f[4])
	if err != nil {
		return "", "", fmt.Errorf("%q: bad escaping in %q", s, f[4])
	}
	return body + string(CheckDigit(body)) + f[2] + f[3], serial, nil
}

var uriScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$`)

// ParseLocation accepts what Parse accepts and, since EPCIS locations may be any URI (geo:
// coordinates, urn:…), any other absolute URI, kept as written.
func ParseLocation(s string) (ID, error) {
	id, err := Parse(s)
	if err == nil {
		return id, nil
	}
	t := strings.TrimSpace(s)
	lower := strings.ToLower(t)
	if strings.HasPrefix(lower, "urn:epc:") || strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") {
		return ID{}, err // a malformed GS1 identifier stays an error
	}
	if len(t) <= 512 && uriScheme.MatchString(t) {
		return ID{Kind: KindURI, Local: t}, nil
	}
	return ID{}, err
}

// NormalizeLocation is Normalize for locations (see ParseLocation).
func NormalizeLocation(s string) (string, error) {
	id, err := ParseLocation(s)
	if err != nil {
		return "", err
	}
	return id.String(), nil
}

// LocalURN is the URI form of a platform-local code where a URI is required (EPCIS export).
const LocalURN = "urn:agritrace:local:"

// AsURI renders a normalised identifier as a URI: local codes get the LocalURN prefix, which Parse
// takes off again.
func AsURI(normalised string) string {
	if id, err := Parse(normalised); err == nil && id.Kind == KindLocal {
		return LocalURN + url.PathEscape(id.Local)
	}
	return normalised
}
