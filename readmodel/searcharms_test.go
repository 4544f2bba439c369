package readmodel

import (
	"context"
	"slices"
	"testing"
)

// A batch search by region or product reads one index range per county, key or name; past
// maxArms values it scans batches in ID order instead. Both plans page through the same batches in
// the same order, combined with the other filters, one batch a page or all at once.
func TestSearchArmsPageLikeTheScan(t *testing.T) {
	filters := []Filter{
		{Region: "23"}, {Region: "2301"}, {Region: "230184"}, {Region: "41"}, {Region: "5"},
		{Product: "rice"}, {Product: "稻谷"}, {Product: "P-小麦"}, {Product: "P-Rice Flour"}, {Product: "none"},
		{Region: "23", Product: "rice"}, {Region: "23", Status: "recalled"}, {Product: "稻谷", Stage: "produce"},
		{Region: "230184", Enterprise: "SHOP-ZZ"},
	}
	forEachStore(t, func(t *testing.T, s *Store, _ string) {
		ctx := context.Background()
		newFixture().applyAll(t, s)
		pages := func(f Filter, size int) []string {
			var ids []string
			f.PageSize = size
			for {
				p, err := s.SearchBatches(ctx, f)
				if err != nil {
					t.Fatalf("%+v: %v", f, err)
				}
				ids = append(ids, batchIDs(p.Batches)...)
				if p.Next == "" {
					return ids
				}
				f.Cursor = p.Next
			}
		}
		defer func(n int) { maxArms = n }(maxArms)
		for _, f := range filters {
			for _, size := range []int{1, 2, 100} {
				maxArms = 400
				arms := pages(f, size)
				maxArms = 0
				scan := pages(f, size)
				if !slices.Equal(arms, scan) {
					t.Errorf("%+v, pages of %d: index ranges give %v, the scan %v", f, size, arms, scan)
				}
			}
		}
	})
}
