// Package console is the regulator's web console: search, batch detail with ledger history, a
// lineage graph, recall with its impact shown first, and statistics. It is server-rendered and a
// thin client of the gateway's own API (called in-process with the regulator's key), so it enforces
// exactly what the API enforces.
package console

import (
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/qr"
	"github.com/agritrace/agritrace/readmodel"
	"github.com/agritrace/agritrace/trace"
)

//go:embed templates.html
var tmplFS embed.FS

var tmpl = template.Must(template.New("").Funcs(template.FuncMap{
	"esc":    url.PathEscape,
	"region": func(c string) string { return trace.RegionName(c, "zh") },
	"day": func(s string) string {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.Format("2006-01-02 15:04")
		}
		return s
	},
	"short": func(s string) string { return s[:min(12, len(s))] },
}).ParseFS(tmplFS, "templates.html"))

type session struct {
	key  string
	csrf string
	exp  time.Time
}

// Console serves /console.
type Console struct {
	API    http.Handler // the gateway itself
	Store  *readmodel.Store
	Public string
	Log    *slog.Logger
	Guard  *gateway.AuthGuard // the API's limiter of failed keys, to tell a locked-out client when to retry

	mu       sync.Mutex
	sessions map[string]*session
}

const cookieName = "agritrace_console"

// Mount registers the console routes.
func (c *Console) Mount(mux *http.ServeMux) {
	c.sessions = map[string]*session{}
	mux.HandleFunc("GET /console", c.search)
	mux.HandleFunc("POST /console/login", c.login)
	mux.HandleFunc("POST /console/logout", c.logout)
	mux.HandleFunc("GET /console/batch/{id}", c.batch)
	mux.HandleFunc("GET /console/batch/{id}/recall", c.recallConfirm)
	mux.HandleFunc("POST /console/batch/{id}/recall", c.recall)
	mux.HandleFunc("GET /console/stats", c.stats)
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (c *Console) session(r *http.Request) *session {
	ck, err := r.Cookie(cookieName)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.sessions[ck.Value]
	if s == nil || time.Now().After(s.exp) {
		delete(c.sessions, ck.Value)
		return nil
	}
	return s
}

// api calls the gateway in-process as the session's regulator.
func (c *Console) api(r *http.Request, s *session, method, path string, body any) (int, []byte) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = strings.NewReader(string(b))
	}
	req := httptest.NewRequestWithContext(r.Context(), method, path, rd)
	req.Header.Set("Authorization", "Bearer "+s.key)
	req.RemoteAddr = r.RemoteAddr // failed keys are limited per browser client, not per console
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	c.API.ServeHTTP(rec, req)
	return rec.Code, rec.Body.Bytes()
}

func (c *Console) render(w http.ResponseWriter, status int, name string, data map[string]any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	if err := tmpl.ExecuteTemplate(w, name, data); err != nil {
		c.Log.Error("render console", "template", name, "err", err)
	}
}

// problemDetail is the detail of the API's problem+json answer.
func problemDetail(body []byte) string {
	var p gateway.Problem
	_ = json.Unmarshal(body, &p)
	return p.Detail
}

// apiFailed shows the API's refusal on the console's error page, with the API's status.
func (c *Console) apiFailed(w http.ResponseWriter, status int, body []byte) {
	c.render(w, status, "error", map[string]any{"Error": problemDetail(body), "Status": status})
}

func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimSpace(r.FormValue("key"))
	s := &session{key: key, csrf: randomToken(), exp: time.Now().Add(8 * time.Hour)}
	// the key is checked by the API itself: only the regulator's key may read statistics
	status, _ := c.api(r, s, "GET", "/v1/stats?stored_days=30", nil)
	if status == http.StatusTooManyRequests {
		// the API's limiter of failed keys locked this client out: say when to try again
		secs := 60
		if c.Guard != nil {
			wait, _ := c.Guard.Blocked(gateway.ClientOf(r), gateway.HashKey(key)[:16])
			secs = int(wait.Seconds()) + 1
		}
		w.Header().Set("Retry-After", fmt.Sprint(secs))
		c.render(w, http.StatusTooManyRequests, "login", map[string]any{"Error": fmt.Sprintf("尝试次数过多，请 %d 秒后再试（Too many attempts: retry in %d s）", secs, secs)})
		return
	}
	if status != http.StatusOK {
		c.render(w, http.StatusUnauthorized, "login", map[string]any{"Error": "该密钥不是监管机构的 API 密钥（The key is not the regulator's API key）"})
		return
	}
	id := randomToken()
	c.mu.Lock()
	c.sessions[id] = s
	c.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: id, Path: "/console", HttpOnly: true, SameSite: http.SameSiteStrictMode, Expires: s.exp})
	http.Redirect(w, r, "/console", http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(cookieName); err == nil {
		c.mu.Lock()
		delete(c.sessions, ck.Value)
		c.mu.Unlock()
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/console", MaxAge: -1})
	http.Redirect(w, r, "/console", http.StatusSeeOther)
}

func (c *Console) search(w http.ResponseWriter, r *http.Request) {
	s := c.session(r)
	if s == nil {
		c.render(w, http.StatusOK, "login", nil)
		return
	}
	q := r.URL.Query()
	data := map[string]any{"Q": q, "CSRF": s.csrf}
	if q.Get("page_size") == "" {
		q.Set("page_size", "20")
	}
	status, body := c.api(r, s, "GET", "/v1/batches?"+q.Encode(), nil)
	if status != http.StatusOK {
		data["Error"] = problemDetail(body)
		c.render(w, http.StatusBadRequest, "search", data)
		return
	}
	var page struct {
		LedgerBlock uint64
		Next        string
		Batches     []domain.Batch
	}
	_ = json.Unmarshal(body, &page)
	data["Page"] = page
	if page.Next != "" {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("cursor", page.Next)
		data["NextURL"] = "/console?" + nq.Encode()
	}
	c.render(w, http.StatusOK, "search", data)
}

func (c *Console) batch(w http.ResponseWriter, r *http.Request) {
	s := c.session(r)
	if s == nil {
		c.render(w, http.StatusUnauthorized, "login", nil)
		return
	}
	id := r.PathValue("id")
	esc := url.PathEscape(id)
	status, body := c.api(r, s, "GET", "/v1/batches/"+esc, nil)
	if status != http.StatusOK {
		c.apiFailed(w, status, body)
		return
	}
	var br gateway.BatchResponse
	_ = json.Unmarshal(body, &br)
	data := map[string]any{"B": br.Batch, "Block": br.LedgerBlock, "CSRF": s.csrf, "Flash": r.URL.Query().Get("flash")}
	if _, b := c.api(r, s, "GET", "/v1/batches/"+esc+"/lineage?depth=20&limit=200", nil); b != nil {
		var g gateway.LineageResponse
		if json.Unmarshal(b, &g) == nil {
			data["Graph"] = template.HTML(graphSVG(&g, g.Batches)) //nolint:gosec // built from escaped values
			data["Lineage"] = g
		}
	}
	if st, b := c.api(r, s, "GET", "/v1/batches/"+esc+"/history", nil); st == http.StatusOK {
		var h struct {
			Versions []struct {
				TxID      string        `json:"txId"`
				Timestamp string        `json:"timestamp"`
				Batch     *domain.Batch `json:"batch"`
			}
		}
		_ = json.Unmarshal(b, &h)
		data["History"] = h.Versions
	} else {
		data["HistoryError"] = fmt.Sprintf("ledger history unavailable (%d)", st)
	}
	if t, err := c.Store.Trail(r.Context(), br.Batch.ID, 1, 1); err == nil {
		data["Events"] = t.Events
	}
	if u, err := qr.URL(c.Public, br.Batch.ID); err == nil {
		data["PublicURL"] = u
	}
	c.render(w, http.StatusOK, "batch", data)
}

func (c *Console) recallConfirm(w http.ResponseWriter, r *http.Request) {
	s := c.session(r)
	if s == nil {
		c.render(w, http.StatusUnauthorized, "login", nil)
		return
	}
	id := r.PathValue("id")
	status, body := c.api(r, s, "GET", "/v1/batches/"+url.PathEscape(id)+"/impact", nil)
	if status != http.StatusOK {
		c.apiFailed(w, status, body)
		return
	}
	var imp gateway.ImpactResponse
	_ = json.Unmarshal(body, &imp)
	c.render(w, http.StatusOK, "recall", map[string]any{"ID": id, "Impact": imp, "CSRF": s.csrf})
}

func (c *Console) recall(w http.ResponseWriter, r *http.Request) {
	s := c.session(r)
	if s == nil {
		c.render(w, http.StatusUnauthorized, "login", nil)
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.FormValue("csrf")), []byte(s.csrf)) != 1 {
		c.render(w, http.StatusForbidden, "error", map[string]any{"Error": "表单已过期，请重新打开召回页面（stale form）", "Status": 403})
		return
	}
	id := r.PathValue("id")
	reason := strings.TrimSpace(r.FormValue("reason"))
	if reason == "" {
		c.render(w, http.StatusBadRequest, "error", map[string]any{"Error": "请填写召回原因（a reason is required）", "Status": 400})
		return
	}
	status, body := c.api(r, s, "POST", "/v1/batches/"+url.PathEscape(id)+"/recall",
		map[string]any{"id": "console-recall-" + randomToken()[:12], "reason": reason,
			"actor": map[string]string{"enterprise": "国家粮食和物资储备局（监管控制台）"}})
	if status != http.StatusCreated && status != http.StatusOK {
		c.apiFailed(w, status, body)
		return
	}
	c.Log.Info("recall issued from the console", "batch", id)
	http.Redirect(w, r, "/console/batch/"+url.PathEscape(id)+"?flash=recalled", http.StatusSeeOther)
}

func (c *Console) stats(w http.ResponseWriter, r *http.Request) {
	s := c.session(r)
	if s == nil {
		c.render(w, http.StatusUnauthorized, "login", nil)
		return
	}
	q := r.URL.Query()
	if q.Get("stored_days") == "" {
		q.Set("stored_days", "30")
	}
	status, body := c.api(r, s, "GET", "/v1/stats?"+q.Encode(), nil)
	if status != http.StatusOK {
		c.apiFailed(w, status, body)
		return
	}
	var st struct {
		LedgerBlock uint64
		StoredDays  int
		readmodel.Stats
	}
	_ = json.Unmarshal(body, &st)
	c.render(w, http.StatusOK, "stats", map[string]any{"S": st, "Q": q, "CSRF": s.csrf})
}
