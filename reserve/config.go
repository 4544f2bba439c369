// Package reserve holds the supervision rules for government reserve grain and the market
// monitoring rules, as plain Go over ledger facts: reconciliation of physical counts with book stock
// (after the natural storage-loss allowance), storage-age, rotation and storage-quality alerts, and
// k-anonymous market aggregation, the price index and its alerts. Every threshold is in Config;
// Default gives the national norms cited in docs/RESERVES.md.
package reserve

import (
	"time"

	"github.com/agritrace/agritrace/domain"
)

// GrainClass groups grains that share a storage-loss norm.
type GrainClass string

const (
	RawGrain GrainClass = "grain"   // 原粮: wheat, paddy, corn, milled rice
	Oilseed  GrainClass = "oilseed" // 油料: soybean, rapeseed
)

// ClassOf is the loss class of a grain.
func ClassOf(g domain.Grain) GrainClass {
	if g == domain.Soybean {
		return Oilseed
	}
	return RawGrain
}

// LossTier is a natural storage-loss allowance: at most Rate (a fraction of book stock) for grain
// stored up to UpToMonths months. The last tier of a class applies to anything longer (the norm says
// the allowance for more than a year is cumulative, not per year).
type LossTier struct {
	UpToMonths int
	Rate       float64
}

// Config is every tunable of the rules.
type Config struct {
	// Loss are the natural storage-loss allowances per grain class, tiers in ascending months.
	Loss map[GrainClass][]LossTier
	// Tolerance is the allowed |counted − expected| / expected of a stock check.
	Tolerance float64
	// MaxAgeYears is the storage age (储存年限, counted by harvest year) after which a lot is due
	// for rotation.
	MaxAgeYears map[domain.Grain]int
	// RotationSlack is how far rotation may trail the even pace of the year's plan (fraction of
	// the plan) before an alert.
	RotationSlack float64
	// ReplenishWindow is how long rotated-out reserve may stay unreplenished (轮换架空期).
	ReplenishWindow time.Duration
	// QualityAlertAt is the first storage-quality class that raises an alert.
	QualityAlertAt domain.QualityClass

	// K is the least number of distinct buyers and of sellers a published market cell covers.
	K int
	// MinPrice is the minimum purchase price (最低收购价) in CNY/kg per grain and year.
	MinPrice map[domain.Grain]map[int]float64
	// WeekChange is the week-on-week price change (fraction) that raises an alert.
	WeekChange float64
	// YearVolumeChange is the departure of a week's volume from the same week last year
	// (fraction) that raises an alert.
	YearVolumeChange float64
}

// Default is the configuration from the national norms (see docs/RESERVES.md for the sources).
func Default() Config {
	return Config{
		// 《粮油仓储管理办法》(国家发展改革委令第5号) 附件2 and 《政府储备粮食仓储管理办法》
		// (国粮仓规〔2021〕18号) 第三十三、三十四条, as stated by 国家粮食和物资储备局安全仓储与科技司
		// (reply of 2022-04-29): grain ≤ 6 months 0.1 %, 6–12 months 0.15 %, > 12 months 0.2 %
		// (cumulative); oilseeds 0.15 %, 0.2 %, 0.23 %.
		Loss: map[GrainClass][]LossTier{
			RawGrain: {{6, 0.001}, {12, 0.0015}, {0, 0.002}},
			Oilseed:  {{6, 0.0015}, {12, 0.002}, {0, 0.0023}},
		},
		// ±3 %: the figure for measured (测量计算) stock in national stock checks; no
		// published clause found for it (docs/RESERVES.md), so it is policy, set here.
		Tolerance:       0.03,
		MaxAgeYears:     map[domain.Grain]int{domain.Wheat: 5, domain.Paddy: 3, domain.Rice: 3, domain.Corn: 3, domain.Soybean: 2},
		RotationSlack:   0.25,
		ReplenishWindow: 4 * 30 * 24 * time.Hour,
		QualityAlertAt:  domain.ModerateStorage,
		K:               domain.MinMarketK,
		// Minimum purchase prices (CNY per 50 kg ÷ 50). Wheat (三等) 119 → 2.38/kg for 2025 and
		// 2026: 发改价格〔2024〕1405号. Japonica paddy 131 → 2.62/kg is not verified for these years
		// (docs/RESERVES.md): set each year's figures from the year's notice.
		MinPrice: map[domain.Grain]map[int]float64{
			domain.Wheat: {2025: 2.38, 2026: 2.38},
			domain.Paddy: {2025: 2.62, 2026: 2.62},
		},
		WeekChange:       0.05,
		YearVolumeChange: 0.5,
	}
}

// LossRate is the natural-loss allowance for grain stored for months months.
func (c Config) LossRate(g domain.Grain, months int) float64 {
	tiers := c.Loss[ClassOf(g)]
	for _, t := range tiers {
		if t.UpToMonths == 0 || months <= t.UpToMonths {
			return t.Rate
		}
	}
	if len(tiers) > 0 {
		return tiers[len(tiers)-1].Rate
	}
	return 0
}

// monthsBetween counts whole months from a to b (0 when b is before a).
func monthsBetween(a, b time.Time) int {
	if b.Before(a) {
		return 0
	}
	m := (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
	if b.Day() < a.Day() {
		m--
	}
	return max(m, 0)
}

// AgeCutoffs gives, per grain with a storage-age limit, the first harvest year that is not over
// age as of now: a lot harvested before it is (StorageYears > MaxAgeYears). The read model uses
// it to read only the lots the storage-age rule can flag.
func (c Config) AgeCutoffs(now time.Time) map[domain.Grain]int {
	out := make(map[domain.Grain]int, len(c.MaxAgeYears))
	for g := range c.MaxAgeYears {
		out[g], _ = c.ageCutoff(g, now)
	}
	return out
}

func (c Config) ageCutoff(g domain.Grain, now time.Time) (int, bool) {
	limit, ok := c.MaxAgeYears[g]
	return now.Year() + 1 - limit, ok
}

// StorageYears is 储存年限 counted from the harvest: grain harvested this year is in its first
// year, and in the year after harvest it counts as stored two years.
func StorageYears(harvestYear int, now time.Time) int {
	return now.Year() - harvestYear + 1
}
