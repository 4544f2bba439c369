package gateway

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/trace"
)

// TestResolverAnswers asks every resolver route, as JSON and as a linkset, about data recorded
// through the API, and checks what the answers say. The server is newEnv's, so the spec checker
// validates each body against the route's PublicTrail, ProductPage, PlacePage or Linkset schema.
func TestResolverAnswers(t *testing.T) {
	e := newEnv(t)
	// a platform's own batch number (served under /t/), tested and then recalled
	inspect := domain.Event{ID: "rs-i1", Type: domain.Inspect, EventTime: "2026-10-02T09:00:00+08:00", Actor: domain.Party{Enterprise: "LAB-1"},
		Batches: []string{"LOT-S"}, Inspection: &domain.Inspection{Item: "moisture", Value: 14.1, Unit: "%", Limit: 14.5, Result: "pass", Lab: "五常质检站"}}
	for _, ev := range []domain.Event{harvest("rs-h1", "LOT-S", 100), inspect} {
		if r := e.post("/v1/events", "hlj", ev); r.status != 201 {
			t.Fatalf("%s: %d %s", ev.ID, r.status, r.body)
		}
	}
	if r := e.post("/v1/batches/LOT-S/recall", "reg", `{"id":"rs-rc1","reason":"水分复检"}`); r.status != 201 {
		t.Fatalf("recall: %d %s", r.status, r.body)
	}
	// the EPCIS document of every event type: lot RT2610A of GTIN 06901234500028, serialised items
	// of GTIN 06901234500011 packed on pallet SSCC 069012340000000719, and the places it names
	doc, _ := allTypes(t)
	if status, job := e.captureJob(t, "hlj", doc, nil); status != 202 || job["success"] != true {
		t.Fatalf("capture: %d %v", status, job)
	}
	const (
		public  = "http://trace.test"
		dl      = "https://id.gs1.org"
		lot     = "/01/06901234500028/10/RT2610A"
		packing = "urn:uuid:0b0b2a54-6f0c-4b2c-9a51-4a0f9e2e0001" // the items and the lot onto the pallet
	)
	trail := func(check func(t *testing.T, p trace.PublicTrail)) func(*testing.T, []byte) {
		return func(t *testing.T, body []byte) {
			var p trace.PublicTrail
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatal(err)
			}
			check(t, p)
		}
	}
	packed := func(t *testing.T, p trace.PublicTrail) {
		if !slices.ContainsFunc(p.Steps, func(s trace.PublicStep) bool { return s.Event == packing }) {
			t.Errorf("trail of %s lacks the packing %s: %+v", p.ID, packing, p.Steps)
		}
	}
	type keyPage struct {
		ID    string `json:"id"`
		Kind  string `json:"kind"`
		Items []struct{ Name, Href, Meta string }
	}
	page := func(kind string, check func(t *testing.T, p keyPage)) func(*testing.T, []byte) {
		return func(t *testing.T, body []byte) {
			var p keyPage
			if err := json.Unmarshal(body, &p); err != nil {
				t.Fatal(err)
			}
			if p.Kind != kind {
				t.Errorf("kind %q, want %q", p.Kind, kind)
			}
			check(t, p)
		}
	}
	for _, tc := range []struct {
		path   string
		id     string // the identifier the JSON answer is about
		anchor string // the linkset's anchor
		self   string // the linkset's default link
		rel    string // the GS1 link type besides defaultLink
		json   func(t *testing.T, body []byte)
	}{
		{"/t/LOT-S", "LOT-S", public + "/t/LOT-S", public + "/t/LOT-S", "traceability", trail(func(t *testing.T, p trace.PublicTrail) {
			if p.Status != "recalled" || p.Recall == nil || p.Recall.Reason != "水分复检" || len(p.Tests) != 1 || p.Tests[0].Result != "pass" ||
				p.Origin == nil || p.Origin.Region != "230184" {
				t.Errorf("trail of LOT-S: status %s, recall %+v, tests %+v, origin %+v", p.Status, p.Recall, p.Tests, p.Origin)
			}
		})},
		{lot, dl + lot, dl + lot, public + lot, "traceability", trail(func(t *testing.T, p trace.PublicTrail) {
			if p.Product.GTIN != "06901234500028" || p.Product.Lot != "RT2610A" || p.Product.Serial != "" {
				t.Errorf("product %+v", p.Product)
			}
			packed(t, p)
		})},
		// an item of the lot: the lot's trail and links, the scanned serial shown
		{lot + "/21/7", dl + lot, dl + lot, public + lot, "traceability", trail(func(t *testing.T, p trace.PublicTrail) {
			if p.Product.Lot != "RT2610A" || p.Product.Serial != "7" {
				t.Errorf("product %+v", p.Product)
			}
		})},
		{"/01/06901234500011/21/1001", dl + "/01/06901234500011/21/1001", dl + "/01/06901234500011/21/1001", public + "/01/06901234500011/21/1001", "traceability",
			trail(func(t *testing.T, p trace.PublicTrail) {
				if p.Product.GTIN != "06901234500011" || p.Quantity == nil || p.Quantity.Unit != "piece" {
					t.Errorf("product %+v, quantity %+v", p.Product, p.Quantity)
				}
				packed(t, p)
			})},
		{"/00/069012340000000719", dl + "/00/069012340000000719", dl + "/00/069012340000000719", public + "/00/069012340000000719", "traceability",
			trail(func(t *testing.T, p trace.PublicTrail) {
				if p.Made == nil || p.Made.Kind != "packed" {
					t.Errorf("pallet made %+v, want packed", p.Made)
				}
				packed(t, p)
			})},
		{"/01/06901234500028", dl + "/01/06901234500028", dl + "/01/06901234500028", public + "/01/06901234500028", "pip", page("product", func(t *testing.T, p keyPage) {
			if len(p.Items) != 1 || p.Items[0].Name != "RT2610A" || p.Items[0].Href != public+lot {
				t.Errorf("product page lists %+v, want lot RT2610A linking to its trace page", p.Items)
			}
		})},
		{"/414/6901234000016", dl + "/414/6901234000016", dl + "/414/6901234000016", public + "/414/6901234000016", "locationInfo", page("place", func(t *testing.T, p keyPage) {
			// newest first: the packing, then the commissioning
			if len(p.Items) != 2 || !strings.HasSuffix(p.Items[0].Meta, "AggregationEvent") || !strings.HasSuffix(p.Items[1].Meta, "ObjectEvent") {
				t.Errorf("place page lists %+v", p.Items)
			}
		})},
		{"/414/6901234000054/254/DOCK-2", dl + "/414/6901234000054/254/DOCK-2", dl + "/414/6901234000054/254/DOCK-2", public + "/414/6901234000054/254/DOCK-2", "locationInfo",
			page("place", func(t *testing.T, p keyPage) {
				if len(p.Items) != 1 || p.Items[0].Meta != "2026-10-05 · ObjectEvent" {
					t.Errorf("dock page lists %+v", p.Items)
				}
			})},
	} {
		t.Run(tc.path, func(t *testing.T) {
			status, ctype, body := e.send(t, hostile{method: "GET", path: tc.path, headers: map[string]string{"Accept": "application/json"}})
			var about struct{ ID string }
			if status != 200 || ctype != "application/json; charset=utf-8" || json.Unmarshal(body, &about) != nil || about.ID != tc.id {
				t.Fatalf("JSON: %d %s, want the answer about %s: %.300s", status, ctype, tc.id, body)
			}
			tc.json(t, body)

			status, ctype, body = e.send(t, hostile{method: "GET", path: tc.path, headers: map[string]string{"Accept": "application/linkset+json"}})
			var ls struct {
				Linkset []map[string]json.RawMessage `json:"linkset"`
			}
			if status != 200 || ctype != "application/linkset+json" || json.Unmarshal(body, &ls) != nil || len(ls.Linkset) != 1 {
				t.Fatalf("linkset: %d %s: %.300s", status, ctype, body)
			}
			var anchor string
			var def, named []trace.Link
			_ = json.Unmarshal(ls.Linkset[0]["anchor"], &anchor)
			_ = json.Unmarshal(ls.Linkset[0]["https://gs1.org/voc/defaultLink"], &def)
			_ = json.Unmarshal(ls.Linkset[0]["https://gs1.org/voc/"+tc.rel], &named)
			if anchor != tc.anchor || len(def) != 1 || def[0].Href != tc.self || def[0].Type != "text/html" || len(named) == 0 {
				t.Errorf("linkset anchored at %q with default link %+v and %d %s links, want anchor %s, default %s: %s", anchor, def, len(named), tc.rel, tc.anchor, tc.self, body)
			}
		})
	}
}
