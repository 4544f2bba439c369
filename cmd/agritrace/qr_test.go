package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/internal/demosite"
	"github.com/agritrace/agritrace/qr"
	"github.com/agritrace/agritrace/seeds"
)

// TestQRCommand: labels refuse a loopback resolver and a recalled lot unless forced, and write
// the bare code, a printable label PDF and PDF or HTML sheets.
func TestQRCommand(t *testing.T) {
	s := demosite.New(t)
	dir := t.TempDir()
	env := filepath.Join(dir, "demo.env")
	var b strings.Builder
	for _, kv := range [][2]string{{"AGRITRACE_URL", s.URL}, {"AGRITRACE_PLATFORM_KEY", s.Keys["hlj"]}, {"AGRITRACE_PLATFORM2_URL", s.URL},
		{"AGRITRACE_PLATFORM2_KEY", s.Keys["ha"]}, {"AGRITRACE_REGULATOR_URL", s.URL}, {"AGRITRACE_REGULATOR_KEY", s.Keys["reg"]}} {
		fmt.Fprintf(&b, "%s=%s\n", kv[0], kv[1])
	}
	if err := os.WriteFile(env, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	rice, corn := seeds.WuchangRice().Consumer, seeds.RecalledCorn().Consumer
	public := "https://trace.example.cn"
	out := func(name string) string { return filepath.Join(dir, name) }
	for _, tc := range []struct {
		name    string
		args    []string
		refused string   // part of the error, when refused
		files   []string // written, when not
	}{
		{"loopback resolver", []string{"label", "--env", env, "--out", out("a"), rice}, "this machine only", nil},
		{"loopback forced", []string{"label", "--env", env, "--force", "--out", out("b"), rice}, "",
			[]string{"b/06901234100037_WC2610-B5A.png", "b/06901234100037_WC2610-B5A.svg", "b/06901234100037_WC2610-B5A-label.pdf"}},
		{"public label", []string{"label", "--env", env, "--resolver", public, "--out", out("c"), rice}, "", []string{"c/06901234100037_WC2610-B5A-label.pdf"}},
		{"recalled sheet", []string{"sheet", "--env", env, "--resolver", public, "--count", "40", "--out", out("corn.pdf"), corn}, "recalled", nil},
		{"recalled forced", []string{"sheet", "--env", env, "--resolver", public, "--count", "40", "--force", "--out", out("corn2.pdf"), corn}, "", []string{"corn2.pdf"}},
		{"html sheet", []string{"sheet", "--env", env, "--resolver", public, "--count", "40", "--out", out("rice.html"), rice}, "", []string{"rice.html"}},
		{"dense code", []string{"sheet", "--env", env, "--resolver", public + "/" + strings.Repeat("long-path/", 12), "--count", "3", "--out", out("dense.pdf"), rice}, "minimum", nil},
	} {
		err := runQR(context.Background(), tc.args)
		switch {
		case tc.refused != "" && (err == nil || !strings.Contains(err.Error(), tc.refused)):
			t.Errorf("%s: err %v, want refusal with %q", tc.name, err, tc.refused)
		case tc.refused == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		}
		for _, f := range tc.files {
			if st, err := os.Stat(out(f)); err != nil || st.Size() == 0 {
				t.Errorf("%s: %s not written", tc.name, f)
			}
		}
	}
	html, _ := os.ReadFile(out("rice.html"))
	for _, want := range []string{qr.CallToAction, "五常大米 稻花香 5kg", "(01)06901234100037(10)WC2610-B5A(21)000040"} {
		if !strings.Contains(string(html), want) {
			t.Errorf("HTML sheet lacks %q", want)
		}
	}
}
