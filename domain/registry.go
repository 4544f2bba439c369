package domain

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/agritrace/agritrace/gs1"
)

// Registry (主体备案) and certification (认证追溯): who an enterprise is, which platform vouches for it,
// which GS1 codes it owns, and which certification bodies may certify what. Registry changes are
// events like any other (type register), so they have a history and reach the read model.

// Register is the event type of registry changes: a platform registers or updates one of its
// enterprises; the regulator registers certification bodies and sets the registry policy.
const Register EventType = "register"

// Certificate status changes other than revoke.
const (
	Suspend   EventType = "suspend"   // the issuing body suspends a certificate
	Reinstate EventType = "reinstate" // the issuing body lifts a suspension
)

// Enterprise roles (主体类型) along 产购储加销.
var EnterpriseRoles = []string{"种植", "养殖", "收购", "仓储", "加工", "运输", "销售", "检测"}

// Enterprise is a registered subject (主体备案).
type Enterprise struct {
	ID       string   `json:"id"` // unified social credit code, or a platform-local ID for a household (农户)
	Name     string   `json:"name"`
	Region   string   `json:"region"`             // GB/T 2260 code of its registered address
	Roles    []string `json:"roles"`              // from EnterpriseRoles
	Prefixes []string `json:"prefixes,omitempty"` // GS1 company prefixes it owns (6–12 digits)
	GTINs    []string `json:"gtins,omitempty"`    // single GTINs it owns (GTIN-14)
	Platform string   `json:"platform,omitempty"` // ledger: the registering platform's MSP ID
	Event    string   `json:"event,omitempty"`    // ledger: the last registering event
}

// CertBody is a certification body (认证机构) registered by the regulator.
type CertBody struct {
	ID      string   `json:"id"` // e.g. its USCC or CNCA approval number
	Name    string   `json:"name"`
	Org     string   `json:"org"`     // MSP ID whose identity signs its certificates
	Schemes []string `json:"schemes"` // from CertSchemes
	Event   string   `json:"event,omitempty"`
}

// CertSchemes are the certification schemes a body may be approved for.
var CertSchemes = map[string]string{
	"green-food":              "绿色食品",
	"organic":                 "有机产品",
	"geographical-indication": "农产品地理标志",
	"gap":                     "良好农业规范",
}

// Registration is the payload of a register event: exactly one of its fields.
type Registration struct {
	Enterprise *Enterprise `json:"enterprise,omitempty"`
	Body       *CertBody   `json:"body,omitempty"`
	// Enforce (regulator) makes registration mandatory: every actor must be an enterprise its
	// platform registered, and every commissioned GTIN owned by one. Without it only what is
	// registered is protected (no impersonation of a registered enterprise, no squatting of a
	// registered GTIN), so a ledger can migrate platform by platform.
	Enforce *bool `json:"enforce,omitempty"`
	// OfferHours (regulator) is how long a custody offer waits for acceptance before it lapses.
	OfferHours *int `json:"offerHours,omitempty"`
}

// Certificate statuses as of a moment.
const (
	CertActive    = "active"    // 有效
	CertSuspended = "suspended" // 已暂停
	CertRevoked   = "revoked"   // 已撤销
	CertExpired   = "expired"   // 已过期
	CertPending   = "pending"   // not yet valid
)

// CertStatus is the status of a certificate at now: a recorded revocation or suspension wins,
// then the validity dates (China time, whole days).
func CertStatus(c Certificate, now time.Time) string {
	switch {
	case c.Revoked || c.Status == CertRevoked:
		return CertRevoked
	case c.Status == CertSuspended:
		return CertSuspended
	}
	day := now.In(ChinaTime).Format("2006-01-02")
	if c.ValidUntil != "" && day > c.ValidUntil {
		return CertExpired
	}
	if c.ValidFrom != "" && day < c.ValidFrom {
		return CertPending
	}
	return CertActive
}

// ChinaTime is the zone certificate dates are read in.
var ChinaTime = time.FixedZone("CST", 8*3600)

var prefixRe = regexp.MustCompile(`^[0-9]{6,12}$`)

func validRegistration(e *Event) error {
	r := e.Registration
	if r == nil {
		return Invalid("/registration", "register needs a registration: enterprise, body, enforce or offerHours")
	}
	n := 0
	for _, set := range []bool{r.Enterprise != nil, r.Body != nil, r.Enforce != nil, r.OfferHours != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return Invalid("/registration", "a registration carries exactly one of enterprise, body, enforce, offerHours")
	}
	if r.OfferHours != nil && (*r.OfferHours < 1 || *r.OfferHours > 24*365) {
		return Invalid("/registration/offerHours", "offerHours must be 1..8760, got %d", *r.OfferHours)
	}
	if len(e.Batches)+len(e.Inputs)+len(e.Outputs) > 0 {
		return Invalid("/batches", "a registration concerns no batch")
	}
	if r.Enterprise != nil {
		return validEnterprise(r.Enterprise, "/registration/enterprise")
	}
	if b := r.Body; b != nil {
		p := "/registration/body"
		if strings.TrimSpace(b.ID) == "" || len(b.ID) > 64 || strings.TrimSpace(b.Name) == "" {
			return Invalid(p, "a certification body needs an id (≤ 64 bytes) and a name")
		}
		if b.Org == "" {
			return Invalid(p+"/org", "org: the MSP ID whose identity signs the body's certificates")
		}
		if len(b.Schemes) == 0 {
			return Invalid(p+"/schemes", "schemes: at least one of %v", schemeNames())
		}
		for i, s := range b.Schemes {
			if _, ok := CertSchemes[s]; !ok {
				return Invalid(p+"/schemes/"+itoa(i), "unknown scheme %q; one of %v", s, schemeNames())
			}
		}
		if b.Event != "" {
			return Invalid(p+"/event", "event is set by the ledger")
		}
	}
	return nil
}

func validEnterprise(en *Enterprise, p string) error {
	if err := validParty(Party{Enterprise: en.ID, Name: en.Name}, p); err != nil {
		if de, ok := AsError(err); ok && de.Pointer == p+"/enterprise" {
			de.Pointer = p + "/id" // the party's field is the enterprise record's id
		}
		return err
	}
	if strings.TrimSpace(en.Name) == "" || !utf8.ValidString(en.Name) || len(en.Name) > 200 {
		return Invalid(p+"/name", "enterprise name is required (≤ 200 bytes)")
	}
	if !regionCode.MatchString(en.Region) {
		return Invalid(p+"/region", "region must be a 6-digit GB/T 2260 code, got %q", en.Region)
	}
	if len(en.Roles) == 0 {
		return Invalid(p+"/roles", "roles: at least one of %v", EnterpriseRoles)
	}
	for i, r := range en.Roles {
		if !contains(EnterpriseRoles, r) {
			return Invalid(p+"/roles/"+itoa(i), "unknown role %q; one of %v", r, EnterpriseRoles)
		}
	}
	for i, pre := range en.Prefixes {
		if !prefixRe.MatchString(pre) {
			return Invalid(p+"/prefixes/"+itoa(i), "a GS1 company prefix is 6–12 digits, got %q", pre)
		}
	}
	for i := range en.GTINs {
		g, err := gs1.NormalizeGTIN(en.GTINs[i])
		if err != nil {
			return Invalid(p+"/gtins/"+itoa(i), "%v", err)
		}
		en.GTINs[i] = g
	}
	if en.Platform != "" || en.Event != "" {
		return Invalid(p, "platform and event are set by the ledger")
	}
	return nil
}

func validCertificate(e *Event) error {
	c := e.Certificate
	if c == nil || c.ID == "" {
		return Invalid("/certificate/id", "certificate id (its number) is required")
	}
	if len(c.ID) > 100 || !eventIDRe.MatchString(c.ID) {
		return Invalid("/certificate/id", "certificate number: 1–100 printable ASCII characters without spaces")
	}
	if c.Status != "" || c.IssuerName != "" {
		return Invalid("/certificate/status", "status and issuerName are set by the ledger")
	}
	if e.Type != Certify {
		return nil
	}
	if _, ok := CertSchemes[c.Type]; !ok {
		return Invalid("/certificate/type", "certificate scheme %q; one of %v", c.Type, schemeNames())
	}
	if c.Issuer == "" {
		return Invalid("/certificate/issuer", "issuer: the id of a registered certification body")
	}
	if c.Holder != "" {
		if err := validParty(Party{Enterprise: c.Holder}, "/certificate/holder"); err != nil {
			return err
		}
	}
	for _, d := range []struct{ v, p string }{{c.ValidFrom, "/certificate/validFrom"}, {c.ValidUntil, "/certificate/validUntil"}} {
		if d.v == "" {
			continue
		}
		if _, err := time.Parse("2006-01-02", d.v); err != nil || !dateRe.MatchString(d.v) {
			return Invalid(d.p, "date must be YYYY-MM-DD, got %q", d.v)
		}
	}
	if c.ValidUntil == "" {
		return Invalid("/certificate/validUntil", "a certificate needs its expiry date")
	}
	if c.ValidFrom != "" && c.ValidFrom > c.ValidUntil {
		return Invalid("/certificate/validUntil", "validUntil %s is before validFrom %s", c.ValidUntil, c.ValidFrom)
	}
	for i := range c.Scope {
		g, err := gs1.NormalizeGTIN(c.Scope[i])
		if err != nil {
			return Invalid("/certificate/scope/"+itoa(i), "%v", err)
		}
		c.Scope[i] = g
	}
	if d := c.Document; d != nil && !hexSHA256.MatchString(d.SHA256) {
		return Invalid("/certificate/document/sha256", "sha256 must be 64 lowercase hex characters")
	}
	return nil
}

func schemeNames() []string {
	return []string{"green-food", "organic", "geographical-indication", "gap"}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func itoa(i int) string { return strconv.Itoa(i) }
