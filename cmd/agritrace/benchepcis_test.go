package main

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/agritrace/agritrace/bench"
)

func TestRoundRatios(t *testing.T) {
	for _, c := range []struct {
		name            string
		capture, native []float64
		want            string
	}{
		{"odd rounds", []float64{90, 110, 100}, []float64{100, 100, 100},
			"1.00× the native window of its round (median; 0.90–1.10×; 2 of 3 rounds ≥ 1.0×)"},
		// the median of an even count is the mean of the middle two
		{"even rounds", []float64{80, 95, 105, 120}, []float64{100, 100, 100, 100},
			"1.00× the native window of its round (median; 0.80–1.20×; 2 of 4 rounds ≥ 1.0×)"},
		// a round is its pair: the sums would say 1.00×, the rounds say the capture lost both
		{"paired, not summed", []float64{99, 1980}, []float64{100, 2000},
			"0.99× the native window of its round (median; 0.99–0.99×; 0 of 2 rounds ≥ 1.0×)"},
		{"a native window that committed nothing is left out", []float64{50, 100}, []float64{0, 100},
			"1.00× the native window of its round (median; 1.00–1.00×; 1 of 1 rounds ≥ 1.0×)"},
		{"no rounds", nil, nil, "no round to compare"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := roundRatios("capture", c.capture, c.native); !strings.HasSuffix(got, c.want) {
				t.Errorf("roundRatios = %q, want it to end %q", got, c.want)
			}
		})
	}
}

func TestPeersAndRest(t *testing.T) {
	from := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name              string
		span              bench.Span
		wantCores, wantMS float64
	}{
		// 3 s of peer CPU over a 2 s window is 1.5 cores; 2 s of the others' CPU for 1,000 events is
		// 2 ms an event
		{"peers and the rest", bench.Span{From: from, To: from.Add(2 * time.Second), Committed: 1000,
			CPU: bench.CPUUse{"peer0.hlj": 2 * time.Second, "peer0.ha": time.Second, "gateway": time.Second,
				"chaincode.hlj": 500 * time.Millisecond, "orderer0": 500 * time.Millisecond}}, 1.5, 2},
		{"no peers", bench.Span{From: from, To: from.Add(time.Second), Committed: 10,
			CPU: bench.CPUUse{"gateway": 100 * time.Millisecond}}, 0, 10},
		{"only peers", bench.Span{From: from, To: from.Add(time.Second), Committed: 10,
			CPU: bench.CPUUse{"peer0.reg": 500 * time.Millisecond}}, 0.5, 0},
		{"nothing committed", bench.Span{From: from, To: from.Add(time.Second),
			CPU: bench.CPUUse{"peer0.reg": time.Second, "gateway": time.Second}}, 1, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			cores, ms := peersAndRest(c.span)
			if math.Abs(cores-c.wantCores) > 1e-9 || math.Abs(ms-c.wantMS) > 1e-9 {
				t.Errorf("peersAndRest = %.3f cores, %.3f ms; want %.3f, %.3f", cores, ms, c.wantCores, c.wantMS)
			}
		})
	}
}

// TestEPCISOrdersBalanced: over the epcis phase's rounds each side takes each place in a round
// equally often, and within a round each side comes right after each other side equally often, so
// neither the ledger's growth nor the compaction one window leaves to the next favours a side.
func TestEPCISOrdersBalanced(t *testing.T) {
	places := map[[2]int]int{}  // side, place → rounds
	follows := map[[2]int]int{} // side before, side after → rounds
	for _, order := range epcisOrders {
		seen := map[int]bool{}
		for place, side := range order {
			if side < 0 || side > 2 || seen[side] {
				t.Fatalf("order %v: each of the three sides (0, 1, 2) once", order)
			}
			seen[side] = true
			places[[2]int{side, place}]++
			if place > 0 {
				follows[[2]int{order[place-1], side}]++
			}
		}
	}
	want := len(epcisOrders) / 3
	for side := 0; side < 3; side++ {
		for place := 0; place < 3; place++ {
			if n := places[[2]int{side, place}]; n != want || want == 0 {
				t.Errorf("side %d is in place %d in %d rounds of %d, want %d", side, place, n, len(epcisOrders), want)
			}
		}
	}
	for before := 0; before < 3; before++ {
		for after := 0; after < 3; after++ {
			if n := follows[[2]int{before, after}]; before != after && n != len(epcisOrders)/3 {
				t.Errorf("side %d comes right after side %d in %d rounds, want %d", after, before, n, len(epcisOrders)/3)
			}
		}
	}
}
