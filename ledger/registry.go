package ledger

import (
	"encoding/json"
	"fmt"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gs1"
)

// Registry keys. GS1 codes (company prefixes and single GTINs) each have their own key, so checking
// who owns a GTIN is a handful of point reads (prefetched), never a scan.
const (
	objEnterprise = "ent"    // enterprise ID → domain.Enterprise
	objGS1        = "gs1"    // company prefix or GTIN-14 → gs1Owner
	objBody       = "body"   // certification body ID → domain.CertBody
	objPolicy     = "policy" // "registry" → policy
)

type gs1Owner struct {
	Enterprise string `json:"enterprise"`
	Platform   string `json:"platform"`
}

type policy struct {
	Enforce    bool   `json:"enforce"`
	OfferHours int    `json:"offerHours,omitempty"` // 0: DefaultOfferTTL
	Event      string `json:"event"`
}

var policyKey = CompositeKey(objPolicy, "registry")

// gtinKeys are the keys that may say who owns gtin: the GTIN itself, then each company-prefix
// length GS1 allows (6–12 digits after the indicator digit).
func gtinKeys(gtin string) []string {
	keys := []string{CompositeKey(objGS1, gtin)}
	for l := 12; l >= 6; l-- {
		keys = append(keys, CompositeKey(objGS1, gtin[1:1+l]))
	}
	return keys
}

// gtinOf returns the GTIN a batch identifier carries (a lot or serial of a GTIN), or "".
func gtinOf(batchID string) string {
	id, err := gs1.Parse(batchID)
	if err != nil || (id.Kind != gs1.KindLot && id.Kind != gs1.KindSerial && id.Kind != gs1.KindGTIN) {
		return ""
	}
	return id.GTIN
}

func (r *Recorder) getJSON(key string, v any) (bool, error) {
	raw, err := r.get(key)
	if err != nil || raw == nil {
		return false, err
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return false, fmt.Errorf("decode %q: %w", key, err)
	}
	return true, nil
}

func (r *Recorder) enterprise(id string) (*domain.Enterprise, error) {
	var en domain.Enterprise
	ok, err := r.getJSON(CompositeKey(objEnterprise, id), &en)
	if !ok {
		return nil, err
	}
	return &en, nil
}

func (r *Recorder) policy() (policy, error) {
	var p policy
	_, err := r.getJSON(policyKey, &p)
	return p, err
}

func (r *Recorder) enforced() (bool, error) {
	p, err := r.policy()
	return p.Enforce, err
}

// gtinOwner finds the registered owner of a GTIN (an exact GTIN first, then the longest prefix).
func (r *Recorder) gtinOwner(gtin string) (*gs1Owner, error) {
	if len(gtin) != 14 {
		return nil, nil
	}
	for _, k := range gtinKeys(gtin) {
		var o gs1Owner
		ok, err := r.getJSON(k, &o)
		if err != nil {
			return nil, err
		}
		if ok && o.Platform != "" {
			return &o, nil
		}
	}
	return nil, nil
}

// checkActor: an event's actor is an enterprise its platform registered. A registered enterprise
// is never anyone else's to act for; under the enforced policy an unregistered actor is refused too.
// The regulator's own staff (inspectors, recall officers) are not enterprises of a platform.
func (r *Recorder) checkActor(e *domain.Event) error {
	switch e.Type {
	case domain.Certify, domain.Revoke, domain.Suspend, domain.Reinstate:
		return nil // signed for a certification body: its registration is what is checked
	}
	if r.caller.Regulator {
		return nil
	}
	en, err := r.enterprise(e.Actor.Enterprise)
	if err != nil {
		return err
	}
	if en != nil && en.Platform != r.caller.MSPID {
		return domain.Refuse(403, "impersonation", "/actor/enterprise",
			"enterprise %s (%s) is registered by platform %s; %s cannot record for it", en.ID, en.Name, en.Platform, r.caller.MSPID)
	}
	if en == nil && e.Type != domain.Register {
		enforce, err := r.enforced()
		if err != nil {
			return err
		}
		if enforce {
			return domain.Refuse(403, "registry", "/actor/enterprise",
				"enterprise %s is not registered by platform %s (主体备案); register it first", e.Actor.Enterprise, r.caller.MSPID)
		}
	}
	if e.To == nil {
		return nil
	}
	to, err := r.enterprise(e.To.Enterprise)
	if err != nil || to == nil {
		return err
	}
	want := e.To.Platform
	if want == "" {
		want = r.caller.MSPID
	}
	if to.Platform != want {
		return domain.Refuse(409, "registry", "/to/platform",
			"receiver %s is registered by platform %s, not %s", to.ID, to.Platform, want)
	}
	return nil
}

// checkGTIN: commissioning a lot of a GTIN (creating it, or first bringing it onto the ledger) is
// for the platform whose enterprise owns the GTIN. An unregistered GTIN is free unless the policy
// is enforced.
func (r *Recorder) checkGTIN(gtin, pointer string) error {
	if gtin == "" {
		return nil
	}
	o, err := r.gtinOwner(gtin)
	if err != nil {
		return err
	}
	if o != nil && o.Platform != r.caller.MSPID {
		return domain.Refuse(403, "gtin-owner", pointer,
			"GTIN %s belongs to enterprise %s of platform %s; only that platform commissions its lots", gtin, o.Enterprise, o.Platform)
	}
	if o == nil {
		enforce, err := r.enforced()
		if err != nil {
			return err
		}
		if enforce {
			return domain.Refuse(403, "gtin-owner", pointer,
				"GTIN %s is not registered to an enterprise of platform %s; register its company prefix or GTIN first", gtin, r.caller.MSPID)
		}
	}
	return nil
}

// checkOutputs applies checkGTIN to every batch an event creates.
func (r *Recorder) checkOutputs(e *domain.Event) error {
	for i, o := range e.Outputs {
		if err := r.checkGTIN(o.Product.GTIN, fmt.Sprintf("/outputs/%d/product/gtin", i)); err != nil {
			return err
		}
		if g := gtinOf(o.Batch); g != o.Product.GTIN {
			if err := r.checkGTIN(g, fmt.Sprintf("/outputs/%d/batch", i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// applyRegister records a registry change.
func (r *Recorder) applyRegister(e *domain.Event) error {
	reg := e.Registration
	switch {
	case reg.Enforce != nil || reg.OfferHours != nil:
		p, err := r.policy()
		if err != nil {
			return err
		}
		if reg.Enforce != nil {
			p.Enforce = *reg.Enforce
		}
		if reg.OfferHours != nil {
			p.OfferHours = *reg.OfferHours
		}
		p.Event = e.ID
		return r.putJSON(policyKey, p)
	case reg.Body != nil:
		b := *reg.Body
		b.Event = e.ID
		return r.putJSON(CompositeKey(objBody, b.ID), b)
	}
	en := *reg.Enterprise
	old, err := r.enterprise(en.ID)
	if err != nil {
		return err
	}
	if old != nil && old.Platform != r.caller.MSPID {
		return domain.Refuse(409, "registry-owner", "/registration/enterprise/id",
			"enterprise %s is registered by platform %s; only it can change the record", en.ID, old.Platform)
	}
	en.Platform, en.Event = r.caller.MSPID, e.ID
	codes := append(append([]string(nil), en.Prefixes...), en.GTINs...)
	for i, code := range codes {
		var o gs1Owner
		ok, err := r.getJSON(CompositeKey(objGS1, code), &o)
		if err != nil {
			return err
		}
		if ok && o.Enterprise != en.ID && o.Platform != "" {
			return domain.Refuse(409, "gtin-owner", fmt.Sprintf("/registration/enterprise/%s", codePointer(en, i)),
				"GS1 code %s is registered to enterprise %s of platform %s", code, o.Enterprise, o.Platform)
		}
		if !ok {
			if err := r.putJSON(CompositeKey(objGS1, code), gs1Owner{Enterprise: en.ID, Platform: en.Platform}); err != nil {
				return err
			}
		}
	}
	// codes dropped from the record are released
	if old != nil {
		kept := map[string]bool{}
		for _, c := range codes {
			kept[c] = true
		}
		for _, c := range append(append([]string(nil), old.Prefixes...), old.GTINs...) {
			if !kept[c] {
				if err := r.putJSON(CompositeKey(objGS1, c), gs1Owner{}); err != nil {
					return err
				}
			}
		}
	}
	e.Actor.Name = en.Name
	return r.putJSON(CompositeKey(objEnterprise, en.ID), en)
}

func codePointer(en domain.Enterprise, i int) string {
	if i < len(en.Prefixes) {
		return fmt.Sprintf("prefixes/%d", i)
	}
	return fmt.Sprintf("gtins/%d", i-len(en.Prefixes))
}

// registryKeys are the registry keys an event will read, for the prefetch.
func registryKeys(e domain.Event) []string {
	keys := []string{policyKey, CompositeKey(objEnterprise, e.Actor.Enterprise)}
	if e.To != nil {
		keys = append(keys, CompositeKey(objEnterprise, e.To.Enterprise))
	}
	gtin := func(raw string) {
		if g, err := gs1.NormalizeGTIN(raw); err == nil {
			keys = append(keys, gtinKeys(g)...)
		}
	}
	for _, o := range e.Outputs {
		gtin(o.Product.GTIN)
		if n, err := domain.NormalizeID(o.Batch, ""); err == nil {
			if g := gtinOf(n); g != "" {
				keys = append(keys, gtinKeys(g)...)
			}
		}
	}
	if d := e.Declaration; d != nil {
		keys = append(keys, CompositeKey(objEvent, d.Event), CompositeKey(objVoid, d.Event))
	}
	if c := e.Certificate; c != nil {
		keys = append(keys, CompositeKey(objCert, c.ID), CompositeKey(objBody, c.Issuer))
		if c.Holder != "" {
			keys = append(keys, CompositeKey(objEnterprise, c.Holder))
		}
	}
	if reg := e.Registration; reg != nil && reg.Enterprise != nil {
		keys = append(keys, CompositeKey(objEnterprise, reg.Enterprise.ID))
		for _, p := range reg.Enterprise.Prefixes {
			keys = append(keys, CompositeKey(objGS1, p))
		}
		for _, g := range reg.Enterprise.GTINs {
			if n, err := gs1.NormalizeGTIN(g); err == nil {
				keys = append(keys, CompositeKey(objGS1, n))
			}
		}
	}
	return keys
}
