package trace

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/agritrace/agritrace/gs1"
	"github.com/agritrace/agritrace/readmodel"
)

// The resolver for the other GS1 primary keys a label or a document carries: SSCC (a pallet: its
// trail shows what was packed on it), GTIN alone (the product, with its lots) and GLN (a place,
// with what happened there). Every answer is an HTML page (Chinese, ?lang=en for English), JSON
// (Accept or ?format=json) or the GS1 linkset (?linkType=all or Accept: application/linkset+json).
// A non-canonical key (a GTIN-13, GTIN-12 or GTIN-8) is redirected to its canonical path.

//go:embed keys.html
var keysHTML string

var keysPage = template.Must(template.New("keys").Parse(keysHTML))

// keysLimit bounds the lots or events a key page lists.
const keysLimit = 100

func (h *Handler) mountKeys(mux *http.ServeMux) {
	mux.HandleFunc("GET /00/{sscc}", h.bySSCC)
	mux.HandleFunc("GET /01/{gtin}", h.byGTIN)
	mux.HandleFunc("GET /414/{gln}", h.byGLN)
	mux.HandleFunc("GET /414/{gln}/254/{ext}", h.byGLN)
}

// keyItem is one line of a key page.
type keyItem struct {
	Name string `json:"name"`
	Href string `json:"href,omitempty"`
	Meta string `json:"meta,omitempty"`
}

// keyPage is the JSON form of a key page.
type keyPage struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"` // product or place
	Items       []keyItem `json:"items"`
	LedgerBlock uint64    `json:"ledgerBlock"`
}

func (h *Handler) bySSCC(w http.ResponseWriter, r *http.Request) {
	id, err := gs1.Parse(gs1.CanonicalHost + "/00/" + r.PathValue("sscc"))
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, "bad-code", err.Error())
		return
	}
	h.resolve(w, r, id.String())
}

func (h *Handler) byGTIN(w http.ResponseWriter, r *http.Request) {
	raw := r.PathValue("gtin")
	g, err := gs1.NormalizeGTIN(raw)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, "bad-code", err.Error())
		return
	}
	if g != raw {
		canonicalRedirect(w, r, "/01/"+g)
		return
	}
	lots, err := h.Store.ProductLots(r.Context(), g, keysLimit)
	if err != nil {
		h.Log.Error("product page", "gtin", g, "err", err)
		h.fail(w, r, http.StatusInternalServerError, "internal", "")
		return
	}
	if len(lots) == 0 {
		h.fail(w, r, http.StatusNotFound, "unknown-code", "GTIN "+g)
		return
	}
	lg := Lang(r)
	page := keyPage{ID: gs1.ID{Kind: gs1.KindGTIN, GTIN: g}.String(), Kind: "product", LedgerBlock: h.Store.Block()}
	name := lots[0].Product.Name
	for _, b := range lots {
		lot := b.ID
		if id, err := gs1.Parse(b.ID); err == nil && id.Lot != "" {
			lot = id.Lot
		} else if err == nil && id.Serial != "" {
			lot = "21/" + id.Serial
		}
		page.Items = append(page.Items, keyItem{Name: lot, Href: h.selfURL(b.ID),
			Meta: fmt.Sprintf("%s · %s", quantityText(b.Quantity.Value, b.Quantity.Unit), keyWord(lg, string(b.Status)))})
	}
	h.writeKeyPage(w, r, page, keyWord(lg, "product")+" · "+name)
}

func (h *Handler) byGLN(w http.ResponseWriter, r *http.Request) {
	raw := gs1.CanonicalHost + "/414/" + r.PathValue("gln")
	if ext := r.PathValue("ext"); ext != "" {
		raw += "/254/" + url.PathEscape(ext)
	}
	id, err := gs1.Parse(raw)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, "bad-code", err.Error())
		return
	}
	page := keyPage{ID: id.String(), Kind: "place", LedgerBlock: h.Store.Block()}
	res, err := h.Store.QueryEPCIS(r.Context(), readmodel.EPCISQuery{Places: []string{page.ID}, ByEventTime: true, Desc: true, Limit: keysLimit})
	if err != nil {
		h.Log.Error("place page", "gln", page.ID, "err", err)
		h.fail(w, r, http.StatusInternalServerError, "internal", "")
		return
	}
	if len(res.Events) == 0 {
		h.fail(w, r, http.StatusNotFound, "unknown-code", "GLN "+page.ID)
		return
	}
	lg := Lang(r)
	for _, ev := range res.Events {
		var e struct {
			Type      string `json:"type"`
			EventTime string `json:"eventTime"`
			BizStep   string `json:"bizStep"`
		}
		_ = json.Unmarshal(ev.Event, &e)
		step := e.BizStep
		if i := strings.LastIndexAny(step, ":-"); i >= 0 {
			step = step[i+1:]
		}
		page.Items = append(page.Items, keyItem{Name: keyWord(lg, step), Meta: day(e.EventTime) + " · " + e.Type})
	}
	h.writeKeyPage(w, r, page, keyWord(lg, "place")+" · "+strings.TrimPrefix(page.ID, gs1.CanonicalHost+"/414/"))
}

// writeKeyPage answers with the linkset, JSON or the page.
func (h *Handler) writeKeyPage(w http.ResponseWriter, r *http.Request, p keyPage, title string) {
	self := strings.TrimSuffix(h.Public, "/") + strings.TrimPrefix(p.ID, gs1.CanonicalHost)
	w.Header().Set("Vary", "Accept, Accept-Language")
	w.Header().Set("Link", "<"+self+"?linkType=all>; rel=\"linkset\"; type=\"application/linkset+json\"")
	switch {
	case r.URL.Query().Get("linkType") == "all" || strings.Contains(r.Header.Get("Accept"), "application/linkset+json"):
		rel := "gs1:pip" // a product's information page
		if p.Kind == "place" {
			rel = "gs1:locationInfo"
		}
		links := []Link{{LinkType: rel, Href: self, Type: "text/html", Title: title},
			{LinkType: "gs1:defaultLink", Href: self, Type: "text/html"},
			{LinkType: "gs1:traceability", Href: self + "?format=json", Type: "application/json"}}
		w.Header().Set("Content-Type", "application/linkset+json")
		_ = json.NewEncoder(w).Encode(linkset(p.ID, links))
	case wantsJSON(r):
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(p)
	default:
		var buf bytes.Buffer
		if err := keysPage.Execute(&buf, map[string]any{"Lang": Lang(r), "Title": title, "ID": p.ID, "Items": p.Items}); err != nil {
			h.Log.Error("render key page", "id", p.ID, "err", err)
			h.fail(w, r, http.StatusInternalServerError, "internal", "")
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=30")
		_, _ = w.Write(buf.Bytes())
	}
}

// canonicalRedirect sends a non-canonical key to its canonical path, keeping the query.
func canonicalRedirect(w http.ResponseWriter, r *http.Request, path string) {
	if r.URL.RawQuery != "" {
		path += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, path, http.StatusMovedPermanently)
}

var keyWords = map[string][2]string{
	"product": {"产品", "Product"}, "place": {"地点", "Place"},
	"active": {"在售/在库", "active"}, "consumed": {"已加工", "used up"}, "sold": {"已售出", "sold"}, "recalled": {"已召回", "recalled"},
	"commissioning": {"生产", "commissioning"}, "receiving": {"收货", "receiving"}, "storing": {"入库", "storing"},
	"shipping": {"发运", "shipping"}, "packing": {"装箱", "packing"}, "unpacking": {"拆箱", "unpacking"},
	"inspecting": {"检测", "inspecting"}, "retail_selling": {"零售", "retail selling"}, "accepting": {"验收", "accepting"},
	"assembling": {"组装", "assembling"}, "sensor_reporting": {"传感器记录", "sensor reading"}, "recalling": {"召回", "recalling"},
}

func keyWord(lg, k string) string {
	w, ok := keyWords[k]
	if !ok {
		return k
	}
	if lg == "en" {
		return w[1]
	}
	return w[0]
}

func quantityText(v float64, unit string) string {
	if unit == "" {
		return "—"
	}
	return fmt.Sprintf("%g %s", v, unit)
}
