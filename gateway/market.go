package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/readmodel"
	"github.com/agritrace/agritrace/reserve"
	"github.com/agritrace/agritrace/wire"
)

// Market monitoring (市场监测预警). A platform's node reads its own deals' private terms, publishes
// only k-anonymous aggregates through the contract, and everyone reads the combined index. No route
// here, or anywhere, returns one deal's price.

func (s *Server) marketRoutes() {
	m := s.mux
	m.HandleFunc("POST /v1/market/aggregates", s.authenticate(s.postAggregates, false))
	m.HandleFunc("GET /v1/market/prices", s.authenticate(s.getPrices, false))
	m.HandleFunc("GET /v1/market/alerts", s.authenticate(s.getMarketAlerts, false))
}

var marketKinds = []string{string(reserve.MinPriceAlert), string(reserve.WeekAlert), string(reserve.VolumeAlert)}

// PublishResponse tells a platform what its node published: the cells (aggregates, public anyway)
// and how many were suppressed, never the deals.
type PublishResponse struct {
	Publication string              `json:"publication"`
	K           int                 `json:"k"`
	Deals       int                 `json:"deals"`
	Cells       []domain.MarketCell `json:"cells"`
	Suppressed  []domain.CellKey    `json:"suppressed"`
	TxID        string              `json:"txId,omitempty"`
	Block       uint64              `json:"block,omitempty"`
	Unchanged   bool                `json:"unchanged,omitempty"` // the same aggregates were already published
}

func (s *Server) postAggregates(w http.ResponseWriter, r *http.Request) {
	key := caller(r)
	if key.Role == domain.RoleRegulator {
		writeProblem(w, r, newProblem(http.StatusForbidden, "regulator-role", "aggregates are computed by the platform that holds the purchase terms"))
		return
	}
	var req struct {
		K int `json:"k,omitempty"`
	}
	if !s.decodeBody(w, r, &req) {
		return
	}
	cfg := s.reserveConfig()
	k := max(req.K, cfg.K, domain.MinMarketK)
	deals, err := s.ownDeals(r.Context(), key)
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	cells, suppressed := reserve.Aggregate(deals, k)
	resp := PublishResponse{K: k, Deals: len(deals), Cells: cells, Suppressed: suppressed}
	resp.Cells, resp.Suppressed = listOf(resp.Cells), listOf(resp.Suppressed)
	if len(cells)+len(suppressed) == 0 {
		writeJSON(w, http.StatusOK, resp)
		return
	}
	latest := ""
	for _, c := range cells {
		latest = max(latest, c.Week)
	}
	for _, c := range suppressed {
		latest = max(latest, c.Week)
	}
	ws, _ := domain.WeekStart(latest)
	// the publication's time and ID follow from its content, so publishing the same weeks again
	// is an idempotent no-op on the ledger
	pub := domain.MarketPublication{K: k, Cells: cells, Suppressed: suppressed,
		Time: ws.AddDate(0, 0, 7).In(time.FixedZone("CST", 8*3600)).Add(-8 * time.Hour).Format(time.RFC3339)}
	pub.ID = "market-" + key.MSPID + "-" + domain.ContentHash(pub)[:16]
	resp.Publication = pub.ID
	res, p := s.submitReserve(r.Context(), key, wire.PublishMarketAggregates, "", pub)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	var rr domain.RecordResult
	_ = json.Unmarshal(res.Results, &rr)
	resp.TxID, resp.Block, resp.Unchanged = res.TxID, res.Block, rr.Duplicate
	writeJSON(w, http.StatusOK, resp)
}

// ownDeals reads the private terms of the purchases this platform recorded, through its own peer,
// and turns each into a deal in CNY/kg and tonnes. Deals of weeks not yet over stay out: a cell is
// published once its week is complete, so a later publication does not differ by one deal.
func (s *Server) ownDeals(ctx context.Context, key *APIKey) ([]reserve.Deal, error) {
	ps, err := s.store.OwnPurchases(ctx, key.MSPID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var deals []reserve.Deal
	for _, p := range ps {
		d, ok, err := s.deal(ctx, key, p, now)
		if err != nil {
			return nil, err
		}
		if ok {
			deals = append(deals, d)
		}
	}
	return deals, nil
}

func (s *Server) deal(ctx context.Context, key *APIKey, p readmodel.Purchase, now time.Time) (reserve.Deal, bool, error) {
	e, b := p.Event, p.Batch
	grain := domain.GrainOf(b.Product)
	week, err := reserve.WeekOf(e.EventTime)
	if grain == "" || err != nil || !reserve.WeekEnded(week, now) || e.To == nil {
		return reserve.Deal{}, false, nil
	}
	region := ""
	if e.Location != nil {
		region = e.Location.Region
	}
	if region == "" && b.Origin != nil {
		region = b.Origin.Region
	}
	if region == "" {
		return reserve.Deal{}, false, nil
	}
	total, dim, err := domain.Base(b.Quantity)
	perUnit, _, err2 := domain.Base(domain.Quantity{Value: 1, Unit: b.Quantity.Unit, NetContent: b.Quantity.NetContent})
	if err != nil || err2 != nil || dim != "mass" || perUnit <= 0 {
		return reserve.Deal{}, false, nil
	}
	counterparty := key.MSPID
	if e.To.Platform != "" {
		counterparty = e.To.Platform
	}
	raw, err := s.ledger.Evaluate(ctx, key.Org, wire.GetPrivateTerms, domain.CollectionName(key.MSPID, counterparty), e.ID)
	if err != nil {
		if de, ok := domain.AsError(err); ok && de.Status == http.StatusNotFound {
			return reserve.Deal{}, false, nil
		}
		return reserve.Deal{}, false, fmt.Errorf("read private terms of %s: %w", e.ID, err)
	}
	var terms domain.Private
	if err := json.Unmarshal(raw, &terms); err != nil || terms.Price <= 0 || (terms.Currency != "" && terms.Currency != "CNY") {
		return reserve.Deal{}, false, nil
	}
	return reserve.Deal{Region: domain.ProvinceOf(region), Grain: grain, Week: week, Buyer: e.To.Enterprise, Seller: e.Actor.Enterprise,
		Tonnes: total / 1000, Price: terms.Price / perUnit}, true, nil
}

// PricesResponse is the national index and volume series per grain, the regional cells behind it
// and the cells suppressed for covering fewer than k buyers or sellers.
type PricesResponse struct {
	LedgerBlock uint64                     `json:"ledgerBlock"`
	K           int                        `json:"k"`
	Series      []GrainSeries              `json:"series"`
	Cells       []domain.MarketCell        `json:"cells"`
	Suppressed  []domain.CellKey           `json:"suppressed"`
	MinPrice    map[string]map[int]float64 `json:"minPrice"`
}

// GrainSeries is one grain's weekly index.
type GrainSeries struct {
	Grain  domain.Grain         `json:"grain"`
	Points []reserve.IndexPoint `json:"points"`
}

func (s *Server) getPrices(w http.ResponseWriter, r *http.Request) {
	out, err := s.MarketPrices(r.Context(), domain.Grain(r.URL.Query().Get("grain")))
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getMarketAlerts(w http.ResponseWriter, r *http.Request) {
	s.listAlerts(w, r, marketKinds)
}
