package readmodel

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/agritrace/agritrace/domain"
)

// Market monitoring tables (migrations/*/00002_regions_reserve_market.sql): the latest published
// aggregate of each platform per region × grain × week, and the keys of suppressed cells (no
// figures exist for them anywhere).

func (w txWriter) putMarket(ctx context.Context, pubs []domain.MarketPublication, block uint64) error {
	for _, p := range pubs {
		for _, c := range p.Cells {
			doc, _ := json.Marshal(c)
			if _, err := w["mktCell"].ExecContext(ctx, p.Platform, c.Region, string(c.Grain), c.Week, string(doc), p.ID, block); err != nil {
				return fmt.Errorf("market cell of %s: %w", p.ID, err)
			}
		}
		for _, k := range p.Suppressed {
			if _, err := w["mktSuppressed"].ExecContext(ctx, p.Platform, k.Region, string(k.Grain), k.Week, p.ID); err != nil {
				return fmt.Errorf("suppressed cell of %s: %w", p.ID, err)
			}
		}
	}
	return nil
}

// MarketCells lists every platform's latest published cells.
func (s *Store) MarketCells(ctx context.Context) ([]domain.MarketCell, error) {
	return scanDocs[domain.MarketCell](s.db.QueryContext(ctx, `SELECT doc FROM market_cells ORDER BY grain, week, region, platform`))
}

// SuppressedCells lists cells published as suppressed that no platform published with figures.
func (s *Store) SuppressedCells(ctx context.Context) ([]domain.CellKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT s.region, s.grain, s.week FROM market_suppressed s
		WHERE NOT EXISTS (SELECT 1 FROM market_cells c WHERE c.region = s.region AND c.grain = s.grain AND c.week = s.week)
		ORDER BY s.grain, s.week, s.region`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []domain.CellKey
	for rows.Next() {
		var k domain.CellKey
		var g string
		if err := rows.Scan(&k.Region, &g, &k.Week); err != nil {
			return nil, err
		}
		k.Grain = domain.Grain(g)
		out = append(out, k)
	}
	return out, rows.Err()
}

// Purchase is a purchase event a platform recorded, with the batch it concerned.
type Purchase struct {
	Event domain.Event
	Batch domain.Batch
}

// OwnPurchases lists purchases recorded by platform (an MSP ID) that carry private terms: the
// deals whose prices that platform's node can read.
func (s *Store) OwnPurchases(ctx context.Context, platform string) ([]Purchase, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT e.doc, b.doc FROM events e
		JOIN batch_events be ON be.event = e.id JOIN batches b ON b.id = be.batch
		WHERE e.type = 'purchase' AND e.platform = ? ORDER BY e.event_time, e.id`, platform)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Purchase
	for rows.Next() {
		var ed, bd string
		if err := rows.Scan(&ed, &bd); err != nil {
			return nil, err
		}
		var p Purchase
		if err := json.Unmarshal([]byte(ed), &p.Event); err != nil {
			return nil, fmt.Errorf("decode event: %w", err)
		}
		if err := json.Unmarshal([]byte(bd), &p.Batch); err != nil {
			return nil, fmt.Errorf("decode batch: %w", err)
		}
		if p.Event.PrivateHash != "" {
			out = append(out, p)
		}
	}
	return out, rows.Err()
}
