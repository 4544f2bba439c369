package epcis

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/domain/epcisevent"
	"github.com/agritrace/agritrace/internal/epcisdocs"
)

// GS1's published pairs (Tag Data Standard and Digital Link examples) of one key in both forms.
const (
	sgtinURN = "urn:epc:id:sgtin:4012345.011111.987"
	sgtinDL  = "https://id.gs1.org/01/04012345111118/21/987"
	lgtinURN = "urn:epc:class:lgtin:4012345.012345.998877"
	lgtinDL  = "https://id.gs1.org/01/04012345123456/10/998877"
	ssccURN  = "urn:epc:id:sscc:0614141.1234567890"
	ssccDL   = "https://id.gs1.org/00/106141412345678908"
	sglnURN  = "urn:epc:id:sgln:0614141.12345.0"
	sglnDL   = "https://id.gs1.org/414/0614141123452"
)

func eventWith(parent string, epcs []string, class, place string) []byte {
	b, _ := json.Marshal(map[string]any{
		"type": "AggregationEvent", "eventID": "urn:uuid:1", "parentID": parent, "childEPCs": epcs,
		"childQuantityList": []any{map[string]any{"epcClass": class, "quantity": json.Number("12.50"), "uom": "KGM"}},
		"readPoint":         map[string]any{"id": place},
		"ilmd":              map[string]any{"note": sgtinURN}, // not an identifier member: never translated
	})
	return b
}

func TestTranslateEPCs(t *testing.T) {
	urns := eventWith(ssccURN, []string{sgtinURN, "urn:agritrace:local:FARM-1"}, lgtinURN, sglnURN)
	dls := eventWith(ssccDL, []string{sgtinDL, "urn:agritrace:local:FARM-1"}, lgtinDL, sglnDL)
	cases := []struct {
		name     string
		in       []byte
		f        EPCFormat
		prefixes map[string]bool
		want     []byte
	}{
		{"URNs to Digital Links", urns, AlwaysDL, nil, dls},
		{"Digital Links stay Digital Links", dls, AlwaysDL, nil, dls},
		{"Digital Links to URNs with the registry's prefixes", dls, AlwaysURN, map[string]bool{"4012345": true, "0614141": true}, urns},
		{"unknown prefix stays a Digital Link", dls, AlwaysURN, map[string]bool{"4012345": true},
			eventWith(ssccDL, []string{sgtinURN, "urn:agritrace:local:FARM-1"}, lgtinURN, sglnDL)},
		{"a URN in the event teaches its prefix", eventWith(ssccURN, []string{sgtinDL}, lgtinDL, sglnDL), AlwaysURN, nil,
			eventWith(ssccURN, []string{sgtinDL}, lgtinDL, sglnURN)},
		{"Never_Translates keeps the event", dls, NeverTranslates, map[string]bool{"4012345": true}, dls},
		{"No_Preference keeps the event", urns, NoPreference, nil, urns},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := TranslateEPCs(c.in, c.f, c.prefixes)
			if err != nil {
				t.Fatal(err)
			}
			var g, w map[string]any
			if err := json.Unmarshal(got, &g); err != nil {
				t.Fatalf("%s: %v", got, err)
			}
			_ = json.Unmarshal(c.want, &w)
			if !reflect.DeepEqual(g, w) {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestTranslateEPCsKeepsNumbersAndOrder(t *testing.T) {
	in := []byte(`{"type":"ObjectEvent","quantityList":[{"epcClass":"` + lgtinURN + `","quantity":12.50,"uom":"KGM"}],"action":"ADD"}`)
	got, err := TranslateEPCs(in, AlwaysDL, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"ObjectEvent","quantityList":[{"epcClass":"` + lgtinDL + `","quantity":12.50,"uom":"KGM"}],"action":"ADD"}`
	if string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestParseEPCFormat(t *testing.T) {
	for in, want := range map[string]EPCFormat{"": NoPreference, "Always_EPC_URN": AlwaysURN, " Never_Translates ": NeverTranslates} {
		if got, err := ParseEPCFormat(in); err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"always_epc_urn", "Always_DL", "URN"} {
		if _, err := ParseEPCFormat(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// A translated event is the same event: written in either format it decodes, and its projection
// (what the rules act on, where every GS1 key is one canonical Digital Link) is the original's.
// Translating again changes nothing. The corpus is every event of the test documents, each
// identifier shape included.
func FuzzTranslatedEventsProjectAlike(f *testing.F) {
	actor := domain.Party{Enterprise: "COOP-1"}
	events := append(epcisdocs.Events(f, actor), epcisdocs.EventsIn(f, actor, filepath.Join("epcis", "testdata", "docs"))...)
	for _, e := range events {
		f.Add([]byte(e.EPCIS))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		orig, err := epcisevent.DecodeEvent(raw, actor)
		if err != nil {
			return // not an event the gateway would keep
		}
		want := orig.Projection()
		for _, format := range []EPCFormat{AlwaysDL, AlwaysURN} {
			out, err := TranslateEPCs(orig.EPCIS, format, nil)
			if err != nil {
				t.Fatalf("%s: %v\nof %s", format, err, orig.EPCIS)
			}
			again, err := TranslateEPCs(out, format, nil)
			if err != nil || !bytes.Equal(again, out) {
				t.Fatalf("%s twice: %s (%v)\nonce: %s", format, again, err, out)
			}
			got, err := epcisevent.DecodeEvent(out, actor)
			if err != nil {
				t.Fatalf("%s: the translation does not decode: %v\n%s\nof %s", format, err, out, orig.EPCIS)
			}
			p := got.Projection()
			p.ID = want.ID // an event without an eventID is named by a hash of its content
			if !reflect.DeepEqual(p, want) {
				t.Fatalf("%s: projection\n%+v\nof the original\n%+v\ntranslation %s\noriginal %s", format, p, want, out, orig.EPCIS)
			}
		}
	})
}
