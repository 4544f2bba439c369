package main

import (
	"strings"
	"testing"
)

func TestRoundRatios(t *testing.T) {
	for _, c := range []struct {
		name            string
		capture, native []float64
		want            string
	}{
		{"odd rounds", []float64{90, 110, 100}, []float64{100, 100, 100},
			"1.00× the native window beside it (median; 0.90–1.10×; 2 of 3 rounds ≥ 1.0×)"},
		// the median of an even count is the mean of the middle two
		{"even rounds", []float64{80, 95, 105, 120}, []float64{100, 100, 100, 100},
			"1.00× the native window beside it (median; 0.80–1.20×; 2 of 4 rounds ≥ 1.0×)"},
		// a round is its pair: the sums would say 1.00×, the rounds say the capture lost both
		{"paired, not summed", []float64{99, 1980}, []float64{100, 2000},
			"0.99× the native window beside it (median; 0.99–0.99×; 0 of 2 rounds ≥ 1.0×)"},
		{"a native window that committed nothing is left out", []float64{50, 100}, []float64{0, 100},
			"1.00× the native window beside it (median; 1.00–1.00×; 1 of 1 rounds ≥ 1.0×)"},
		{"no rounds", nil, nil, "no round to compare"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := roundRatios(c.capture, c.native); !strings.HasSuffix(got, c.want) {
				t.Errorf("roundRatios = %q, want it to end %q", got, c.want)
			}
		})
	}
}
