package console

import (
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/reserve"
	"github.com/agritrace/agritrace/trace"
)

// The 储备粮 (reserve grain) and 市场监测 (market monitoring) pages. Like the rest of the console
// they are thin clients of the gateway's API, called in-process with the session's key.

var binTypeEN = map[string]string{"平房仓": "flat warehouse", "浅圆仓": "squat silo", "立筒仓": "vertical silo", "楼房仓": "multi-storey warehouse", "地下仓": "underground store"}

//go:embed reserve.html
var reserveFS embed.FS

var reserveTmpl = template.Must(template.New("").Funcs(template.FuncMap{
	"esc": url.PathEscape,
	// bin types are free text on the ledger; the usual ones are named in English too
	"binType": func(t string, en bool) string {
		if n, ok := binTypeEN[t]; ok && en {
			return n + " (" + t + ")"
		}
		return t
	},
	"nav": func(en bool) []navLink {
		if en {
			return navFor("en")
		}
		return navFor("zh")
	},
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
	"region": func(c string, en bool) string {
		if en {
			return trace.RegionName(c, "en")
		}
		return trace.RegionName(c, "zh")
	},
	"pct":   func(f float64) string { return fmt.Sprintf("%+.2f%%", 100*f) },
	"t":     func(f float64) string { return fmt.Sprintf("%.1f", f) },
	"price": func(f float64) string { return fmt.Sprintf("%.3f", f) },
	"grain": func(g domain.Grain, en bool) string {
		if en || reserve.GrainZH(g) == "" {
			return string(g)
		}
		return reserve.GrainZH(g)
	},
	"abs": func(f float64) float64 {
		if f < 0 {
			return -f
		}
		return f
	},
	"day": func(s string) string {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t.Format("2006-01-02")
		}
		return s
	},
	"zh": func(m map[string]string, k string) string {
		if v, ok := m[k]; ok {
			return v
		}
		return k
	},
}).ParseFS(reserveFS, "reserve.html"))

// names of categories, kinds, types and quality classes, in Chinese; English pages show the codes
var reserveNames = map[string]string{
	"central": "中央储备粮", "provincial": "省级储备粮", "municipal": "市级储备粮", "county": "县级储备粮", "min-price": "最低收购价粮", "commercial": "商品粮",
	"central-direct": "中央直属库", "local-reserve": "地方储备库", "enterprise": "企业库",
	"store": "入库", "move": "倒仓", "rotate-out": "轮换出库", "rotate-in": "轮换入库", "sell": "销售出库", "process": "加工出库",
	"variance": "账实不符", "storage-age": "超期储存", "rotation-lag": "轮换滞后", "replenish": "轮换补库超期", "storage-quality": "储存品质不宜存",
	"below-min-price": "低于最低收购价", "week-change": "价格周环比异动", "volume-yoy": "收购量同比异动",
	"good": "宜存", "moderate": "轻度不宜存", "poor": "重度不宜存", "critical": "严重", "warning": "预警",
	"weighbridge": "过磅", "volume": "测量计算",
}

func init() {
	nav = append(nav, navLink{"/console/reserves", "储备粮"}, navLink{"/console/market", "市场监测"})
}

func (c *Console) mountReserve(mux *http.ServeMux) {
	mux.HandleFunc("GET /console/reserves", c.reserves)
	mux.HandleFunc("GET /console/reserves/{id}", c.granary)
	mux.HandleFunc("POST /console/reserves/alerts/{id}/close", c.closeAlert)
	mux.HandleFunc("GET /console/market", c.market)
}

func (c *Console) renderReserve(w http.ResponseWriter, r *http.Request, status int, name string, data map[string]any) {
	en := r.URL.Query().Get("lang") == "en"
	data["EN"] = en
	data["Names"] = reserveNames
	if en {
		data["Names"] = map[string]string{}
	}
	data["Lang"] = ""
	if en {
		data["Lang"] = "lang=en"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	if err := reserveTmpl.ExecuteTemplate(w, name, data); err != nil {
		c.Log.Error("render console", "template", name, "err", err)
	}
}

// serviceFailed shows a service's refusal (a problem keeps its status) on the error page.
func (c *Console) serviceFailed(w http.ResponseWriter, err error) {
	var p *gateway.Problem
	if errors.As(err, &p) {
		c.failed(w, p.Status, p.Detail)
		return
	}
	c.Log.Error("console reserve page", "err", err)
	c.failed(w, http.StatusInternalServerError, "读取失败，请稍后重试（read failed）")
}

// provinceRow sums a province's granaries.
type provinceRow struct {
	Province   string
	Granaries  int
	CapacityT  float64
	BookTonnes float64
	OpenAlerts int
}

func (c *Console) reserves(w http.ResponseWriter, r *http.Request) {
	s := c.page(w, r, http.StatusUnauthorized)
	if s == nil {
		return
	}
	prov := r.URL.Query().Get("province")
	list, err := c.API.GranaryList(r.Context(), s.key, prov)
	if err != nil {
		c.serviceFailed(w, err)
		return
	}
	alerts, err := c.API.Alerts(r.Context(), s.key, gateway.AlertQuery{Status: "open"}, gateway.ReserveKinds())
	if err != nil {
		c.serviceFailed(w, err)
		return
	}
	byProv := map[string]*provinceRow{}
	for _, g := range list.Granaries {
		p := domain.ProvinceOf(g.Granary.Region)
		row := byProv[p]
		if row == nil {
			row = &provinceRow{Province: p}
			byProv[p] = row
		}
		row.Granaries++
		row.CapacityT += g.CapacityT
		row.BookTonnes += g.BookTonnes
		row.OpenAlerts += g.OpenAlerts
	}
	var rows []provinceRow
	for _, v := range byProv {
		rows = append(rows, *v)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Province < rows[j].Province })
	var open []reserve.Alert
	for _, a := range alerts.Alerts {
		if prov == "" || strings.HasPrefix(a.Region, prov) {
			open = append(open, a)
		}
	}
	c.renderReserve(w, r, http.StatusOK, "reserves", map[string]any{"List": list, "Provinces": rows, "Alerts": open, "Province": prov, "CSRF": s.csrf})
}

func (c *Console) granary(w http.ResponseWriter, r *http.Request) {
	s := c.page(w, r, http.StatusUnauthorized)
	if s == nil {
		return
	}
	d, err := c.API.GranaryView(r.Context(), s.key, r.PathValue("id"))
	if err != nil {
		c.serviceFailed(w, err)
		return
	}
	en := r.URL.Query().Get("lang") == "en"
	binBook := map[string]float64{}
	for _, l := range d.Lots {
		binBook[l.Bin] += l.Tonnes
	}
	c.renderReserve(w, r, http.StatusOK, "granary", map[string]any{"D": d, "BinBook": binBook, "CSRF": s.csrf,
		"AgeChart": template.HTML(ageChart(d.AgeProfile, en)), //nolint:gosec // built from escaped values
		"Flash":    r.URL.Query().Get("flash")})
}

func (c *Console) closeAlert(w http.ResponseWriter, r *http.Request) {
	s := c.page(w, r, http.StatusUnauthorized)
	if s == nil {
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.FormValue("csrf")), []byte(s.csrf)) != 1 {
		c.failed(w, http.StatusForbidden, "表单已过期，请重新打开页面（stale form）")
		return
	}
	id := r.PathValue("id")
	if _, err := c.API.CloseAlert(r.Context(), s.key, id, strings.TrimSpace(r.FormValue("reason")), ""); err != nil {
		c.serviceFailed(w, err)
		return
	}
	c.Log.Info("alert closed from the console", "alert", id)
	back := r.FormValue("back")
	if !strings.HasPrefix(back, "/console/") {
		back = "/console/reserves"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

func (c *Console) market(w http.ResponseWriter, r *http.Request) {
	s := c.page(w, r, http.StatusUnauthorized)
	if s == nil {
		return
	}
	prices, err := c.API.MarketPrices(r.Context(), "")
	if err != nil {
		c.serviceFailed(w, err)
		return
	}
	alerts, err := c.API.Alerts(r.Context(), s.key, gateway.AlertQuery{Status: "open"}, gateway.MarketKinds())
	if err != nil {
		c.serviceFailed(w, err)
		return
	}
	en := r.URL.Query().Get("lang") == "en"
	c.renderReserve(w, r, http.StatusOK, "market", map[string]any{"P": prices, "Alerts": alerts.Alerts, "CSRF": s.csrf,
		"Chart": template.HTML(indexChart(prices.Series, en))}) //nolint:gosec // built from escaped values
}
