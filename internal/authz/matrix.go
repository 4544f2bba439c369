// Package authz is the authorization matrix: every (calling org × operation × owner of the batch)
// with the outcome the rules require. The contract and the gateway are both tested against it.
package authz

import (
	"fmt"

	"github.com/agritrace/agritrace/domain"
)

// Orgs are the callers; Owners the platforms that can hold a batch.
var (
	Orgs   = []string{"HeilongjiangMSP", "HenanMSP", "RegulatorMSP"}
	Owners = []string{"HeilongjiangMSP", "HenanMSP"}
	Ops    = []domain.EventType{domain.Produce, domain.Purchase, domain.Store, domain.Transport, domain.Inspect, domain.Certify,
		domain.Revoke, domain.Process, domain.Split, domain.Merge, domain.Aggregate, domain.Sell, domain.Offer, domain.Accept,
		domain.Recall, domain.Observe, domain.Register, domain.Suspend, domain.Reject, domain.Cancel, domain.DeclareError}
)

// Body is the certification body of the matrix, registered by the regulator and signing through the
// regulator's org: no platform certifies its own enterprises' batches.
const Body = "AZ-CERT-BODY"

// Case is one cell of the matrix.
type Case struct {
	Caller, Owner string
	Op            domain.EventType
	Allowed       bool
}

// Name labels the case in test output.
func (c Case) Name() string { return fmt.Sprintf("%s/%s/owner=%s", c.Caller, c.Op, c.Owner) }

// Other is the other platform.
func Other(p string) string {
	if p == "HeilongjiangMSP" {
		return "HenanMSP"
	}
	return "HeilongjiangMSP"
}

// Expected is what the rules say.
func Expected(caller string, op domain.EventType, owner string) bool {
	regulator := caller == "RegulatorMSP"
	switch op {
	case domain.Produce:
		return !regulator // a new batch: any platform, for its own enterprises
	case domain.Inspect:
		return regulator || caller == owner
	case domain.Certify, domain.Revoke, domain.Suspend:
		return regulator // the body's org (here the regulator's) and, for revoke and suspend, the regulator
	case domain.Recall:
		return regulator
	case domain.Register:
		return !regulator // a platform registers its own enterprises
	case domain.DeclareError:
		return caller == owner // only the recording platform declares its event erroneous
	case domain.Accept, domain.Reject:
		return caller == Other(owner) // the batch is offered to the other platform
	}
	return caller == owner && !regulator
}

// Cases enumerates the matrix.
func Cases() []Case {
	var out []Case
	for _, c := range Orgs {
		for _, op := range Ops {
			for _, o := range Owners {
				out = append(out, Case{Caller: c, Owner: o, Op: op, Allowed: Expected(c, op, o)})
			}
		}
	}
	return out
}

// Bootstrap is recorded once by the regulator before any case: the certification body.
func Bootstrap() []domain.Event {
	return []domain.Event{{ID: "az-body", Type: domain.Register, EventTime: "2026-10-01T07:00:00+08:00", Actor: domain.Party{Enterprise: "SAMR"},
		Registration: &domain.Registration{Body: &domain.CertBody{ID: Body, Name: "矩阵认证中心", Org: "RegulatorMSP",
			Schemes: []string{"organic", "green-food"}}}}}
}

// RegulatorSetup is recorded by the regulator after Setup: the certificate a revoke or suspend
// case changes.
func RegulatorSetup(c Case, batch string) []domain.Event {
	if c.Op != domain.Revoke && c.Op != domain.Suspend {
		return nil
	}
	return []domain.Event{{ID: "issue-" + batch, Type: domain.Certify, EventTime: "2026-10-01T10:00:00+08:00", Actor: domain.Party{Enterprise: "SAMR"},
		Batches: []string{batch}, Certificate: &domain.Certificate{ID: "C-" + batch, Type: "organic", Issuer: Body, ValidUntil: "2029-12-31"}}}
}

// Setup returns the events (recorded by the owner platform) that put batch in place for a case:
// it is produced by owner; for accept, reject and cancel, also offered to the other platform.
func Setup(c Case, batch string) []domain.Event {
	e := domain.Event{ID: "setup-" + batch, Type: domain.Produce, EventTime: "2026-10-01T08:00:00+08:00", Actor: domain.Party{Enterprise: "OWNER-ENT"},
		Outputs: []domain.Output{{Batch: batch, Product: domain.Product{Name: "稻谷"}, Quantity: domain.Quantity{Value: 100, Unit: "kg"}}}}
	evs := []domain.Event{e}
	if c.Op == domain.Accept || c.Op == domain.Reject || c.Op == domain.Cancel {
		evs = append(evs, domain.Event{ID: "offer-" + batch, Type: domain.Offer, EventTime: "2026-10-01T09:00:00+08:00",
			Actor: domain.Party{Enterprise: "OWNER-ENT"}, Batches: []string{batch}, To: &domain.Party{Enterprise: "RECEIVER", Platform: Other(c.Owner)}})
	}
	return evs
}

// Attempt is the event the caller tries.
func Attempt(c Case, batch string) domain.Event {
	e := domain.Event{ID: "try-" + batch, Type: c.Op, EventTime: "2026-10-02T08:00:00+08:00", Actor: domain.Party{Enterprise: "CALLER-ENT"}}
	switch c.Op {
	case domain.Produce:
		e.Outputs = []domain.Output{{Batch: batch + "-NEW", Product: domain.Product{Name: "稻谷"}, Quantity: domain.Quantity{Value: 1, Unit: "kg"}}}
	case domain.Process:
		e.Inputs = []domain.Portion{{Batch: batch}}
		e.Outputs = []domain.Output{{Batch: batch + "-OUT", Product: domain.Product{Name: "大米"}, Quantity: domain.Quantity{Value: 60, Unit: "kg"}}}
	case domain.Split:
		e.Inputs = []domain.Portion{{Batch: batch}}
		e.Outputs = []domain.Output{{Batch: batch + "-A", Product: domain.Product{Name: "大米"}, Quantity: domain.Quantity{Value: 50, Unit: "kg"}},
			{Batch: batch + "-B", Product: domain.Product{Name: "大米"}, Quantity: domain.Quantity{Value: 50, Unit: "kg"}}}
	case domain.Merge:
		e.Inputs = []domain.Portion{{Batch: batch, Quantity: &domain.Quantity{Value: 50, Unit: "kg"}}, {Batch: batch, Quantity: &domain.Quantity{Value: 10, Unit: "kg"}}}
		e.Outputs = []domain.Output{{Batch: batch + "-M", Product: domain.Product{Name: "稻谷"}, Quantity: domain.Quantity{Value: 60, Unit: "kg"}}}
	case domain.Purchase, domain.Offer:
		e.Batches, e.To = []string{batch}, &domain.Party{Enterprise: "BUYER", Platform: Other(c.Owner)}
	case domain.Inspect:
		e.Batches, e.Inspection = []string{batch}, &domain.Inspection{Item: "水分", Result: "pass"}
	case domain.Certify:
		e.Batches, e.Certificate = []string{batch}, &domain.Certificate{ID: "C-" + batch, Type: "organic", Issuer: Body, ValidUntil: "2029-12-31"}
	case domain.Revoke, domain.Suspend:
		e.Certificate, e.Reason = &domain.Certificate{ID: "C-" + batch}, "test"
	case domain.Accept, domain.Reject:
		e.Batches, e.Actor = []string{batch}, domain.Party{Enterprise: "RECEIVER"} // the enterprise the offer names
	case domain.DeclareError:
		e.Declaration = &domain.ErrorDeclaration{Event: "setup-" + batch, Reason: "incorrect_data"}
	case domain.Register:
		e.Registration = &domain.Registration{Enterprise: &domain.Enterprise{ID: "ENT-" + batch, Name: "矩阵企业", Region: "230184", Roles: []string{"加工"}}}
	case domain.Recall:
		e.Batches, e.Reason = []string{batch}, "test"
	default:
		e.Batches = []string{batch}
	}
	return e
}
