package gateway

import (
	"net/url"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/domain"
)

func uscc(body string) string { return body + string(domain.USCCCheck(body)) }

// badCheck swaps the check character of a valid USCC for another character of its alphabet.
func badCheck(id string) string {
	if id[17] == '0' {
		return id[:17] + "1"
	}
	return id[:17] + "0"
}

// TestRegistryAndCertificateRoutes walks the registry and certificate routes with each org's key:
// registrations, the rules they enable (refusals name the rule), and a certificate's lifecycle.
func TestRegistryAndCertificateRoutes(t *testing.T) {
	e := newEnv(t)
	mill, shop := uscc("91230184MA1BXR5N8"), uscc("91410100MA45T8L2J")
	const gtin = "06901234100037"
	lot := "https://id.gs1.org/01/" + gtin + "/10/RT-1"
	enterprise := func(id, name string, prefixes ...string) map[string]any {
		return map[string]any{"id": "reg-" + id, "enterprise": map[string]any{"id": id, "name": name, "region": "230184", "roles": []string{"加工"}, "prefixes": prefixes}}
	}
	produce := func(id, actor string) map[string]any {
		return map[string]any{"id": id, "type": "produce", "eventTime": "2026-10-01T08:00:00+08:00", "actor": map[string]string{"enterprise": actor},
			"outputs": []any{map[string]any{"batch": lot, "product": map[string]string{"name": "五常稻谷", "gtin": gtin}, "quantity": map[string]any{"value": 100, "unit": "kg"}}}}
	}
	cert := map[string]any{"id": "issue-OC-1", "batches": []string{lot}, "certificate": map[string]any{"id": "OC-1", "type": "organic", "issuer": "CB-1",
		"holder": mill, "validFrom": "2026-01-01", "validUntil": "2029-12-31"}}
	steps := []struct {
		name   string
		method string
		path   string
		org    string
		body   any
		status int
		rule   string
	}{
		{"platform registers its enterprise", "POST", "/v1/registry/enterprises", "hlj", enterprise(mill, "五常市金禾米业有限公司", "6901234"), 201, ""},
		{"registration replayed", "POST", "/v1/registry/enterprises", "hlj", enterprise(mill, "五常市金禾米业有限公司", "6901234"), 200, ""},
		{"bad USCC check character", "POST", "/v1/registry/enterprises", "ha", enterprise(badCheck(uscc("91410100MA45T8L2J")), "坏码"), 400, "validation"},
		{"other platform registers its shop", "POST", "/v1/registry/enterprises", "ha", enterprise(shop, "郑州丹尼斯百货有限公司"), 201, ""},
		{"taking over a registration", "POST", "/v1/registry/enterprises", "ha", map[string]any{"id": "takeover",
			"enterprise": map[string]any{"id": mill, "name": "冒名", "region": "410100", "roles": []string{"加工"}}}, 403, "impersonation"},
		{"impersonating", "POST", "/v1/events", "ha", produce("imp-1", mill), 403, "impersonation"},
		{"squatting the GTIN", "POST", "/v1/events", "ha", produce("sq-1", shop), 403, "gtin-owner"},
		{"owner commissions", "POST", "/v1/events", "hlj", produce("p-1", mill), 201, ""},
		{"platform registers a body", "POST", "/v1/registry/bodies", "hlj", map[string]any{"body": map[string]any{"id": "CB-X", "name": "X", "org": "HeilongjiangMSP", "schemes": []string{"organic"}}}, 403, "regulator-only"},
		{"regulator registers a body", "POST", "/v1/registry/bodies", "reg", map[string]any{"id": "body-CB-1", "body": map[string]any{"id": "CB-1", "name": "中绿华夏有机产品认证中心", "org": "RegulatorMSP", "schemes": []string{"organic"}}}, 201, ""},
		{"platform issues itself a certificate", "POST", "/v1/certificates", "hlj", cert, 403, "certification-body"},
		{"body's org issues", "POST", "/v1/certificates", "reg", cert, 201, ""},
		{"revoking an unknown certificate", "POST", "/v1/certificates/NOPE-1/revoke", "reg", map[string]any{"reason": "伪造"}, 404, "not-found"},
		{"platform revokes", "POST", "/v1/certificates/OC-1/revoke", "hlj", map[string]any{"reason": "x"}, 403, "certification-body"},
		{"suspend", "POST", "/v1/certificates/OC-1/suspend", "reg", map[string]any{"id": "susp-1", "reason": "复查"}, 201, ""},
		{"reinstate", "POST", "/v1/certificates/OC-1/reinstate", "reg", map[string]any{"id": "rein-1"}, 201, ""},
		{"revoke", "POST", "/v1/certificates/OC-1/revoke", "reg", map[string]any{"id": "rev-1", "reason": "抽检不合格"}, 201, ""},
		{"revoke twice", "POST", "/v1/certificates/OC-1/revoke", "reg", map[string]any{"id": "rev-2", "reason": "again"}, 409, "certificate-status"},
		{"enforce by a platform", "POST", "/v1/registry/policy", "ha", map[string]any{"enforce": true}, 403, "regulator-only"},
		{"list certificates by a platform", "GET", "/v1/certificates", "hlj", nil, 403, "regulator-only"},
		{"bad status filter", "GET", "/v1/certificates?status=valid", "reg", nil, 400, "bad-parameter"},
		{"unknown enterprise", "GET", "/v1/registry/enterprises/NOBODY", "ha", nil, 404, "not-found"},
		{"unknown certificate", "GET", "/v1/certificates/NOPE-1", "ha", nil, 404, "not-found"},
	}
	for _, st := range steps {
		var r response
		if st.method == "GET" {
			r = e.get(st.path, st.org)
		} else {
			r = e.post(st.path, st.org, st.body)
		}
		if r.status != st.status {
			t.Fatalf("%s: %d %s, want %d", st.name, r.status, r.body, st.status)
		}
		if st.rule != "" {
			if p := r.problem(t); p.Rule != st.rule && !strings.HasSuffix(p.Type, "/"+st.rule) {
				t.Fatalf("%s: rule %q (%s), want %q", st.name, p.Rule, p.Type, st.rule)
			}
		}
	}
	var list struct{ Certificates []CertView }
	e.get("/v1/certificates?status=revoked", "reg").json(t, &list)
	if len(list.Certificates) != 1 || list.Certificates[0].ID != "OC-1" || list.Certificates[0].IssuerName != "中绿华夏有机产品认证中心" {
		t.Fatalf("revoked certificates = %+v", list.Certificates)
	}
	e.get("/v1/certificates?status=active", "reg").json(t, &list)
	if len(list.Certificates) != 0 {
		t.Fatalf("active certificates = %+v", list.Certificates)
	}
	var one CertView
	e.get("/v1/certificates/OC-1", "ha").json(t, &one)
	if one.Status != domain.CertRevoked || len(one.Batches) != 1 {
		t.Fatalf("certificate = %+v", one)
	}
	var ents []domain.Enterprise
	e.get("/v1/registry/enterprises?platform=HeilongjiangMSP", "ha").json(t, &ents)
	if len(ents) != 1 || ents[0].ID != mill || ents[0].Platform != "HeilongjiangMSP" {
		t.Fatalf("黑龙江 enterprises = %+v", ents)
	}
	var bodies []domain.CertBody
	if e.get("/v1/registry/bodies", "hlj").json(t, &bodies); len(bodies) != 1 {
		t.Fatalf("bodies = %+v", bodies)
	}
	if r := e.get("/v1/registry/enterprises/"+url.PathEscape(shop), "hlj"); r.status != 200 {
		t.Fatalf("enterprise: %d %s", r.status, r.body)
	}
	// the page shows the certificate revoked
	r := e.do("GET", "/01/"+gtin+"/10/RT-1", "", "text/html", nil)
	if !strings.Contains(string(r.body), `data-cert="OC-1" data-status="revoked"`) || !strings.Contains(string(r.body), "已撤销") {
		t.Fatalf("page does not show the revocation: %d %s", r.status, r.body)
	}
}

// TestEventIDSquattingHTTP: an ID another platform used first does not block the platform that
// meant it; the result names the namespaced ID, and a retry is a replay.
func TestEventIDSquattingHTTP(t *testing.T) {
	e := newEnv(t)
	ev := func(batch string) map[string]any {
		return map[string]any{"id": "hlj-0001", "type": "produce", "eventTime": "2026-10-01T08:00:00+08:00", "actor": map[string]string{"enterprise": "COOP"},
			"outputs": []any{map[string]any{"batch": batch, "product": map[string]string{"name": "稻谷"}, "quantity": map[string]any{"value": 1, "unit": "kg"}}}}
	}
	if r := e.post("/v1/events", "ha", ev("HA-1")); r.status != 201 {
		t.Fatalf("squat: %d %s", r.status, r.body)
	}
	var first, again EventResult
	r := e.post("/v1/events", "hlj", ev("HLJ-1"))
	if r.json(t, &first); r.status != 201 || first.EventID != "hlj-0001@HeilongjiangMSP" {
		t.Fatalf("owner: %d %s", r.status, r.body)
	}
	r = e.post("/v1/events", "hlj", ev("HLJ-1"))
	if r.json(t, &again); r.status != 200 || again.TxID != first.TxID || again.EventID != first.EventID {
		t.Fatalf("retry: %d %s", r.status, r.body)
	}
	if r := e.post("/v1/events", "hlj", ev("HLJ-2")); r.status != 409 {
		t.Fatalf("same ID, other content: %d %s", r.status, r.body)
	}
}

// TestOfferRoutes: what awaits a platform, the receiver's reject, the sender's cancel.
func TestOfferRoutes(t *testing.T) {
	e := newEnv(t)
	produce := map[string]any{"events": []any{
		map[string]any{"id": "p-A", "type": "produce", "eventTime": "2026-10-01T08:00:00+08:00", "actor": map[string]string{"enterprise": "COOP"},
			"outputs": []any{map[string]any{"batch": "OF-A", "product": map[string]string{"name": "稻谷"}, "quantity": map[string]any{"value": 1, "unit": "kg"}}}},
		map[string]any{"id": "p-B", "type": "produce", "eventTime": "2026-10-01T08:00:00+08:00", "actor": map[string]string{"enterprise": "COOP"},
			"outputs": []any{map[string]any{"batch": "OF-B", "product": map[string]string{"name": "稻谷"}, "quantity": map[string]any{"value": 1, "unit": "kg"}}}}}}
	if r := e.post("/v1/events", "hlj", produce); r.status != 200 {
		t.Fatalf("produce: %d %s", r.status, r.body)
	}
	for _, b := range []string{"OF-A", "OF-B"} {
		if r := e.post("/v1/batches/"+b+"/offer", "hlj", map[string]any{"id": "offer-" + b, "to": map[string]string{"enterprise": "MARKET", "platform": "HenanMSP"}}); r.status != 201 {
			t.Fatalf("offer %s: %d %s", b, r.status, r.body)
		}
	}
	var list struct {
		Platform, Direction string
		Offers              []struct{ Batch, Expires string }
	}
	e.get("/v1/offers?direction=in", "ha").json(t, &list)
	if list.Platform != "HenanMSP" || len(list.Offers) != 2 || list.Offers[0].Expires == "" {
		t.Fatalf("offers awaiting 河南 = %+v", list)
	}
	if e.get("/v1/offers", "hlj").json(t, &list); len(list.Offers) != 0 {
		t.Fatalf("offers awaiting 黑龙江 = %+v", list)
	}
	steps := []struct {
		name, path, org string
		status          int
		rule            string
	}{
		{"sender rejects", "/v1/batches/OF-A/reject", "hlj", 403, "custody-reject"},
		{"receiver rejects", "/v1/batches/OF-A/reject", "ha", 201, ""},
		{"receiver cancels", "/v1/batches/OF-B/cancel", "ha", 403, "custody-cancel"},
		{"sender cancels", "/v1/batches/OF-B/cancel", "hlj", 201, ""},
		{"accept after the cancel", "/v1/batches/OF-B/accept", "ha", 409, "custody-accept"},
	}
	for _, st := range steps {
		r := e.post(st.path, st.org, map[string]any{})
		if r.status != st.status {
			t.Fatalf("%s: %d %s", st.name, r.status, r.body)
		}
		if st.rule != "" && r.problem(t).Rule != st.rule {
			t.Fatalf("%s: %s, want rule %s", st.name, r.body, st.rule)
		}
	}
	if e.get("/v1/offers?direction=out", "hlj").json(t, &list); len(list.Offers) != 0 {
		t.Fatalf("offers from 黑龙江 after reject and cancel = %+v", list)
	}
	if r := e.get("/v1/offers?direction=sideways", "hlj"); r.status != 400 {
		t.Fatalf("bad direction: %d", r.status)
	}
	if r := e.get("/v1/offers?platform=HenanMSP", "hlj"); r.status != 403 {
		t.Fatalf("another platform's offers: %d", r.status)
	}
	if r := e.get("/v1/offers?platform=HenanMSP", "reg"); r.status != 200 {
		t.Fatalf("regulator: %d %s", r.status, r.body)
	}
}

// TestPlatformVisibility: a platform key reads its own events and those of batches it holds, held
// or traded; another platform's business is a 404 (as if unknown), and its trail is the public one.
func TestPlatformVisibility(t *testing.T) {
	e := newEnv(t)
	mk := func(id, batch string, attrs map[string]any) map[string]any {
		return map[string]any{"id": id, "type": "produce", "eventTime": "2026-10-01T08:00:00+08:00", "actor": map[string]string{"enterprise": "COOP"},
			"attributes": attrs, "outputs": []any{map[string]any{"batch": batch, "product": map[string]string{"name": "稻谷"}, "quantity": map[string]any{"value": 1, "unit": "kg"}}}}
	}
	for _, st := range []struct{ org, id, batch string }{{"hlj", "v-hlj-1", "V-HLJ-1"}, {"hlj", "v-hlj-2", "V-HLJ-2"}, {"ha", "v-ha-1", "V-HA-1"}} {
		if r := e.post("/v1/events", st.org, mk(st.id, st.batch, map[string]any{"contract": "HT-2026-001"})); r.status != 201 {
			t.Fatalf("%s: %d %s", st.id, r.status, r.body)
		}
	}
	if r := e.post("/v1/batches/V-HLJ-2/offer", "hlj", map[string]any{"id": "v-offer", "to": map[string]string{"enterprise": "M", "platform": "HenanMSP"}}); r.status != 201 {
		t.Fatalf("offer: %d %s", r.status, r.body)
	}
	reads := []struct {
		name, path, org string
		status          int
	}{
		{"own event", "/v1/events/v-ha-1", "ha", 200},
		{"another platform's event", "/v1/events/v-hlj-1", "ha", 404},
		{"another platform's batch", "/v1/batches/V-HLJ-1", "ha", 404},
		{"its history", "/v1/batches/V-HLJ-1/history", "ha", 404},
		{"a batch offered to it", "/v1/batches/V-HLJ-2", "ha", 200},
		{"the events of a batch offered to it", "/v1/events/v-hlj-2", "ha", 200},
		{"the regulator reads everything", "/v1/events/v-hlj-1", "reg", 200},
	}
	for _, rd := range reads {
		if r := e.get(rd.path, rd.org); r.status != rd.status {
			t.Fatalf("%s: %d %s, want %d", rd.name, r.status, r.body, rd.status)
		}
	}
	var page struct{ Events []domain.Event }
	e.get("/v1/events?stage=produce", "ha").json(t, &page)
	for _, ev := range page.Events {
		if ev.ID == "v-hlj-1" {
			t.Fatal("河南's search lists 黑龙江's own business")
		}
	}
	if len(page.Events) != 2 {
		t.Fatalf("河南 sees %d produce events, want its own and the offered batch's", len(page.Events))
	}
	var tr domain.Trail
	e.get("/v1/batches/V-HLJ-1/trail", "ha").json(t, &tr)
	if len(tr.Events) != 1 || tr.Events[0].Attributes != nil {
		t.Fatalf("another platform's trail is not the public one: %+v", tr.Events)
	}
	e.get("/v1/batches/V-HLJ-1/trail", "hlj").json(t, &tr)
	if tr.Events[0].Attributes["contract"] != "HT-2026-001" {
		t.Fatalf("the owner's own trail is redacted: %+v", tr.Events)
	}
}
