package bench

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/readmodel"
)

// The bench-scale sections live inside docs/BENCHMARKS.md, which `make bench` rewrites: writing one
// replaces only the section of its kind, and KeepSections hands both back for the rewrite.
func TestScaleSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "BENCHMARKS.md")
	if err := os.WriteFile(path, []byte("# Benchmarks\n\n| main table |\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		kind ScaleSection
		text string
	}{{ScaleFull, "first run"}, {ScaleReuse, "first re-measure"}, {ScaleFull, "second run"}, {ScaleReuse, "second re-measure"}} {
		if err := WriteSection(path, w.kind, "## Read models at scale\n\n"+w.text+"\n"); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(path)
	got := string(b)
	fullBegin, fullEnd := ScaleFull.markers()
	if !strings.HasPrefix(got, "# Benchmarks\n\n| main table |\n") || strings.Contains(got, "first") ||
		strings.Count(got, fullBegin) != 1 || !strings.Contains(got, "second run") || !strings.Contains(got, "second re-measure") {
		t.Fatalf("after two runs of each kind:\n%s", got)
	}
	keep := KeepSections(path)
	if !strings.HasPrefix(keep, fullBegin) || !strings.Contains(keep, fullEnd+"\n\n<!-- bench-scale-reuse") || !strings.Contains(keep, "second re-measure") {
		t.Fatalf("kept sections:\n%s", keep)
	}
	if KeepSections(filepath.Join(t.TempDir(), "none.md")) != "" {
		t.Fatal("a missing file has a section")
	}
}

// testShape is a small version of bench-scale's shape.
var testShape = ScaleShape{FarmsMin: 20, FarmsMax: 40, RetailMin: 100, RetailMax: 300}

// scaled writes a synthetic ledger of about events events into an in-memory read model.
func scaled(t *testing.T, events int, seed uint64) (*readmodel.Store, ScaleIDs) {
	t.Helper()
	store, err := readmodel.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	ids, err := Scale(t.Context(), store, events, testShape, seed, nil)
	if err != nil {
		t.Fatal(err)
	}
	return store, ids
}

// The synthetic ledger has the shape bench-scale claims: merges of FarmsMin..FarmsMax farm lots,
// splits into RetailMin..RetailMax retail lots, lineages through silo, depot and flour.
func TestScaleShape(t *testing.T) {
	ctx := t.Context()
	shape := testShape
	store, ids := scaled(t, 8000, 1)
	c, _ := store.Counts(ctx)
	if ids.Events < 8000 || c.Events != ids.Events || uint64(ids.Blocks) != c.Block {
		t.Fatalf("wrote %d events in %d blocks; store has %+v", ids.Events, ids.Blocks, c)
	}
	for _, retail := range ids.Retail[:5] {
		up, _, err := store.Lineage(ctx, retail, true, 20, 5000)
		if err != nil {
			t.Fatal(err)
		}
		farms := 0
		for _, id := range up {
			if strings.HasPrefix(id, "SC-F-") {
				farms++
			}
		}
		// flour, depot, silo (a blend adds a second depot line, shared storage one farm lot)
		if farms < shape.FarmsMin || farms > 2*shape.FarmsMax+2 || len(up) < farms+3 {
			t.Errorf("retail lot %s: %d farm lots among %d ancestors", retail, farms, len(up))
		}
	}
	down, _, err := store.Lineage(ctx, ids.Farms[0], false, 20, 10000)
	if err != nil {
		t.Fatal(err)
	}
	if len(down) < shape.RetailMin+3 {
		t.Errorf("farm lot %s reaches %d descendants, want at least %d", ids.Farms[0], len(down), shape.RetailMin+3)
	}
}

// A query-only re-measurement (bench-scale --reuse) samples the IDs of a database an earlier run
// wrote by generating the same ledger without a store: both must name the same lots and blocks.
func TestScaleWithoutStore(t *testing.T) {
	ctx := t.Context()
	store, wrote := scaled(t, 6000, 5)
	again, err := Scale(ctx, nil, 6000, testShape, 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(wrote, again) {
		t.Fatalf("generated again: %d events, %d blocks, %d retail, %d farm lots; written: %d, %d, %d, %d",
			again.Events, again.Blocks, len(again.Retail), len(again.Farms), wrote.Events, wrote.Blocks, len(wrote.Retail), len(wrote.Farms))
	}
	for _, id := range append(again.Retail[:3], again.Farms[:3]...) {
		if _, err := store.Batch(ctx, id); err != nil {
			t.Errorf("lot %s of the regenerated IDs: %v", id, err)
		}
	}
}
