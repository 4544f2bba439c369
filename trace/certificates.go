package trace

import (
	"time"

	"github.com/agritrace/agritrace/domain"
)

// PublicCert is a certificate as a consumer sees it: who issued it and whether it holds today.
type PublicCert struct {
	ID          string           `json:"id"`
	Scheme      string           `json:"scheme"`
	SchemeLabel string           `json:"schemeLabel"`
	Issuer      string           `json:"issuer"`
	ValidFrom   string           `json:"validFrom,omitempty"`
	ValidUntil  string           `json:"validUntil,omitempty"`
	Status      string           `json:"status"` // active, expired, revoked, suspended, pending as of AsOf
	StatusLabel string           `json:"statusLabel"`
	AsOf        string           `json:"asOf"` // YYYY-MM-DD, China time
	Document    *domain.Document `json:"document,omitempty"`
}

var schemeLabels = map[string][2]string{
	"green-food": {"绿色食品", "Green Food"}, "organic": {"有机产品", "Organic"},
	"geographical-indication": {"农产品地理标志", "Geographical indication"}, "gap": {"良好农业规范", "Good Agricultural Practice"},
}

var certStatusLabels = map[string][2]string{
	domain.CertActive: {"有效", "Valid"}, domain.CertExpired: {"已过期", "Expired"}, domain.CertRevoked: {"已撤销", "Revoked"},
	domain.CertSuspended: {"已暂停", "Suspended"}, domain.CertPending: {"未生效", "Not yet valid"},
}

// Certificates lists the certificates that cover the trail's batch (issued for it, or for its GTIN),
// each with its status at now: the latest certificate event in the trail (issue, suspension,
// reinstatement, revocation) carries the ledger's record, and the dates decide expiry.
func Certificates(t *domain.Trail, now time.Time, lang string) []PublicCert {
	i := 0
	if lang == "en" {
		i = 1
	}
	var gtin string
	for _, b := range t.Batches {
		if b.ID == t.Batch {
			gtin = b.Product.GTIN
		}
	}
	latest := map[string]domain.Certificate{}
	when := map[string]domain.Event{}       // the certificate event that set latest: the last one recorded
	later := func(a, b domain.Event) bool { // a recorded after b (block, then ledger time)
		if a.Block != b.Block {
			return a.Block > b.Block
		}
		return a.RecordTime > b.RecordTime
	}
	var order []string
	covers := map[string]bool{}
	for _, e := range t.Events {
		c := e.Certificate
		if c == nil {
			continue
		}
		switch e.Type {
		case domain.Certify:
			if _, seen := latest[c.ID]; !seen {
				order = append(order, c.ID)
				latest[c.ID], when[c.ID] = *c, e
			}
			for _, b := range e.Batches {
				covers[c.ID] = covers[c.ID] || b == t.Batch
			}
			for _, g := range c.Scope {
				covers[c.ID] = covers[c.ID] || (gtin != "" && g == gtin)
			}
		}
	}
	// status changes apply in ledger order, whatever event times their senders gave them
	for _, e := range t.Events {
		c := e.Certificate
		if c == nil || (e.Type != domain.Revoke && e.Type != domain.Suspend && e.Type != domain.Reinstate) {
			continue
		}
		old, ok := latest[c.ID]
		if !ok || !later(e, when[c.ID]) {
			continue
		}
		old.Status, old.Revoked = c.Status, c.Revoked || e.Type == domain.Revoke
		if old.Status == "" && e.Type == domain.Revoke {
			old.Status = domain.CertRevoked
		}
		latest[c.ID], when[c.ID] = old, e
	}
	asOf := now.In(domain.ChinaTime).Format("2006-01-02")
	var out []PublicCert
	for _, id := range order {
		if !covers[id] {
			continue
		}
		c := latest[id]
		st := domain.CertStatus(c, now)
		issuer := c.IssuerName
		if issuer == "" {
			issuer = c.Issuer
		}
		label := c.Type
		if l, ok := schemeLabels[c.Type]; ok {
			label = l[i]
		}
		out = append(out, PublicCert{ID: c.ID, Scheme: c.Type, SchemeLabel: label, Issuer: issuer, ValidFrom: c.ValidFrom,
			ValidUntil: c.ValidUntil, Status: st, StatusLabel: certStatusLabels[st][i], AsOf: asOf, Document: c.Document})
	}
	return out
}
