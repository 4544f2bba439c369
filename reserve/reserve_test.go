package reserve

import (
	"math"
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
)

func lot(grain domain.Grain, year int, tonnes float64, firstIn string) domain.StockLot {
	return domain.StockLot{Granary: "g1", Bin: "P1", Grain: grain, HarvestYear: year, Category: domain.CentralReserve, Tonnes: tonnes, FirstIn: firstIn}
}

// The allowance tiers are those of 《粮油仓储管理办法》附件2 / 国粮仓规〔2021〕18号: grain stored up
// to six months 0.1 %, six to twelve 0.15 %, beyond a year 0.2 % in all; oilseeds 0.15/0.2/0.23 %.
func TestLossAllowanceFollowsTheNorm(t *testing.T) {
	c := Default()
	tests := []struct {
		name   string
		grain  domain.Grain
		months int
		want   float64
	}{
		{"wheat, 3 months: ≤ half a year", domain.Wheat, 3, 0.001},
		{"wheat, exactly 6 months", domain.Wheat, 6, 0.001},
		{"paddy, 7 months: half a year to a year", domain.Paddy, 7, 0.0015},
		{"corn, 12 months", domain.Corn, 12, 0.0015},
		{"wheat, 13 months: beyond a year", domain.Wheat, 13, 0.002},
		{"wheat, 5 years: cumulative, not per year", domain.Wheat, 60, 0.002},
		{"soybean (oilseed), 3 months", domain.Soybean, 3, 0.0015},
		{"soybean (oilseed), 30 months", domain.Soybean, 30, 0.0023},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.LossRate(tc.grain, tc.months); got != tc.want {
				t.Fatalf("rate = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestReconcile(t *testing.T) {
	c := Default()
	checkAt := "2026-11-10T10:00:00+08:00"
	tests := []struct {
		name       string
		book       []domain.StockLot
		counted    float64
		within     bool
		wantExpect float64
	}{
		// 4000 t stored 16 months: allowance 0.2 % = 8 t, expected 3992 t
		{"loss within the norm is no variance", []domain.StockLot{lot(domain.Wheat, 2025, 4000, "2025-07-01T00:00:00Z")}, 3992, true, 3992},
		{"2.9 % short is within ±3 %", []domain.StockLot{lot(domain.Wheat, 2025, 4000, "2025-07-01T00:00:00Z")}, 3992 * 0.971, true, 3992},
		{"3.5 % short is 账实不符", []domain.StockLot{lot(domain.Wheat, 2025, 4000, "2025-07-01T00:00:00Z")}, 3992 * 0.965, false, 3992},
		{"3.5 % over is 账实不符 too", []domain.StockLot{lot(domain.Wheat, 2025, 4000, "2025-07-01T00:00:00Z")}, 3992 * 1.035, false, 3992},
		// two lots, each with its own storage time: 1000 t × 0.1 % + 2000 t × 0.15 %
		{"allowance per lot", []domain.StockLot{lot(domain.Wheat, 2026, 1000, "2026-07-01T00:00:00Z"), lot(domain.Wheat, 2025, 2000, "2026-02-01T00:00:00Z")}, 2996, true, 2996},
		{"grain in a bin with no book", nil, 50, false, 0},
		{"empty bin counted empty", nil, 0, true, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Reconcile(domain.StockCheck{ID: "c1", Time: checkAt, Granary: "g1", Bin: "P1", CountedTonnes: tc.counted, Book: tc.book})
			if r.Within != tc.within {
				t.Fatalf("within = %v (variance %v), want %v", r.Within, r.Variance, tc.within)
			}
			if math.Abs(r.ExpectedTonnes-tc.wantExpect) > 1e-6 {
				t.Fatalf("expected tonnes = %v, want %v", r.ExpectedTonnes, tc.wantExpect)
			}
		})
	}
}

func TestReserveAlerts(t *testing.T) {
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	granary := domain.Granary{ID: "g1", Region: "410100", Platform: "HenanMSP",
		Plans: []domain.RotationPlan{{Year: 2026, Grain: domain.Wheat, Tonnes: 2000}}}
	rot := func(id string, kind domain.MovementKind, when string, tonnes float64) domain.StockMovement {
		return domain.StockMovement{ID: id, Kind: kind, Time: when, Granary: "g1", Bin: "P1", Grain: domain.Wheat, HarvestYear: 2021, Category: domain.CentralReserve, Tonnes: tonnes}
	}
	tests := []struct {
		name  string
		facts Facts
		want  []string
	}{
		{"wheat in its 6th storage year is over the 5-year limit", Facts{Lots: []domain.StockLot{lot(domain.Wheat, 2021, 100, "")}},
			[]string{"storage-age:g1/P1/wheat/2021/central"}},
		{"wheat in its 5th year is not", Facts{Lots: []domain.StockLot{lot(domain.Wheat, 2022, 100, "")}}, nil},
		{"paddy in its 4th year is over the 3-year limit", Facts{Lots: []domain.StockLot{lot(domain.Paddy, 2023, 100, "")}},
			[]string{"storage-age:g1/P1/paddy/2023/central"}},
		{"an empty lot raises nothing", Facts{Lots: []domain.StockLot{lot(domain.Corn, 2020, 0, "")}}, nil},
		{"轻度不宜存 raises an alert", Facts{Quality: []domain.QualityResult{{ID: "q1", Granary: "g1", Bin: "P1", Grain: domain.Paddy, HarvestYear: 2024, Class: domain.ModerateStorage, Standard: "GB/T 20569-2006"}}},
			[]string{"storage-quality:q1"}},
		{"宜存 does not", Facts{Quality: []domain.QualityResult{{ID: "q1", Granary: "g1", Bin: "P1", Grain: domain.Paddy, HarvestYear: 2024, Class: domain.GoodStorage, Standard: "GB/T 20569-2006"}}}, nil},
		{"rotation on plan, replenished in time", Facts{Granaries: map[string]domain.Granary{"g1": granary}, Movements: []domain.StockMovement{
			rot("o1", domain.RotateOut, "2026-05-01T08:00:00+08:00", 2000), rot("i1", domain.RotateIn, "2026-07-01T08:00:00+08:00", 2000)}}, nil},
		{"rotate-out not replenished within 4 months", Facts{Granaries: map[string]domain.Granary{"g1": granary}, Movements: []domain.StockMovement{
			rot("o1", domain.RotateOut, "2026-05-01T08:00:00+08:00", 2000), rot("i1", domain.RotateIn, "2026-07-01T08:00:00+08:00", 1500)}},
			[]string{"replenish:o1"}},
		{"rotation far behind the year's plan", Facts{Granaries: map[string]domain.Granary{"g1": granary}, Movements: []domain.StockMovement{
			rot("o1", domain.RotateOut, "2026-10-01T08:00:00+08:00", 200), rot("i1", domain.RotateIn, "2026-10-20T08:00:00+08:00", 200)}},
			[]string{"rotation-lag:g1/wheat/2026"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, a := range Default().Evaluate(tc.facts, now) {
				got = append(got, a.ID)
				if a.Detail == "" || a.DetailEN == "" {
					t.Errorf("%s has no explanation", a.ID)
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("alerts = %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("alerts = %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestAggregateSuppressesSmallCells(t *testing.T) {
	d := func(region string, buyer, seller string, tonnes, price float64) Deal {
		return Deal{Region: region, Grain: domain.Wheat, Week: "2026-W25", Buyer: buyer, Seller: seller, Tonnes: tonnes, Price: price}
	}
	deals := []Deal{
		d("410000", "b1", "s1", 100, 2.40), d("410000", "b2", "s2", 100, 2.50), d("410000", "b3", "s3", 200, 2.45),
		// 河北: four deals but only two buyers
		d("130000", "b1", "s1", 10, 2.5), d("130000", "b2", "s2", 10, 2.5), d("130000", "b1", "s3", 10, 2.5), d("130000", "b2", "s4", 10, 2.5),
	}
	cells, suppressed := Aggregate(deals, 3)
	if len(cells) != 1 || cells[0].Region != "410000" || cells[0].Buyers != 3 || cells[0].Sellers != 3 {
		t.Fatalf("cells = %+v", cells)
	}
	// volume-weighted: (100×2.40 + 100×2.50 + 200×2.45) / 400
	if math.Abs(cells[0].AvgPrice-2.45) > 1e-9 || cells[0].VolumeTonnes != 400 {
		t.Fatalf("avg %v volume %v", cells[0].AvgPrice, cells[0].VolumeTonnes)
	}
	if len(suppressed) != 1 || suppressed[0].Region != "130000" {
		t.Fatalf("suppressed = %+v", suppressed)
	}
}

func TestMarketAlerts(t *testing.T) {
	cell := func(week string, price, tonnes float64) domain.MarketCell {
		return domain.MarketCell{Region: "410000", Grain: domain.Wheat, Week: week, Deals: 3, Buyers: 3, Sellers: 3, VolumeTonnes: tonnes, AvgPrice: price, Platform: "HenanMSP"}
	}
	tests := []struct {
		name  string
		cells []domain.MarketCell
		want  []string
	}{
		{"steady and above the floor", []domain.MarketCell{cell("2026-W24", 2.45, 100), cell("2026-W25", 2.47, 110)}, nil},
		{"below the 2026 wheat floor of 2.38 CNY/kg", []domain.MarketCell{cell("2026-W24", 2.45, 100), cell("2026-W25", 2.36, 100)},
			[]string{"below-min-price:410000/wheat/2026-W25/HenanMSP"}},
		{"an 8 % jump on the week", []domain.MarketCell{cell("2026-W24", 2.45, 100), cell("2026-W25", 2.65, 100)},
			[]string{"week-change:wheat/2026-W25"}},
		{"volume triple the same week last year", []domain.MarketCell{cell("2025-W25", 2.45, 100), cell("2026-W25", 2.45, 300)},
			[]string{"volume-yoy:wheat/2026-W25"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, a := range Default().MarketAlerts(tc.cells, Combine(tc.cells)) {
				got = append(got, a.ID)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("alerts = %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("alerts = %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestIndexIsRelativeToTheFirstWeek(t *testing.T) {
	cells := []domain.MarketCell{
		{Region: "410000", Grain: domain.Wheat, Week: "2026-W25", VolumeTonnes: 100, AvgPrice: 2.50},
		{Region: "370000", Grain: domain.Wheat, Week: "2026-W25", VolumeTonnes: 300, AvgPrice: 2.30},
		{Region: "410000", Grain: domain.Wheat, Week: "2026-W24", VolumeTonnes: 100, AvgPrice: 2.35},
	}
	s := Combine(cells)[domain.Wheat]
	if len(s) != 2 || s[0].Week != "2026-W24" || s[0].Index != 100 {
		t.Fatalf("series = %+v", s)
	}
	// W25: (100×2.50 + 300×2.30)/400 = 2.35 → index 100
	if s[1].AvgPrice != 2.35 || s[1].Index != 100 || s[1].VolumeTonnes != 400 || len(s[1].Regions) != 2 {
		t.Fatalf("W25 = %+v", s[1])
	}
}

func TestAgeProfile(t *testing.T) {
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	lots := []domain.StockLot{lot(domain.Paddy, 2022, 5000, ""), lot(domain.Paddy, 2025, 1000, ""), lot(domain.Paddy, 2025, 2000, ""), lot(domain.Wheat, 2022, 300, "")}
	got := Default().AgeProfile(lots, now)
	want := []AgeBand{
		{Grain: domain.Paddy, HarvestYear: 2022, Years: 5, Tonnes: 5000, OverAge: true}, // paddy limit 3
		{Grain: domain.Wheat, HarvestYear: 2022, Years: 5, Tonnes: 300, OverAge: false}, // wheat limit 5
		{Grain: domain.Paddy, HarvestYear: 2025, Years: 2, Tonnes: 3000, OverAge: false},
	}
	if len(got) != len(want) {
		t.Fatalf("profile = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("band %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}
