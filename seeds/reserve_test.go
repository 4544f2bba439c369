package seeds

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/internal/memgateway"
	"github.com/agritrace/agritrace/reserve"
)

func getJSON(t *testing.T, url, key string, v any) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

// TestReserveSeedsShowWhatTheyPromise: after loading, the alerts list the 河南 shortfall and the
// 黑龙江 over-age paddy (and nothing for the bin that agreed with its book), and the price index
// has visible cells and one suppressed cell.
func TestReserveSeedsShowWhatTheyPromise(t *testing.T) {
	site := memgateway.Start(t, nil)
	clear := site.Keys
	if _, err := Load(context.Background(), SameURL(site.URL, clear), Chains(), io.Discard); err != nil {
		t.Fatal(err)
	}
	var alerts struct{ Alerts []reserve.Alert }
	getJSON(t, site.URL+"/v1/reserves/alerts", clear["reg"], &alerts)
	got := map[string]bool{}
	for _, a := range alerts.Alerts {
		got[a.ID] = true
	}
	for _, want := range []string{"variance:seed-rsv-ha-c02-P02", "storage-age:" + hljDepot + "/A1/paddy/2022/provincial", "storage-quality:seed-rsv-hl-q01-A1"} {
		if !got[want] {
			t.Errorf("alert %s missing; have %v", want, got)
		}
	}
	for _, unwanted := range []string{"variance:seed-rsv-ha-c01-P01", "rotation-lag:" + henanDepot + "/wheat/2026", "replenish:seed-rsv-ha-m03-rotate-out"} {
		if got[unwanted] {
			t.Errorf("alert %s raised; the seed meant it to pass", unwanted)
		}
	}
	// a platform sees its own granaries' alerts only
	getJSON(t, site.URL+"/v1/reserves/alerts", clear["hlj"], &alerts)
	for _, a := range alerts.Alerts {
		if a.Granary == henanDepot {
			t.Errorf("黑龙江's platform sees 河南's alert %s", a.ID)
		}
	}
	var prices gateway.PricesResponse
	getJSON(t, site.URL+"/v1/market/prices", clear["reg"], &prices)
	if len(prices.Series) < 2 || len(prices.Cells) < 6 {
		t.Fatalf("index: %d series, %d cells", len(prices.Series), len(prices.Cells))
	}
	suppressedCorn := false
	for _, k := range prices.Suppressed {
		suppressedCorn = suppressedCorn || (k.Grain == "corn" && k.Region == "410000")
	}
	if !suppressedCorn {
		t.Errorf("the two-deal corn cell is not listed as suppressed: %+v", prices.Suppressed)
	}
	for _, c := range prices.Cells {
		if c.Buyers < 3 || c.Sellers < 3 {
			t.Errorf("published cell under k: %+v", c)
		}
	}
}
