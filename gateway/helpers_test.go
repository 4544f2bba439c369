package gateway

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/agritrace/agritrace/audit"
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
	(&trace.Handler{Store: store, Public: "http://trace.test", Log: log}).Mount(srv.Mux())
	spec, err := liveSpec()
	if err != nil {
		t.Fatal(err) // TestOpenAPIDocumentValid lists what is wrong with the document
	}
	ts := httptest.NewServer(spec.wrap(srv.Mux(), srv))
	t.Cleanup(ts.Close)
	return &env{t: t, srv: srv, ts: ts, ledger: ml, keys: clear}
}

// harvestedEnv is an env holding one harvest of lot and an audit that reports nothing: the routes
// behind a batch and the audit answer as they do on a live ledger (the audit needs a ledger stream
// these tests have not).
func harvestedEnv(t *testing.T, id, lot string) *env {
	t.Helper()
	e := newEnv(t)
	if r := e.post("/v1/events", "hlj", harvest(id, lot, 100)); r.status != 201 {
		t.Fatalf("fixture: %d %s", r.status, r.body)
	}
	e.srv.SetAuditor(func(context.Context) (audit.Report, error) { return audit.Report{}, nil })
	return e
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
	return e.doWith(method, path, key, map[string]string{"Content-Type": ctype}, body)
}

// doWith sends a request with the org's key (when set) and the headers of hdr that are not empty.
func (e *env) doWith(method, path, key string, hdr map[string]string, body io.Reader) response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.ts.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for k, v := range hdr {
		if v != "" {
			req.Header.Set(k, v)
		}
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
	os.Exit(checkConformance(m.Run()))
}
