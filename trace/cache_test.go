package trace_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/bench"
	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/trace"
)

// TestCacheAcrossBlocks: a page rendered at one block is served again at later blocks that did
// not touch its trail, and rendered anew, with the change on it, once a block records an event
// on its lot.
func TestCacheAcrossBlocks(t *testing.T) {
	s := newSite(t)
	post := func(evs ...domain.Event) {
		t.Helper()
		b, _ := json.Marshal(map[string]any{"events": evs})
		req, _ := http.NewRequest("POST", s.URL+"/v1/events", bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+s.Keys["hlj"])
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || strings.Contains(string(body), `"rejected":1`) {
			t.Fatalf("post: %d %s", resp.StatusCode, body)
		}
	}
	harvest := func(id string) domain.Event {
		return domain.Event{ID: id, Type: domain.Produce, EventTime: "2026-10-01T08:00:00+08:00", Actor: domain.Party{Enterprise: "TEST-COOP"},
			Outputs: []domain.Output{{Batch: "CACHE-" + id, Product: domain.Product{Name: "稻谷"}, Quantity: domain.Quantity{Value: 1000, Unit: "kg"},
				Origin: &domain.Origin{Region: "230184"}}}}
	}
	post(harvest("lot"))
	h := &trace.Handler{Store: s.Store, Public: "https://r.example", Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	mux := http.NewServeMux()
	h.Mount(mux)
	scan := func() string {
		t.Helper()
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", bench.PathOf("CACHE-lot"), nil))
		if w.Code != 200 {
			t.Fatalf("scan: %d %s", w.Code, w.Body)
		}
		return w.Body.String()
	}
	first := scan()
	for _, step := range []struct {
		name    string
		change  func() // nil: no new block
		renders int64
		same    bool
	}{
		{"again, same block", nil, 1, true},
		{"another lot recorded", func() { post(harvest("other")) }, 1, true},
		{"the lot stored", func() {
			post(domain.Event{ID: "cache-store", Type: domain.Store, EventTime: "2026-10-03T08:00:00+08:00",
				Actor: domain.Party{Enterprise: "TEST-WH"}, Batches: []string{"CACHE-lot"}})
		}, 2, false},
		{"again after the change", nil, 2, true},
	} {
		if block := s.Store.Block(); step.change != nil {
			step.change()
			if s.Store.Block() == block {
				t.Fatalf("%s: the read model did not move past block %d", step.name, block)
			}
		}
		prev := first
		got := scan()
		if n := trace.Renders(h); n != step.renders {
			t.Errorf("%s: %d renders, want %d", step.name, n, step.renders)
		}
		if (got == prev) != step.same {
			t.Errorf("%s: page unchanged = %v, want %v", step.name, got == prev, step.same)
		}
		first = got
	}
	if !strings.Contains(first, "TEST-WH") {
		t.Error("the re-rendered page does not show the storage event")
	}
}
