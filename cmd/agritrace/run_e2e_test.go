package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"image"
	_ "image/png"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/agritrace/agritrace/internal/browser"
	"github.com/agritrace/agritrace/internal/testnet"
	"github.com/agritrace/agritrace/network"
	"github.com/agritrace/agritrace/seeds"
	"github.com/agritrace/agritrace/trace"
)

// TestE2EMakeRun runs what `make run` runs, non-interactively: it waits for "ready", checks every
// printed URL answers, resolves the QR code of each seeded chain to its full trail, then stops it
// with Ctrl-C and checks nothing is left running or listening.
func TestE2EMakeRun(t *testing.T) {
	testnet.Skip(t)
	dir := t.TempDir()
	state := filepath.Join(dir, "network")
	addr := "127.0.0.1:18650" // 黑龙江's gateway; 河南's on 18651, the regulator's on 18652
	cmd := exec.Command(testnet.Binary(t), "run", "--state", state, "--base-port", "27650", "--gateway-port", "18650",
		"--env", filepath.Join(dir, "demo.env"))
	cmd.Env = append(cmd.Environ(), "AGRITRACE_FABRIC_CACHE="+testnet.CacheDir(t))
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	var out strings.Builder
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			out.WriteString(sc.Text() + "\n")
			if strings.HasPrefix(sc.Text(), "Ctrl-C stops everything") {
				close(ready)
			}
		}
		exited <- cmd.Wait()
	}()
	defer func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
		if c, err := network.LoadConfig(state); err == nil {
			_ = network.Down(c, false, io.Discard)
		}
	}()
	select {
	case <-ready:
	case err := <-exited:
		t.Fatalf("run exited before ready: %v\n%s\n%s", err, out.String(), stderr.String())
	case <-time.After(4 * time.Minute):
		t.Fatalf("run not ready after 4 minutes:\n%s", out.String())
	}
	printed := out.String()
	t.Logf("make run printed:\n%s", printed)
	urls := regexp.MustCompile(`http://127\.0\.0\.1:1865[0-2][^\s)]*`).FindAllString(printed, -1)
	if len(urls) < 8 {
		t.Fatalf("only %d URLs printed", len(urls))
	}
	if urls[0] != "http://"+addr+"/" {
		t.Errorf("first URL printed is %s, want the landing page http://%s/", urls[0], addr)
	}
	env := readDemoEnv(t, filepath.Join(dir, "demo.env"))
	for org, want := range map[string]string{"AGRITRACE_URL": "http://127.0.0.1:18650", "AGRITRACE_PLATFORM2_URL": "http://127.0.0.1:18651",
		"AGRITRACE_REGULATOR_URL": "http://127.0.0.1:18652"} {
		if env[org] != want {
			t.Errorf("demo.env %s = %q, want %q", org, env[org], want)
		}
	}
	for _, u := range urls {
		req, _ := http.NewRequest("GET", u, nil)
		if strings.Contains(u, "/v1/") { // the printed curl example carries the platform key
			req.Header.Set("Authorization", "Bearer "+env["AGRITRACE_PLATFORM_KEY"])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s answered %d", u, resp.StatusCode)
		}
	}
	// the producer's 承诺达标合格证 of the harvested paddy, with its particulars from the ledger
	cert := filepath.Join(dir, "compliance.pdf")
	if out, err := testnet.Run(t, "qr", "compliance", "--env", filepath.Join(dir, "demo.env"), "--force", "--out", cert,
		"--contact", "0451-5555 0231", "--basis", "委托检测,内部质量控制", seeds.Lot("10001", "WC2609-HG07")); err != nil {
		t.Fatalf("qr compliance: %v\n%s", err, out)
	}
	if txt, err := exec.Command("pdftotext", cert, "-").Output(); err == nil {
		flat := strings.ReplaceAll(string(txt), "\n", "")
		for _, want := range []string{"承诺达标合格证", "五常稻谷", "15000 千克", "五常", "0451-5555 0231"} {
			if !strings.Contains(flat, want) {
				t.Errorf("compliance certificate lacks %q:\n%s", want, txt)
			}
		}
	} else if b, _ := os.ReadFile(cert); !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Errorf("compliance certificate is not a PDF")
	}
	for _, ch := range seeds.Chains() {
		req, _ := http.NewRequest("GET", "http://"+addr+"/v1/batches/"+url.PathEscape(ch.Consumer)+"/qr.png", nil)
		req.Header.Set("Authorization", "Bearer "+env["AGRITRACE_PLATFORM_KEY"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		img, _, err := image.Decode(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s qr: %v", ch.Key, err)
		}
		bmp, _ := gozxing.NewBinaryBitmapFromImage(img)
		res, err := zxqr.NewQRCodeReader().Decode(bmp, nil)
		if err != nil {
			t.Fatalf("%s: decode QR: %v", ch.Key, err)
		}
		req, _ = http.NewRequest("GET", res.GetText(), nil)
		req.Header.Set("Accept", "application/json")
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var pt trace.PublicTrail
		err = json.NewDecoder(resp.Body).Decode(&pt)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: resolve %s: %d %v", ch.Key, res.GetText(), resp.StatusCode, err)
		}
		if len(pt.Steps) < 3 || pt.Steps[0].Type != "produce" || pt.Steps[0].Block == 0 || (pt.Recall != nil) != ch.Recalled {
			t.Errorf("%s: trail of %d steps, first %+v, recall %v", ch.Key, len(pt.Steps), pt.Steps[0], pt.Recall)
		}
		// every org's gateway resolves the same code from its own read model
		for _, other := range []string{env["AGRITRACE_PLATFORM2_URL"], env["AGRITRACE_REGULATOR_URL"]} {
			u := strings.Replace(res.GetText(), "http://"+addr, other, 1)
			req, _ := http.NewRequest("GET", u, nil)
			req.Header.Set("Accept", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var again trace.PublicTrail
			err = json.NewDecoder(resp.Body).Decode(&again)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 || len(again.Steps) != len(pt.Steps) {
				t.Errorf("%s on %s: %d, %d steps (want %d): %v", ch.Key, other, resp.StatusCode, len(again.Steps), len(pt.Steps), err)
			}
		}
	}
	// a phone opens the rice bag's page served from the real network
	riceURL := ""
	for _, u := range urls {
		if strings.Contains(u, "/01/06901234100037/10/WC2610-B5A") {
			riceURL = u
		}
	}
	phone := browser.New(t, 360, 740)
	var stages []string
	if err := chromedp.Run(phone, chromedp.Navigate(riceURL), chromedp.WaitReady(`ol.tl`),
		chromedp.Evaluate(`[...new Set([...document.querySelectorAll('li.step')].map(li => li.dataset.stage))]`, &stages)); err != nil {
		t.Fatalf("load %s in Chromium: %v", riceURL, err)
	}
	if len(stages) < 5 {
		t.Errorf("the rice page shows stages %v", stages)
	}
	browser.Screenshot(t, phone, "make-run-rice-360.png")

	// issue 15: the seeded reserve's alerts are listed on a fresh run — the regulator sees the
	// 河南 depot's shortfall and the 黑龙江 paddy past its storage age; each platform only its own
	shortfall, overAge := "variance:seed-rsv-ha-c02-P02", "storage-age:"+seeds.HeilongjiangDepot+"/A1/paddy/2022/provincial"
	for _, c := range []struct {
		url, key      string
		want, notWant []string
	}{
		{env["AGRITRACE_REGULATOR_URL"], env["AGRITRACE_REGULATOR_KEY"], []string{shortfall, overAge}, nil},
		{env["AGRITRACE_PLATFORM2_URL"], env["AGRITRACE_PLATFORM2_KEY"], []string{shortfall}, []string{overAge}},
		{env["AGRITRACE_URL"], env["AGRITRACE_PLATFORM_KEY"], []string{overAge}, []string{shortfall}},
	} {
		req, _ := http.NewRequest("GET", c.url+"/v1/reserves/alerts?status=open", nil)
		req.Header.Set("Authorization", "Bearer "+c.key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var alerts struct {
			Alerts []struct {
				ID string `json:"id"`
			} `json:"alerts"`
		}
		err = json.NewDecoder(resp.Body).Decode(&alerts)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s/v1/reserves/alerts: %d %v", c.url, resp.StatusCode, err)
		}
		listed := map[string]bool{}
		for _, a := range alerts.Alerts {
			listed[a.ID] = true
		}
		for _, id := range c.want {
			if !listed[id] {
				t.Errorf("%s/v1/reserves/alerts lacks %s: %v", c.url, id, listed)
			}
		}
		for _, id := range c.notWant {
			if listed[id] {
				t.Errorf("%s/v1/reserves/alerts shows another platform's %s", c.url, id)
			}
		}
	}

	c, err := network.LoadConfig(state)
	if err != nil {
		t.Fatal(err)
	}
	pids := network.RecordedPIDs(c)
	_ = cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("run exited with %v after Ctrl-C\n%s", err, stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("run did not stop within 60 s of Ctrl-C")
	}
	for name, pid := range pids {
		if syscall.Kill(pid, 0) == nil {
			if b, _ := exec.Command("ps", "-o", "stat=", "-p", itoaPID(pid)).Output(); !strings.HasPrefix(strings.TrimSpace(string(b)), "Z") {
				t.Errorf("%s (pid %d) still running after Ctrl-C", name, pid)
			}
		}
	}
	if busy := network.BusyPorts(c); len(busy) > 0 {
		t.Errorf("ports still listening: %v", busy)
	}
	if conn, err := net.DialTimeout("tcp", addr, 300*time.Millisecond); err == nil {
		conn.Close()
		t.Errorf("gateway still listening on %s", addr)
	}
}

func itoaPID(p int) string { return strconv.Itoa(p) }

func readDemoEnv(t *testing.T, path string) map[string]string {
	t.Helper()
	env, err := readEnv(path)
	if err != nil {
		t.Fatal(err)
	}
	return env
}
