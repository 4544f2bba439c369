package trace

import (
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
)

func TestCertificatesStatusAsOfNow(t *testing.T) {
	const lot, gtin = "LOT-1", "06901234100037"
	block := uint64(0)
	certify := func(id, when string, batches []string, scope ...string) domain.Event {
		block++
		return domain.Event{ID: "issue-" + id, Type: domain.Certify, EventTime: when, Batches: batches, Block: block,
			Certificate: &domain.Certificate{ID: id, Type: "organic", Issuer: "CB-1", IssuerName: "中绿华夏有机产品认证中心",
				Scope: scope, ValidFrom: "2026-01-01", ValidUntil: "2027-12-31", Status: domain.CertActive}}
	}
	change := func(t domain.EventType, id, when, status string) domain.Event {
		block++
		return domain.Event{ID: string(t) + "-" + id + when, Type: t, EventTime: when, Batches: []string{lot}, Block: block,
			Certificate: &domain.Certificate{ID: id, Status: status}}
	}
	trail := func(events ...domain.Event) *domain.Trail {
		return &domain.Trail{Batch: lot, Batches: []domain.Batch{{ID: lot, Product: domain.Product{GTIN: gtin}}}, Events: events}
	}
	inForce := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		trail *domain.Trail
		now   time.Time
		want  string // status of C-1, "" when not listed
		label string
	}{
		{"issued and in force", trail(certify("C-1", "2026-10-01T08:00:00+08:00", []string{lot})), inForce, domain.CertActive, "有效"},
		{"past its expiry", trail(certify("C-1", "2026-10-01T08:00:00+08:00", []string{lot})),
			time.Date(2028, 1, 1, 1, 0, 0, 0, time.UTC), domain.CertExpired, "已过期"},
		{"expiry is read in China time", trail(certify("C-1", "2026-10-01T08:00:00+08:00", []string{lot})),
			time.Date(2027, 12, 31, 17, 0, 0, 0, time.UTC), domain.CertExpired, "已过期"},
		{"revoked", trail(certify("C-1", "2026-10-01T08:00:00+08:00", []string{lot}),
			change(domain.Revoke, "C-1", "2026-11-01T08:00:00+08:00", domain.CertRevoked)), inForce, domain.CertRevoked, "已撤销"},
		{"suspended then reinstated", trail(certify("C-1", "2026-10-01T08:00:00+08:00", []string{lot}),
			change(domain.Suspend, "C-1", "2026-11-01T08:00:00+08:00", domain.CertSuspended),
			change(domain.Reinstate, "C-1", "2026-11-05T08:00:00+08:00", domain.CertActive)), inForce, domain.CertActive, "有效"},
		{"ledger order, not event time, decides", func() *domain.Trail {
			issued := certify("C-1", "2026-10-01T08:00:00+08:00", []string{lot})
			suspended := change(domain.Suspend, "C-1", "2026-11-05T08:00:00+08:00", domain.CertSuspended)
			reinstated := change(domain.Reinstate, "C-1", "2026-11-01T08:00:00+08:00", domain.CertActive) // recorded last, dated earlier
			return trail(issued, reinstated, suspended)                                                   // a trail lists events by event time
		}(), inForce, domain.CertActive, "有效"},
		{"covers the GTIN, not the lot", trail(certify("C-1", "2026-10-01T08:00:00+08:00", nil, gtin)), inForce, domain.CertActive, "有效"},
		{"an ancestor's certificate is not this lot's", trail(certify("C-1", "2026-10-01T08:00:00+08:00", []string{"PADDY-1"})), inForce, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Certificates(tc.trail, tc.now, "zh")
			if tc.want == "" {
				if len(got) != 0 {
					t.Fatalf("listed %+v", got)
				}
				return
			}
			if len(got) != 1 || got[0].Status != tc.want || got[0].StatusLabel != tc.label || got[0].Issuer != "中绿华夏有机产品认证中心" {
				t.Fatalf("got %+v, want status %s (%s)", got, tc.want, tc.label)
			}
		})
	}
}
