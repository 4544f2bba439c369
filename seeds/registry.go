package seeds

import (
	"regexp"
	"sort"

	"github.com/agritrace/agritrace/domain"
)

// CertBody is the demo certification body: registered by the regulator, it signs through the
// regulator's org (a body with its own Fabric org would join the channel instead).
var CertBody = domain.CertBody{ID: "CNCA-R-2002-001", Name: "中绿华夏有机产品认证中心", Org: "RegulatorMSP",
	Schemes: []string{"organic", "green-food", "geographical-indication"}}

// roleOf is the registered role an event type shows an enterprise in.
var roleOf = map[domain.EventType]string{
	domain.Produce: "种植", domain.Purchase: "收购", domain.Store: "仓储", domain.Inspect: "检测",
	domain.Process: "加工", domain.Split: "加工", domain.Merge: "加工", domain.Transport: "运输",
	domain.Sell: "销售", domain.Accept: "销售", domain.Offer: "销售",
}

var regionIn = regexp.MustCompile(`[1-9][0-9]{5}`)

// Registry derives the registry steps the chains need: the regulator registers the certification
// body, then each platform registers every enterprise that acts for it (or receives from another
// platform) with the roles it plays and the GTINs it commissions. Derived, not listed, so a
// chain's enterprises can never be missing from the registry.
func Registry(chains []Chain) []Step {
	type rec struct {
		en    domain.Enterprise
		org   string
		roles map[string]bool
	}
	recs := map[string]*rec{}
	var order []string
	note := func(p domain.Party, org, role string) {
		r, ok := recs[p.Enterprise]
		if !ok {
			region := ""
			if len(p.Enterprise) == 18 && domain.ValidUSCC(p.Enterprise) {
				region = p.Enterprise[2:8] // the USCC carries the registering authority's division code
			} else {
				region = regionIn.FindString(p.Enterprise)
			}
			r = &rec{en: domain.Enterprise{ID: p.Enterprise, Name: p.Name, Region: region}, org: org, roles: map[string]bool{}}
			recs[p.Enterprise] = r
			order = append(order, p.Enterprise)
		}
		if role != "" {
			r.roles[role] = true
		}
	}
	owned := map[string]bool{}
	for _, c := range chains {
		for _, s := range c.Steps {
			if s.Org == "reg" {
				continue
			}
			for _, e := range s.Events {
				note(e.Actor, s.Org, roleOf[e.Type])
				if e.To != nil {
					org := s.Org
					if e.To.Platform == "HenanMSP" {
						org = "ha"
					} else if e.To.Platform == "HeilongjiangMSP" {
						org = "hlj"
					}
					note(*e.To, org, roleOf[domain.Accept])
				}
				for _, o := range e.Outputs {
					if g := o.Product.GTIN; g != "" && !owned[g] {
						owned[g] = true
						r := recs[e.Actor.Enterprise]
						r.en.GTINs = append(r.en.GTINs, g)
					}
				}
			}
		}
	}
	body := CertBody
	steps := []Step{{Org: "reg", Events: []domain.Event{{ID: "seed-registry-body-" + body.ID, Type: domain.Register,
		EventTime: at("2026-01-05T09:00:00"), Actor: domain.Party{Enterprise: "SAMR", Name: "国家市场监督管理总局"},
		Registration: &domain.Registration{Body: &body}}}}}
	byOrg := map[string][]domain.Event{}
	for _, id := range order {
		r := recs[id]
		for _, role := range domain.EnterpriseRoles {
			if r.roles[role] {
				r.en.Roles = append(r.en.Roles, role)
			}
		}
		if len(r.en.Roles) == 0 {
			r.en.Roles = []string{"销售"}
		}
		sort.Strings(r.en.GTINs)
		en := r.en
		byOrg[r.org] = append(byOrg[r.org], domain.Event{ID: "seed-registry-" + id, Type: domain.Register,
			EventTime: at("2026-01-10T09:00:00"), Actor: domain.Party{Enterprise: id, Name: en.Name},
			Registration: &domain.Registration{Enterprise: &en}})
	}
	for _, org := range []string{"hlj", "ha"} {
		if len(byOrg[org]) > 0 {
			steps = append(steps, Step{Org: org, Events: byOrg[org]})
		}
	}
	return steps
}
