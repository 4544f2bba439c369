package domain

import (
	"strings"
	"testing"
	"time"
)

func TestValidateRegistryCertificatesAndDeclarations(t *testing.T) {
	mill := "91230184MA1BXR5N8" + string(USCCCheck("91230184MA1BXR5N8"))
	yes, hours := true, 0
	reg := func(r *Registration) Event {
		return Event{ID: "r", Type: Register, EventTime: "2026-10-01T08:00:00+08:00", Actor: Party{Enterprise: "X"}, Registration: r}
	}
	ent := func(mod func(*Enterprise)) Event {
		en := &Enterprise{ID: mill, Name: "五常市金禾米业有限公司", Region: "230184", Roles: []string{"加工"}, Prefixes: []string{"6901234"}, GTINs: []string{"6901234100037"}}
		if mod != nil {
			mod(en)
		}
		return reg(&Registration{Enterprise: en})
	}
	cert := func(t EventType, mod func(*Certificate)) Event {
		c := &Certificate{ID: "OC-1", Type: "organic", Issuer: "CB-1", ValidFrom: "2026-01-01", ValidUntil: "2028-12-31"}
		if mod != nil {
			mod(c)
		}
		return Event{ID: "c", Type: t, EventTime: "2026-10-01T08:00:00+08:00", Actor: Party{Enterprise: "X"}, Batches: []string{"LOT-1"}, Certificate: c, Reason: "r"}
	}
	declare := func(d *ErrorDeclaration) Event {
		return Event{ID: "d", Type: DeclareError, EventTime: "2026-10-01T08:00:00+08:00", Actor: Party{Enterprise: "X"}, Declaration: d}
	}
	tests := []struct {
		name    string
		event   Event
		pointer string // "" = valid
	}{
		{"enterprise", ent(nil), ""},
		{"bad USCC check character", ent(func(e *Enterprise) { e.ID = mill[:17] + "0" }), "/registration/enterprise/id"},
		{"no region", ent(func(e *Enterprise) { e.Region = "" }), "/registration/enterprise/region"},
		{"unknown role", ent(func(e *Enterprise) { e.Roles = []string{"炒作"} }), "/registration/enterprise/roles/0"},
		{"prefix too short", ent(func(e *Enterprise) { e.Prefixes = []string{"690"} }), "/registration/enterprise/prefixes/0"},
		{"bad GTIN", ent(func(e *Enterprise) { e.GTINs = []string{"6901234100036"} }), "/registration/enterprise/gtins/0"},
		{"ledger fields", ent(func(e *Enterprise) { e.Platform = "HenanMSP" }), "/registration/enterprise"},
		{"nothing registered", reg(&Registration{}), "/registration"},
		{"two things at once", reg(&Registration{Enforce: &yes, Body: &CertBody{ID: "B", Name: "b", Org: "O", Schemes: []string{"organic"}}}), "/registration"},
		{"body with an unknown scheme", reg(&Registration{Body: &CertBody{ID: "B", Name: "b", Org: "O", Schemes: []string{"halal"}}}), "/registration/body/schemes/0"},
		{"offer hours out of range", reg(&Registration{OfferHours: &hours}), "/registration/offerHours"},
		{"registration on a produce event", func() Event { e := base(); e.Registration = &Registration{Enforce: &yes}; return e }(), "/registration"},
		{"certificate", cert(Certify, nil), ""},
		{"unknown scheme", cert(Certify, func(c *Certificate) { c.Type = "halal" }), "/certificate/type"},
		{"no issuer", cert(Certify, func(c *Certificate) { c.Issuer = "" }), "/certificate/issuer"},
		{"no expiry", cert(Certify, func(c *Certificate) { c.ValidUntil = "" }), "/certificate/validUntil"},
		{"expiry before start", cert(Certify, func(c *Certificate) { c.ValidUntil = "2025-01-01" }), "/certificate/validUntil"},
		{"bad date", cert(Certify, func(c *Certificate) { c.ValidFrom = "2026-1-1" }), "/certificate/validFrom"},
		{"status set by the caller", cert(Certify, func(c *Certificate) { c.Status = "active" }), "/certificate/status"},
		{"bad document hash", cert(Certify, func(c *Certificate) { c.Document = &Document{Name: "x", SHA256: "abc"} }), "/certificate/document/sha256"},
		{"revoke without a reason", func() Event { e := cert(Revoke, nil); e.Reason = ""; return e }(), "/reason"},
		{"reinstate needs no reason", func() Event { e := cert(Reinstate, nil); e.Reason = ""; return e }(), ""},
		{"declaration", declare(&ErrorDeclaration{Event: "e1", Reason: "incorrect_data", CorrectiveEventIDs: []string{"e2"}}), ""},
		{"declaration without the event", declare(&ErrorDeclaration{Reason: "x"}), "/errorDeclaration/declaredEvent"},
		{"declaration without a reason", declare(&ErrorDeclaration{Event: "e1"}), "/errorDeclaration/reason"},
		{"declaration naming batches", func() Event {
			e := declare(&ErrorDeclaration{Event: "e1", Reason: "x"})
			e.Batches = []string{"LOT-1"}
			return e
		}(), "/batches"},
		{"private terms without salt", func() Event {
			e := base()
			e.Type, e.Batches, e.Outputs, e.To = Sell, []string{"LOT-1"}, nil, &Party{Enterprise: "B"}
			e.Private = &Private{Price: 1}
			return e
		}(), "/private/salt"},
		{"private terms with salt", func() Event {
			e := base()
			e.Type, e.Batches, e.Outputs, e.To = Sell, []string{"LOT-1"}, nil, &Party{Enterprise: "B"}
			e.Private = &Private{Price: 1, Salt: strings.Repeat("ab", 16)}
			return e
		}(), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.event
			err := Validate(&e, now)
			if tc.pointer == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			de, ok := AsError(err)
			if !ok || de.Status != 400 || de.Pointer != tc.pointer {
				t.Fatalf("got %v, want 400 at %s", err, tc.pointer)
			}
		})
	}
}

func TestCertStatus(t *testing.T) {
	c := Certificate{ValidFrom: "2026-01-01", ValidUntil: "2026-12-31"}
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	tests := []struct {
		name string
		c    Certificate
		now  time.Time
		want string
	}{
		{"before it starts", c, at("2025-12-31T15:59:00Z"), CertPending},
		{"first day, China time", c, at("2025-12-31T16:00:00Z"), CertActive},
		{"last day, China time", c, at("2026-12-31T15:59:00Z"), CertActive},
		{"the day after", c, at("2026-12-31T16:00:00Z"), CertExpired},
		{"suspended", func() Certificate { x := c; x.Status = CertSuspended; return x }(), at("2026-06-01T00:00:00Z"), CertSuspended},
		{"revoked wins over expiry", func() Certificate { x := c; x.Revoked = true; return x }(), at("2027-06-01T00:00:00Z"), CertRevoked},
	}
	for _, tc := range tests {
		if got := CertStatus(tc.c, tc.now); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
