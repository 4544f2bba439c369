package gateway

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/agritrace/agritrace/readmodel"
)

func TestCheckHookAddr(t *testing.T) {
	for _, tc := range []struct {
		addr             string
		public, private_ bool // allowed without, and with, the operator's permission
	}{
		{"93.184.215.14", true, true},
		{"2606:2800:21f:cb07:6820:80da:af6b:8b2c", true, true},
		{"127.0.0.1", false, true},
		{"127.10.0.3", false, true},
		{"::1", false, true},
		{"::ffff:127.0.0.1", false, true}, // IPv4-mapped loopback
		{"169.254.169.254", false, true},  // cloud metadata
		{"fe80::1", false, true},
		{"10.1.2.3", false, true},
		{"172.16.0.1", false, true},
		{"172.31.255.255", false, true},
		{"172.32.0.1", true, true},
		{"192.168.1.1", false, true},
		{"fd00::1", false, true},
		{"100.64.0.1", false, true},
		{"0.0.0.0", false, false},
		{"::", false, false},
		{"224.0.0.1", false, false},
		{"240.0.0.1", false, true},
	} {
		ip := netip.MustParseAddr(tc.addr)
		if err := checkHookAddr(ip, false); (err == nil) != tc.public {
			t.Errorf("%s without permission: %v, want allowed=%v", tc.addr, err, tc.public)
		} else if err != nil && !errors.Is(err, ErrHookDestination) {
			t.Errorf("%s: error %v is not ErrHookDestination", tc.addr, err)
		}
		if err := checkHookAddr(ip, true); (err == nil) != tc.private_ {
			t.Errorf("%s with permission: %v, want allowed=%v", tc.addr, err, tc.private_)
		}
	}
}

func TestCheckHookURL(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		url, why string
		allow    bool
	}{
		{"ftp://93.184.215.14/x", "absolute http or https", false},
		{"/relative", "absolute http or https", false},
		{"https://user:pw@93.184.215.14/", "without credentials", false},
		{"http://127.0.0.1:9/hook", "loopback", false},
		{"http://[::1]:9/hook", "loopback", false},
		{"http://169.254.169.254/latest/meta-data", "link-local", false},
		{"http://localhost:9/hook", "localhost resolves to", false}, // the name is resolved, not trusted
		{"http://127.0.0.1:9/hook", "", true},
		{"https://93.184.215.14/hook", "", false},
	} {
		err := checkHookURL(ctx, tc.url, tc.allow, net.DefaultResolver)
		if tc.why == "" {
			if err != nil {
				t.Errorf("%s (allow private %v): %v", tc.url, tc.allow, err)
			}
			continue
		}
		if err == nil || !errors.Is(err, ErrHookDestination) || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("%s: %v, want a refusal naming %q", tc.url, err, tc.why)
		}
	}
}

// The dialled address is checked, whatever the name said when the subscription was made (a DNS
// answer that changes to a private address afterwards is refused at delivery).
func TestHookClientChecksDialledAddress(t *testing.T) {
	hit := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hit = true }))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	for _, u := range []string{srv.URL, "http://localhost" + port} {
		_, err := hookClient(false).Post(u, "application/json", strings.NewReader("{}"))
		if !errors.Is(err, ErrHookDestination) {
			t.Errorf("POST %s: %v, want ErrHookDestination", u, err)
		}
	}
	if hit {
		t.Fatal("the loopback receiver was reached")
	}
	resp, err := hookClient(true).Post(srv.URL, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatalf("with the operator's permission: %v", err)
	}
	resp.Body.Close()
	// a redirect is not followed: the receiver itself must answer
	redir := httptest.NewServer(http.RedirectHandler(srv.URL, http.StatusTemporaryRedirect))
	defer redir.Close()
	hit = false
	resp, err = hookClient(true).Post(redir.URL, "application/json", strings.NewReader("{}"))
	if err != nil || resp.StatusCode != http.StatusTemporaryRedirect || hit {
		t.Fatalf("redirect: %v %v, reached the target %v", resp, err, hit)
	}
	resp.Body.Close()
}

func TestEPCISSubscribeRefusesPrivateDest(t *testing.T) {
	e := newEnv(t) // no permission for private destinations: the default
	if r := e.post("/epcis/queries", "hlj", map[string]any{"name": "all", "query": map[string]any{}}); r.status != 201 {
		t.Fatalf("create query: %d %s", r.status, r.body)
	}
	for _, dest := range []string{"http://127.0.0.1:8080/hook", "http://169.254.169.254/", "http://10.0.0.7/hook", "http://localhost:8082/metrics", "gopher://93.184.215.14/"} {
		r := e.post("/epcis/queries/all/subscriptions", "hlj", map[string]any{"dest": dest, "signatureToken": "a-shared-secret-of-enough-length"})
		var p Problem
		r.json(t, &p)
		if r.status != 400 || p.Rule != "WebhookDestination" || p.Pointer != "/dest" || r.ctype != "application/problem+json" {
			t.Errorf("subscribe to %s: %d %s", dest, r.status, r.body)
		}
	}
}

// After MaxDeliveryFailures failed attempts in a row a subscription is suspended: shown as such
// and no longer called, with its checkpoint kept.
func TestEPCISSubscriptionSuspended(t *testing.T) {
	t.Setenv(AllowPrivateHooksEnv, "true")
	e := newEnv(t)
	rc := &receiver{secret: "a-shared-secret-of-enough-length"}
	hook := httptest.NewServer(rc)
	defer hook.Close()
	if r := e.post("/epcis/queries", "hlj", map[string]any{"name": "all", "query": map[string]any{}}); r.status != 201 {
		t.Fatalf("create query: %d %s", r.status, r.body)
	}
	var sub readmodel.Subscription
	e.post("/epcis/queries/all/subscriptions", "hlj", map[string]any{"dest": hook.URL, "signatureToken": rc.secret}).json(t, &sub)
	for range MaxDeliveryFailures {
		if err := e.srv.store.DeliveryFailed(context.Background(), sub.ID, "receiver answered 503"); err != nil {
			t.Fatal(err)
		}
	}
	doc, _ := allTypes(t)
	if status, job := e.captureJob(t, "hlj", doc, nil); status != 202 || job["success"] != true {
		t.Fatalf("capture: %d %v", status, job)
	}
	time.Sleep(2 * deliveryPeriod)
	if got := rc.got(); len(got) != 0 {
		t.Fatalf("a suspended subscription was delivered %v", got)
	}
	var got map[string]any
	e.get("/epcis/queries/all/subscriptions/"+sub.ID, "hlj").json(t, &got)
	if got["suspended"] != true || got["failures"].(float64) != MaxDeliveryFailures {
		t.Fatalf("subscription after %d failures: %v", MaxDeliveryFailures, got)
	}
}
