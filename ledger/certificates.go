package ledger

import (
	"encoding/json"
	"fmt"

	"github.com/agritrace/agritrace/domain"
)

// CertRecord is a certificate as the ledger keeps it: the certificate, the batches it was issued
// for, and the events that issued it and last changed it.
type CertRecord struct {
	domain.Certificate
	Batches   []string `json:"batches,omitempty"`
	IssuedBy  string   `json:"issuedBy"`
	LastEvent string   `json:"lastEvent"`
	Platform  string   `json:"platform"` // org that signed the issue
}

func (r *Recorder) cert(id string) (*CertRecord, error) {
	var c CertRecord
	ok, err := r.getJSON(CompositeKey(objCert, id), &c)
	if !ok {
		return nil, err
	}
	return &c, nil
}

func (r *Recorder) body(id string) (*domain.CertBody, error) {
	var b domain.CertBody
	ok, err := r.getJSON(CompositeKey(objBody, id), &b)
	if !ok {
		return nil, err
	}
	return &b, nil
}

// applyCertify issues a certificate: only a registered certification body, through the org its
// registration names, for a scheme it is approved for. It never claims the batches it covers.
func (r *Recorder) applyCertify(e *domain.Event) error {
	c := e.Certificate
	body, err := r.body(c.Issuer)
	if err != nil {
		return err
	}
	if body == nil {
		return domain.Refuse(403, "certification-body", "/certificate/issuer",
			"%s is not a certification body registered by the regulator", c.Issuer)
	}
	if body.Org != r.caller.MSPID {
		return domain.Refuse(403, "certification-body", "/certificate/issuer",
			"certificates of %s (%s) are signed by org %s, not %s", body.ID, body.Name, body.Org, r.caller.MSPID)
	}
	approved := false
	for _, s := range body.Schemes {
		approved = approved || s == c.Type
	}
	if !approved {
		return domain.Refuse(403, "certification-scheme", "/certificate/type",
			"%s is approved for %v, not %s", body.Name, body.Schemes, c.Type)
	}
	if c.Holder != "" {
		h, err := r.enterprise(c.Holder)
		if err != nil {
			return err
		}
		if h == nil {
			return domain.Refuse(409, "registry", "/certificate/holder", "holder %s is not a registered enterprise", c.Holder)
		}
	}
	if old, err := r.cert(c.ID); err != nil {
		return err
	} else if old != nil {
		return domain.Refuse(409, "unique-certificate", "/certificate/id",
			"certificate %s was already issued (event %s); a new certificate needs a new number", c.ID, old.IssuedBy)
	}
	c.IssuerName, c.Status = body.Name, domain.CertActive
	if err := r.eachBatch(e, false, func(b *domain.Batch) error {
		b.Certificates = appendUnique(b.Certificates, c.ID)
		return nil
	}); err != nil {
		return err
	}
	return r.putJSON(CompositeKey(objCert, c.ID), CertRecord{Certificate: *c, Batches: e.Batches, IssuedBy: e.ID,
		LastEvent: e.ID, Platform: r.caller.MSPID})
}

// applyCertStatus suspends, reinstates or revokes a certificate. The issuing body's org may do all
// three, the regulator may suspend and revoke any certificate. The event is linked to the
// certificate's batches, so their trails show it.
func (r *Recorder) applyCertStatus(e *domain.Event) error {
	id := e.Certificate.ID
	rec, err := r.cert(id)
	if err != nil {
		return err
	}
	if rec == nil {
		return domain.Refuse(404, "not-found", "/certificate/id", "certificate %s was never issued on the ledger", id)
	}
	issuerOrg := rec.Platform
	if body, err := r.body(rec.Issuer); err != nil {
		return err
	} else if body != nil {
		issuerOrg = body.Org
	}
	if r.caller.MSPID != issuerOrg && !(r.caller.Regulator && e.Type != domain.Reinstate) {
		return domain.Refuse(403, "certification-body", "/certificate/id",
			"certificate %s was issued by %s; only its body's org %s or the regulator may change it", id, rec.IssuerName, issuerOrg)
	}
	from, to := map[domain.EventType][]string{
		domain.Revoke:    {domain.CertActive, domain.CertSuspended},
		domain.Suspend:   {domain.CertActive},
		domain.Reinstate: {domain.CertSuspended},
	}[e.Type], map[domain.EventType]string{domain.Revoke: domain.CertRevoked, domain.Suspend: domain.CertSuspended, domain.Reinstate: domain.CertActive}[e.Type]
	cur := rec.Status
	if rec.Revoked {
		cur = domain.CertRevoked
	}
	ok := false
	for _, f := range from {
		ok = ok || f == cur
	}
	if !ok {
		return domain.Refuse(409, "certificate-status", "/certificate/id", "certificate %s is %s; it cannot be %s", id, cur, pastTense[e.Type])
	}
	rec.Status, rec.Revoked, rec.LastEvent = to, to == domain.CertRevoked, e.ID
	full := rec.Certificate
	e.Certificate = &full
	for _, b := range rec.Batches {
		e.Batches = appendUnique(e.Batches, b)
	}
	return r.putJSON(CompositeKey(objCert, id), rec)
}

var pastTense = map[domain.EventType]string{domain.Revoke: "revoked", domain.Suspend: "suspended", domain.Reinstate: "reinstated"}

// Certificate returns a certificate record.
func (q Reader) Certificate(id string) (*CertRecord, error) {
	raw, err := q.s.Get(CompositeKey(objCert, id))
	if err != nil {
		return nil, fmt.Errorf("read certificate %s: %w", id, err)
	}
	if raw == nil {
		return nil, domain.Refuse(404, "not-found", "", "certificate %s is not on the ledger", id)
	}
	var c CertRecord
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("decode certificate %s: %w", id, err)
	}
	return &c, nil
}

// Certificates lists every certificate (a registry is small: thousands, not millions).
func (q Reader) Certificates() ([]CertRecord, error) {
	kvs, _, err := q.s.Range(objCert, nil, 0, "")
	if err != nil {
		return nil, fmt.Errorf("list certificates: %w", err)
	}
	out := make([]CertRecord, 0, len(kvs))
	for _, kv := range kvs {
		var c CertRecord
		if err := json.Unmarshal(kv.Value, &c); err != nil {
			return nil, fmt.Errorf("decode %q: %w", kv.Key, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// Enterprise returns a registered enterprise.
func (q Reader) Enterprise(id string) (*domain.Enterprise, error) {
	raw, err := q.s.Get(CompositeKey(objEnterprise, id))
	if err != nil {
		return nil, fmt.Errorf("read enterprise %s: %w", id, err)
	}
	if raw == nil {
		return nil, domain.Refuse(404, "not-found", "", "enterprise %s is not registered", id)
	}
	var en domain.Enterprise
	if err := json.Unmarshal(raw, &en); err != nil {
		return nil, fmt.Errorf("decode enterprise %s: %w", id, err)
	}
	return &en, nil
}

// Enterprises lists registered enterprises, of one platform when platform is not empty.
func (q Reader) Enterprises(platform string) ([]domain.Enterprise, error) {
	kvs, _, err := q.s.Range(objEnterprise, nil, 0, "")
	if err != nil {
		return nil, fmt.Errorf("list enterprises: %w", err)
	}
	out := []domain.Enterprise{}
	for _, kv := range kvs {
		var en domain.Enterprise
		if err := json.Unmarshal(kv.Value, &en); err != nil {
			return nil, fmt.Errorf("decode %q: %w", kv.Key, err)
		}
		if platform == "" || en.Platform == platform {
			out = append(out, en)
		}
	}
	return out, nil
}

// Bodies lists the registered certification bodies.
func (q Reader) Bodies() ([]domain.CertBody, error) {
	kvs, _, err := q.s.Range(objBody, nil, 0, "")
	if err != nil {
		return nil, fmt.Errorf("list certification bodies: %w", err)
	}
	out := []domain.CertBody{}
	for _, kv := range kvs {
		var b domain.CertBody
		if err := json.Unmarshal(kv.Value, &b); err != nil {
			return nil, fmt.Errorf("decode %q: %w", kv.Key, err)
		}
		out = append(out, b)
	}
	return out, nil
}
