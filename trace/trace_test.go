package trace_test

import (
	"bytes"
	"encoding/json"
	"image"
	_ "image/png"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/internal/demosite"
	"github.com/agritrace/agritrace/qr"
	"github.com/agritrace/agritrace/seeds"
	"github.com/agritrace/agritrace/trace"
)

func newSite(t *testing.T) *demosite.Site { return demosite.New(t) }

func get(t *testing.T, u, accept string) (int, string, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

func decodePNG(t *testing.T, png []byte) string {
	t.Helper()
	img, _, err := image.Decode(bytes.NewReader(png))
	if err != nil {
		t.Fatal(err)
	}
	bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
	res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode QR: %v", err)
	}
	return res.GetText()
}

// TestQRRoundTrip: PNG from the API → independent decoder → URL → trail.
func TestQRRoundTrip(t *testing.T) {
	s := newSite(t)
	for _, c := range seeds.Chains() {
		status, ctype, png := get(t, s.URL+"/v1/batches/"+url.PathEscape(c.Consumer)+"/qr.png", "")
		if status != 200 || ctype != "image/png" {
			t.Fatalf("%s qr.png: %d %s", c.Key, status, ctype)
		}
		u := decodePNG(t, []byte(png))
		if !strings.HasPrefix(u, s.URL+"/01/") {
			t.Fatalf("%s: code carries %q, not a Digital Link on this resolver", c.Key, u)
		}
		status, _, body := get(t, u, "application/json")
		var pt trace.PublicTrail
		if status != 200 || json.Unmarshal([]byte(body), &pt) != nil {
			t.Fatalf("%s: resolve %s: %d %s", c.Key, u, status, body)
		}
		stages := map[string]bool{}
		for _, st := range pt.Steps {
			stages[st.Stage] = true
			if st.TxID == "" || st.Block == 0 {
				t.Errorf("%s: step %s without ledger proof", c.Key, st.Event)
			}
		}
		if !stages["produce"] || pt.Origin == nil {
			t.Errorf("%s: trail lacks its origin: %+v", c.Key, stages)
		}
		if (pt.Recall != nil) != c.Recalled {
			t.Errorf("%s: recall %+v, want %v", c.Key, pt.Recall, c.Recalled)
		}
	}
	status, ctype, svg := get(t, s.URL+"/v1/batches/"+url.PathEscape(seeds.WuchangRice().Consumer)+"/qr.svg", "")
	if status != 200 || ctype != "image/svg+xml" || !strings.HasPrefix(svg, "<svg") {
		t.Fatalf("qr.svg: %d %s", status, ctype)
	}
}

func TestTracePage(t *testing.T) {
	s := newSite(t)
	rice := seeds.WuchangRice()
	u, _ := qr.URL(s.URL, rice.Consumer)
	status, ctype, html := get(t, u, "text/html,application/xhtml+xml")
	if status != 200 || !strings.HasPrefix(ctype, "text/html") {
		t.Fatalf("page: %d %s", status, ctype)
	}
	for _, want := range []string{"五常大米 稻花香 5kg", "黑龙江省 哈尔滨市 五常市", "<dt>品种</dt>", `data-stage="produce"`, `data-stage="purchase"`,
		`data-stage="store"`, `data-stage="process"`, `data-stage="sell"`, "镉（Cd）", "AGI-2026-WC-0412", "sha256 3f1b0c1f", "区块 #"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(html, "recall-banner") {
		t.Error("recall banner on a clean lot")
	}
	if len(html) > 60_000 || strings.Contains(html, "<script src") || strings.Contains(html, "https://cdn") {
		t.Errorf("page is %d bytes or pulls external assets", len(html))
	}
	// the GI certificate with its issuer and today's status
	if !strings.Contains(html, `data-cert="AGI-2026-WC-0412" data-status="active"`) || !strings.Contains(html, "有效") ||
		!strings.Contains(html, seeds.CertBody.Name) {
		t.Error("page lacks the GI certificate with issuer and status 有效")
	}
	_, _, en := get(t, u+"?lang=en", "text/html")
	if !strings.Contains(en, "Valid") || !strings.Contains(en, "Geographical indication") {
		t.Error("English page lacks the certificate status")
	}
	if !strings.Contains(en, "From field to shelf") || !strings.Contains(en, "Wuchang, Harbin") {
		t.Error("English page")
	}
	// the recalled chain's consumer bag shows the banner although the recall was issued on the corn
	cu, _ := qr.URL(s.URL, seeds.RecalledCorn().Consumer)
	_, _, corn := get(t, cu, "text/html")
	if !strings.Contains(corn, `id="recall-banner"`) || !strings.Contains(corn, "黄曲霉毒素") {
		t.Error("recalled lineage without the red banner")
	}
	// serialised item of a lot resolves to the lot; linkset
	item, _ := qr.ItemURL(s.URL, rice.Consumer, "000042")
	if st, _, _ := get(t, item, "text/html"); st != 200 {
		t.Errorf("serialised item: %d", st)
	}
	st, ctype, ls := get(t, u+"?linkType=all", "")
	if st != 200 || ctype != "application/linkset+json" || !strings.Contains(ls, "gs1:traceability") {
		t.Errorf("linkset: %d %s %s", st, ctype, ls)
	}
}

func TestUnknownAndMalformedCodes(t *testing.T) {
	s := newSite(t)
	for _, tc := range []struct {
		path, accept string
		status       int
		want         string
	}{
		{"/01/06901234100037/10/NO-SUCH-LOT", "text/html", 404, "没有找到这个追溯码"},
		{"/01/06901234100038/10/LOT", "text/html", 400, "这个码无法识别"},
		{"/01/123/10/LOT", "application/json", 400, "problems/bad-code"},
		{"/t/" + url.PathEscape("bad code!"), "text/html", 400, "这个码无法识别"},
		{"/t/NO-SUCH", "application/json", 404, "unknown-code"},
		{"/v1/batches/NO-SUCH/qr.png", "", 404, "not on the ledger"},
		{"/v1/batches/" + url.PathEscape("urn:epc:id:sgtin:1") + "/qr.svg", "", 400, "bad-identifier"},
	} {
		status, _, body := get(t, s.URL+tc.path, tc.accept)
		if status != tc.status || !strings.Contains(body, tc.want) || strings.Contains(body, "goroutine") {
			t.Errorf("%s: %d, want %d with %q: %.200s", tc.path, status, tc.status, tc.want, body)
		}
	}
}

// TestNoPrivateFields: prices and contract terms recorded for the rice lot never reach the public
// JSON or HTML, nor do attributes outside the public allowlist.
func TestNoPrivateFields(t *testing.T) {
	s := newSite(t)
	rice := seeds.WuchangRice()
	extra := domain.Event{ID: "priv-1", Type: domain.Observe, EventTime: "2026-11-07T10:00:00+08:00",
		Actor: domain.Party{Enterprise: "DENNIS"}, Batches: []string{rice.Consumer},
		Attributes: map[string]any{"unit_price_cny": 49.9, "contract_no": "HT-2026-0088", "temp_c": 18}}
	b, _ := json.Marshal(extra)
	req, _ := http.NewRequest("POST", s.URL+"/v1/events", bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+s.Keys["ha"])
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("record attributes: %v %d", err, resp.StatusCode)
	}
	resp.Body.Close()
	var private []string
	for _, st := range rice.Steps {
		for _, e := range st.Events {
			if e.Private != nil {
				private = append(private, e.Private.ContractTerms, strings.TrimRight(strings.TrimRight(jsonNum(e.Private.Price), "0"), "."))
			}
		}
	}
	private = append(private, "HT-2026-0088", "49.9", "unit_price", "contract_no", "privateHash", "货到付款")
	u, _ := qr.URL(s.URL, rice.Consumer)
	for _, accept := range []string{"text/html", "application/json"} {
		_, _, body := get(t, u, accept)
		for _, p := range private {
			if p != "" && strings.Contains(body, p) {
				t.Errorf("%s page shows private %q", accept, p)
			}
		}
		if !strings.Contains(body, "18") {
			t.Errorf("%s page lost the public temperature", accept)
		}
	}
}

func jsonNum(f float64) string { b, _ := json.Marshal(f); return string(b) }

// TestCacheFollowsTheLedger: a page served from the per-block cache changes as soon as a new event
// on its lineage is committed.
func TestCacheFollowsTheLedger(t *testing.T) {
	s := newSite(t)
	apples := seeds.ShandongApples().Consumer
	u, _ := qr.URL(s.URL, apples)
	count := func() int {
		_, _, body := get(t, u, "application/json")
		var pt trace.PublicTrail
		_ = json.Unmarshal([]byte(body), &pt)
		return len(pt.Steps)
	}
	before := count()
	if again := count(); again != before {
		t.Fatalf("cached page differs: %d vs %d", again, before)
	}
	ev := domain.Event{ID: "cache-1", Type: domain.Inspect, EventTime: "2026-11-11T10:00:00+08:00", Actor: domain.Party{Enterprise: "LAB"},
		Batches: []string{apples}, Inspection: &domain.Inspection{Item: "甲胺磷", Result: "pass"}}
	b, _ := json.Marshal(ev)
	req, _ := http.NewRequest("POST", s.URL+"/v1/events", bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+s.Keys["ha"])
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("record: %v", err)
	}
	resp.Body.Close()
	if after := count(); after != before+1 {
		t.Fatalf("after a new event the page shows %d steps, want %d", after, before+1)
	}
}
