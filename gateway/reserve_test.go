package gateway

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/domain"
)

func reserveGranary() domain.Granary {
	return domain.Granary{ID: "G1", Name: "测试库", Owner: domain.Party{Enterprise: "E1"}, Region: "410122", Type: domain.CentralDepot,
		Bins: []domain.Bin{{ID: "P1", Type: "平房仓", CapacityT: 1000}}}
}

func reserveMove(id string, kind domain.MovementKind, tonnes float64) domain.StockMovement {
	return domain.StockMovement{ID: id, Kind: kind, Time: "2026-06-01T08:00:00+08:00", Granary: "G1", Bin: "P1", Grain: domain.Wheat,
		HarvestYear: 2026, Category: domain.CentralReserve, Tonnes: tonnes}
}

func TestReserveAPIRefusals(t *testing.T) {
	e := newEnv(t)
	if r := e.post("/v1/reserves/granaries", "ha", map[string]any{"granaries": []domain.Granary{reserveGranary()}}); r.status != 200 {
		t.Fatalf("register: %d %s", r.status, r.body)
	}
	if r := e.post("/v1/reserves/movements", "ha", map[string]any{"movements": []domain.StockMovement{reserveMove("m1", domain.StoreIn, 800)}}); r.status != 200 {
		t.Fatalf("store: %d %s", r.status, r.body)
	}
	bad := reserveMove("m2", domain.StoreIn, 10)
	bad.Grain = "barley"
	tests := []struct {
		name, method, path, org string
		body                    any
		status                  int
		pointer, rule           string
	}{
		{"field of the second movement", "POST", "/v1/reserves/movements", "ha",
			map[string]any{"movements": []domain.StockMovement{reserveMove("m3", domain.SellOut, 1), bad}}, 400, "/movements/1/grain", "validation"},
		{"unknown field", "POST", "/v1/reserves/movements", "ha", `{"moves":[]}`, 400, "/moves", ""},
		{"over capacity", "POST", "/v1/reserves/movements", "ha",
			map[string]any{"movements": []domain.StockMovement{reserveMove("m4", domain.StoreIn, 300)}}, 409, "/movements/0/tonnes", "bin-capacity"},
		{"a platform records a check", "POST", "/v1/reserves/checks", "ha", map[string]any{}, 403, "", ""},
		{"a platform closes an alert", "POST", "/v1/reserves/alerts/x/close", "ha", map[string]any{"reason": "ok"}, 403, "", ""},
		{"closing an alert never raised", "POST", "/v1/reserves/alerts/nope/close", "reg", map[string]any{"reason": "复核无误"}, 404, "", ""},
		{"another platform's granary", "GET", "/v1/reserves/granaries/G1", "hlj", nil, 403, "", ""},
		{"unknown granary", "GET", "/v1/reserves/granaries/G9", "reg", nil, 404, "", ""},
		{"bad status filter", "GET", "/v1/reserves/alerts?status=closed", "reg", nil, 400, "?status", ""},
		{"market kind on reserve alerts", "GET", "/v1/reserves/alerts?kind=week-change", "reg", nil, 400, "?kind", ""},
		{"the regulator publishes aggregates", "POST", "/v1/market/aggregates", "reg", map[string]any{}, 403, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r response
			if tc.method == "GET" {
				r = e.get(tc.path, tc.org)
			} else {
				r = e.post(tc.path, tc.org, tc.body)
			}
			if r.status != tc.status {
				t.Fatalf("%d %s, want %d", r.status, r.body, tc.status)
			}
			p := r.problem(t)
			if tc.pointer != "" && p.Pointer != tc.pointer {
				t.Errorf("pointer %q, want %q", p.Pointer, tc.pointer)
			}
			if tc.rule != "" && p.Rule != tc.rule {
				t.Errorf("rule %q, want %q", p.Rule, tc.rule)
			}
		})
	}
	if r := e.do("POST", "/v1/reserves/movements", e.keys["ha"], "text/plain", strings.NewReader("x")); r.status != 415 {
		t.Fatalf("text body: %d", r.status)
	}
	// a platform's list holds its own granaries only
	var list GranariesResponse
	e.get("/v1/reserves/granaries", "hlj").json(t, &list)
	if len(list.Granaries) != 0 {
		t.Fatalf("黑龙江 lists 河南's granary: %+v", list.Granaries)
	}
	e.get("/v1/reserves/granaries", "ha").json(t, &list)
	if len(list.Granaries) != 1 || list.Granaries[0].BookTonnes != 800 || list.Granaries[0].ByAuthority["central"] != 800 {
		t.Fatalf("河南's list: %+v", list.Granaries)
	}
	var prices PricesResponse
	e.get("/v1/market/prices", "hlj").json(t, &prices)
	if b, _ := json.Marshal(prices); !strings.Contains(string(b), `"cells":[]`) {
		t.Fatalf("empty market: %s", b)
	}
}
