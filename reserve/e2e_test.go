package reserve_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/internal/testnet"
	"github.com/agritrace/agritrace/reserve"
	"github.com/agritrace/agritrace/wire"
)

// org is one org's own gateway and key (never another org's key on its URL).
type org struct{ url, key string }

func orgs(env map[string]string) (hlj, ha, reg org) {
	return org{env["AGRITRACE_URL"], env["AGRITRACE_PLATFORM_KEY"]},
		org{env["AGRITRACE_PLATFORM2_URL"], env["AGRITRACE_PLATFORM2_KEY"]},
		org{env["AGRITRACE_REGULATOR_URL"], env["AGRITRACE_REGULATOR_KEY"]}
}

func (o org) call(t *testing.T, method, path string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, o.url+path, rd)
	req.Header.Set("Authorization", "Bearer "+o.key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// must calls and requires want; it decodes the answer into v when given.
func (o org) must(t *testing.T, want int, method, path string, body, v any) {
	t.Helper()
	status, b := o.call(t, method, path, body)
	if status != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, status, want, b)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
}

// refused calls and requires a problem with the given status and rule.
func (o org) refused(t *testing.T, status int, rule, method, path string, body any) {
	t.Helper()
	got, b := o.call(t, method, path, body)
	var p gateway.Problem
	_ = json.Unmarshal(b, &p)
	if got != status || (rule != "" && p.Rule != rule && !strings.HasSuffix(p.Type, "/"+rule)) {
		t.Fatalf("%s %s: %d %s, want %d rule %s", method, path, got, b, status, rule)
	}
}

// eventually retries cond for a few seconds: each org's gateway follows the ledger on its own, so
// another org's write reaches it a moment later.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 50; i++ {
		if cond() {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal(what)
}

const sha = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"

func mv(id string, kind domain.MovementKind, when, bin string, year int, tonnes float64) domain.StockMovement {
	return domain.StockMovement{ID: id, Kind: kind, Time: when, Granary: "E2E-ZZ", Bin: bin, Grain: domain.Wheat, HarvestYear: year,
		Category: domain.CentralReserve, Tonnes: tonnes}
}

// TestE2EReserveReconciliation: a 河南 platform stores reserve wheat, rotates one bin, the regulator
// counts the other short, the shortfall alert survives the grain leaving the bin, and only the
// regulator closes it, with a reason, on the ledger.
func TestE2EReserveReconciliation(t *testing.T) {
	c := testnet.Start(t, 29250)
	g := testnet.StartGateway(t, c, 19250)
	hlj, ha, reg := orgs(g.Env)

	// the 2021 wheat is a traceability batch too, so the rotation shows where it went
	old := "E2E-RSV-WHEAT-2021"
	harvest := domain.Event{ID: "e2e-rsv-harvest", Type: domain.Produce, EventTime: "2021-06-08T07:00:00+08:00",
		Actor: domain.Party{Enterprise: "E2E-COOP"}, Outputs: []domain.Output{{Batch: old, Product: domain.Product{Name: "小麦", Category: "grain"},
			Quantity: domain.Quantity{Value: 3000, Unit: "t"}, Origin: &domain.Origin{Region: "410726"}}}}
	ha.must(t, 201, "POST", "/v1/events", harvest, nil)

	granary := domain.Granary{ID: "E2E-ZZ", Name: "中储粮郑州直属库（E2E）", Owner: domain.Party{Enterprise: "E2E-ZCL"}, Region: "410122",
		Type: domain.CentralDepot, Bins: []domain.Bin{{ID: "B1", Type: "平房仓", CapacityT: 5000}, {ID: "B2", Type: "浅圆仓", CapacityT: 5000}},
		Plans: []domain.RotationPlan{{Year: 2026, Grain: domain.Wheat, Tonnes: 3000}}}
	ha.must(t, 200, "POST", "/v1/reserves/granaries", map[string]any{"granaries": []domain.Granary{granary}}, nil)

	store := []domain.StockMovement{
		mv("e2e-rsv-store-b1", domain.StoreIn, "2021-06-20T10:00:00+08:00", "B1", 2021, 3000),
		mv("e2e-rsv-store-b2", domain.StoreIn, "2025-06-20T10:00:00+08:00", "B2", 2025, 4000),
	}
	store[0].Batch = old
	ha.must(t, 200, "POST", "/v1/reserves/movements", map[string]any{"movements": store}, nil)

	// rotate: out to a mill, new wheat in
	out := mv("e2e-rsv-rotate-out", domain.RotateOut, "2026-05-20T10:00:00+08:00", "B1", 2021, 3000)
	out.Batch, out.Counterparty = old, &domain.Party{Enterprise: "E2E-MILL", Name: "郑州金苑面业"}
	in := mv("e2e-rsv-rotate-in", domain.RotateIn, "2026-06-25T10:00:00+08:00", "B1", 2026, 3000)
	var res gateway.ReserveResponse
	ha.must(t, 200, "POST", "/v1/reserves/movements", map[string]any{"movements": []domain.StockMovement{out, in}}, &res)
	if res.Block == 0 || res.TxID == "" {
		t.Fatalf("rotation committed without a block: %+v", res)
	}
	// the batch's side of it: the depot took the 2021 wheat in, sold it to the mill, which milled it
	flour := "E2E-RSV-FLOUR-2026"
	mill := domain.Party{Enterprise: "E2E-MILL", Name: "郑州金苑面业"}
	for _, e := range []domain.Event{
		{ID: "e2e-rsv-intake", Type: domain.Purchase, EventTime: "2021-06-19T09:00:00+08:00", Actor: harvest.Actor, To: &granary.Owner,
			Batches: []string{old}, Location: &domain.Location{Name: "收购点", Region: "410122"}},
		{ID: "e2e-rsv-rotation-sale", Type: domain.Purchase, EventTime: "2026-05-20T10:00:00+08:00", Actor: granary.Owner, To: &mill,
			Batches: []string{old}, Location: &domain.Location{Name: "直属库", Region: "410122"}},
		{ID: "e2e-rsv-milling", Type: domain.Process, EventTime: "2026-05-25T08:00:00+08:00", Actor: mill, Inputs: []domain.Portion{{Batch: old}},
			Outputs:  []domain.Output{{Batch: flour, Product: domain.Product{Name: "小麦粉（E2E 轮换粮加工）", Category: "grain"}, Quantity: domain.Quantity{Value: 2950, Unit: "t"}}},
			Location: &domain.Location{Name: "面粉厂", Region: "410122"}},
	} {
		ha.must(t, 201, "POST", "/v1/events", e, nil)
	}
	// what the book does not hold cannot leave; another platform cannot move this granary's grain
	ha.refused(t, 409, "reserve-stock", "POST", "/v1/reserves/movements",
		map[string]any{"movements": []domain.StockMovement{mv("e2e-rsv-oversell", domain.SellOut, "2026-07-01T10:00:00+08:00", "B2", 2025, 4000.5)}})
	hlj.refused(t, 403, "granary-owner", "POST", "/v1/reserves/movements",
		map[string]any{"movements": []domain.StockMovement{mv("e2e-rsv-foreign", domain.SellOut, "2026-07-01T10:00:00+08:00", "B2", 2025, 1)}})

	// the count: B2 measured at 4887 m³ × 780 kg/m³ = 3811.86 t against 4000 t less 0.2 % natural loss
	check := domain.StockCheck{ID: "e2e-rsv-check-b2", Time: "2026-11-10T14:00:00+08:00", Granary: "E2E-ZZ", Bin: "B2", Method: domain.MeasuredVolume,
		VolumeM3: 4887, BulkDensity: 780, Correction: 1, Inspector: domain.Party{Enterprise: "国家粮食和物资储备局河南局"},
		Document: domain.Document{Name: "kcjc-e2e-b2.pdf", SHA256: sha}}
	ha.refused(t, 403, "regulator-only", "POST", "/v1/reserves/checks", check)
	reg.must(t, 200, "POST", "/v1/reserves/checks", check, nil)

	var detail gateway.GranaryDetail
	reg.must(t, 200, "GET", "/v1/reserves/granaries/E2E-ZZ", nil, &detail)
	if len(detail.Reconciliations) != 1 {
		t.Fatalf("reconciliations: %+v", detail.Reconciliations)
	}
	rc := detail.Reconciliations[0]
	if rc.BookTonnes != 4000 || rc.Within || rc.Variance > -0.04 || rc.Variance < -0.05 || rc.AllowanceTonnes != 8 {
		t.Fatalf("reconciliation of B2: %+v (want book 4000 t, allowance 8 t, variance ≈ −4.5 %%)", rc)
	}
	book := map[string]float64{}
	for _, l := range detail.Lots {
		book[fmt.Sprintf("%s/%d", l.Bin, l.HarvestYear)] += l.Tonnes
	}
	if len(book) != 2 || book["B1/2026"] != 3000 || book["B2/2025"] != 4000 {
		t.Fatalf("book after the rotation: %v", book)
	}
	if len(detail.Outflows) != 1 || detail.Outflows[0].Movement != out.ID || detail.Outflows[0].Batch != old {
		t.Fatalf("outflows: %+v", detail.Outflows)
	}
	// where the rotated-out grain went: which mill, which product
	milled := false
	for _, d := range detail.Outflows[0].Descendants {
		milled = milled || (d.Batch == flour && d.Custodian.Enterprise == mill.Enterprise && strings.Contains(d.Product, "小麦粉"))
	}
	if !milled {
		t.Fatalf("the rotated-out wheat's outflow does not show the mill's flour: %+v", detail.Outflows[0].Descendants)
	}
	ha.must(t, 200, "GET", "/v1/reserves/granaries/E2E-ZZ", nil, nil)
	hlj.refused(t, 403, "granary-owner", "GET", "/v1/reserves/granaries/E2E-ZZ", nil)

	alertID := "variance:" + check.ID
	openAlerts := func(o org) map[string]reserve.Alert {
		var a gateway.AlertsResponse
		o.must(t, 200, "GET", "/v1/reserves/alerts?status=open", nil, &a)
		m := map[string]reserve.Alert{}
		for _, x := range a.Alerts {
			m[x.ID] = x
		}
		return m
	}
	if a, ok := openAlerts(reg)[alertID]; !ok || a.Severity != "critical" || a.Granary != "E2E-ZZ" {
		t.Fatalf("shortfall alert not open for the regulator: %+v", openAlerts(reg))
	}
	eventually(t, "the granary's platform does not see its alert", func() bool { _, ok := openAlerts(ha)[alertID]; return ok })
	if _, ok := openAlerts(hlj)[alertID]; ok {
		t.Fatal("another platform sees the alert")
	}
	if _, ok := openAlerts(reg)["rotation-lag:E2E-ZZ/wheat/2026"]; ok {
		t.Fatal("a rotation done to plan raised a lag alert")
	}

	// the grain leaves the bin: the shortfall is not forgotten
	ha.must(t, 200, "POST", "/v1/reserves/movements", map[string]any{"movements": []domain.StockMovement{
		mv("e2e-rsv-sell-b2", domain.SellOut, "2026-11-15T10:00:00+08:00", "B2", 2025, 3800)}}, nil)
	if _, ok := openAlerts(reg)[alertID]; !ok {
		t.Fatal("the shortfall alert disappeared after a later movement")
	}

	// only the regulator closes it, with a reason
	ha.refused(t, 403, "regulator-only", "POST", "/v1/reserves/alerts/"+url.PathEscape(alertID)+"/close", map[string]string{"reason": "已核实"})
	reg.refused(t, 400, "validation", "POST", "/v1/reserves/alerts/"+url.PathEscape(alertID)+"/close", map[string]string{"reason": ""})
	closing := map[string]string{"reason": "复核：短少 180 吨系 2026 年 3 月出库单漏记，已补录并追责", "time": "2026-11-20T10:00:00+08:00"}
	reg.must(t, 200, "POST", "/v1/reserves/alerts/"+url.PathEscape(alertID)+"/close", closing, &res)
	if _, ok := openAlerts(reg)[alertID]; ok {
		t.Fatal("closed alert still open")
	}
	var all gateway.AlertsResponse
	reg.must(t, 200, "GET", "/v1/reserves/alerts?status=all&kind=variance", nil, &all)
	closed := false
	for _, a := range all.Alerts {
		if a.ID == alertID {
			closed = a.Closed != nil && a.Closed.Reason == closing["reason"] && a.Closed.TxID == res.TxID && a.Closed.Platform == "RegulatorMSP"
		}
	}
	if !closed {
		t.Fatalf("closure not shown with its reason and transaction: %+v", all.Alerts)
	}
	reg.refused(t, 409, "alert-closed", "POST", "/v1/reserves/alerts/"+url.PathEscape(alertID)+"/close",
		map[string]string{"reason": "再次关闭", "time": "2026-11-21T10:00:00+08:00"})

	// the console's 储备粮 pages on the regulator's gateway: the depot in the province's list, its
	// page with the closed shortfall and where the rotated-out grain went, in Chinese and English
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	if resp, err := browser.PostForm(reg.url+"/console/login", url.Values{"key": {reg.key}}); err != nil || resp.StatusCode != 200 {
		t.Fatalf("console login: %v", err)
	} else {
		resp.Body.Close()
	}
	page := func(path string) string {
		resp, err := browser.Get(reg.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d", path, resp.StatusCode)
		}
		return string(b)
	}
	for path, wants := range map[string][]string{
		"/console/reserves?province=41":    {granary.Name, "储备粮"},
		"/console/reserves/E2E-ZZ":         {`id="outflows"`, "小麦粉（E2E 轮换粮加工）", mill.Name, alertID, "复核"},
		"/console/reserves/E2E-ZZ?lang=en": {`id="outflows"`, "Where grain that left the reserve went", mill.Name},
	} {
		body := page(path)
		for _, want := range wants {
			if !strings.Contains(body, want) {
				t.Errorf("%s lacks %q", path, want)
			}
		}
	}

	// the rotated-out grain's lineage is the batch's trail
	var trail domain.Trail
	reg.must(t, 200, "GET", "/v1/batches/"+url.PathEscape(old)+"/trail", nil, &trail)
	if len(trail.Events) == 0 {
		t.Fatal("rotated-out batch has no trail")
	}
}

// TestE2EMarketIndex: a platform's node publishes aggregates of its own priced purchases; a cell
// with fewer than k parties is suppressed (and refused by the contract if sent); no API route
// returns any single deal's price.
func TestE2EMarketIndex(t *testing.T) {
	c := testnet.Start(t, 29300)
	g := testnet.StartGateway(t, c, 19300)
	hlj, ha, reg := orgs(g.Env)

	type deal struct {
		grain         string
		buyer, seller string
		tonnes, price float64 // CNY per tonne: odd figures, easy to spot anywhere
	}
	deals := []deal{
		{"小麦", "E2E-BUYER-1", "E2E-SELLER-1", 40, 2417.37},
		{"小麦", "E2E-BUYER-2", "E2E-SELLER-2", 60, 2433.91},
		{"小麦", "E2E-BUYER-3", "E2E-SELLER-3", 50, 2461.73},
		{"玉米", "E2E-BUYER-1", "E2E-SELLER-4", 30, 2213.59},
		{"玉米", "E2E-BUYER-1", "E2E-SELLER-5", 20, 2238.47},
	}
	var events []domain.Event
	var batches, eventIDs []string
	for i, d := range deals {
		batch := fmt.Sprintf("E2E-MKT-%d", i)
		p := domain.Event{ID: fmt.Sprintf("e2e-mkt-harvest-%d", i), Type: domain.Produce, EventTime: "2026-06-09T06:00:00+08:00",
			Actor: domain.Party{Enterprise: d.seller}, Outputs: []domain.Output{{Batch: batch, Product: domain.Product{Name: d.grain, Category: "grain"},
				Quantity: domain.Quantity{Value: d.tonnes, Unit: "t"}, Origin: &domain.Origin{Region: "410726"}}}}
		b := domain.Event{ID: fmt.Sprintf("e2e-mkt-purchase-%d", i), Type: domain.Purchase, EventTime: "2026-06-10T10:00:00+08:00",
			Actor: domain.Party{Enterprise: d.seller}, To: &domain.Party{Enterprise: d.buyer}, Batches: []string{batch},
			Location: &domain.Location{Region: "410726"}, Private: &domain.Private{Price: d.price, Currency: "CNY"}}
		events = append(events, p, b)
		batches, eventIDs = append(batches, batch), append(eventIDs, b.ID)
	}
	var bulk gateway.BulkResponse
	ha.must(t, 200, "POST", "/v1/events", map[string]any{"events": events}, &bulk)
	if bulk.Accepted != len(events) {
		t.Fatalf("recorded %d of %d events", bulk.Accepted, len(events))
	}

	var pub gateway.PublishResponse
	ha.must(t, 200, "POST", "/v1/market/aggregates", map[string]any{}, &pub)
	if pub.Deals != 5 || len(pub.Cells) != 1 || len(pub.Suppressed) != 1 || pub.Suppressed[0].Grain != domain.Corn {
		t.Fatalf("publication: %+v", pub)
	}
	var again gateway.PublishResponse
	ha.must(t, 200, "POST", "/v1/market/aggregates", map[string]any{}, &again)
	if !again.Unchanged || again.Publication != pub.Publication {
		t.Fatalf("publishing the same weeks twice: %+v", again)
	}
	// the regulator has no deals to aggregate, and 黑龙江 has none in this test
	reg.refused(t, 403, "regulator-role", "POST", "/v1/market/aggregates", map[string]any{})
	var none gateway.PublishResponse
	hlj.must(t, 200, "POST", "/v1/market/aggregates", map[string]any{}, &none)
	if len(none.Cells)+len(none.Suppressed) != 0 {
		t.Fatalf("黑龙江 published aggregates of deals it does not hold: %+v", none)
	}

	var prices gateway.PricesResponse
	eventually(t, "the regulator's gateway never saw the publication", func() bool {
		reg.must(t, 200, "GET", "/v1/market/prices", nil, &prices)
		return len(prices.Cells)+len(prices.Suppressed) > 0
	})
	if len(prices.Cells) != 1 {
		t.Fatalf("cells: %+v", prices.Cells)
	}
	cell := prices.Cells[0]
	want := (40*2.41737 + 60*2.43391 + 50*2.46173) / 150
	if cell.Grain != domain.Wheat || cell.Region != "410000" || cell.Week != "2026-W24" || cell.Buyers != 3 || cell.Sellers != 3 ||
		cell.VolumeTonnes != 150 || cell.AvgPrice-want > 1e-4 || want-cell.AvgPrice > 1e-4 {
		t.Fatalf("wheat cell %+v, want avg %.4f over 150 t", cell, want)
	}
	if len(prices.Suppressed) != 1 || prices.Suppressed[0] != (domain.CellKey{Region: "410000", Grain: domain.Corn, Week: "2026-W24"}) {
		t.Fatalf("suppressed: %+v", prices.Suppressed)
	}
	if len(prices.Series) != 1 || prices.Series[0].Points[0].Index != 100 {
		t.Fatalf("series: %+v", prices.Series)
	}

	// the contract itself refuses a cell under k, whoever sends it
	cl := testnet.Connect(t, c, "ha")
	small, _ := json.Marshal(domain.MarketPublication{ID: "e2e-small", Time: "2026-06-20T00:00:00+08:00", K: 3,
		Cells: []domain.MarketCell{{Region: "410000", Grain: domain.Corn, Week: "2026-W24", Deals: 2, Buyers: 1, Sellers: 2, VolumeTonnes: 50, AvgPrice: 2.22}}})
	_, err := cl.Submit(context.Background(), wire.PublishMarketAggregates, []string{string(small)}, nil)
	if de, ok := domain.AsError(err); !ok || de.Rule != "market-k" {
		t.Fatalf("contract accepted or misjudged a cell under k: %v", err)
	}

	var dealPrices []float64
	for _, d := range deals {
		dealPrices = append(dealPrices, d.price)
	}
	noSinglePrice(t, []org{hlj, ha, reg}, dealPrices, map[string]string{
		"{id}": batches[0], "{gtin}": "06901234600010", "{lot}": "L1", "{serial}": "1"}, eventIDs)
	noSinglePriceOnPages(t, reg, dealPrices, batches)
}

// noSinglePriceOnPages opens every page and export of the regulator's console (in Chinese and
// English, each traded batch's page, recall form and impact CSV) and requires that none shows a
// deal's price.
func noSinglePriceOnPages(t *testing.T, reg org, prices []float64, batches []string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar}
	resp, err := browser.PostForm(reg.url+"/console/login", url.Values{"key": {reg.key}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("console login: %v", err)
	}
	resp.Body.Close()
	pages := []string{"/console", "/console/stats", "/console/reserves", "/console/market", "/"}
	for _, b := range batches {
		for _, suffix := range []string{"", "/recall", "/impact.csv"} {
			pages = append(pages, "/console/batch/"+url.PathEscape(b)+suffix)
		}
	}
	for _, p := range pages {
		for _, lang := range []string{"", "?lang=en"} {
			resp, err := browser.Get(reg.url + p + lang)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("%s%s: %d", p, lang, resp.StatusCode)
			}
			for _, price := range prices {
				for _, v := range []float64{price, price / 1000} {
					if s := strconv.FormatFloat(v, 'f', -1, 64); strings.Contains(string(body), s) {
						t.Errorf("%s%s shows the deal price %s", p, lang, s)
					}
				}
			}
		}
	}
	t.Logf("%d console pages and exports, in Chinese and English: no single price", len(pages))
}

// noSinglePrice calls every route of the served OpenAPI document as every org, with real
// identifiers, and requires that no answer contains any deal's price in CNY/t or CNY/kg.
func noSinglePrice(t *testing.T, as []org, prices []float64, params map[string]string, eventIDs []string) {
	t.Helper()
	var spec struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	as[2].must(t, 200, "GET", "/openapi.json", nil, &spec)
	var needles []string
	for _, p := range prices {
		for _, v := range []float64{p, p / 1000} {
			needles = append(needles, strconv.FormatFloat(v, 'f', -1, 64))
		}
	}
	paths := make([]string, 0, len(spec.Paths))
	for p := range spec.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	calls, answered := 0, map[string]int{} // route → the regulator's status
	for _, path := range paths {
		for method := range spec.Paths[path] {
			method = strings.ToUpper(method)
			targets := []string{path}
			if strings.Contains(path, "/v1/events/{id}") {
				targets = nil
				for _, id := range eventIDs {
					targets = append(targets, strings.Replace(path, "{id}", url.PathEscape(id), 1))
				}
			}
			for _, target := range targets {
				for k, v := range params {
					target = strings.ReplaceAll(target, k, url.PathEscape(v))
				}
				if method == "GET" && strings.HasPrefix(target, "/v1/events") && !strings.Contains(target, "e2e-mkt") {
					target += "?type=purchase&page_size=500"
				}
				var body any
				if method != "GET" {
					body = map[string]any{}
				}
				for i, o := range as {
					status, b := o.call(t, method, target, body)
					calls++
					if i == 2 {
						answered[method+" "+path] = status
					}
					for _, n := range needles {
						if strings.Contains(string(b), n) {
							t.Errorf("%s %s answered a single deal's price %s: %.300s", method, target, n, b)
						}
					}
					// the spec describes the private field; every other answer is data and has none
					if target != "/openapi.json" && strings.Contains(string(b), `"price"`) {
						t.Errorf("%s %s answered a price field: %.300s", method, target, b)
					}
				}
			}
		}
	}
	// the routes that hold deals must have answered with data, or the check proves nothing
	for _, route := range []string{"GET /v1/events/{id}", "GET /v1/events", "GET /v1/batches/{id}", "GET /v1/batches/{id}/trail",
		"GET /v1/batches/{id}/history", "GET /v1/export/epcis", "GET /v1/export/batches.csv", "GET /v1/market/prices"} {
		if answered[route] != http.StatusOK {
			t.Errorf("%s answered the regulator %d; it must answer with data for the check to mean anything", route, answered[route])
		}
	}
	ok := 0
	for _, st := range answered {
		if st < 300 {
			ok++
		}
	}
	t.Logf("%d calls over %d documented paths (%d answered the regulator with data): no single price", calls, len(paths), ok)
}
