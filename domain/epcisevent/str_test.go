package epcisevent

import (
	"encoding/json"
	"testing"
)

// str reads a member exactly as json.Unmarshal into a string would, on its fast path and off it.
func TestStrAgreesWithUnmarshal(t *testing.T) {
	for _, raw := range []string{
		`"commissioning"`, `""`, `"urn:epc:id:sgln:6901234.00001.0"`, `"稻谷"`, `"a\"b"`, `"a\\b"`, `"\u00e9"`,
		`"` + "\x01" + `"`, "\"\xff\"", `"<&>"`, `12`, `null`, `{"id":"x"}`, `["a"]`, `true`, ``,
	} {
		m := object{{key: []byte("k"), val: []byte(raw)}}
		if raw == "" {
			m = nil
		}
		var want string
		if json.Unmarshal([]byte(raw), &want) != nil {
			want = ""
		}
		if got := m.str("k"); got != want {
			t.Errorf("str(%q) = %q, json.Unmarshal gives %q", raw, got, want)
		}
	}
}
