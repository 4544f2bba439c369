package gateway_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/agritrace/agritrace/bench"
	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/readmodel"
)

// BenchmarkGranaryList is the bench's reserve phase as a Go benchmark: the regulator's granary
// list over 1,000 granaries × 20 bins (alert sweep included) on a synthetic read model.
func BenchmarkGranaryList(b *testing.B) {
	ctx := context.Background()
	store, err := readmodel.Open(filepath.Join(b.TempDir(), "rm.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	if _, err := bench.LoadSyntheticReserve(ctx, store, 1000, 20); err != nil {
		b.Fatal(err)
	}
	s := gateway.New(&gateway.Keys{}, store, nil, nil, gateway.Options{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	regulator := &gateway.APIKey{Name: "bench", Org: "reg", MSPID: "RegulatorMSP", Role: domain.RoleRegulator}
	for b.Loop() {
		res, err := s.GranaryList(ctx, regulator, "")
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Granaries) != 1000 {
			b.Fatalf("%d granaries", len(res.Granaries))
		}
	}
}
