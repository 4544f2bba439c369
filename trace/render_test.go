package trace_test

import (
	"context"
	"testing"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/seeds"
	"github.com/agritrace/agritrace/trace"
)

// hostile is text a platform could put on the ledger to break out of the page: markup, quotes,
// the characters html/template escapes, a NUL, and script URLs where the page makes links.
const hostile = `<script>alert("x")</script> & 'q' + a+b NUL:` + "\x00" + ` ✓`

// hostileTrail is a lone lot whose every shown field is hostile: a test, a certificate with a
// document, a recall with a hotline, a record with attributes and a document.
func hostileTrail(uri, hotline string) *domain.Trail {
	id := "HOSTILE-" + hostile
	doc := &domain.Document{Name: hostile, SHA256: hostile, URI: uri}
	produce := domain.Event{ID: "ev-p", Type: domain.Produce, EventTime: "2026-10-01T08:00:00+08:00", TxID: hostile, Block: 3,
		Actor:     domain.Party{Name: hostile, Enterprise: hostile},
		Location:  &domain.Location{Name: hostile, Region: "230184"},
		Outputs:   []domain.Output{{Batch: id, Product: domain.Product{Name: hostile}, Quantity: domain.Quantity{Value: 2.5, Unit: hostile}}},
		Documents: []domain.Document{*doc}, Attributes: map[string]any{"warehouse": hostile, "moisture_pct": 14.5, "shelf_life_days": 30}}
	inspect := domain.Event{ID: "ev-i", Type: domain.Inspect, EventTime: "2026-10-02T08:00:00+08:00", TxID: "tx-i", Batches: []string{id},
		Inspection: &domain.Inspection{Item: hostile, Value: 0.1, Unit: hostile, Limit: 0.2, Result: "pass", Standard: hostile, Lab: hostile}}
	certify := domain.Event{ID: "ev-c", Type: domain.Certify, EventTime: "2026-10-03T08:00:00+08:00", TxID: "tx-c", Batches: []string{id},
		Certificate: &domain.Certificate{ID: hostile, Type: hostile, Issuer: hostile, IssuerName: hostile, ValidFrom: "2026-01-01",
			ValidUntil: "2099-01-01", Document: doc}}
	recall := domain.Event{ID: "ev-r", Type: domain.Recall, EventTime: "2026-10-04T08:00:00+08:00", TxID: "tx-r", Batches: []string{id},
		Reason: hostile, Attributes: map[string]any{"hotline": hotline}}
	b := domain.Batch{ID: id, Product: domain.Product{Name: hostile, GTIN: hostile, Variety: hostile, Grade: hostile},
		Quantity: domain.Quantity{Value: 2.5, Unit: "bag", NetContent: &domain.Quantity{Value: 5, Unit: "kg"}},
		Origin:   &domain.Origin{Region: "230184", Plot: hostile, HarvestDate: "2026-09-30"}, Status: domain.Recalled,
		RecalledBy: "ev-r", CreatedBy: "ev-p"}
	return &domain.Trail{Batch: id, Batches: []domain.Batch{b}, Events: []domain.Event{produce, inspect, certify, recall}, RecalledBy: "ev-r",
		LedgerBlock: 9, Truncated: true}
}

// TestFastPage: the handler's page writer gives page.html's bytes for every batch of every seed
// chain (verdicts, recalls, certificates, journeys, folded records) and for pages of hostile text
// and links, in both languages, with and without a scanned serial.
func TestFastPage(t *testing.T) {
	s := newSite(t)
	now := time.Now()
	var trails []*domain.Trail
	seen := map[string]bool{}
	for _, c := range seeds.Chains() {
		tr, err := s.Store.Trail(context.Background(), c.Consumer, 30, 300)
		if err != nil {
			t.Fatalf("%s: %v", c.Key, err)
		}
		for _, b := range tr.Batches {
			if seen[b.ID] {
				continue
			}
			seen[b.ID] = true
			bt, err := s.Store.Trail(context.Background(), b.ID, 30, 300)
			if err != nil {
				t.Fatalf("%s: %v", b.ID, err)
			}
			trails = append(trails, bt)
		}
	}
	if len(trails) < 15 {
		t.Fatalf("only %d seed trails", len(trails))
	}
	for _, link := range []struct{ uri, hotline string }{
		{"javascript:alert(1)", "javascript:alert(1)"},
		{"https://docs.example/a b?x=<y>&z=\"1\"+2#f", "400-123 4567"},
		{"/relative/path?q=" + hostile, hostile},
		{"", ""},
	} {
		trails = append(trails, hostileTrail(link.uri, link.hotline))
	}
	for _, lang := range []string{"zh", "en"} {
		for i, tr := range trails {
			for _, serial := range []string{"", "000042", hostile} {
				tmpl, fast, err := trace.RenderFast(tr, lang, serial, now)
				if err != nil {
					t.Fatal(err)
				}
				if tmpl != fast {
					at := 0
					for at < min(len(tmpl), len(fast)) && tmpl[at] == fast[at] {
						at++
					}
					t.Errorf("page %d (%s, %s, serial %q) differs at byte %d:\n page.html %q\n writePage %q", i, tr.Batch, lang, serial, at,
						tmpl[max(0, at-60):min(len(tmpl), at+60)], fast[max(0, at-60):min(len(fast), at+60)])
				}
			}
		}
	}
}
