// Package console is the regulator's web console: search, batch detail with ledger history, a
// lineage graph, recall with its impact shown first (and exported as CSV), and statistics. It is
// server-rendered without scripts, in Chinese, usable on a phone, and calls the gateway's
// service functions and read model in-process, so it enforces exactly the API's rules.
package console

import (
	"crypto/rand"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/readmodel"
)

//go:embed templates.html
var tmplFS embed.FS

var tmpl = template.Must(template.New("").Funcs(template.FuncMap{
	"esc":      url.PathEscape,
	"region":   func(lang, code string) string { return regionIn(lang, code) },
	"when":     when,
	"status":   func(lang string, s any) string { return tr(lang, label(statusLabels, toString(s))) },
	"stage":    func(lang, s string) string { return tr(lang, label(stageLabels, s)) },
	"etype":    func(lang string, s any) string { return tr(lang, label(typeLabels, toString(s))) },
	"t":        tr,
	"withLang": withLang,
	"platform": func(msp string) string { return msp }, // per console: see Mount
	"party":    partyName,
	"lot":      lotOf,
	"qty":      quantityIn,
	"short":    func(s string) string { return s[:min(12, len(s))] },
	"stages":   func() []string { return stageOrder },
	"statuses": func() []string { return []string{"active", "consumed", "sold", "recalled"} },
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
}).ParseFS(tmplFS, "templates.html"))

// toString reads a string or a named string type (domain.Status, domain.EventType).
func toString(v any) string { return fmt.Sprint(v) }

type session struct {
	key  *gateway.APIKey
	csrf string
	exp  time.Time
	lang string // en or zh, switched with ?lang=
}

// Console serves /console.
type Console struct {
	API    *gateway.Server
	Store  *readmodel.Store
	Public string
	Log    *slog.Logger
	// Platforms names the network's orgs by MSP ID (shown instead of MSP IDs).
	Platforms map[string]string
	tmpl      *template.Template

	mu       sync.Mutex
	sessions map[string]*session
}

const cookieName = "agritrace_console"

// Mount registers the console routes.
func (c *Console) Mount(mux *http.ServeMux) {
	c.sessions = map[string]*session{}
	c.tmpl = template.Must(tmpl.Clone()).Funcs(template.FuncMap{"platform": c.platformName})
	mux.HandleFunc("GET /console", c.search)
	mux.HandleFunc("POST /console/login", c.login)
	mux.HandleFunc("POST /console/logout", c.logout)
	mux.HandleFunc("GET /console/batch/{id}", c.batch)
	mux.HandleFunc("GET /console/batch/{id}/recall", c.recallConfirm)
	mux.HandleFunc("GET /console/batch/{id}/impact.csv", c.impactCSV)
	mux.HandleFunc("POST /console/batch/{id}/recall", c.recall)
	mux.HandleFunc("GET /console/stats", c.stats)
	c.mountReserve(mux)
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

// page wraps a handler that needs a logged-in regulator.
func (c *Console) page(w http.ResponseWriter, r *http.Request, status int) *session {
	s := c.session(r)
	if s == nil {
		c.render(w, status, "login", map[string]any{"L": c.lang(r, nil)})
	}
	return s
}

func (c *Console) render(w http.ResponseWriter, status int, name string, data map[string]any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	if data == nil {
		data = map[string]any{}
	}
	l, _ := data["L"].(string)
	if l == "" {
		l = "zh"
	}
	data["L"], data["Nav"] = l, navFor(l)
	if err := c.tmpl.ExecuteTemplate(w, name, data); err != nil {
		c.Log.Error("render console", "template", name, "err", err)
	}
}

// failed shows a refusal on the console's error page with its status.
func (c *Console) failed(w http.ResponseWriter, status int, msg string) {
	c.render(w, status, "error", map[string]any{"Error": msg, "Status": status})
}

func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	key, wait, err := c.API.RegulatorLogin(r, strings.TrimSpace(r.FormValue("key")))
	switch {
	case errors.Is(err, gateway.ErrLockedOut):
		// the API's limiter of failed keys locked this client out: say when to try again
		secs := int(wait.Seconds()) + 1
		w.Header().Set("Retry-After", fmt.Sprint(secs))
		c.render(w, http.StatusTooManyRequests, "login", map[string]any{"Error": fmt.Sprintf("尝试次数过多，请 %d 秒后再试（Too many attempts: retry in %d s）", secs, secs), "L": c.lang(r, nil)})
		return
	case err != nil:
		l := c.lang(r, nil)
		c.render(w, http.StatusUnauthorized, "login", map[string]any{"Error": tr(l, "该密钥不是监管机构的 API 密钥（The key is not the regulator's API key）"), "L": l})
		return
	}
	s := &session{key: key, csrf: randomToken(), exp: time.Now().Add(8 * time.Hour), lang: c.lang(r, nil)}
	id := randomToken()
	c.mu.Lock()
	c.sessions[id] = s
	c.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: id, Path: "/console", HttpOnly: true, SameSite: http.SameSiteStrictMode, Expires: s.exp})
	http.Redirect(w, r, withLang("/console", s.lang), http.StatusSeeOther)
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
