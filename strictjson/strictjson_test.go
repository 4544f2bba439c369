package strictjson

import (
	"errors"
	"testing"
)

type party struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

type doc struct {
	ID    string         `json:"id"`
	Actor party          `json:"actor"`
	Tags  []string       `json:"tags,omitempty"`
	Attrs map[string]any `json:"attributes,omitempty"`
	N     float64        `json:"n,omitempty"`
}

func TestUnmarshalRefusesWhatV1Accepts(t *testing.T) {
	cases := []struct {
		name    string
		in      string
		reason  Reason
		pointer string
	}{
		{"duplicate top-level member", `{"id":"a","id":"b"}`, DuplicateName, "/id"},
		{"duplicate nested member", `{"id":"a","actor":{"id":"x","id":"y"}}`, DuplicateName, "/actor/id"},
		{"duplicate inside a free map", `{"id":"a","attributes":{"k":1,"k":2}}`, DuplicateName, "/attributes/k"},
		{"case-folded name", `{"ID":"a"}`, UnknownName, "/ID"},
		{"case-folded nested name", `{"id":"a","actor":{"Id":"x"}}`, UnknownName, "/actor/Id"},
		{"unknown member", `{"id":"a","extra":true}`, UnknownName, "/extra"},
		{"invalid UTF-8 in a value", "{\"id\":\"a\xff\"}", Syntax, ""},
		{"invalid UTF-8 in a name", "{\"i\xc3\":\"a\"}", Syntax, ""},
		{"lone surrogate escape", `{"id":"\ud800"}`, Syntax, ""},
		{"trailing data", `{"id":"a"} {"id":"b"}`, Syntax, ""},
		{"trailing comma", `{"id":"a",}`, Syntax, ""},
		{"truncated", `{"id":"a"`, Syntax, ""},
		{"empty", ``, Empty, ""},
		{"whitespace only", " \n\t", Empty, ""},
		{"wrong type", `{"id":7}`, WrongType, "/id"},
		{"number out of range", `{"id":"a","n":1e400}`, WrongType, "/n"},
		{"array for object", `{"id":"a","actor":[]}`, WrongType, "/actor"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d doc
			err := Unmarshal([]byte(c.in), &d)
			var se *Error
			if !errors.As(err, &se) {
				t.Fatalf("accepted %q (got %v)", c.in, err)
			}
			if se.Reason != c.reason {
				t.Errorf("reason %s, want %s (%v)", se.Reason, c.reason, se)
			}
			if c.pointer != "" && se.Pointer != c.pointer {
				t.Errorf("pointer %q, want %q (%v)", se.Pointer, c.pointer, se)
			}
			if se.Line < 1 || se.Column < 1 {
				t.Errorf("no position: %v", se)
			}
		})
	}
}

func TestUnmarshalAcceptsPlainJSON(t *testing.T) {
	var d doc
	in := `{"id":"稻-1","actor":{"id":"E","name":"五常市\n合作社"},"tags":["a"],"attributes":{"x":{"y":[1,"2",null]}},"n":1.5}`
	if err := Unmarshal([]byte(in), &d); err != nil {
		t.Fatal(err)
	}
	if d.ID != "稻-1" || d.Actor.Name != "五常市\n合作社" || d.N != 1.5 || d.Attrs["x"] == nil {
		t.Fatalf("decoded %+v", d)
	}
}

func TestCheckGenericDocument(t *testing.T) {
	if err := Check([]byte(`{"a":{"b":[{"c":1},{"c":2}]}}`)); err != nil {
		t.Fatalf("refused a valid document: %v", err)
	}
	err := Check([]byte(`{"a":{"b":[{"c":1,"c":2}]}}`))
	var se *Error
	if !errors.As(err, &se) || se.Reason != DuplicateName || se.Pointer != "/a/b/0/c" {
		t.Fatalf("duplicate deep in an array: %v", err)
	}
}

func FuzzUnmarshal(f *testing.F) {
	for _, s := range []string{`{"id":"a","id":"b"}`, `{"ID":"a"}`, "{\"id\":\"\xff\"}", `{"id":"a"}x`, `{"id":"\u202e"}`, `[]`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var d doc
		err := Unmarshal(b, &d)
		if err == nil {
			return
		}
		var se *Error
		if !errors.As(err, &se) || se.Line < 1 || se.Detail == "" {
			t.Fatalf("undescribed error %v for %q", err, b)
		}
	})
}
