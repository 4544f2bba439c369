package domain

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Government reserve grain (政府储备粮) supervision: granaries (库点) with bins (仓房/廒间), stock
// movements that the ledger turns into book stock, physical stock checks (库存检查), storage-quality
// results and the regulator's closing of alerts. Market monitoring aggregates live here too: they are
// what a platform publishes instead of any single purchase price.

// GranaryType is the kind of 库点.
type GranaryType string

const (
	CentralDepot   GranaryType = "central-direct" // 中央直属库 (中储粮 directly managed)
	LocalReserve   GranaryType = "local-reserve"  // 地方储备库
	EnterpriseDepo GranaryType = "enterprise"     // 企业库 (commissioned storage)
)

// GranaryTypes in a stable order.
var GranaryTypes = []GranaryType{CentralDepot, LocalReserve, EnterpriseDepo}

// ReserveCategory is who the grain is held for.
type ReserveCategory string

const (
	CentralReserve    ReserveCategory = "central"    // 中央储备粮
	ProvincialReserve ReserveCategory = "provincial" // 省级地方储备粮
	MunicipalReserve  ReserveCategory = "municipal"  // 市级地方储备粮
	CountyReserve     ReserveCategory = "county"     // 县级地方储备粮
	MinPriceGrain     ReserveCategory = "min-price"  // 最低收购价粮 (policy grain)
	CommercialGrain   ReserveCategory = "commercial" // 商品粮
)

// ReserveCategories in a stable order.
var ReserveCategories = []ReserveCategory{CentralReserve, ProvincialReserve, MunicipalReserve, CountyReserve, MinPriceGrain, CommercialGrain}

// Authority (事权) is the level of government that owns the decision over the grain.
type Authority string

const (
	CentralAuthority Authority = "central" // 中央事权
	LocalAuthority   Authority = "local"   // 地方事权
	NoAuthority      Authority = "none"    // commercial grain: not government grain
)

// Authority of a category: central reserves and minimum-price grain are central 事权, provincial,
// municipal and county reserves local; commercial grain is nobody's 事权.
func (c ReserveCategory) Authority() Authority {
	switch c {
	case CentralReserve, MinPriceGrain:
		return CentralAuthority
	case ProvincialReserve, MunicipalReserve, CountyReserve:
		return LocalAuthority
	}
	return NoAuthority
}

// Grain is the kind of grain held or traded.
type Grain string

const (
	Wheat   Grain = "wheat"   // 小麦
	Paddy   Grain = "paddy"   // 稻谷
	Rice    Grain = "rice"    // 大米
	Corn    Grain = "corn"    // 玉米
	Soybean Grain = "soybean" // 大豆
)

// Grains in a stable order.
var Grains = []Grain{Wheat, Paddy, Rice, Corn, Soybean}

// GrainOf classifies a product as a grain for reserve and market rules: by its code when that is a
// grain name, else by the usual Chinese name. Products that are not grain answer "".
func GrainOf(p Product) Grain {
	for _, g := range Grains {
		if strings.EqualFold(p.Code, string(g)) {
			return g
		}
	}
	for _, m := range []struct {
		word string
		g    Grain
	}{{"小麦", Wheat}, {"大米", Rice}, {"稻", Paddy}, {"玉米", Corn}, {"大豆", Soybean}} { // 大米 before 稻: 稻花香 rice is rice
		if strings.Contains(p.Name, m.word) && !strings.Contains(p.Name, "粉") {
			return m.g
		}
	}
	return ""
}

func oneOf[T ~string](v T, all []T) bool {
	for _, a := range all {
		if a == v {
			return true
		}
	}
	return false
}

// Bin is a 仓房 or 廒间 of a granary.
type Bin struct {
	ID        string  `json:"id"`
	Type      string  `json:"type"`      // 平房仓, 浅圆仓, 立筒仓, 楼房仓, 地下仓…
	CapacityT float64 `json:"capacityT"` // design capacity in tonnes
}

// RotationPlan is a granary's yearly rotation plan (轮换计划): tonnes to rotate out and back in.
type RotationPlan struct {
	Year     int     `json:"year"`
	Grain    Grain   `json:"grain"`
	Tonnes   float64 `json:"tonnes"`
	Approved string  `json:"approved,omitempty"` // approving document (e.g. 国粮储〔2026〕12号)
}

// Granary is a 库点. Registered and kept up to date by the platform that vouches for its owner.
type Granary struct {
	ID         string         `json:"id"`
	Name       string         `json:"name"`
	Owner      Party          `json:"owner"`
	Region     string         `json:"region"` // GB/T 2260 code (6 digits)
	Type       GranaryType    `json:"type"`
	Bins       []Bin          `json:"bins"`
	Plans      []RotationPlan `json:"plans,omitempty"`
	Platform   string         `json:"platform,omitempty"`   // ledger: MSP ID that registered it
	TxID       string         `json:"txId,omitempty"`       // ledger
	RecordTime string         `json:"recordTime,omitempty"` // ledger
}

// Bin returns the bin with the given ID.
func (g *Granary) Bin(id string) (Bin, bool) {
	for _, b := range g.Bins {
		if b.ID == id {
			return b, true
		}
	}
	return Bin{}, false
}

// MovementKind is what moved stock.
type MovementKind string

const (
	StoreIn    MovementKind = "store"      // 入库 (first intake, purchase into the reserve)
	MoveBins   MovementKind = "move"       // 倒仓: from one bin to another of the same granary
	RotateOut  MovementKind = "rotate-out" // 轮换出库
	RotateIn   MovementKind = "rotate-in"  // 轮换入库
	SellOut    MovementKind = "sell"       // 销售出库 (auction, 拍卖, directed sale)
	ProcessOut MovementKind = "process"    // 加工出库 (to the granary's own or a contracted mill)
)

// MovementKinds in a stable order.
var MovementKinds = []MovementKind{StoreIn, MoveBins, RotateOut, RotateIn, SellOut, ProcessOut}

// Inbound reports whether the movement adds stock to its bin.
func (k MovementKind) Inbound() bool { return k == StoreIn || k == RotateIn }

// StockMovement is one movement of reserve stock. Book stock is the sum of movements only.
type StockMovement struct {
	ID          string          `json:"id"`
	Kind        MovementKind    `json:"kind"`
	Time        string          `json:"time"` // RFC 3339 with offset
	Granary     string          `json:"granary"`
	Bin         string          `json:"bin"`
	ToBin       string          `json:"toBin,omitempty"` // move only
	Grain       Grain           `json:"grain"`
	HarvestYear int             `json:"harvestYear"`
	Category    ReserveCategory `json:"category"`
	Tonnes      float64         `json:"tonnes"`
	// Batch links the movement to the traceability ledger: rotated-out grain's batch shows which
	// mill took it and which products it became.
	Batch        string     `json:"batch,omitempty"`
	Counterparty *Party     `json:"counterparty,omitempty"` // buyer, mill or seller
	Documents    []Document `json:"documents,omitempty"`
	Platform     string     `json:"platform,omitempty"`   // ledger
	TxID         string     `json:"txId,omitempty"`       // ledger
	RecordTime   string     `json:"recordTime,omitempty"` // ledger
}

// CheckMethod is how a stock check counted.
type CheckMethod string

const (
	Weighbridge    CheckMethod = "weighbridge" // 过磅
	MeasuredVolume CheckMethod = "volume"      // 测量计算: volume × bulk density × correction factor
)

// StockCheck is a physical count of one bin (库存检查), recorded by the regulator.
type StockCheck struct {
	ID            string      `json:"id"`
	Time          string      `json:"time"`
	Granary       string      `json:"granary"`
	Bin           string      `json:"bin"`
	Method        CheckMethod `json:"method"`
	VolumeM3      float64     `json:"volumeM3,omitempty"`
	BulkDensity   float64     `json:"bulkDensity,omitempty"` // kg/m³ (容重)
	Correction    float64     `json:"correction,omitempty"`  // 校正系数
	CountedTonnes float64     `json:"countedTonnes"`
	Inspector     Party       `json:"inspector"`
	Document      Document    `json:"document"`
	// Book is the bin's stock per lot when the check was recorded, taken by the ledger from its own
	// state so reconciliation never depends on when the read model looks.
	Book       []StockLot `json:"book,omitempty"`
	Platform   string     `json:"platform,omitempty"`   // ledger
	TxID       string     `json:"txId,omitempty"`       // ledger
	RecordTime string     `json:"recordTime,omitempty"` // ledger
}

// MeasuredTonnes is volume × bulk density × correction factor, in tonnes.
func (c StockCheck) MeasuredTonnes() float64 {
	return c.VolumeM3 * c.BulkDensity * c.Correction / 1000
}

// QualityClass is a storage-quality judgement per GB/T 20569 (paddy), 20570 (corn), 20571 (wheat).
type QualityClass string

const (
	GoodStorage     QualityClass = "good"     // 宜存
	ModerateStorage QualityClass = "moderate" // 轻度不宜存
	PoorStorage     QualityClass = "poor"     // 重度不宜存
)

// QualityClasses in a stable order.
var QualityClasses = []QualityClass{GoodStorage, ModerateStorage, PoorStorage}

// QualityResult is a storage-quality inspection of one lot in a bin.
type QualityResult struct {
	ID          string             `json:"id"`
	Time        string             `json:"time"`
	Granary     string             `json:"granary"`
	Bin         string             `json:"bin"`
	Grain       Grain              `json:"grain"`
	HarvestYear int                `json:"harvestYear"`
	Class       QualityClass       `json:"class"`
	Standard    string             `json:"standard"`             // e.g. GB/T 20571-2006
	Indicators  map[string]float64 `json:"indicators,omitempty"` // 脂肪酸值, 品尝评分值, 面筋吸水量…
	Lab         string             `json:"lab,omitempty"`
	Document    *Document          `json:"document,omitempty"`
	Platform    string             `json:"platform,omitempty"`   // ledger
	TxID        string             `json:"txId,omitempty"`       // ledger
	RecordTime  string             `json:"recordTime,omitempty"` // ledger
}

// AlertClosure is the regulator closing an alert with a reason. Alerts are derived from ledger
// facts; only a closure on the ledger ends one.
type AlertClosure struct {
	Alert      string `json:"alert"`
	Reason     string `json:"reason"`
	Time       string `json:"time"`
	Platform   string `json:"platform,omitempty"`   // ledger: the regulator's MSP ID
	TxID       string `json:"txId,omitempty"`       // ledger
	RecordTime string `json:"recordTime,omitempty"` // ledger
}

// StockLot is book stock of one bin × grain × harvest year × category.
type StockLot struct {
	Granary     string          `json:"granary"`
	Bin         string          `json:"bin"`
	Grain       Grain           `json:"grain"`
	HarvestYear int             `json:"harvestYear"`
	Category    ReserveCategory `json:"category"`
	Authority   Authority       `json:"authority"`
	Tonnes      float64         `json:"tonnes"`
	FirstIn     string          `json:"firstIn,omitempty"` // time of the first inbound movement still held
	Platform    string          `json:"platform,omitempty"`
}

// LotKey identifies a lot.
func (l StockLot) LotKey() string {
	return l.Granary + "/" + l.Bin + "/" + string(l.Grain) + "/" + strconv.Itoa(l.HarvestYear) + "/" + string(l.Category)
}

// MinMarketK is the least k any platform may publish market aggregates with.
const MinMarketK = 3

// MarketCell is an aggregate of purchase terms in one region × grain × ISO week. It never carries a
// single deal's price: only a volume-weighted mean over at least k buyers and k sellers.
type MarketCell struct {
	Region       string  `json:"region"` // GB/T 2260 province code (e.g. 230000)
	Grain        Grain   `json:"grain"`
	Week         string  `json:"week"` // ISO week, e.g. 2026-W40
	Deals        int     `json:"deals"`
	Buyers       int     `json:"buyers"`
	Sellers      int     `json:"sellers"`
	VolumeTonnes float64 `json:"volumeTonnes"`
	AvgPrice     float64 `json:"avgPrice"` // CNY per kg, volume-weighted
	Platform     string  `json:"platform,omitempty"`
}

// CellKey names a cell without any figure (a suppressed cell is published as its key only).
type CellKey struct {
	Region string `json:"region"`
	Grain  Grain  `json:"grain"`
	Week   string `json:"week"`
}

// MarketPublication is one platform's published aggregates.
type MarketPublication struct {
	ID         string       `json:"id"`
	Time       string       `json:"time"`
	K          int          `json:"k"`
	Cells      []MarketCell `json:"cells"`
	Suppressed []CellKey    `json:"suppressed,omitempty"`
	Platform   string       `json:"platform,omitempty"`   // ledger
	TxID       string       `json:"txId,omitempty"`       // ledger
	RecordTime string       `json:"recordTime,omitempty"` // ledger
}

// ReserveRecorded is what a reserve transaction emits (inside Recorded): the new records and the
// lots they changed, with absolute tonnes, so applying it twice changes nothing.
type ReserveRecorded struct {
	Granaries []Granary           `json:"granaries,omitempty"`
	Movements []StockMovement     `json:"movements,omitempty"`
	Checks    []StockCheck        `json:"checks,omitempty"`
	Quality   []QualityResult     `json:"quality,omitempty"`
	Closures  []AlertClosure      `json:"closures,omitempty"`
	Market    []MarketPublication `json:"market,omitempty"`
	Lots      []StockLot          `json:"lots,omitempty"`
}

// Empty reports whether nothing new was recorded.
func (r *ReserveRecorded) Empty() bool {
	return r == nil || len(r.Granaries)+len(r.Movements)+len(r.Checks)+len(r.Quality)+len(r.Closures)+len(r.Market) == 0
}

// ContentHash hashes what a caller submitted (ledger-set fields must be cleared by the caller of
// this function): what reserve idempotency compares.
func ContentHash(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

var (
	recordIDRe = regexp.MustCompile(`^[!-~]{1,200}$`)
	regionRe   = regexp.MustCompile(`^[1-8][0-9]{5}$`)
	weekRe     = regexp.MustCompile(`^[0-9]{4}-W(0[1-9]|[1-4][0-9]|5[0-3])$`)
)

// ISOWeek formats t's ISO week as 2026-W05.
func ISOWeek(t time.Time) string {
	y, w := t.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// WeekStart is the Monday (00:00 UTC) of an ISO week string.
func WeekStart(week string) (time.Time, error) {
	if !weekRe.MatchString(week) {
		return time.Time{}, fmt.Errorf("%q is not an ISO week like 2026-W05", week)
	}
	y, _ := strconv.Atoi(week[:4])
	w, _ := strconv.Atoi(week[6:])
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday()) + 6) % 7))
	return monday.AddDate(0, 0, 7*(w-1)), nil
}

// ProvinceOf is the province code of a GB/T 2260 region code.
func ProvinceOf(region string) string {
	if len(region) < 2 {
		return ""
	}
	return region[:2] + "0000"
}

func validRecordID(id, pointer string) error {
	if !recordIDRe.MatchString(id) {
		return Invalid(pointer, "id is required: 1–200 printable ASCII characters without spaces")
	}
	return nil
}

func validTime(s, pointer string, now time.Time) (time.Time, error) {
	t, err := ParseEventTime(s)
	if err != nil {
		return t, Invalid(pointer, "%v", err)
	}
	if t.After(now.Add(maxClockSkew)) {
		return t, Invalid(pointer, "time %s is in the future (ledger time %s)", s, now.UTC().Format(time.RFC3339))
	}
	return t, nil
}

const maxClockSkew = 10 * time.Minute

func validHarvestYear(y int, pointer string, now time.Time) error {
	if y < 1990 || y > now.Year() {
		return Invalid(pointer, "harvest year %d must be between 1990 and %d", y, now.Year())
	}
	return nil
}

// ValidateGranary checks a granary registration.
func ValidateGranary(g *Granary) error {
	if err := validRecordID(g.ID, "/id"); err != nil {
		return err
	}
	if g.Platform != "" || g.TxID != "" || g.RecordTime != "" {
		return Invalid("", "platform, txId and recordTime are set by the ledger")
	}
	if strings.TrimSpace(g.Name) == "" {
		return Invalid("/name", "granary name is required")
	}
	if err := validParty(g.Owner, "/owner"); err != nil {
		return err
	}
	if !regionRe.MatchString(g.Region) {
		return Invalid("/region", "region must be a 6-digit GB/T 2260 code")
	}
	if !oneOf(g.Type, GranaryTypes) {
		return Invalid("/type", "granary type must be one of %v", GranaryTypes)
	}
	if len(g.Bins) == 0 || len(g.Bins) > 500 {
		return Invalid("/bins", "a granary has 1–500 bins")
	}
	seen := map[string]bool{}
	for i, b := range g.Bins {
		p := fmt.Sprintf("/bins/%d", i)
		if err := validRecordID(b.ID, p+"/id"); err != nil {
			return err
		}
		if seen[b.ID] {
			return Invalid(p+"/id", "bin %q appears twice", b.ID)
		}
		seen[b.ID] = true
		if !(b.CapacityT > 0 && b.CapacityT < 1e6) {
			return Invalid(p+"/capacityT", "design capacity must be a positive number of tonnes")
		}
	}
	for i, pl := range g.Plans {
		p := fmt.Sprintf("/plans/%d", i)
		if pl.Year < 2000 || pl.Year > 2100 {
			return Invalid(p+"/year", "plan year %d is out of range", pl.Year)
		}
		if !oneOf(pl.Grain, Grains) {
			return Invalid(p+"/grain", "grain must be one of %v", Grains)
		}
		if !(pl.Tonnes >= 0) {
			return Invalid(p+"/tonnes", "planned tonnes must not be negative")
		}
	}
	return nil
}

// ValidateMovement checks a movement's shape (stock and capacity are the ledger's to check).
func ValidateMovement(m *StockMovement, now time.Time) error {
	if err := validRecordID(m.ID, "/id"); err != nil {
		return err
	}
	if m.Platform != "" || m.TxID != "" || m.RecordTime != "" {
		return Invalid("", "platform, txId and recordTime are set by the ledger")
	}
	if !oneOf(m.Kind, MovementKinds) {
		return Invalid("/kind", "movement kind must be one of %v", MovementKinds)
	}
	if _, err := validTime(m.Time, "/time", now); err != nil {
		return err
	}
	if m.Granary == "" || m.Bin == "" {
		return Invalid("/bin", "granary and bin are required")
	}
	if (m.Kind == MoveBins) != (m.ToBin != "") {
		return Invalid("/toBin", "toBin is required for a move between bins and only there")
	}
	if m.Kind == MoveBins && m.ToBin == m.Bin {
		return Invalid("/toBin", "a move needs two different bins")
	}
	if !oneOf(m.Grain, Grains) {
		return Invalid("/grain", "grain must be one of %v", Grains)
	}
	if err := validHarvestYear(m.HarvestYear, "/harvestYear", now); err != nil {
		return err
	}
	if !oneOf(m.Category, ReserveCategories) {
		return Invalid("/category", "reserve category must be one of %v", ReserveCategories)
	}
	if !(m.Tonnes > 0 && m.Tonnes < 1e6) {
		return Invalid("/tonnes", "tonnes must be a positive number below 1,000,000")
	}
	if m.Counterparty != nil {
		if err := validParty(*m.Counterparty, "/counterparty"); err != nil {
			return err
		}
	}
	for i, d := range m.Documents {
		if err := validDocument(d, fmt.Sprintf("/documents/%d", i)); err != nil {
			return err
		}
	}
	return nil
}

var sha256Re = regexp.MustCompile(`^[0-9a-f]{64}$`)

func validDocument(d Document, pointer string) error {
	if strings.TrimSpace(d.Name) == "" {
		return Invalid(pointer+"/name", "document name is required")
	}
	if !sha256Re.MatchString(d.SHA256) {
		return Invalid(pointer+"/sha256", "document sha256 must be 64 lowercase hex digits")
	}
	return nil
}

// ValidateCheck checks a stock check and, for a measured count, that counted tonnes follow from
// volume × bulk density × correction factor (filled in when omitted).
func ValidateCheck(c *StockCheck, now time.Time) error {
	if err := validRecordID(c.ID, "/id"); err != nil {
		return err
	}
	if c.Platform != "" || c.TxID != "" || c.RecordTime != "" || c.Book != nil {
		return Invalid("", "book, platform, txId and recordTime are set by the ledger")
	}
	if _, err := validTime(c.Time, "/time", now); err != nil {
		return err
	}
	if c.Granary == "" || c.Bin == "" {
		return Invalid("/bin", "granary and bin are required")
	}
	switch c.Method {
	case Weighbridge:
	case MeasuredVolume:
		if !(c.VolumeM3 > 0 && c.BulkDensity > 300 && c.BulkDensity < 1000 && c.Correction > 0.8 && c.Correction < 1.2) {
			return Invalid("/volumeM3", "a measured count needs volumeM3 > 0, bulkDensity in kg/m³ (300–1000) and a correction factor (0.8–1.2)")
		}
		m := c.MeasuredTonnes()
		if c.CountedTonnes == 0 {
			c.CountedTonnes = m
		} else if d := c.CountedTonnes - m; d > 0.01*m || d < -0.01*m {
			return Invalid("/countedTonnes", "counted %.3f t does not follow from volume × density × correction = %.3f t", c.CountedTonnes, m)
		}
	default:
		return Invalid("/method", "method must be %q or %q", Weighbridge, MeasuredVolume)
	}
	if !(c.CountedTonnes >= 0 && c.CountedTonnes < 1e6) {
		return Invalid("/countedTonnes", "counted tonnes must be between 0 and 1,000,000")
	}
	if err := validParty(c.Inspector, "/inspector"); err != nil {
		return err
	}
	return validDocument(c.Document, "/document")
}

// ValidateQuality checks a storage-quality result.
func ValidateQuality(q *QualityResult, now time.Time) error {
	if err := validRecordID(q.ID, "/id"); err != nil {
		return err
	}
	if q.Platform != "" || q.TxID != "" || q.RecordTime != "" {
		return Invalid("", "platform, txId and recordTime are set by the ledger")
	}
	if _, err := validTime(q.Time, "/time", now); err != nil {
		return err
	}
	if q.Granary == "" || q.Bin == "" {
		return Invalid("/bin", "granary and bin are required")
	}
	if !oneOf(q.Grain, Grains) {
		return Invalid("/grain", "grain must be one of %v", Grains)
	}
	if err := validHarvestYear(q.HarvestYear, "/harvestYear", now); err != nil {
		return err
	}
	if !oneOf(q.Class, QualityClasses) {
		return Invalid("/class", "class must be one of %v (宜存, 轻度不宜存, 重度不宜存)", QualityClasses)
	}
	if strings.TrimSpace(q.Standard) == "" {
		return Invalid("/standard", "the standard judged against is required (GB/T 20569, 20570 or 20571)")
	}
	if q.Document != nil {
		return validDocument(*q.Document, "/document")
	}
	return nil
}

// ValidateClosure checks an alert closure.
func ValidateClosure(c *AlertClosure, now time.Time) error {
	if err := validRecordID(c.Alert, "/alert"); err != nil {
		return err
	}
	if c.Platform != "" || c.TxID != "" || c.RecordTime != "" {
		return Invalid("", "platform, txId and recordTime are set by the ledger")
	}
	if r := strings.TrimSpace(c.Reason); len([]rune(r)) < 4 || len(r) > 2000 {
		return Invalid("/reason", "a reason of 4–2000 characters is required to close an alert")
	}
	_, err := validTime(c.Time, "/time", now)
	return err
}

// ValidatePublication checks published market aggregates: every cell covers at least k buyers and
// k sellers, and k is never below MinMarketK.
func ValidatePublication(p *MarketPublication, now time.Time) error {
	if err := validRecordID(p.ID, "/id"); err != nil {
		return err
	}
	if p.Platform != "" || p.TxID != "" || p.RecordTime != "" {
		return Invalid("", "platform, txId and recordTime are set by the ledger")
	}
	if _, err := validTime(p.Time, "/time", now); err != nil {
		return err
	}
	if p.K < MinMarketK {
		return Refuse(400, "market-k", "/k", "k = %d: aggregates must cover at least %d buyers and %d sellers", p.K, MinMarketK, MinMarketK)
	}
	if len(p.Cells)+len(p.Suppressed) == 0 || len(p.Cells)+len(p.Suppressed) > 5000 {
		return Invalid("/cells", "a publication has 1–5000 cells")
	}
	for i, c := range p.Cells {
		ptr := fmt.Sprintf("/cells/%d", i)
		if err := validCellKey(CellKey{c.Region, c.Grain, c.Week}, ptr); err != nil {
			return err
		}
		if c.Platform != "" {
			return Invalid(ptr+"/platform", "platform is set by the ledger")
		}
		if c.Buyers < p.K || c.Sellers < p.K || c.Deals < p.K {
			return Refuse(400, "market-k", ptr, "cell %s/%s/%s covers %d buyers, %d sellers, %d deals: fewer than k = %d must be suppressed, not published",
				c.Region, c.Grain, c.Week, c.Buyers, c.Sellers, c.Deals, p.K)
		}
		if !(c.VolumeTonnes > 0) || !(c.AvgPrice > 0 && c.AvgPrice < 1000) {
			return Invalid(ptr, "a cell needs positive volume and an average price in CNY/kg")
		}
	}
	for i, k := range p.Suppressed {
		if err := validCellKey(k, fmt.Sprintf("/suppressed/%d", i)); err != nil {
			return err
		}
	}
	return nil
}

func validCellKey(k CellKey, pointer string) error {
	if !regionRe.MatchString(k.Region) {
		return Invalid(pointer+"/region", "region must be a 6-digit GB/T 2260 code")
	}
	if !oneOf(k.Grain, Grains) {
		return Invalid(pointer+"/grain", "grain must be one of %v", Grains)
	}
	if _, err := WeekStart(k.Week); err != nil {
		return Invalid(pointer+"/week", "%v", err)
	}
	return nil
}
