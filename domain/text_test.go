package domain

import (
	"strings"
	"testing"
	"time"
)

func TestTextAndDateRules(t *testing.T) {
	now := time.Date(2026, 10, 9, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		mut     func(e *Event)
		rule    string // "" = valid
		pointer string
	}{
		{"name with U+202E", func(e *Event) { e.Actor.Name = "合作社\u202e" }, "text", "/actor/name"},
		{"name with U+200F", func(e *Event) { e.Outputs[0].Product.Name = "\u200f稻谷" }, "text", "/outputs/0/product/name"},
		{"name with a tab", func(e *Event) { e.Outputs[0].Product.Variety = "稻花香\t2号" }, "text", "/outputs/0/product/variety"},
		{"name with DEL", func(e *Event) { e.Outputs[0].Origin.Plot = "地块\x7f" }, "text", "/outputs/0/origin/plot"},
		{"unit with NUL", func(e *Event) { e.Outputs[0].Quantity.Unit = "kg\x00" }, "text", "/outputs/0/quantity/unit"},
		{"reason over lines", func(e *Event) {
			e.Type, e.Batches, e.Outputs, e.Reason = Recall, []string{"B"}, nil, "第一行\r\n第二行\t缩进"
		}, "", ""},
		{"reason with ESC", func(e *Event) { e.Type, e.Batches, e.Outputs, e.Reason = Recall, []string{"B"}, nil, "a\x1bb" }, "text", "/reason"},
		{"contract terms over lines", func(e *Event) {
			e.Type, e.Batches, e.Outputs, e.To = Purchase, []string{"B"}, nil, &Party{Enterprise: "X"}
			e.Private = &Private{ContractTerms: "一、\n二、", Salt: strings.Repeat("ab", 16)}
		}, "", ""},
		{"name of 200 characters", func(e *Event) { e.Outputs[0].Product.Name = strings.Repeat("稻", 200) }, "", ""},
		{"name of 201 characters", func(e *Event) { e.Outputs[0].Product.Name = strings.Repeat("稻", 201) }, "field-length", "/outputs/0/product/name"},
		{"nested extension string with bidi", func(e *Event) { e.Extensions = []byte(`{"a":{"b":["ok","\u2067"]}}`) }, "text", "/extensions/a/b/1"},
		{"attribute name with a slash is escaped in the pointer", func(e *Event) { e.Attributes = map[string]any{"a/b": "\u202a"} }, "text", "/attributes/a~1b"},
		{"harvest in 9999", func(e *Event) { e.Outputs[0].Origin.HarvestDate = "9999-12-31" }, "date-range", "/outputs/0/origin/harvestDate"},
		{"harvest on the event's day", func(e *Event) { e.Outputs[0].Origin.HarvestDate = "2026-10-08" }, "", ""},
		{"harvest the day after the event (UTC+14 farm)", func(e *Event) { e.Outputs[0].Origin.HarvestDate = "2026-10-09" }, "", ""},
		{"harvest two days after the event", func(e *Event) { e.Outputs[0].Origin.HarvestDate = "2026-10-10" }, "date-range", "/outputs/0/origin/harvestDate"},
		{"certificate valid 101 years", func(e *Event) {
			e.Type, e.Batches, e.Outputs = Certify, []string{"B"}, nil
			e.Certificate = &Certificate{ID: "C", Type: "organic", Issuer: "CB-1", ValidUntil: "2127-12-31"}
		}, "date-range", "/certificate/validUntil"},
		{"certificate valid until a date", func(e *Event) {
			e.Type, e.Batches, e.Outputs = Certify, []string{"B"}, nil
			e.Certificate = &Certificate{ID: "C", Type: "organic", Issuer: "CNCA-R-2002-001", ValidUntil: "2029-12-31"}
		}, "", ""},
		{"certificate valid until 9999", func(e *Event) {
			e.Type, e.Batches, e.Outputs = Certify, []string{"B"}, nil
			e.Certificate = &Certificate{ID: "C", Type: "organic", Issuer: "CB-1", ValidUntil: "9999-12-31"}
		}, "date-range", "/certificate/validUntil"},
		{"registered enterprise name with bidi", func(e *Event) {
			e.Type, e.Outputs = Register, nil
			e.Registration = &Registration{Enterprise: &Enterprise{ID: "X", Name: "合作社\u202e", Region: "230184", Roles: []string{"producer"}}}
		}, "text", "/registration/enterprise/name"},
		{"certificate valid for 99 years", func(e *Event) {
			e.Type, e.Batches, e.Outputs = Certify, []string{"B"}, nil
			e.Certificate = &Certificate{ID: "C", Type: "organic", Issuer: "CB-1", ValidUntil: "2125-10-08"}
		}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := base()
			tc.mut(&e)
			err := Validate(&e, now)
			if tc.rule == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			de, ok := AsError(err)
			if !ok || de.Rule != tc.rule || de.Pointer != tc.pointer {
				t.Fatalf("got %v, want rule %s at %s", err, tc.rule, tc.pointer)
			}
		})
	}
}

func TestValidateReportsEveryField(t *testing.T) {
	e := base()
	e.ID = "has space"
	e.EventTime = "yesterday"
	e.Outputs[0].Quantity.Value = -1
	e.Outputs[0].Origin.Region = "99"
	e.Actor.Name = "\u202e"
	err := Validate(&e, time.Now())
	de, ok := AsError(err)
	if !ok {
		t.Fatalf("not a domain error: %v", err)
	}
	got := []string{de.Pointer}
	for _, a := range de.Also {
		got = append(got, a.Pointer)
	}
	want := []string{"/id", "/eventTime", "/actor/name", "/outputs/0/quantity/value", "/outputs/0/origin/region"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("reported %v, want %v", got, want)
	}
	// the refusals survive the trip through Fabric's error text
	back, ok := AsError(errorsText(err))
	if !ok || len(back.Also) != len(want)-1 {
		t.Fatalf("after the chaincode boundary: %+v", back)
	}
}

type textError string

func (e textError) Error() string { return string(e) }

// errorsText is what the gateway receives from the chaincode: only the message.
func errorsText(err error) error { return textError("chaincode error: " + err.Error()) }
