package readmodel_test

import (
	"context"
	"testing"
	"time"

	"github.com/agritrace/agritrace/internal/demosite"
	"github.com/agritrace/agritrace/readmodel"
	"github.com/agritrace/agritrace/seeds"
)

// TestRegulatorSearches: derived batches are found by the region their raw material grew in,
// enterprises by part of their name, and activity is counted by China's day.
func TestRegulatorSearches(t *testing.T) {
	s := demosite.New(t)
	ctx := context.Background()
	found := func(f readmodel.Filter) map[string]bool {
		f.PageSize = 100
		p, err := s.Store.SearchBatches(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]bool{}
		for _, b := range p.Batches {
			m[b.ID] = true
		}
		return m
	}
	henan := found(readmodel.Filter{Region: "41"})
	for _, id := range []string{seeds.Lot("20003", "KM2609-F22"), seeds.HenanNoodles().Consumer, seeds.Lot("20002", "YJ2606-S07")} {
		if !henan[id] {
			t.Errorf("region 41 misses %s, made from 河南 wheat", id)
		}
	}
	if henan[seeds.WuchangRice().Consumer] {
		t.Error("region 41 finds the 黑龙江 rice (sold in 河南, grown in 黑龙江)")
	}
	if byName := found(readmodel.Filter{Enterprise: "丹尼斯"}); !byName[seeds.WuchangRice().Consumer] || len(byName) != 1 {
		t.Errorf("enterprise name 丹尼斯 finds %v", byName)
	}
	st, err := s.Store.Statistics(ctx, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), 30, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// the rice was harvested at 07:30 on 09-28 China time (23:30 on 09-27 UTC)
	days := map[string]int{}
	for _, c := range st.Activity {
		if c.Stage == "produce" && c.Province == "23" {
			days[c.Day] += c.Events
		}
	}
	if days["2026-09-28"] != 1 || days["2026-09-27"] != 0 {
		t.Errorf("黑龙江 harvests by day: %v", days)
	}
}
