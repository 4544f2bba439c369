package console_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/agritrace/agritrace/internal/testnet"
	"github.com/agritrace/agritrace/qr"
	"github.com/agritrace/agritrace/seeds"
)

// TestE2EPages: the faces people see, on a real Fabric network with one gateway process per org.
// Every gateway answers / and the consumer pages; the regulator's serves the console, whose batch
// page reads the batch's history from the ledger itself, and whose recall reaches the consumer
// page served by a platform's gateway.
func TestE2EPages(t *testing.T) {
	testnet.Skip(t)
	c := testnet.Start(t, 29650)
	gs := testnet.StartGateway(t, c, 19650)
	ctx := context.Background()
	if _, err := seeds.Load(ctx, seeds.FromEnv(gs.Env), seeds.Chains(), io.Discard); err != nil {
		t.Fatal(err)
	}
	hlj, reg := gs.Env["AGRITRACE_URL"], gs.Env["AGRITRACE_REGULATOR_URL"]
	get := func(cl *http.Client, u, lang string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", u, nil)
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		resp, err := cl.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, g := range gs.ByOrg {
		st, body := get(http.DefaultClient, g.URL+"/", "")
		if st != 200 || !strings.Contains(body, seeds.WuchangRice().Title) || !strings.Contains(body, `data-status="ok"`) {
			t.Errorf("%s: / answered %d", g.Org.Key, st)
		}
		if hasConsole := strings.Contains(body, `href="/console"`); hasConsole != (g.Org.Role == "regulator") {
			t.Errorf("%s: / links the console: %v", g.Org.Key, hasConsole)
		}
		if st, _ := get(http.DefaultClient, g.URL+"/static/trace.css", ""); st != 200 {
			t.Errorf("%s: /static/trace.css answered %d", g.Org.Key, st)
		}
	}
	rice, _ := qr.URL(hlj, seeds.WuchangRice().Consumer)
	if st, body := get(http.DefaultClient, rice, "en-GB,en"); st != 200 || !strings.Contains(body, "Cadmium (Cd)") || !strings.Contains(body, `id="verdict"`) {
		t.Errorf("English rice page: %d", st)
	}
	// the regulator recorded the corn's recall through its own gateway: 黑龙江's shows it, with
	// what to do, once its read model has the block
	corn, _ := qr.URL(hlj, seeds.RecalledCorn().Consumer)
	eventually(t, "the corn's recall on 黑龙江's gateway", func() bool {
		_, body := get(http.DefaultClient, corn, "")
		return strings.Contains(body, "0454-8123456") && strings.Contains(body, "停止食用")
	})

	// the console, on the regulator's gateway
	cl := client(t)
	resp, err := cl.PostForm(reg+"/console/login", url.Values{"key": {gs.Env["AGRITRACE_REGULATOR_KEY"]}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("console login: %v", err)
	}
	resp.Body.Close()
	cornLot := url.PathEscape(seeds.RecalledCorn().Steps[1].Recall.Batch)
	_, body := get(cl, reg+"/console/batch/"+cornLot, "")
	// the corn's versions on the ledger, oldest first: harvested and milled in the seed's
	// transaction, then recalled in the regulator's, each dated by its transaction
	history := regexp.MustCompile(`(?s)id="history".*?</table>`).FindString(body)
	dated := regexp.MustCompile(`<tr><td data-label="时间">2\d{3}-\d\d-\d\d \d\d:\d\d</td>\s*<td data-label="状态">([^<]+)</td>`).FindAllStringSubmatch(history, -1)
	if len(dated) != 2 || dated[1][1] != "已召回" {
		t.Errorf("ledger history of the corn: %v in %.800s", dated, history)
	}
	if !strings.Contains(body, `id="lineage"`) {
		t.Error("no lineage graph")
	}
	if st, csv := get(cl, reg+"/console/batch/"+cornLot+"/impact.csv", ""); st != 200 || strings.Count(csv, "\n") != 5 {
		t.Errorf("impact CSV: %d %q", st, csv)
	}
	// recall the apples from the console; 黑龙江's gateway shows it once its read model has the block.
	// A consumer scans the apples first: the answer cached then must not outlive the recall
	page, _ := qr.URL(hlj, seeds.ShandongApples().Consumer)
	if st, body := get(http.DefaultClient, page, ""); st != 200 || strings.Contains(body, "农残复检超标（端到端测试）") {
		t.Fatalf("apples page before the recall: %d", st)
	}
	apples := url.PathEscape(seeds.ShandongApples().Consumer)
	_, body = get(cl, reg+"/console/batch/"+apples+"/recall", "")
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if csrf == nil {
		t.Fatal("no recall form")
	}
	resp, err = cl.PostForm(reg+"/console/batch/"+apples+"/recall", url.Values{"csrf": {csrf[1]}, "reason": {"农残复检超标（端到端测试）"}, "hotline": {"0371-12345678"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `id="flash"`) {
		t.Fatalf("console recall: %d %.300s", resp.StatusCode, b)
	}
	eventually(t, "the console's recall on 黑龙江's consumer page", func() bool {
		_, body := get(http.DefaultClient, page, "")
		return strings.Contains(body, "0371-12345678") && strings.Contains(body, "农残复检超标（端到端测试）")
	})
}

// eventually waits up to 30 s for another gateway's read model to apply a block.
func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !ok(); time.Sleep(300 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not there within 30 s", what)
		}
	}
}
