package ledger

import (
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
)

func usccOK(body string) string { return body + string(domain.USCCCheck(body)) }

func registerEnterprise(id, name string, roles []string, prefixes, gtins []string) domain.Event {
	e := ev("reg-"+id, domain.Register, id)
	e.Registration = &domain.Registration{Enterprise: &domain.Enterprise{ID: id, Name: name, Region: "230184", Roles: roles,
		Prefixes: prefixes, GTINs: gtins}}
	return e
}

func registerBody(id, org string, schemes ...string) domain.Event {
	e := ev("body-"+id, domain.Register, "SAMR")
	e.Registration = &domain.Registration{Body: &domain.CertBody{ID: id, Name: "中绿华夏有机产品认证中心", Org: org, Schemes: schemes}}
	return e
}

func enforce(on bool) domain.Event {
	e := ev("policy", domain.Register, "SAMR")
	e.Registration = &domain.Registration{Enforce: &on}
	return e
}

func lotOf(gtin, lot string) string { return "https://id.gs1.org/01/" + gtin + "/10/" + lot }

// registryWorld registers a 黑龙江 mill owning prefix 6901234 and a 河南 shop owning one GTIN.
func registryWorld(t *testing.T) (*world, string, string) {
	w := newWorld(t)
	mill, shop := usccOK("91230184MA1BXR5N8"), usccOK("91410100MA45T8L2J")
	w.ok(hlj, registerEnterprise(mill, "五常市金禾米业有限公司", []string{"加工"}, []string{"6901234"}, nil))
	w.ok(ha, registerEnterprise(shop, "郑州丹尼斯百货有限公司", []string{"销售"}, nil, []string{"06921234000014"}))
	return w, mill, shop
}

func produceAs(id, actor, batch, gtin string) domain.Event {
	e := produce(id, batch, 100)
	e.Actor = domain.Party{Enterprise: actor}
	e.Outputs[0].Product.GTIN = gtin
	return e
}

func TestRegistryRules(t *testing.T) {
	riceGTIN := "06901234100037" // under the mill's prefix 6901234
	tests := []struct {
		name   string
		setup  func(w *world, mill, shop string)
		caller Caller
		event  func(mill, shop string) domain.Event
		status int
		rule   string
	}{
		{"impersonating another platform's enterprise", nil, ha,
			func(mill, _ string) domain.Event { return produceAs("p", mill, "LOT-1", "") }, 403, "impersonation"},
		{"commissioning another platform's GTIN", nil, ha,
			func(_, shop string) domain.Event { return produceAs("p", shop, lotOf(riceGTIN, "X"), riceGTIN) }, 403, "gtin-owner"},
		{"GTIN only in the lot identifier", nil, ha,
			func(_, shop string) domain.Event { return produceAs("p", shop, lotOf(riceGTIN, "X"), "") }, 403, "gtin-owner"},
		{"squatting a registered GTIN's lot by storing it first", nil, ha,
			func(_, shop string) domain.Event {
				e := on(ev("s", domain.Store, shop), lotOf(riceGTIN, "LOT-9"))
				return e
			}, 403, "gtin-owner"},
		{"taking over another platform's enterprise record", nil, ha,
			func(mill, _ string) domain.Event {
				e := registerEnterprise(mill, "冒名", []string{"加工"}, nil, nil)
				e.ID, e.Actor.Enterprise = "takeover", usccOK("91410726MA40K2P7W")
				return e
			}, 409, "registry-owner"},
		{"registering a prefix someone owns", nil, ha,
			func(_, _ string) domain.Event {
				return registerEnterprise(usccOK("91410726MA40K2P7W"), "延津县粮食收储有限公司", []string{"仓储"}, []string{"6901234"}, nil)
			}, 409, "gtin-owner"},
		{"regulator registering an enterprise", nil, reg,
			func(_, _ string) domain.Event {
				return registerEnterprise(usccOK("91410726MA40K2P7W"), "X", []string{"仓储"}, nil, nil)
			}, 403, "regulator-role"},
		{"platform registering a certification body", nil, hlj,
			func(_, _ string) domain.Event { return registerBody("CB-1", "HeilongjiangMSP", "organic") }, 403, "regulator-only"},
		{"platform switching the policy", nil, hlj, func(_, _ string) domain.Event { return enforce(false) }, 403, "regulator-only"},
		{"unregistered actor once enforced", func(w *world, _, _ string) { w.ok(reg, enforce(true)) }, hlj,
			func(_, _ string) domain.Event { return produce("p", "LOT-1", 1) }, 403, "registry"},
		{"unregistered GTIN once enforced", func(w *world, _, _ string) { w.ok(reg, enforce(true)) }, hlj,
			func(mill, _ string) domain.Event { return produceAs("p", mill, "LOT-1", "06951234000011") }, 403, "gtin-owner"},
		{"offer to a receiver registered elsewhere", func(w *world, mill, _ string) {
			w.ok(hlj, produceAs("p", mill, lotOf(riceGTIN, "A"), riceGTIN))
		}, hlj, func(mill, shop string) domain.Event {
			e := on(ev("o", domain.Offer, mill), lotOf(riceGTIN, "A"))
			e.To = &domain.Party{Enterprise: shop, Platform: "HeilongjiangMSP"}
			return e
		}, 409, "registry"},
		{"accept for an enterprise the offer does not name", func(w *world, mill, shop string) {
			w.ok(hlj, produceAs("p", mill, lotOf(riceGTIN, "A"), riceGTIN))
			e := on(ev("o", domain.Offer, mill), lotOf(riceGTIN, "A"))
			e.To = &domain.Party{Enterprise: shop, Platform: "HenanMSP"}
			w.ok(hlj, e)
			w.ok(ha, registerEnterprise(usccOK("91410100MA46B3C9X"), "河南大张实业有限公司", []string{"销售"}, nil, nil))
		}, ha, func(_, _ string) domain.Event {
			return on(ev("a", domain.Accept, usccOK("91410100MA46B3C9X")), lotOf(riceGTIN, "A"))
		}, 403, "custody-accept"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, mill, shop := registryWorld(t)
			if tc.setup != nil {
				tc.setup(w, mill, shop)
			}
			_, err := w.record(tc.caller, tc.event(mill, shop))
			wantRule(t, err, tc.status, tc.rule)
		})
	}
}

// TestRegistryHandOver: the legitimate chain works with every rule on — the mill commissions its
// own GTIN, offers across provinces, and the named receiver accepts and sells.
func TestRegistryHandOver(t *testing.T) {
	w, mill, shop := registryWorld(t)
	w.ok(reg, enforce(true))
	lot := lotOf("06901234100037", "WC-1")
	w.ok(hlj, produceAs("p", mill, lot, "06901234100037"))
	offer := on(ev("o", domain.Offer, mill), lot)
	offer.To = &domain.Party{Enterprise: shop, Platform: "HenanMSP"}
	w.ok(hlj, offer)
	w.ok(ha, on(ev("a", domain.Accept, shop), lot))
	w.ok(ha, on(ev("s", domain.Sell, shop), lot))
	if b := w.batch(lot); b.Custodian.Enterprise != shop || b.Status != domain.Sold {
		t.Fatalf("batch after hand-over = %+v", b)
	}
	// a registration is an event with history; dropping a GTIN releases it
	en, err := NewReader(w.s).Enterprise(shop)
	if err != nil || en.Platform != "HenanMSP" || len(en.GTINs) != 1 {
		t.Fatalf("enterprise = %+v, %v", en, err)
	}
	upd := registerEnterprise(shop, "郑州丹尼斯百货有限公司", []string{"销售", "仓储"}, nil, nil)
	upd.ID = "reg-shop-2"
	w.ok(ha, upd)
	h, _ := w.s.History(CompositeKey(objEnterprise, shop))
	if len(h) != 2 {
		t.Fatalf("enterprise history has %d versions, want 2", len(h))
	}
	other := usccOK("93230184MA1C4X7K2")
	w.ok(hlj, registerEnterprise(other, "五常市民乐乡稻香水稻种植专业合作社", []string{"种植"}, nil, []string{"06921234000014"}))
	if list, _ := NewReader(w.s).Enterprises("HeilongjiangMSP"); len(list) != 2 {
		t.Fatalf("黑龙江 enterprises = %+v", list)
	}
}

func issue(id, body, scheme, until string, batches ...string) domain.Event {
	e := on(ev("issue-"+id, domain.Certify, "SAMR"), batches...)
	e.Certificate = &domain.Certificate{ID: id, Type: scheme, Issuer: body, ValidFrom: "2026-01-01", ValidUntil: until,
		Document: &domain.Document{Name: id + ".pdf", SHA256: "3f1b0c1f5a3e5e0c4f7d2b8a9e6c1d0b7a3f2e1d4c5b6a798877665544332211"}}
	return e
}

func status(id string, t domain.EventType, reason string) domain.Event {
	e := ev(string(t)+"-"+id, t, "SAMR")
	e.Certificate, e.Reason = &domain.Certificate{ID: id}, reason
	return e
}

func TestCertificateLifecycle(t *testing.T) {
	w, mill, _ := registryWorld(t)
	w.ok(reg, registerBody("CB-OFDC", "RegulatorMSP", "organic", "geographical-indication"))
	w.ok(reg, registerBody("CB-HLJ", "HeilongjiangMSP", "green-food"))
	w.ok(hlj, produceAs("p", mill, "LOT-1", ""))

	tests := []struct {
		name   string
		caller Caller
		event  domain.Event
		status int
		rule   string
	}{
		{"issuer not registered", reg, issue("C-0", "CB-NONE", "organic", "2028-12-31", "LOT-1"), 403, "certification-body"},
		{"platform issuing for a body of another org", hlj, issue("C-0", "CB-OFDC", "organic", "2028-12-31", "LOT-1"), 403, "certification-body"},
		{"scheme the body is not approved for", hlj, issue("C-0", "CB-HLJ", "organic", "2028-12-31", "LOT-1"), 403, "certification-scheme"},
		{"holder not registered", reg, func() domain.Event {
			e := issue("C-0", "CB-OFDC", "organic", "2028-12-31", "LOT-1")
			e.Certificate.Holder = usccOK("91410726MA3XQ5R1T")
			return e
		}(), 409, "registry"},
		{"expiry before start", reg, issue("C-0", "CB-OFDC", "organic", "2025-12-31", "LOT-1"), 400, "validation"},
		{"revoking an unknown certificate", reg, status("C-404", domain.Revoke, "伪造"), 404, "not-found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.record(tc.caller, tc.event)
			wantRule(t, err, tc.status, tc.rule)
		})
	}

	ok := issue("C-1", "CB-OFDC", "organic", "2028-12-31", "LOT-1")
	ok.Certificate.Holder = mill
	w.ok(reg, ok)
	if b := w.batch("LOT-1"); len(b.Certificates) != 1 || b.Custodian.Platform != "HeilongjiangMSP" {
		t.Fatalf("certified batch = %+v (certifying must not claim it)", b)
	}
	_, err := w.record(reg, func() domain.Event {
		e := issue("C-1", "CB-OFDC", "organic", "2029-12-31", "LOT-1")
		e.ID = "again"
		return e
	}())
	wantRule(t, err, 409, "unique-certificate")

	now := time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	steps := []struct {
		caller Caller
		event  domain.Event
		want   string // status after, or rule refused
		rule   string
	}{
		{hlj, status("C-1", domain.Suspend, "复查"), "", "certification-body"}, // not the body's org
		{reg, status("C-1", domain.Reinstate, ""), "", "certificate-status"}, // not suspended
		{reg, status("C-1", domain.Suspend, "复查"), domain.CertSuspended, ""},
		{reg, status("C-1", domain.Reinstate, ""), domain.CertActive, ""},
		{reg, status("C-1", domain.Revoke, "抽检不合格"), domain.CertRevoked, ""},
		{reg, func() domain.Event { e := status("C-1", domain.Revoke, "again"); e.ID = "revoke-2"; return e }(), "", "certificate-status"},
	}
	for i, st := range steps {
		_, err := w.record(st.caller, st.event)
		if st.rule != "" {
			de, ok := domain.AsError(err)
			if !ok || de.Rule != st.rule {
				t.Fatalf("step %d (%s): got %v, want rule %s", i, st.event.Type, err, st.rule)
			}
			continue
		}
		if err != nil {
			t.Fatalf("step %d (%s): %v", i, st.event.Type, err)
		}
		c, _ := NewReader(w.s).Certificate("C-1")
		if got := domain.CertStatus(c.Certificate, now); got != st.want {
			t.Fatalf("step %d: status %s, want %s", i, got, st.want)
		}
	}
	// the revocation event names the certificate's batches, so their trails show it
	e, _ := NewReader(w.s).Event("revoke-C-1")
	if len(e.Batches) != 1 || e.Batches[0] != "LOT-1" || e.Certificate.IssuerName == "" || e.Certificate.Status != domain.CertRevoked {
		t.Fatalf("revoke event = %+v / %+v", e.Batches, e.Certificate)
	}
	// expiry needs no transaction
	w.ok(hlj, issue("G-1", "CB-HLJ", "green-food", "2027-01-31", "LOT-1"))
	g, _ := NewReader(w.s).Certificate("G-1")
	if got := domain.CertStatus(g.Certificate, now); got != domain.CertExpired {
		t.Fatalf("green-food certificate on %s: %s, want expired", now.Format("2006-01-02"), got)
	}
	if all, _ := NewReader(w.s).Certificates(); len(all) != 2 {
		t.Fatalf("certificates = %d", len(all))
	}
}

// TestEventIDsPerPlatform: an event ID another platform used first does not block the platform
// that meant it; its event is kept under its own namespace, and retries stay idempotent.
func TestEventIDsPerPlatform(t *testing.T) {
	w := newWorld(t)
	w.ok(ha, produce("hlj-2026-0001", "HA-LOT-1", 1)) // 河南 squats 黑龙江's next ID
	res := w.ok(hlj, produce("hlj-2026-0001", "LOT-1", 100))
	if res[0].EventID != "hlj-2026-0001@HeilongjiangMSP" || res[0].Duplicate {
		t.Fatalf("result = %+v", res[0])
	}
	again := w.ok(hlj, produce("hlj-2026-0001", "LOT-1", 100))
	if !again[0].Duplicate || again[0].TxID != res[0].TxID {
		t.Fatalf("retry = %+v, want duplicate of %s", again[0], res[0].TxID)
	}
	_, err := w.record(hlj, produce("hlj-2026-0001", "LOT-1", 99))
	wantRule(t, err, 409, "idempotency")
	if b := w.batch("LOT-1"); b.CreatedBy != "hlj-2026-0001@HeilongjiangMSP" {
		t.Fatalf("batch created by %q", b.CreatedBy)
	}
	e, _ := NewReader(w.s).Event("hlj-2026-0001")
	if e.Platform != "HenanMSP" {
		t.Fatalf("the first user's event changed: %+v", e)
	}
	// nobody writes into another platform's namespace directly
	_, err = w.record(ha, produce("x@HeilongjiangMSP", "HA-LOT-2", 1))
	wantRule(t, err, 403, "event-id-namespace")
}

// TestCustodyOffers: a hand-over can be rejected by the receiver, cancelled by the sender, and
// lapses by itself after the policy's time; open offers are listed per platform and direction.
func TestCustodyOffers(t *testing.T) {
	offer := func(id, batch string) domain.Event {
		e := on(ev(id, domain.Offer, "COOP-1"), batch)
		e.To = &domain.Party{Enterprise: "MARKET-1", Platform: "HenanMSP"}
		return e
	}
	setup := func(t *testing.T) *world {
		w := newWorld(t)
		w.ok(hlj, produce("p", "LOT-1", 100))
		w.ok(hlj, offer("o1", "LOT-1"))
		return w
	}
	tests := []struct {
		name   string
		caller Caller
		event  domain.Event
		status int
		rule   string
		after  string // custodian platform after a successful end, "" when refused
	}{
		{"receiver rejects", ha, on(ev("r", domain.Reject, "MARKET-1"), "LOT-1"), 0, "", "HeilongjiangMSP"},
		{"sender cancels", hlj, on(ev("c", domain.Cancel, "COOP-1"), "LOT-1"), 0, "", "HeilongjiangMSP"},
		{"sender cannot reject", hlj, on(ev("r", domain.Reject, "COOP-1"), "LOT-1"), 403, "custody-reject", ""},
		{"receiver cannot cancel", ha, on(ev("c", domain.Cancel, "MARKET-1"), "LOT-1"), 403, "custody-cancel", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := setup(t)
			_, err := w.record(tc.caller, tc.event)
			if tc.rule != "" {
				wantRule(t, err, tc.status, tc.rule)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b := w.batch("LOT-1"); b.Pending != nil || b.Custodian.Platform != tc.after {
				t.Fatalf("batch after %s = %+v", tc.name, b)
			}
			if o, _ := NewReader(w.s).Offers("HenanMSP", "in", t0); len(o) != 0 {
				t.Fatalf("offer still listed: %+v", o)
			}
			// the batch is usable again: it can be offered anew
			w.ok(hlj, offer("o2", "LOT-1"))
		})
	}

	w := setup(t)
	in, _ := NewReader(w.s).Offers("HenanMSP", "in", t0)
	out, _ := NewReader(w.s).Offers("HeilongjiangMSP", "out", t0)
	if len(in) != 1 || len(out) != 1 || in[0].Batch != "LOT-1" || in[0].From.Platform != "HeilongjiangMSP" {
		t.Fatalf("open offers in %+v out %+v", in, out)
	}
	if _, err := NewReader(w.s).Offers("HenanMSP", "sideways", t0); err == nil {
		t.Fatal("bad direction accepted")
	}
	// past its time the offer lapses: not listed, not acceptable, and the sender may use the batch
	later := t0.Add(DefaultOfferTTL + 24*time.Hour)
	if o, _ := NewReader(w.s).Offers("HenanMSP", "in", later); len(o) != 0 {
		t.Fatalf("expired offer listed: %+v", o)
	}
	rec := func(c Caller, e domain.Event) error {
		w.s.Begin("late-" + e.ID)
		_, err := NewRecorder(w.s, c, Tx{ID: "late-" + e.ID, Time: later}).Record([]domain.Event{e})
		return err
	}
	wantRule(t, rec(ha, on(ev("a", domain.Accept, "MARKET-1"), "LOT-1")), 409, "offer-expired")
	if err := rec(hlj, on(ev("s", domain.Store, "WH"), "LOT-1")); err != nil {
		t.Fatalf("sender using the batch after the offer lapsed: %v", err)
	}
	if w.s.KV[CompositeKey(objOfferIn, "HenanMSP", "LOT-1")] != nil {
		t.Fatal("lapsed offer left in the index")
	}
}

func TestOfferTTLPolicy(t *testing.T) {
	w := newWorld(t)
	hours := 2
	pol := ev("ttl", domain.Register, "SAMR")
	pol.Registration = &domain.Registration{OfferHours: &hours}
	w.ok(reg, pol)
	w.ok(reg, enforce(false)) // changing one policy field keeps the other
	w.ok(hlj, produce("p", "LOT-1", 100))
	o := on(ev("o", domain.Offer, "COOP-1"), "LOT-1")
	o.To = &domain.Party{Enterprise: "M", Platform: "HenanMSP"}
	res := w.ok(hlj, o)
	b := w.batch("LOT-1")
	exp, _ := time.Parse(time.RFC3339, b.Pending.Expires)
	recorded := t0.Add(time.Duration(w.tx) * time.Minute)
	if got := exp.Sub(recorded); got != 2*time.Hour {
		t.Fatalf("offer of %s expires %s after it was made, want 2h", res[0].TxID, got)
	}
}

// TestLocalCodesPerPlatform: a platform-local lot code another platform used first does not block
// the platform that creates its own lot under it; its later references resolve to its own lot.
func TestLocalCodesPerPlatform(t *testing.T) {
	w := newWorld(t)
	w.ok(ha, on(ev("squat", domain.Store, "WH-9"), "LOT-9")) // 河南 claims 黑龙江's next lot code
	w.ok(ha, produce("ha-p", "LOT-7", 5))
	res := w.ok(hlj, produce("hlj-p9", "LOT-9", 100), produce("hlj-p7", "LOT-7", 100))
	if res[0].Renamed["LOT-9"] != "HeilongjiangMSP:LOT-9" || res[1].Renamed["LOT-7"] != "HeilongjiangMSP:LOT-7" {
		t.Fatalf("renamed = %v / %v", res[0].Renamed, res[1].Renamed)
	}
	w.ok(hlj, on(ev("hlj-s", domain.Store, "WH"), "LOT-9"))
	if b := w.batch("HeilongjiangMSP:LOT-9"); b.LastEvent != "hlj-s" || b.Custodian.Platform != "HeilongjiangMSP" || b.Quantity.Value != 100 {
		t.Fatalf("黑龙江's own LOT-9 = %+v", b)
	}
	if b := w.batch("LOT-9"); b.Custodian.Platform != "HenanMSP" || b.LastEvent != "squat" {
		t.Fatalf("河南's LOT-9 changed: %+v", b)
	}
	// a platform's own code twice is still one batch
	_, err := w.record(hlj, produce("hlj-p9b", "LOT-9", 1))
	wantRule(t, err, 409, "unique-batch")
	// nobody creates in another platform's namespace
	_, err = w.record(ha, produce("ha-p2", "HeilongjiangMSP:LOT-5", 1))
	wantRule(t, err, 403, "batch-namespace")
	// the first user keeps the bare code for everyone else
	e := on(ev("o", domain.Offer, "COOP-1"), "LOT-7")
	e.To = &domain.Party{Enterprise: "M", Platform: "HeilongjiangMSP"}
	w.ok(ha, e)
	if b := w.batch("LOT-7"); b.Pending == nil {
		t.Fatalf("河南's LOT-7 offer went elsewhere: %+v", b)
	}
}
