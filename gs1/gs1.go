// Package gs1 parses and normalises GS1 identifiers: EPC pure-identity URNs (sgtin, lgtin class,
// sgln), GS1 Digital Link URIs, GTINs and GLNs with their check digits.
//
// Every identifier is normalised to one canonical form, the GS1 Digital Link on id.gs1.org
// (https://id.gs1.org/01/{GTIN-14}/10/{lot}). The choice is forced by information: a URN can always
// be turned into a Digital Link, but a Digital Link cannot be turned into a URN without knowing the
// length of the GS1 company prefix, which the Digital Link does not carry.
package gs1

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// CanonicalHost is the resolver host of the canonical Digital Link form.
const CanonicalHost = "https://id.gs1.org"

// Kind of identifier.
type Kind string

const (
	KindLot    Kind = "lot"    // GTIN + lot (LGTIN)
	KindSerial Kind = "serial" // GTIN + serial (SGTIN)
	KindGTIN   Kind = "gtin"   // GTIN alone (a product class)
	KindGLN    Kind = "gln"    // location, with optional extension (SGLN)
	KindSSCC   Kind = "sscc"   // logistic unit (pallet, container)
	KindLocal  Kind = "local"  // platform-local code
	KindKey    Kind = "key"    // another GS1 key (GRAI, GIAI, GSRN, GDTI, SGCN, CPI, PGLN, ITIP…), see keys.go
	KindURI    Kind = "uri"    // a location that is some other URI (geo:, urn:…), kept as given
)

// ID is a parsed identifier.
type ID struct {
	Kind      Kind
	GTIN      string // 14 digits
	Lot       string
	Serial    string
	GLN       string // 13 digits
	Extension string // GLN extension (AI 254)
	SSCC      string // 18 digits
	Local     string // local code, or the URI of KindURI
	AI        string // KindKey: the primary key's application identifier (8003, 417…)
	Key       string // KindKey: its value
	QualAI    string // KindKey: a key qualifier (21 of ITIP, 8011 of CPI), if any
	Qual      string
}

// String is the canonical form.
func (id ID) String() string {
	switch id.Kind {
	case KindLot:
		return CanonicalHost + "/01/" + id.GTIN + "/10/" + escape(id.Lot)
	case KindSerial:
		return CanonicalHost + "/01/" + id.GTIN + "/21/" + escape(id.Serial)
	case KindGTIN:
		return CanonicalHost + "/01/" + id.GTIN
	case KindGLN:
		if id.Extension != "" {
			return CanonicalHost + "/414/" + id.GLN + "/254/" + escape(id.Extension)
		}
		return CanonicalHost + "/414/" + id.GLN
	case KindSSCC:
		return CanonicalHost + "/00/" + id.SSCC
	case KindKey:
		return id.keyString()
	}
	return id.Local
}

// DigitalLink renders the identifier under another resolver host (e.g. the product's own).
func (id ID) DigitalLink(host string) string {
	s := id.String()
	if id.Kind == KindLocal {
		return s
	}
	return strings.TrimSuffix(host, "/") + strings.TrimPrefix(s, CanonicalHost)
}

// URN renders the EPC URN, which needs the company prefix length (6–12 digits).
func (id ID) URN(companyPrefixLen int) (string, error) {
	if companyPrefixLen < 6 || companyPrefixLen > 12 {
		return "", fmt.Errorf("company prefix length %d outside 6..12", companyPrefixLen)
	}
	switch id.Kind {
	case KindLot, KindSerial:
		cp := id.GTIN[1 : 1+companyPrefixLen]
		item := id.GTIN[:1] + id.GTIN[1+companyPrefixLen:13]
		if id.Kind == KindLot {
			return "urn:epc:class:lgtin:" + cp + "." + item + "." + urnEscape(id.Lot), nil
		}
		return "urn:epc:id:sgtin:" + cp + "." + item + "." + urnEscape(id.Serial), nil
	case KindSSCC:
		return "urn:epc:id:sscc:" + id.SSCC[1:1+companyPrefixLen] + "." + id.SSCC[:1] + id.SSCC[1+companyPrefixLen:17], nil
	case KindGTIN:
		cp := id.GTIN[1 : 1+companyPrefixLen]
		return "urn:epc:idpat:sgtin:" + cp + "." + id.GTIN[:1] + id.GTIN[1+companyPrefixLen:13] + ".*", nil
	case KindGLN:
		ext := id.Extension
		if ext == "" {
			ext = "0"
		}
		return "urn:epc:id:sgln:" + id.GLN[:companyPrefixLen] + "." + id.GLN[companyPrefixLen:12] + "." + urnEscape(ext), nil
	case KindKey:
		if k := otherKeys[id.AI]; k != nil {
			return k.toURN(id, companyPrefixLen)
		}
	}
	return "", fmt.Errorf("%s identifiers have no EPC URN", id.Kind)
}

func escape(s string) string { return url.PathEscape(s) }

// EPC URNs percent-encode the same characters a URI path segment would.
func urnEscape(s string) string { return url.PathEscape(s) }

// ErrEmpty is returned for an empty identifier.
var ErrEmpty = errors.New("identifier is empty")

var localCode = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._\-:/]{0,127}$`)

// Parse accepts an EPC URN, a GS1 Digital Link URI, or a platform-local code.
func Parse(s string) (ID, error) {
	e, err := lookup(s)
	return e.id, err
}

// hasPrefixFold is strings.HasPrefix(strings.ToLower(s), prefix) for an ASCII prefix without k or s
// (letters another rune folds to), without lowering the whole of s.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func parse(s string) (ID, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return ID{}, ErrEmpty
	case hasPrefixFold(s, "urn:epc:"):
		return parseURN(s)
	case strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://"):
		return parseDigitalLink(s)
	case strings.HasPrefix(s, LocalURN):
		code, err := url.PathUnescape(strings.TrimPrefix(s, LocalURN))
		if err != nil || !localCode.MatchString(code) {
			return ID{}, fmt.Errorf("%q: not a valid platform-local code", s)
		}
		return ID{Kind: KindLocal, Local: code}, nil
	case hasPrefixFold(s, "urn:"):
		return ID{}, fmt.Errorf("%q: only urn:epc: identifiers are supported", s)
	}
	if !localCode.MatchString(s) {
		return ID{}, fmt.Errorf("%q is neither an EPC URN, a GS1 Digital Link nor a local code "+
			"(letters, digits and . _ - : /, at most 128 characters, starting with a letter or digit)", s)
	}
	return ID{Kind: KindLocal, Local: s}, nil
}

// Normalize returns the canonical form of s.
func Normalize(s string) (string, error) {
	e, err := lookup(s)
	return e.canon, err
}

// allDigits reports whether s is one or more ASCII digits (a regular expression here was a good
// part of reading an identifier).
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func parseURN(s string) (ID, error) {
	parts := strings.SplitN(s, ":", 5)
	if len(parts) != 5 {
		return ID{}, fmt.Errorf("%q: malformed EPC URN", s)
	}
	scheme := strings.ToLower(parts[2] + ":" + parts[3])
	fields := strings.Split(parts[4], ".")
	unesc := func(v string) (string, error) {
		u, err := url.PathUnescape(v)
		if err != nil || u == "" {
			return "", fmt.Errorf("%q: bad escaping in %q", s, v)
		}
		return u, nil
	}
	switch scheme {
	case "idpat:sgtin":
		// a pattern over every serial of one GTIN: the product class
		if len(fields) != 3 || fields[2] != "*" {
			return ID{}, fmt.Errorf("%q: want CompanyPrefix.IndicatorItemRef.*", s)
		}
		cp, item := fields[0], fields[1]
		if !allDigits(cp) || !allDigits(item) || len(cp)+len(item) != 13 || len(cp) < 6 || len(cp) > 12 {
			return ID{}, fmt.Errorf("%q: company prefix and item reference must be digits totalling 13 (prefix 6–12)", s)
		}
		body := item[:1] + cp + item[1:]
		return ID{Kind: KindGTIN, GTIN: body + string(CheckDigit(body))}, nil
	case "id:sscc":
		if len(fields) != 2 {
			return ID{}, fmt.Errorf("%q: want CompanyPrefix.SerialReference", s)
		}
		cp, ref := fields[0], fields[1]
		if !allDigits(cp) || !allDigits(ref) || len(cp)+len(ref) != 17 || len(cp) < 6 || len(cp) > 12 {
			return ID{}, fmt.Errorf("%q: company prefix and serial reference must be digits totalling 17", s)
		}
		body := ref[:1] + cp + ref[1:]
		return ID{Kind: KindSSCC, SSCC: body + string(CheckDigit(body))}, nil
	case "id:sgtin", "class:lgtin":
		if len(fields) != 3 {
			return ID{}, fmt.Errorf("%q: want CompanyPrefix.IndicatorItemRef.%s", s, map[bool]string{true: "Lot", false: "Serial"}[scheme == "class:lgtin"])
		}
		cp, item := fields[0], fields[1]
		if !allDigits(cp) || !allDigits(item) || len(cp)+len(item) != 13 || len(cp) < 6 || len(cp) > 12 {
			return ID{}, fmt.Errorf("%q: company prefix and item reference must be digits totalling 13 (prefix 6–12)", s)
		}
		body := item[:1] + cp + item[1:]
		gtin := body + string(CheckDigit(body))
		v, err := unesc(fields[2])
		if err != nil {
			return ID{}, err
		}
		ai := map[bool]string{true: "10", false: "21"}[scheme == "class:lgtin"]
		if err := CheckAI(ai, v); err != nil {
			return ID{}, fmt.Errorf("%q: %w", s, err)
		}
		if scheme == "class:lgtin" {
			return ID{Kind: KindLot, GTIN: gtin, Lot: v}, nil
		}
		return ID{Kind: KindSerial, GTIN: gtin, Serial: v}, nil
	case "id:sgln":
		if len(fields) != 3 {
			return ID{}, fmt.Errorf("%q: want CompanyPrefix.LocationRef.Extension", s)
		}
		cp, loc := fields[0], fields[1]
		if !allDigits(cp) || (loc != "" && !allDigits(loc)) || len(cp)+len(loc) != 12 {
			return ID{}, fmt.Errorf("%q: company prefix and location reference must be digits totalling 12", s)
		}
		body := cp + loc
		id := ID{Kind: KindGLN, GLN: body + string(CheckDigit(body))}
		ext, err := unesc(fields[2])
		if err != nil {
			return ID{}, err
		}
		if ext != "0" {
			if err := CheckAI("254", ext); err != nil {
				return ID{}, fmt.Errorf("%q: %w", s, err)
			}
			id.Extension = ext
		}
		return id, nil
	}
	if k := urnKeys[scheme]; k != nil {
		return k.fromURN(s, fields)
	}
	if id, ok, err := urnOnlyID(s, scheme, parts[4]); ok {
		return id, err
	}
	if strings.HasPrefix(scheme, "idpat:") {
		// other patterns (idpat:sscc, idpat:grai…) name a set of objects; kept as written
		return ID{Kind: KindURI, Local: s}, nil
	}
	return ID{}, fmt.Errorf("%q: EPC scheme %q not supported (sgtin, lgtin, sgln, sscc, grai, giai, gsrn, gsrnp, gdti, sgcn, cpi, pgln, itip, ginc, gsin, upui, gid, usdod, adi, bic, imovn and idpat are)", s, scheme)
}

func parseDigitalLink(s string) (ID, error) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return ID{}, fmt.Errorf("%q: not a valid URI", s)
	}
	segs := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	// a resolver may mount Digital Link under a path prefix: find the primary key (01 or 414)
	start := -1
	for i, seg := range segs {
		if (seg == "01" || seg == "414" || seg == "00" || otherKeys[seg] != nil) && i+1 < len(segs) {
			start = i
			break
		}
	}
	if start < 0 {
		return ID{}, fmt.Errorf("%q: no GS1 primary key (/01/{GTIN} or /414/{GLN}) in the path", s)
	}
	segs = segs[start:]
	if len(segs)%2 != 0 {
		return ID{}, fmt.Errorf("%q: path must be application identifier / value pairs", s)
	}
	vals := map[string]string{}
	var order []string
	for i := 0; i < len(segs); i += 2 {
		v, err := url.PathUnescape(segs[i+1])
		if err != nil || v == "" {
			return ID{}, fmt.Errorf("%q: bad value for AI %s", s, segs[i])
		}
		if err := CheckAI(segs[i], v); err != nil {
			return ID{}, fmt.Errorf("%q: %w", s, err)
		}
		if _, twice := vals[segs[i]]; twice {
			return ID{}, fmt.Errorf("%q: AI %s appears twice", s, segs[i])
		}
		vals[segs[i]] = v
		order = append(order, segs[i])
	}
	switch order[0] {
	case "01":
		gtin, err := NormalizeGTIN(vals["01"])
		if err != nil {
			return ID{}, fmt.Errorf("%q: %w", s, err)
		}
		switch {
		case len(order) == 1:
			return ID{Kind: KindGTIN, GTIN: gtin}, nil
		case order[1] == "10" && len(order) == 2:
			return ID{Kind: KindLot, GTIN: gtin, Lot: vals["10"]}, nil
		case order[1] == "21" && len(order) == 2:
			return ID{Kind: KindSerial, GTIN: gtin, Serial: vals["21"]}, nil
		case order[1] == "22" || (len(order) == 3 && order[1] == "10" && order[2] == "21"):
			// CPV or lot+serial: the serial identifies the item
			if v, ok := vals["21"]; ok {
				return ID{Kind: KindSerial, GTIN: gtin, Serial: v}, nil
			}
		}
		return ID{}, fmt.Errorf("%q: after /01/{GTIN} expected /10/{lot} or /21/{serial}", s)
	case "00":
		if len(order) != 1 {
			return ID{}, fmt.Errorf("%q: /00/{SSCC} takes no qualifiers", s)
		}
		if err := VerifyCheckDigit(vals["00"], 18); err != nil {
			return ID{}, fmt.Errorf("%q: SSCC: %w", s, err)
		}
		return ID{Kind: KindSSCC, SSCC: vals["00"]}, nil
	case "414":
		gln := vals["414"]
		if err := VerifyCheckDigit(gln, 13); err != nil {
			return ID{}, fmt.Errorf("%q: GLN: %w", s, err)
		}
		id := ID{Kind: KindGLN, GLN: gln}
		if len(order) == 2 && order[1] == "254" {
			id.Extension = vals["254"]
		} else if len(order) > 1 {
			return ID{}, fmt.Errorf("%q: after /414/{GLN} only /254/{extension} is allowed", s)
		}
		return id, nil
	}
	if k := otherKeys[order[0]]; k != nil {
		return k.fromDL(s, order, vals)
	}
	return ID{}, fmt.Errorf("%q: unsupported primary key", s)
}

// CheckDigit computes the GS1 mod-10 check digit of body (all digits but the last).
func CheckDigit(body string) byte {
	sum := 0
	for i := 0; i < len(body); i++ {
		d := int(body[len(body)-1-i] - '0')
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// VerifyCheckDigit checks that s has n digits and a correct check digit.
func VerifyCheckDigit(s string, n int) error {
	if len(s) != n || !allDigits(s) {
		return fmt.Errorf("%q must be %d digits", s, n)
	}
	if want := CheckDigit(s[:n-1]); s[n-1] != want {
		return fmt.Errorf("%q has check digit %c, expected %c", s, s[n-1], want)
	}
	return nil
}

// NormalizeGTIN accepts GTIN-8, -12, -13 or -14, verifies the check digit and returns GTIN-14.
func NormalizeGTIN(s string) (string, error) {
	switch len(s) {
	case 8, 12, 13, 14:
	default:
		return "", fmt.Errorf("GTIN %q must have 8, 12, 13 or 14 digits", s)
	}
	if err := VerifyCheckDigit(s, len(s)); err != nil {
		return "", fmt.Errorf("GTIN %w", err)
	}
	return strings.Repeat("0", 14-len(s)) + s, nil
}

// PrefixDigits is the digit string of the key that begins with its GS1 company prefix (the GTIN
// or SSCC without its leading digit, the GLN), "" for identifiers with no URN form here.
func (id ID) PrefixDigits() string {
	switch id.Kind {
	case KindLot, KindSerial, KindGTIN:
		return id.GTIN[1:]
	case KindSSCC:
		return id.SSCC[1:]
	case KindGLN:
		return id.GLN
	case KindKey:
		if k := otherKeys[id.AI]; k != nil {
			return k.prefixDigits(id)
		}
	}
	return ""
}

// CompanyPrefix is the GS1 company prefix an EPC URN spells out (its first field), for the URN
// schemes ID.URN writes.
func CompanyPrefix(urn string) (string, bool) {
	if !hasPrefixFold(urn, "urn:epc:") {
		return "", false
	}
	parts := strings.SplitN(urn, ":", 5)
	if len(parts) != 5 {
		return "", false
	}
	switch scheme := strings.ToLower(parts[2] + ":" + parts[3]); scheme {
	case "id:sgtin", "class:lgtin", "idpat:sgtin", "id:sscc", "id:sgln":
	default:
		if k := urnKeys[scheme]; k == nil || k.urn == "id:itip" {
			return "", false
		}
	}
	cp, _, _ := strings.Cut(parts[4], ".")
	if len(cp) < 6 || len(cp) > 12 || !allDigits(cp) {
		return "", false
	}
	return cp, true
}
