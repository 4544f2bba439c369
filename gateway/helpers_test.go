package gateway

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/internal/memledger"
	"github.com/agritrace/agritrace/network"
	"github.com/agritrace/agritrace/readmodel"
	"github.com/agritrace/agritrace/trace"
)

var orgMSP = map[string]string{"hlj": "HeilongjiangMSP", "ha": "HenanMSP", "reg": "RegulatorMSP"}

type env struct {
	t      testing.TB
	srv    *Server
	ts     *httptest.Server
	ledger *memledger.Ledger
	keys   map[string]string // org → clear key
}

// observed collects (route, status) pairs of every test server for the OpenAPI conformance check.
var (
	observedMu sync.Mutex
	servers    []*Server
)

func newEnv(t testing.TB) *env {
	t.Helper()
	store, err := readmodel.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	keys := &Keys{}
	clear := map[string]string{}
	for _, o := range network.DefaultOrgs() {
		k, err := keys.NewKey(o.Label, o.Identity(), nil)
		if err != nil {
			t.Fatal(err)
		}
		clear[o.Key] = k
	}
	// a key restricted to storage events
	wh, _ := keys.NewKey("仓储子账户", domain.Org{Key: "hlj", MSPID: "HeilongjiangMSP", Role: "platform"}, []string{"store", "transport"})
	clear["hlj-store"] = wh
	ml := memledger.New(store, orgMSP, "reg")
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := New(keys, store, ml, nil, Options{MaxBodyBytes: 1 << 20, RegulatorMSP: orgMSP["reg"]}, log)
	observedMu.Lock()
	servers = append(servers, srv)
	observedMu.Unlock()
	(&trace.Handler{Store: store, Public: "http://trace.test", Log: log}).Mount(srv.Mux())
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{t: t, srv: srv, ts: ts, ledger: ml, keys: clear}
}

type response struct {
	status int
	ctype  string
	body   []byte
	hdr    http.Header
}

func (r response) header(k string) string { return r.hdr.Get(k) }

func (r response) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

func (r response) problem(t *testing.T) Problem {
	t.Helper()
	if r.ctype != "application/problem+json" {
		t.Fatalf("status %d with content type %q, want application/problem+json: %s", r.status, r.ctype, r.body)
	}
	var p Problem
	r.json(t, &p)
	if p.Status != r.status || p.Type == "" || p.Title == "" {
		t.Fatalf("malformed problem %s", r.body)
	}
	return p
}

func (e *env) do(method, path, key, ctype string, body io.Reader) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header.Get("Content-Type"), b, resp.Header}
}

func (e *env) post(path, org string, v any) response {
	e.t.Helper()
	var body string
	if s, ok := v.(string); ok {
		body = s
	} else {
		b, _ := json.Marshal(v)
		body = string(b)
	}
	return e.do("POST", path, e.keys[org], "application/json", strings.NewReader(body))
}

func (e *env) get(path, org string) response {
	e.t.Helper()
	return e.do("GET", path, e.keys[org], "", nil)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if msg := checkDocumentedStatuses(); msg != "" {
			fmt.Fprintln(os.Stderr, "OpenAPI conformance:", msg)
			code = 1
		}
	}
	os.Exit(code)
}

// checkDocumentedStatuses verifies that every (route, status) any handler test produced is a
// documented response of that operation.
func checkDocumentedStatuses() string {
	var spec struct {
		Paths map[string]map[string]struct {
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(openAPI, &spec); err != nil {
		return err.Error()
	}
	var missing []string
	for _, s := range servers {
		families, err := s.metrics.reg.Gather()
		if err != nil {
			return err.Error()
		}
		for _, f := range families {
			if f.GetName() != "agritrace_http_requests_total" {
				continue
			}
			for _, m := range f.GetMetric() {
				var route, code string
				for _, l := range m.GetLabel() {
					switch l.GetName() {
					case "route":
						route = l.GetValue()
					case "code":
						code = l.GetValue()
					}
				}
				method, path, ok := strings.Cut(route, " ")
				if !ok {
					continue // unmatched routes: the mux's 404/405
				}
				op, ok := spec.Paths[path][strings.ToLower(method)]
				if !ok {
					missing = append(missing, route+" is not in the spec")
					continue
				}
				if _, ok := op.Responses[code]; !ok {
					missing = append(missing, route+" answered "+code+", which the spec does not document")
				}
			}
		}
	}
	return strings.Join(missing, "; ")
}
