package ledger

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/agritrace/agritrace/domain"
)

// Reserve grain rules. Book stock lives in one state key per bin × grain × harvest year × category
// and is changed only by recorded movements, so the book is whatever the ledger's events add up to.
// Records (movements, checks, quality results, closures, market publications) are append-only and
// idempotent by ID, like events.

const (
	objGranary  = "reserve-granary" // granary → Granary
	objLot      = "reserve-lot"     // granary, bin, grain, year, category → StockLot
	objRecord   = "reserve-record"  // kind, id → content hash and tx (the record itself is in the block's event)
	objClosure  = "reserve-closure" // alert → AlertClosure
	tonnesSlack = 1e-6              // float noise when comparing tonnes
	maxRecords  = MaxEventsPerTx    // records per reserve transaction
)

// ReserveRecorder applies reserve records within one transaction.
type ReserveRecorder struct {
	s         State
	caller    Caller
	tx        Tx
	cache     map[string][]byte
	granaries map[string]*domain.Granary
	lots      map[string]*domain.StockLot // by state key
	changed   []string                    // lot keys in first-change order
	out       domain.ReserveRecorded
}

// NewReserveRecorder prepares recording in tx by caller.
func NewReserveRecorder(s State, caller Caller, tx Tx) *ReserveRecorder {
	return &ReserveRecorder{s: s, caller: caller, tx: tx, cache: map[string][]byte{},
		granaries: map[string]*domain.Granary{}, lots: map[string]*domain.StockLot{}}
}

// Emitted is the chaincode event payload: new records and the lots they changed.
func (r *ReserveRecorder) Emitted() domain.Recorded {
	out := r.out
	for _, k := range r.changed {
		out.Lots = append(out.Lots, *r.lots[k])
	}
	return domain.Recorded{Reserve: &out}
}

func (r *ReserveRecorder) get(key string) ([]byte, error) {
	if v, ok := r.cache[key]; ok {
		return v, nil
	}
	v, err := r.s.Get(key)
	if err != nil {
		return nil, fmt.Errorf("read %q: %w", key, err)
	}
	return v, nil
}

func (r *ReserveRecorder) putJSON(key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	r.cache[key] = b
	if err := r.s.Put(key, b); err != nil {
		return fmt.Errorf("write %q: %w", key, err)
	}
	return nil
}

func (r *ReserveRecorder) stamp() (string, string, string) {
	return r.caller.MSPID, r.tx.ID, r.tx.Time.UTC().Format(time.RFC3339Nano)
}

func (r *ReserveRecorder) platformOnly(what string) error {
	if r.caller.Regulator {
		return domain.Refuse(403, "regulator-role", "", "the regulator supervises reserves; %s belongs to the platform of the granary's owner", what)
	}
	return nil
}

// withIndex locates a rule error at record i of the request.
func withIndex(err error, i int) error {
	var de *domain.Error
	if errors.As(err, &de) {
		c := *de
		c.Index = &i
		c.Pointer = fmt.Sprintf("/%d%s", i, c.Pointer)
		return &c
	}
	return fmt.Errorf("record %d: %w", i, err)
}

// remember claims kind/id for content unless it is taken: the same content again is a duplicate
// (reported, nothing written), other content a 409.
func (r *ReserveRecorder) remember(kind, id string, content any) (dup bool, txID string, err error) {
	key := CompositeKey(objRecord, kind, id)
	prev, err := r.get(key)
	if err != nil {
		return false, "", err
	}
	hash := domain.ContentHash(content)
	if prev != nil {
		var old struct {
			Hash string `json:"hash"`
			TxID string `json:"txId"`
		}
		if err := json.Unmarshal(prev, &old); err != nil {
			return false, "", fmt.Errorf("decode stored %s %s: %w", kind, id, err)
		}
		if old.Hash == hash {
			return true, old.TxID, nil
		}
		return false, "", domain.Refuse(409, "idempotency", "/id", "%s %q was already recorded in tx %s with different content; use a new id", kind, id, old.TxID)
	}
	return false, r.tx.ID, r.putJSON(key, map[string]string{"hash": hash, "txId": r.tx.ID})
}

// granary loads a granary (nil when unknown).
func (r *ReserveRecorder) granary(id string) (*domain.Granary, error) {
	g, _, err := cached(r.granaries, id, CompositeKey(objGranary, id), "granary", r.get)
	return g, err
}

func (r *ReserveRecorder) knownBin(granaryID, bin, pointer string) (*domain.Granary, domain.Bin, error) {
	g, err := r.granary(granaryID)
	if err != nil {
		return nil, domain.Bin{}, err
	}
	if g == nil {
		return nil, domain.Bin{}, domain.Refuse(404, "unknown-granary", "/granary", "granary %q is not registered on the ledger", granaryID)
	}
	b, ok := g.Bin(bin)
	if !ok {
		return nil, domain.Bin{}, domain.Refuse(404, "unknown-bin", pointer, "granary %s has no bin %q", granaryID, bin)
	}
	return g, b, nil
}

// RegisterGranaries registers or updates granaries. Only the platform that first registered a
// granary may change it, and a bin that holds stock may not disappear.
func (r *ReserveRecorder) RegisterGranaries(gs []domain.Granary) ([]domain.RecordResult, error) {
	if err := r.platformOnly("registering a granary"); err != nil {
		return nil, err
	}
	if len(gs) == 0 || len(gs) > maxRecords {
		return nil, domain.Invalid("", "send 1–%d granaries", maxRecords)
	}
	res := make([]domain.RecordResult, len(gs))
	for i := range gs {
		g := gs[i]
		if err := domain.ValidateGranary(&g); err != nil {
			return nil, withIndex(err, i)
		}
		if g.Owner.Platform != "" && g.Owner.Platform != r.caller.MSPID {
			return nil, withIndex(domain.Refuse(403, "vouching", "/owner/platform", "%s cannot vouch for an enterprise of platform %s", r.caller.MSPID, g.Owner.Platform), i)
		}
		g.Owner.Platform = r.caller.MSPID
		old, err := r.granary(g.ID)
		if err != nil {
			return nil, err
		}
		if old != nil {
			if old.Platform != r.caller.MSPID {
				return nil, withIndex(domain.Refuse(403, "granary-owner", "/id", "granary %s is registered by %s; %s cannot change it", g.ID, old.Platform, r.caller.MSPID), i)
			}
			prev := *old
			prev.Platform, prev.TxID, prev.RecordTime = "", "", ""
			if domain.ContentHash(prev) == domain.ContentHash(g) {
				res[i] = domain.RecordResult{EventID: g.ID, TxID: old.TxID, Duplicate: true}
				continue
			}
			for _, b := range old.Bins {
				if _, still := g.Bin(b.ID); still {
					continue
				}
				lots, err := r.binLots(g.ID, b.ID)
				if err != nil {
					return nil, err
				}
				if total(lots) > tonnesSlack {
					return nil, withIndex(domain.Refuse(409, "bin-in-use", "/bins", "bin %s of granary %s holds %.3f t and cannot be removed", b.ID, g.ID, total(lots)), i)
				}
			}
		}
		g.Platform, g.TxID, g.RecordTime = r.stamp()
		if err := r.putJSON(CompositeKey(objGranary, g.ID), g); err != nil {
			return nil, err
		}
		r.granaries[g.ID] = &g
		r.out.Granaries = append(r.out.Granaries, g)
		res[i] = domain.RecordResult{EventID: g.ID, TxID: r.tx.ID}
	}
	return res, nil
}

func lotKey(granary, bin string, grain domain.Grain, year int, cat domain.ReserveCategory) string {
	return CompositeKey(objLot, granary, bin, string(grain), strconv.Itoa(year), string(cat))
}

func (r *ReserveRecorder) lot(granary, bin string, grain domain.Grain, year int, cat domain.ReserveCategory) (*domain.StockLot, string, error) {
	k := lotKey(granary, bin, grain, year, cat)
	if l, ok := r.lots[k]; ok {
		return l, k, nil
	}
	raw, err := r.get(k)
	if err != nil {
		return nil, "", err
	}
	l := &domain.StockLot{Granary: granary, Bin: bin, Grain: grain, HarvestYear: year, Category: cat, Authority: cat.Authority()}
	if raw != nil {
		if err := json.Unmarshal(raw, l); err != nil {
			return nil, "", fmt.Errorf("decode lot %s: %w", k, err)
		}
	}
	r.lots[k] = l
	return l, k, nil
}

func (r *ReserveRecorder) saveLot(k string, l *domain.StockLot) error {
	l.Tonnes = math.Round(l.Tonnes*1e6) / 1e6
	if l.Tonnes <= tonnesSlack {
		l.Tonnes, l.FirstIn = 0, ""
	}
	if err := r.putJSON(k, l); err != nil {
		return err
	}
	for _, c := range r.changed {
		if c == k {
			return nil
		}
	}
	r.changed = append(r.changed, k)
	return nil
}

// binLots lists a bin's lots as they stand within this transaction (the stub does not read its own
// writes, so lots changed here replace what the range returns).
func (r *ReserveRecorder) binLots(granary, bin string) ([]domain.StockLot, error) {
	kvs, _, err := r.s.Range(objLot, []string{granary, bin}, 0, "")
	if err != nil {
		return nil, fmt.Errorf("range lots of %s/%s: %w", granary, bin, err)
	}
	byKey := map[string]domain.StockLot{}
	for _, kv := range kvs {
		var l domain.StockLot
		if err := json.Unmarshal(kv.Value, &l); err != nil {
			return nil, fmt.Errorf("decode lot %q: %w", kv.Key, err)
		}
		byKey[kv.Key] = l
	}
	for k, l := range r.lots {
		if l.Granary == granary && l.Bin == bin {
			byKey[k] = *l
		}
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]domain.StockLot, 0, len(keys))
	for _, k := range keys {
		if byKey[k].Tonnes > tonnesSlack {
			out = append(out, byKey[k])
		}
	}
	return out, nil
}

func total(lots []domain.StockLot) float64 {
	t := 0.0
	for _, l := range lots {
		t += l.Tonnes
	}
	return t
}

// RecordMovements applies stock movements in order. Only the platform that registered the granary
// moves its stock; outbound movements need the stock, inbound ones the bin's spare capacity.
func (r *ReserveRecorder) RecordMovements(ms []domain.StockMovement) ([]domain.RecordResult, error) {
	if err := r.platformOnly("moving reserve stock"); err != nil {
		return nil, err
	}
	if len(ms) == 0 || len(ms) > maxRecords {
		return nil, domain.Invalid("", "send 1–%d movements", maxRecords)
	}
	res := make([]domain.RecordResult, len(ms))
	for i := range ms {
		out, err := r.recordMovement(ms[i])
		if err != nil {
			return nil, withIndex(err, i)
		}
		res[i] = out
	}
	return res, nil
}

func (r *ReserveRecorder) recordMovement(m domain.StockMovement) (domain.RecordResult, error) {
	if err := domain.ValidateMovement(&m, r.tx.Time); err != nil {
		return domain.RecordResult{}, err
	}
	g, bin, err := r.knownBin(m.Granary, m.Bin, "/bin")
	if err != nil {
		return domain.RecordResult{}, err
	}
	if g.Platform != r.caller.MSPID {
		return domain.RecordResult{}, domain.Refuse(403, "granary-owner", "/granary", "granary %s is vouched for by %s; %s cannot move its stock", g.ID, g.Platform, r.caller.MSPID)
	}
	if m.Batch != "" {
		id, err := domain.NormalizeID(m.Batch, "/batch")
		if err != nil {
			return domain.RecordResult{}, err
		}
		m.Batch = id
		raw, err := r.get(CompositeKey(objBatch, id))
		if err != nil {
			return domain.RecordResult{}, err
		}
		if raw == nil {
			return domain.RecordResult{}, domain.Refuse(404, "unknown-batch", "/batch", "batch %s is not on the ledger; record its traceability events first", id)
		}
	}
	dup, txID, err := r.remember("movement", m.ID, m)
	if err != nil || dup {
		return domain.RecordResult{EventID: m.ID, TxID: txID, Duplicate: dup}, err
	}
	src, sk, err := r.lot(m.Granary, m.Bin, m.Grain, m.HarvestYear, m.Category)
	if err != nil {
		return domain.RecordResult{}, err
	}
	addTo := func(k string, l *domain.StockLot, b domain.Bin, firstIn string) error {
		lots, err := r.binLots(m.Granary, b.ID)
		if err != nil {
			return err
		}
		if held := total(lots); held+m.Tonnes > b.CapacityT+tonnesSlack {
			return domain.Refuse(409, "bin-capacity", "/tonnes", "bin %s holds %.3f t of %.3f t design capacity; %.3f t more does not fit", b.ID, held, b.CapacityT, m.Tonnes)
		}
		if l.Tonnes <= tonnesSlack || (firstIn != "" && firstIn < l.FirstIn) {
			l.FirstIn = firstIn
		}
		l.Tonnes += m.Tonnes
		l.Platform = g.Platform
		return r.saveLot(k, l)
	}
	if m.Kind.Inbound() {
		t, _ := domain.ParseEventTime(m.Time)
		if err := addTo(sk, src, bin, t.UTC().Format(time.RFC3339)); err != nil {
			return domain.RecordResult{}, err
		}
	} else {
		if src.Tonnes+tonnesSlack < m.Tonnes {
			return domain.RecordResult{}, domain.Refuse(409, "reserve-stock", "/tonnes", "bin %s holds %.3f t of %s %d (%s); cannot take %.3f t out",
				m.Bin, src.Tonnes, m.Grain, m.HarvestYear, m.Category, m.Tonnes)
		}
		firstIn := src.FirstIn
		src.Tonnes -= m.Tonnes
		if err := r.saveLot(sk, src); err != nil {
			return domain.RecordResult{}, err
		}
		if m.Kind == domain.MoveBins {
			to, ok := g.Bin(m.ToBin)
			if !ok {
				return domain.RecordResult{}, domain.Refuse(404, "unknown-bin", "/toBin", "granary %s has no bin %q", g.ID, m.ToBin)
			}
			dst, dk, err := r.lot(m.Granary, m.ToBin, m.Grain, m.HarvestYear, m.Category)
			if err != nil {
				return domain.RecordResult{}, err
			}
			// storage time follows the grain into its new bin
			if err := addTo(dk, dst, to, firstIn); err != nil {
				return domain.RecordResult{}, err
			}
		}
	}
	m.Platform, m.TxID, m.RecordTime = r.stamp()
	r.out.Movements = append(r.out.Movements, m)
	return domain.RecordResult{EventID: m.ID, TxID: r.tx.ID}, nil
}

// RecordCheck records a physical count by the regulator, with the bin's book stock at that moment.
func (r *ReserveRecorder) RecordCheck(c domain.StockCheck) (domain.RecordResult, error) {
	if !r.caller.Regulator {
		return domain.RecordResult{}, domain.Refuse(403, "regulator-only", "", "stock checks (库存检查) are recorded by the regulator or its inspection body")
	}
	if err := domain.ValidateCheck(&c, r.tx.Time); err != nil {
		return domain.RecordResult{}, err
	}
	if _, _, err := r.knownBin(c.Granary, c.Bin, "/bin"); err != nil {
		return domain.RecordResult{}, err
	}
	dup, txID, err := r.remember("check", c.ID, c)
	if err != nil || dup {
		return domain.RecordResult{EventID: c.ID, TxID: txID, Duplicate: dup}, err
	}
	book, err := r.binLots(c.Granary, c.Bin)
	if err != nil {
		return domain.RecordResult{}, err
	}
	c.Book = book
	c.Platform, c.TxID, c.RecordTime = r.stamp()
	r.out.Checks = append(r.out.Checks, c)
	return domain.RecordResult{EventID: c.ID, TxID: r.tx.ID}, nil
}

// RecordQuality records storage-quality results, by the regulator or the granary's own platform.
func (r *ReserveRecorder) RecordQuality(qs []domain.QualityResult) ([]domain.RecordResult, error) {
	if len(qs) == 0 || len(qs) > maxRecords {
		return nil, domain.Invalid("", "send 1–%d quality results", maxRecords)
	}
	res := make([]domain.RecordResult, len(qs))
	for i := range qs {
		q := qs[i]
		if err := domain.ValidateQuality(&q, r.tx.Time); err != nil {
			return nil, withIndex(err, i)
		}
		g, _, err := r.knownBin(q.Granary, q.Bin, "/bin")
		if err != nil {
			return nil, withIndex(err, i)
		}
		if !r.caller.Regulator && g.Platform != r.caller.MSPID {
			return nil, withIndex(domain.Refuse(403, "granary-owner", "/granary", "only the regulator or %s may record quality results of granary %s", g.Platform, g.ID), i)
		}
		dup, txID, err := r.remember("quality", q.ID, q)
		if err != nil {
			return nil, withIndex(err, i)
		}
		if dup {
			res[i] = domain.RecordResult{EventID: q.ID, TxID: txID, Duplicate: true}
			continue
		}
		q.Platform, q.TxID, q.RecordTime = r.stamp()
		r.out.Quality = append(r.out.Quality, q)
		res[i] = domain.RecordResult{EventID: q.ID, TxID: r.tx.ID}
	}
	return res, nil
}

// CloseAlert records the regulator closing an alert. An alert is closed once; repeating the same
// closure is a duplicate, a different one a 409.
func (r *ReserveRecorder) CloseAlert(c domain.AlertClosure) (domain.RecordResult, error) {
	if !r.caller.Regulator {
		return domain.RecordResult{}, domain.Refuse(403, "regulator-only", "", "only the regulator closes reserve and market alerts")
	}
	if err := domain.ValidateClosure(&c, r.tx.Time); err != nil {
		return domain.RecordResult{}, err
	}
	key := CompositeKey(objClosure, c.Alert)
	prev, err := r.get(key)
	if err != nil {
		return domain.RecordResult{}, err
	}
	if prev != nil {
		var old domain.AlertClosure
		if err := json.Unmarshal(prev, &old); err != nil {
			return domain.RecordResult{}, fmt.Errorf("decode closure of %s: %w", c.Alert, err)
		}
		if old.Reason == c.Reason && old.Time == c.Time {
			return domain.RecordResult{EventID: c.Alert, TxID: old.TxID, Duplicate: true}, nil
		}
		return domain.RecordResult{}, domain.Refuse(409, "alert-closed", "/alert", "alert %s was already closed in tx %s: %s", c.Alert, old.TxID, old.Reason)
	}
	c.Platform, c.TxID, c.RecordTime = r.stamp()
	if err := r.putJSON(key, c); err != nil {
		return domain.RecordResult{}, err
	}
	r.out.Closures = append(r.out.Closures, c)
	return domain.RecordResult{EventID: c.Alert, TxID: r.tx.ID}, nil
}

// PublishMarket records a platform's market aggregates; cells below k are refused, never stored.
func (r *ReserveRecorder) PublishMarket(p domain.MarketPublication) (domain.RecordResult, error) {
	if r.caller.Regulator {
		return domain.RecordResult{}, domain.Refuse(403, "regulator-role", "", "market aggregates are published by the platforms that hold the purchase terms")
	}
	if err := domain.ValidatePublication(&p, r.tx.Time); err != nil {
		return domain.RecordResult{}, err
	}
	dup, txID, err := r.remember("market", p.ID, p)
	if err != nil || dup {
		return domain.RecordResult{EventID: p.ID, TxID: txID, Duplicate: dup}, err
	}
	p.Platform, p.TxID, p.RecordTime = r.stamp()
	for i := range p.Cells {
		p.Cells[i].Platform = p.Platform
	}
	r.out.Market = append(r.out.Market, p)
	return domain.RecordResult{EventID: p.ID, TxID: r.tx.ID}, nil
}

// Granary returns a registered granary (nil when unknown).
func (q Reader) Granary(id string) (*domain.Granary, error) {
	raw, err := q.s.Get(CompositeKey(objGranary, id))
	if err != nil || raw == nil {
		return nil, err
	}
	var g domain.Granary
	if err := json.Unmarshal(raw, &g); err != nil {
		return nil, fmt.Errorf("decode granary %s: %w", id, err)
	}
	return &g, nil
}

// GranaryLots returns the book stock of every bin of a granary.
func (q Reader) GranaryLots(id string) ([]domain.StockLot, error) {
	kvs, _, err := q.s.Range(objLot, []string{id}, 0, "")
	if err != nil {
		return nil, err
	}
	var out []domain.StockLot
	for _, kv := range kvs {
		var l domain.StockLot
		if err := json.Unmarshal(kv.Value, &l); err != nil {
			return nil, fmt.Errorf("decode lot %q: %w", kv.Key, err)
		}
		out = append(out, l)
	}
	return out, nil
}
