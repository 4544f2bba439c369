package readmodel

import (
	"context"
	"strings"

	"github.com/agritrace/agritrace/domain"
)

// ProductLots lists the batches of one GTIN (a product page of the resolver): those whose product
// carries the GTIN and those identified by a Digital Link under it, at most limit, by ID.
func (s *Store) ProductLots(ctx context.Context, gtin string, limit int) ([]domain.Batch, error) {
	prefix := "https://id.gs1.org/01/" + gtin + "/"
	rows, err := s.db.QueryContext(ctx, `SELECT doc FROM batches WHERE product_key = ? OR (id >= ? AND id < ?) ORDER BY id LIMIT ?`,
		gtin, prefix, strings.TrimSuffix(prefix, "/")+"0", limit)
	if err != nil {
		return nil, err
	}
	return scanBatches(rows)
}
