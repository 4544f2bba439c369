package gateway

import (
	"context"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/qr"
	"github.com/agritrace/agritrace/seeds"
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
	// of GTIN 06901234500011 packed on pallet SSCC 069012340000000719, and the places it names; then
	// a transformation of the lot into BR2610A declared erroneous, corrected by one into BR2610B
	e.captureDocs(t, "hlj", "all-types.jsonld", "more.jsonld", "correction.jsonld")
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
		// an item of the lot: the lot's trail, the scanned serial shown, the item's own links
		{lot + "/21/7", dl + lot, dl + lot + "/21/7", public + lot + "/21/7", "traceability", trail(func(t *testing.T, p trace.PublicTrail) {
			if p.Product.Lot != "RT2610A" || p.Product.Serial != "7" {
				t.Errorf("product %+v", p.Product)
			}
		})},
		// the voided output: void, and its making record names the declaration that voided it
		{"/01/06901234500042/10/BR2610A", dl + "/01/06901234500042/10/BR2610A", dl + "/01/06901234500042/10/BR2610A", public + "/01/06901234500042/10/BR2610A", "traceability",
			trail(func(t *testing.T, p trace.PublicTrail) {
				if p.Status != "void" || !slices.ContainsFunc(p.Steps, func(s trace.PublicStep) bool {
					return s.Event == "urn:uuid:0b0b2a54-6f0c-4b2c-9a51-4a0f9e2e0006" && s.DeclaredErroneous != ""
				}) {
					t.Errorf("voided lot: status %s, steps %+v", p.Status, p.Steps)
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
			tc.json(t, askResolver(t, e, tc.path, tc.id, tc.anchor, tc.self, tc.rel))
		})
	}
}

// askResolver asks path for JSON and for the linkset, checks that the JSON is about id and that
// the linkset is anchored at anchor, with self as its default link and links of type rel, and
// returns the JSON.
func askResolver(t *testing.T, e *env, path, id, anchor, self, rel string) []byte {
	t.Helper()
	status, ctype, body := e.send(t, hostile{method: "GET", path: path, headers: map[string]string{"Accept": "application/json"}})
	var about struct{ ID string }
	if status != 200 || ctype != "application/json; charset=utf-8" || json.Unmarshal(body, &about) != nil || about.ID != id {
		t.Fatalf("JSON of %s: %d %s, want the answer about %s: %.300s", path, status, ctype, id, body)
	}
	status, ctype, set := e.send(t, hostile{method: "GET", path: path, headers: map[string]string{"Accept": "application/linkset+json"}})
	var ls struct {
		Linkset []map[string]json.RawMessage `json:"linkset"`
	}
	if status != 200 || ctype != "application/linkset+json" || json.Unmarshal(set, &ls) != nil || len(ls.Linkset) != 1 {
		t.Fatalf("linkset of %s: %d %s: %.300s", path, status, ctype, set)
	}
	var at string
	var def, named []trace.Link
	_ = json.Unmarshal(ls.Linkset[0]["anchor"], &at)
	_ = json.Unmarshal(ls.Linkset[0]["https://gs1.org/voc/defaultLink"], &def)
	_ = json.Unmarshal(ls.Linkset[0]["https://gs1.org/voc/"+rel], &named)
	if at != anchor || len(def) != 1 || def[0].Href != self || def[0].Type != "text/html" || len(named) == 0 {
		t.Errorf("linkset of %s anchored at %q with default link %+v and %d %s links, want anchor %s, default %s: %s", path, at, def, len(named), rel, anchor, self, set)
	}
	return body
}

// TestResolverAnswersSeededChains asks for the consumer lot of every demo chain, loaded through the
// API: their trails carry what the fixtures above do not (certificates with their status, public
// attributes, documents, recalls issued on an ancestor), each validated against PublicTrail.
func TestResolverAnswersSeededChains(t *testing.T) {
	e := newEnv(t)
	if _, err := seeds.Load(context.Background(), seeds.SameURL(e.ts.URL, e.keys), seeds.Chains(), io.Discard); err != nil {
		t.Fatal(err)
	}
	const public = "http://trace.test"
	for _, c := range seeds.Chains() {
		if c.Consumer == "" {
			continue
		}
		t.Run(c.Key, func(t *testing.T) {
			u, err := qr.URL(public, c.Consumer)
			if err != nil {
				t.Fatal(err)
			}
			path := strings.TrimPrefix(u, public)
			var p trace.PublicTrail
			if err := json.Unmarshal(askResolver(t, e, path, c.Consumer, c.Consumer, u, "traceability"), &p); err != nil {
				t.Fatal(err)
			}
			if len(p.Steps) == 0 || len(p.Journey) == 0 || (p.Recall != nil) != c.Recalled {
				t.Errorf("%d records, %d journey steps, recall %+v; recalled chain: %v", len(p.Steps), len(p.Journey), p.Recall, c.Recalled)
			}
		})
	}
	// the rice's geographical-indication certificate, valid today, names its issuer
	var rice trace.PublicTrail
	u, _ := qr.URL(public, seeds.WuchangRice().Consumer)
	_, _, body := e.send(t, hostile{method: "GET", path: strings.TrimPrefix(u, public), headers: map[string]string{"Accept": "application/json"}})
	if err := json.Unmarshal(body, &rice); err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(rice.Certificates, func(c trace.PublicCert) bool {
		return c.ID == "AGI-2026-WC-0412" && c.Status == "active" && c.Issuer == seeds.CertBody.Name
	}) {
		t.Errorf("rice certificates %+v", rice.Certificates)
	}
}
