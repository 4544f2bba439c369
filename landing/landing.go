// Package landing serves the gateway's front door: "/" links the consumer pages of the demo lots,
// the regulator console, the API documentation (/docs, the OpenAPI contract rendered readably)
// and shows the health of every node.
package landing

import (
	"context"
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/qr"
	"github.com/agritrace/agritrace/seeds"
)

//go:embed templates.html
var tmplFS embed.FS

var tmpl = template.Must(template.New("").Funcs(template.FuncMap{
	"schemaName": schemaName,
}).ParseFS(tmplFS, "templates.html"))

// Node is one gateway whose health the landing page shows.
type Node struct {
	Name      string // e.g. 黑龙江省粮食追溯平台
	HealthURL string // its /healthz
}

// Page serves / and /docs.
type Page struct {
	Public string // public base URL of this gateway (links in the demo lots' codes)
	// Nodes are the gateways of every org. Without any, the page shows this gateway's own health.
	Nodes []Node
	// Console is the regulator console's URL ("/console" on the regulator's own gateway); empty
	// when this gateway does not know it.
	Console string
	// Self reports this gateway's health in-process.
	Self    func(context.Context) (gateway.Health, error)
	OpenAPI []byte
	Log     *slog.Logger
	Client  *http.Client // for the nodes' /healthz; default: 2 s timeout
}

// Mount registers / and /docs.
func (p *Page) Mount(mux *http.ServeMux) {
	if p.Client == nil {
		p.Client = &http.Client{Timeout: 2 * time.Second}
	}
	mux.HandleFunc("GET /{$}", p.home)
	mux.HandleFunc("GET /docs", p.docs)
}

// demoLot is a consumer page to try.
type demoLot struct {
	Title, URL string
	Recalled   bool
}

func (p *Page) home(w http.ResponseWriter, r *http.Request) {
	var lots []demoLot
	for _, c := range seeds.Chains() {
		if u, err := qr.URL(p.Public, c.Consumer); err == nil {
			lots = append(lots, demoLot{Title: c.Title, URL: u, Recalled: c.Recalled})
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	nodes := p.health(ctx)
	p.render(w, "home", map[string]any{"Lots": lots, "Nodes": nodes, "Console": p.console(nodes)})
}

// console is this gateway's console, else the one of the node that says it is the regulator's.
func (p *Page) console(nodes []NodeHealth) string {
	if p.Console != "" {
		return p.Console
	}
	for _, n := range nodes {
		if n.Error == "" && n.Role == domain.RoleRegulator && strings.HasPrefix(n.URL, "http") {
			return strings.TrimSuffix(n.URL, "/healthz") + "/console"
		}
	}
	return ""
}

func (p *Page) render(w http.ResponseWriter, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := tmpl.ExecuteTemplate(w, name, data); err != nil {
		p.Log.Error("render landing page", "template", name, "err", err)
	}
}
