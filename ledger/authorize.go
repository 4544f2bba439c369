package ledger

import "github.com/agritrace/agritrace/domain"

// regulatorMay are the event types the regulator org records; commercial events belong to the
// platforms that vouch for the enterprises. Registry: the regulator registers certification bodies
// and sets the policy, platforms register their enterprises.
var regulatorMay = map[domain.EventType]bool{domain.Inspect: true, domain.Certify: true, domain.Revoke: true,
	domain.Suspend: true, domain.Reinstate: true, domain.Recall: true, domain.Register: true, domain.DeclareError: true}

// MayRecord is the one place that decides, from who calls and what the event says (no ledger
// state), whether the caller may record the event at all. The gateway calls it before anything
// reaches Fabric, the contract again inside the transaction; the rules that need state (custody,
// the registry, certification bodies) follow in the Recorder. It fills in the actor's platform.
func MayRecord(c Caller, e *domain.Event) error {
	if c.Regulator && !regulatorMay[e.Type] {
		return domain.Refuse(403, "regulator-role", "/type",
			"the regulator inspects, certifies, revokes, recalls and registers certification bodies; it does not record %s events for enterprises", e.Type)
	}
	if !c.mayRecord(string(e.Type)) {
		return domain.Refuse(403, "stage-permission", "/type", "this identity may record %v, not %s", c.Stages, e.Type)
	}
	if e.Type == domain.Recall && !c.Regulator {
		return domain.Refuse(403, "regulator-only", "/type", "only the regulator recalls batches")
	}
	if r := e.Registration; e.Type == domain.Register && r != nil {
		switch {
		case r.Enterprise != nil && c.Regulator:
			return domain.Refuse(403, "regulator-role", "/registration/enterprise",
				"enterprises are registered by the platform that vouches for them, not by the regulator")
		case (r.Body != nil || r.Enforce != nil || r.OfferHours != nil) && !c.Regulator:
			return domain.Refuse(403, "regulator-only", "/registration",
				"only the regulator registers certification bodies and sets the registry policy")
		}
	}
	if e.Actor.Platform != "" && e.Actor.Platform != c.MSPID {
		return domain.Refuse(403, "vouching", "/actor/platform",
			"%s cannot vouch for an enterprise of platform %s", c.MSPID, e.Actor.Platform)
	}
	e.Actor.Platform = c.MSPID
	return nil
}
