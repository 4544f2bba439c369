package domain

import (
	"testing"
	"time"
)

func TestGrainOf(t *testing.T) {
	tests := []struct {
		p    Product
		want Grain
	}{
		{Product{Code: "WHEAT"}, Wheat},
		{Product{Name: "延津强筋小麦（新麦26）"}, Wheat},
		{Product{Name: "高筋小麦粉"}, ""}, // flour is not the grain
		{Product{Name: "五常稻谷（稻花香2号）"}, Paddy},
		{Product{Name: "省级储备粳稻"}, Paddy},
		{Product{Name: "五常大米 稻花香 5kg"}, Rice}, // rice, although the variety says 稻
		{Product{Name: "玉米（收购）"}, Corn},
		{Product{Name: "栖霞红富士苹果"}, ""},
	}
	for _, tc := range tests {
		if got := GrainOf(tc.p); got != tc.want {
			t.Errorf("GrainOf(%+v) = %q, want %q", tc.p, got, tc.want)
		}
	}
}

func TestISOWeeks(t *testing.T) {
	tests := []struct {
		week   string
		monday string
	}{
		{"2026-W01", "2025-12-29"}, // the ISO year starts in the calendar year before
		{"2026-W24", "2026-06-08"},
		{"2020-W53", "2020-12-28"},
	}
	for _, tc := range tests {
		m, err := WeekStart(tc.week)
		if err != nil || m.Format("2006-01-02") != tc.monday {
			t.Errorf("WeekStart(%s) = %v %v, want %s", tc.week, m, err, tc.monday)
		}
		if ISOWeek(m.Add(50*time.Hour)) != tc.week {
			t.Errorf("ISOWeek of %s's Wednesday = %s", tc.week, ISOWeek(m.Add(50*time.Hour)))
		}
	}
	if _, err := WeekStart("2026-W54"); err == nil {
		t.Error("week 54 accepted")
	}
}
