package gateway_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/internal/testnet"
)

// Ports of the registry e2e tests (one network at a time: the tests run one after the other).
const (
	registryNetPort = 29050
	registryGWPort  = 19050
)

// org is one platform's (or the regulator's) own gateway URL and key.
type org struct{ url, key string }

func orgsOf(g *testnet.Gateways) (hlj, ha, reg org) {
	return org{g.Env["AGRITRACE_URL"], g.Env["AGRITRACE_PLATFORM_KEY"]},
		org{g.Env["AGRITRACE_PLATFORM2_URL"], g.Env["AGRITRACE_PLATFORM2_KEY"]},
		org{g.Env["AGRITRACE_REGULATOR_URL"], g.Env["AGRITRACE_REGULATOR_KEY"]}
}

func (o org) post(t *testing.T, path string, body any) (int, []byte) {
	t.Helper()
	return call(t, "POST", o.url+path, o.key, "application/json", mustJSON(body))
}

func (o org) get(t *testing.T, path string) (int, []byte) {
	t.Helper()
	return call(t, "GET", o.url+path, o.key, "", nil)
}

// want checks a status and, for a refusal, that the problem names the rule.
func want(t *testing.T, what string, status int, body []byte, wantStatus int, rule string) {
	t.Helper()
	if status != wantStatus {
		t.Fatalf("%s: %d %s, want %d", what, status, body, wantStatus)
	}
	if rule == "" {
		return
	}
	var p gateway.Problem
	if err := json.Unmarshal(body, &p); err != nil || p.Rule != rule {
		t.Fatalf("%s: problem %s, want rule %q", what, body, rule)
	}
	t.Logf("%s: refused %d by rule %q: %s", what, status, p.Rule, p.Detail)
}

// awaitBlock waits until this org's read model has applied block n.
func (o org) awaitBlock(t *testing.T, n uint64) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		var h gateway.Health
		if st, b := o.get(t, "/healthz"); st == 200 && json.Unmarshal(b, &h) == nil && h.LedgerBlock >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("read model of %s did not reach block %d", o.url, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func uscc(body string) string { return body + string(domain.USCCCheck(body)) }

func enterpriseReq(id, name, region string, roles []string, prefixes ...string) map[string]any {
	return map[string]any{"id": "e2e-reg-" + id, "enterprise": map[string]any{"id": id, "name": name, "region": region, "roles": roles, "prefixes": prefixes}}
}

func produceReq(id, actor, batch, gtin string) map[string]any {
	product := map[string]string{"name": "五常稻谷（稻花香2号）"}
	if gtin != "" {
		product["gtin"] = gtin
	}
	return map[string]any{"id": id, "type": "produce", "eventTime": "2026-10-01T08:00:00+08:00", "actor": map[string]string{"enterprise": actor},
		"outputs": []any{map[string]any{"batch": batch, "product": product, "quantity": map[string]any{"value": 1000, "unit": "kg"},
			"origin": map[string]string{"region": "230184"}}}}
}

// TestE2ERegistry plays a second province trying to pass off another's goods on a real network,
// each org through its own gateway URL and key: impersonating a registered enterprise, squatting a
// lot (commissioning another's GTIN, storing or observing it first) and squatting an event ID are
// refused or harmless; the legitimate cross-province hand-over still works, and a mistaken offer
// is rejected without leaving the lot stuck.
func TestE2ERegistry(t *testing.T) {
	c := testnet.Start(t, registryNetPort)
	g := testnet.StartGateway(t, c, registryGWPort)
	hlj, ha, _ := orgsOf(g)
	var br gateway.BatchResponse
	mill, shop := uscc("91230184MA1BXR5N8"), uscc("91410100MA45T8L2J")
	const gtin = "06901234100037"
	lot := "https://id.gs1.org/01/" + gtin + "/10/E2E-WC-1"

	st, b := hlj.post(t, "/v1/registry/enterprises", enterpriseReq(mill, "五常市金禾米业有限公司", "230184", []string{"加工", "销售"}, "6901234"))
	want(t, "黑龙江 registers its mill", st, b, 201, "")
	st, b = ha.post(t, "/v1/registry/enterprises", enterpriseReq(shop, "郑州丹尼斯百货有限公司", "410100", []string{"销售"}))
	want(t, "河南 registers its shop", st, b, 201, "")

	st, b = ha.post(t, "/v1/events", produceReq("e2e-imp-1", mill, "https://id.gs1.org/01/06921234000014/10/FAKE-1", ""))
	want(t, "河南 impersonates 黑龙江's mill", st, b, 403, "impersonation")
	st, b = ha.post(t, "/v1/events", produceReq("e2e-squat-1", shop, lot, gtin))
	want(t, "河南 commissions a lot of 黑龙江's GTIN", st, b, 403, "gtin-owner")
	st, b = ha.post(t, "/v1/events", map[string]any{"id": "e2e-squat-2", "type": "store", "eventTime": "2026-10-01T09:00:00+08:00",
		"actor": map[string]string{"enterprise": shop}, "batches": []string{lot}})
	want(t, "河南 stores the lot before it exists", st, b, 403, "gtin-owner")
	st, b = ha.post(t, "/v1/events", map[string]any{"id": "e2e-squat-3", "type": "observe", "eventTime": "2026-10-01T09:00:00+08:00",
		"actor": map[string]string{"enterprise": shop}, "batches": []string{lot}})
	want(t, "河南 observes the lot before it exists", st, b, 403, "custody")
	st, b = ha.post(t, "/v1/registry/enterprises", map[string]any{"id": "e2e-takeover",
		"enterprise": map[string]any{"id": mill, "name": "冒名", "region": "410100", "roles": []string{"加工"}}})
	want(t, "河南 rewrites 黑龙江's registration", st, b, 403, "impersonation")
	// 河南 records first under the ID 黑龙江 will use: harmless
	st, b = ha.post(t, "/v1/events", produceReq("hlj-wc-0001", shop, "HA-LOCAL-LOT-1", ""))
	want(t, "河南 uses 黑龙江's next event ID", st, b, 201, "")

	// and stores a lot under the local code 黑龙江 will use: harmless too
	st, b = ha.post(t, "/v1/events", map[string]any{"id": "e2e-squat-local", "type": "store", "eventTime": "2026-10-01T09:00:00+08:00",
		"actor": map[string]string{"enterprise": shop}, "batches": []string{"WC-LOCAL-9"}})
	want(t, "河南 takes 黑龙江's next local lot code", st, b, 201, "")
	st, b = hlj.post(t, "/v1/events", produceReq("hlj-local-9", mill, "WC-LOCAL-9", ""))
	want(t, "黑龙江 creates its lot under the code", st, b, 201, "")
	var local gateway.EventResult
	if json.Unmarshal(b, &local); local.Renamed["WC-LOCAL-9"] != "HeilongjiangMSP:WC-LOCAL-9" {
		t.Fatalf("黑龙江's local lot: %s", b)
	}

	st, b = hlj.post(t, "/v1/events", produceReq("hlj-wc-0001", mill, lot, gtin))
	want(t, "黑龙江 commissions its own lot under its own event ID", st, b, 201, "")
	var res gateway.EventResult
	json.Unmarshal(b, &res)
	if res.EventID != "hlj-wc-0001@HeilongjiangMSP" {
		t.Fatalf("黑龙江's event ID after the squat: %q", res.EventID)
	}
	st, b = hlj.post(t, "/v1/events", produceReq("hlj-wc-0001", mill, lot, gtin))
	want(t, "黑龙江 retries", st, b, 200, "")

	// the legitimate hand-over: 黑龙江 offers to 河南's registered shop, which accepts and sells
	st, b = hlj.post(t, "/v1/batches/"+url.PathEscape(lot)+"/offer", map[string]any{"id": "e2e-offer-1", "actor": map[string]string{"enterprise": mill},
		"to": map[string]string{"enterprise": shop, "platform": "HenanMSP"}})
	want(t, "黑龙江 offers to 河南's shop", st, b, 201, "")
	st, b = ha.get(t, "/v1/offers?direction=in")
	if st != 200 || !strings.Contains(string(b), `"batch":"`+lot+`"`) {
		t.Fatalf("offers awaiting 河南: %d %s", st, b)
	}
	st, b = ha.post(t, "/v1/batches/"+url.PathEscape(lot)+"/accept", map[string]any{"id": "e2e-accept-1"})
	want(t, "河南's shop accepts", st, b, 201, "")
	st, b = ha.post(t, "/v1/events", map[string]any{"id": "e2e-sell-1", "type": "sell", "eventTime": "2026-10-05T09:00:00+08:00",
		"actor": map[string]string{"enterprise": shop}, "batches": []string{lot}})
	want(t, "河南's shop sells", st, b, 201, "")
	st, b = ha.get(t, "/v1/batches/"+url.PathEscape(lot)) // the gateway that recorded the sale reads its own writes
	if json.Unmarshal(b, &br); st != 200 || br.Batch.Custodian.Enterprise != shop || br.Batch.Custodian.Platform != "HenanMSP" || br.Batch.Status != domain.Sold {
		t.Fatalf("lot after the hand-over: %d %s", st, b)
	}
	// a mistaken offer does not leave a lot stuck: the receiver rejects it, the sender uses it again
	lot2 := "https://id.gs1.org/01/" + gtin + "/10/E2E-WC-2"
	st, b = hlj.post(t, "/v1/events", produceReq("hlj-wc-0002", mill, lot2, gtin))
	want(t, "黑龙江 commissions a second lot", st, b, 201, "")
	st, b = hlj.post(t, "/v1/batches/"+url.PathEscape(lot2)+"/offer", map[string]any{"id": "e2e-offer-2", "actor": map[string]string{"enterprise": mill},
		"to": map[string]string{"enterprise": shop, "platform": "HenanMSP"}})
	want(t, "黑龙江 offers it by mistake", st, b, 201, "")
	st, b = ha.post(t, "/v1/batches/"+url.PathEscape(lot2)+"/reject", map[string]any{"id": "e2e-reject-2", "reason": "未订货"})
	want(t, "河南 rejects", st, b, 201, "")
	st, b = hlj.post(t, "/v1/events", map[string]any{"id": "e2e-store-2", "type": "store", "eventTime": "2026-10-06T09:00:00+08:00",
		"actor": map[string]string{"enterprise": mill}, "batches": []string{lot2}})
	want(t, "黑龙江 stores the rejected lot", st, b, 201, "")
	if st, b = ha.get(t, "/v1/offers?direction=in"); st != 200 || strings.Contains(string(b), "E2E-WC") {
		t.Fatalf("offers awaiting 河南 after accept and reject: %d %s", st, b)
	}
	// 河南 does not read 黑龙江's own business (a lot it never held or traded), only its public trail
	lot3 := "https://id.gs1.org/01/" + gtin + "/10/E2E-WC-3"
	st, b = hlj.post(t, "/v1/events", produceReq("hlj-wc-0003", mill, lot3, gtin))
	want(t, "黑龙江 commissions a third lot", st, b, 201, "")
	var third gateway.EventResult
	json.Unmarshal(b, &third)
	ha.awaitBlock(t, third.Block) // else a 404 would only mean 河南's read model is behind
	if st, b = ha.get(t, "/v1/events/hlj-wc-0003"); st != 404 {
		t.Fatalf("河南 reading 黑龙江's own event: %d %s", st, b)
	}
	if st, b = ha.get(t, "/v1/batches/"+url.PathEscape(lot3)); st != 404 {
		t.Fatalf("河南 reading 黑龙江's own lot: %d %s", st, b)
	}
	// a mistaken sale is declared erroneous by its platform: the lot is usable again
	st, b = hlj.post(t, "/v1/events", map[string]any{"id": "e2e-sell-2", "type": "sell", "eventTime": "2026-10-07T09:00:00+08:00",
		"actor": map[string]string{"enterprise": mill}, "batches": []string{lot2}})
	want(t, "黑龙江 records a sale by mistake", st, b, 201, "")
	st, b = ha.post(t, "/v1/events", map[string]any{"id": "e2e-declare-ha", "type": "declare-error", "eventTime": "2026-10-07T10:00:00+08:00",
		"actor": map[string]string{"enterprise": shop}, "errorDeclaration": map[string]any{"declaredEvent": "e2e-sell-2", "reason": "incorrect_data"}})
	want(t, "河南 declares 黑龙江's sale erroneous", st, b, 403, "correction-owner")
	st, b = hlj.post(t, "/v1/events", map[string]any{"id": "e2e-declare-1", "type": "declare-error", "eventTime": "2026-10-07T10:00:00+08:00",
		"actor": map[string]string{"enterprise": mill}, "errorDeclaration": map[string]any{"declaredEvent": "e2e-sell-2", "reason": "incorrect_data"}})
	want(t, "黑龙江 declares its sale erroneous", st, b, 201, "")
	st, b = hlj.get(t, "/v1/batches/"+url.PathEscape(lot2))
	if json.Unmarshal(b, &br); st != 200 || br.Batch.Status != domain.Active {
		t.Fatalf("lot after the declared sale: %d %s", st, b)
	}

	st, b = hlj.get(t, "/v1/registry/enterprises/"+mill)
	if st != 200 || !strings.Contains(string(b), `"platform":"HeilongjiangMSP"`) {
		t.Fatalf("registration read from the ledger: %d %s", st, b)
	}
}

// TestE2ECertificateLifecycle: the regulator registers a certification body; the body's org issues
// an organic certificate for a lot; the consumer page shows it 有效; a platform cannot issue
// itself one nor revoke it, revoking a certificate never issued is 404; the body revokes it and
// the page shows 已撤销, and the regulator's list by status follows.
func TestE2ECertificateLifecycle(t *testing.T) {
	c := testnet.Start(t, registryNetPort)
	g := testnet.StartGateway(t, c, registryGWPort)
	hlj, _, reg := orgsOf(g)
	mill := uscc("91230184MA1BXR5N8")
	const gtin = "06901234100037"
	lot := "https://id.gs1.org/01/" + gtin + "/10/E2E-ORG-1"
	// the regulator's gateway recorded the issue and the revocation: its page reads its own writes
	page := reg.url + "/01/" + gtin + "/10/E2E-ORG-1"

	st, b := hlj.post(t, "/v1/registry/enterprises", enterpriseReq(mill, "五常市金禾米业有限公司", "230184", []string{"加工"}, "6901234"))
	want(t, "register the mill", st, b, 201, "")
	st, b = hlj.post(t, "/v1/events", produceReq("e2e-cert-lot", mill, lot, gtin))
	want(t, "commission the lot", st, b, 201, "")
	st, b = reg.post(t, "/v1/registry/bodies", map[string]any{"id": "e2e-body", "body": map[string]any{"id": "CNCA-R-2002-001",
		"name": "中绿华夏有机产品认证中心", "org": "RegulatorMSP", "schemes": []string{"organic", "green-food"}}})
	want(t, "the regulator registers the body", st, b, 201, "")

	cert := func(id string) map[string]any {
		return map[string]any{"id": "e2e-issue-" + id, "batches": []string{lot}, "certificate": map[string]any{"id": id, "type": "organic",
			"issuer": "CNCA-R-2002-001", "holder": mill, "scope": []string{gtin}, "validFrom": "2026-01-01", "validUntil": "2029-12-31",
			"document": map[string]string{"name": id + ".pdf", "sha256": strings.Repeat("ab", 32), "uri": "https://docs.agritrace.example/" + id + ".pdf"}}}
	}
	st, b = hlj.post(t, "/v1/certificates", cert("OC-SELF-1"))
	want(t, "黑龙江 issues itself a certificate", st, b, 403, "certification-body")
	st, b = reg.post(t, "/v1/certificates", cert("OC-2026-0001"))
	want(t, "the body issues", st, b, 201, "")

	status := func(lang string) string {
		st, body := call(t, "GET", page+"?lang="+lang, "", "", nil)
		if st != 200 {
			t.Fatalf("page: %d", st)
		}
		s := string(body)
		i := strings.Index(s, `data-cert="OC-2026-0001"`)
		if i < 0 || !strings.Contains(s, "中绿华夏有机产品认证中心") {
			return "(the page lacks the certificate and its issuer)"
		}
		return s[i:min(len(s), i+300)]
	}
	issued := time.Now().Add(15 * time.Second)
	for s := status("zh"); !strings.Contains(s, `data-status="active"`) || !strings.Contains(s, "有效"); s = status("zh") {
		if time.Now().After(issued) {
			t.Fatalf("page after issue: %s", s)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if s := status("en"); !strings.Contains(s, "Valid") {
		t.Fatalf("English page after issue: %s", s)
	}

	st, b = reg.post(t, "/v1/certificates/NEVER-ISSUED-1/revoke", map[string]any{"reason": "伪造"})
	want(t, "revoke a certificate never issued", st, b, 404, "not-found")
	st, b = hlj.post(t, "/v1/certificates/OC-2026-0001/revoke", map[string]any{"reason": "自行撤销"})
	want(t, "a platform revokes", st, b, 403, "certification-body")
	st, b = reg.post(t, "/v1/certificates/OC-2026-0001/revoke", map[string]any{"id": "e2e-revoke-1", "reason": "飞行检查发现使用禁用农药"})
	want(t, "the body revokes", st, b, 201, "")

	// the page is served by 黑龙江's gateway, whose read model follows its own peer: the
	// revocation recorded through the regulator's gateway shows once that block reached it
	deadline := time.Now().Add(15 * time.Second)
	for s := status("zh"); !strings.Contains(s, `data-status="revoked"`) || !strings.Contains(s, "已撤销"); s = status("zh") {
		if time.Now().After(deadline) {
			t.Fatalf("page after revocation: %s", s)
		}
		time.Sleep(200 * time.Millisecond)
	}
	var list struct{ Certificates []gateway.CertView }
	st, b = reg.get(t, "/v1/certificates?status=revoked")
	if json.Unmarshal(b, &list); st != 200 || len(list.Certificates) != 1 || list.Certificates[0].ID != "OC-2026-0001" {
		t.Fatalf("revoked certificates: %d %s", st, b)
	}
	if st, b = reg.get(t, "/v1/certificates?status=active"); st != 200 || strings.Contains(string(b), "OC-2026-0001") {
		t.Fatalf("active certificates: %d %s", st, b)
	}
}
