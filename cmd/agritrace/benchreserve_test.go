package main

import (
	"context"
	"testing"

	"github.com/agritrace/agritrace/bench"
)

// TestBenchReservePhase runs the reserve phase (no network needed) and checks it reports one
// figure with its baseline.
func TestBenchReservePhase(t *testing.T) {
	rep := &bench.Report{}
	r := &benchRun{ctx: context.Background(), tmp: t.TempDir(), rep: rep}
	if err := phaseReserve(r); err != nil {
		t.Fatal(err)
	}
	if len(rep.Rows) != 1 || rep.Rows[0].Value <= 0 || rep.Rows[0].Baseline <= 0 || rep.Rows[0].Met == nil {
		t.Fatalf("rows: %+v", rep.Rows)
	}
	t.Logf("%s: %.3f %s (baseline %.3f)", rep.Rows[0].Name, rep.Rows[0].Value, rep.Rows[0].Unit, rep.Rows[0].Baseline)
}
