package trace

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gs1"
	"github.com/agritrace/agritrace/qr"
	"github.com/agritrace/agritrace/readmodel"
)

//go:embed page.html
var pageHTML string

func newPage(src string) *template.Template {
	return template.Must(template.New("page.html").Funcs(template.FuncMap{
		"t":    tr,
		"day":  day,
		"num":  number,
		"test": func(lang, item string) string { return testName(item, lang) },
		"scheme": func(lang, typ string) string {
			if l, ok := schemeLabels[typ]; ok {
				return l[idx(lang)]
			}
			return typ
		},
		"join":  func(s []string) string { return strings.Join(s, "、") },
		"short": func(s string) string { return s[:min(12, len(s))] },
	}).Parse(src))
}

// page is the trace page as written: every translation looked up as it renders.
var page = newPage(pageHTML)

// pages is page.html specialised per language, its constant translations ({{t $l "key"}})
// written into the text once: each one cost two reflective calls (the lookup and its HTML
// escaper) on every render, which made up a large part of a cache miss's render time.
// TestSpecialisedPages renders both forms of every seed page and compares them byte for byte.
var pages = map[string]*template.Template{"zh": specialise("zh"), "en": specialise("en")}

var constTr = regexp.MustCompile(`\{\{t (?:\$l|\.Lang) "([^"]*)"\}\}`)

func specialise(lang string) *template.Template {
	return newPage(constTr.ReplaceAllStringFunc(pageHTML, func(m string) string {
		return html.EscapeString(tr(lang, constTr.FindStringSubmatch(m)[1]))
	}))
}

// pageFor is the page template for a language (the generic one for a language it lacks).
func pageFor(lang string) *template.Template {
	if p, ok := pages[lang]; ok {
		return p
	}
	return page
}

// Trail depth and size for the consumer page: deep enough for field → shelf, small enough to stay fast.
const (
	pageDepth = 30
	pageLimit = 300
)

// Handler serves the resolver, trace page and QR images.
type Handler struct {
	Store  *readmodel.Store
	Public string // public base URL printed in codes
	Log    *slog.Logger

	// Rendered answers are cached. An answer rendered at one read-model block is served at a
	// later one after checking that none of its trail's batches changed since (ChangedSince):
	// while blocks arrive every few hundred milliseconds at harvest peak, flushing every answer on
	// each block left a popular lot's page almost never cached. Such an answer still names the
	// block it was rendered at ("as of #N", ledgerBlock): what it shows is true as of that block
	// and has not changed since.
	mu      sync.Mutex
	cache   map[string]*cachedPage
	renders atomic.Int64 // answers rendered (cache misses), for tests
}

// cachedPage is a rendered answer and what it was rendered from.
type cachedPage struct {
	body []byte
	// block is the read-model block the answer is known to be current at
	block uint64
	// batches are the trail's batches; nil when the trail was cut by its depth or size limit,
	// whose set of batches a later block may change without touching any of them
	batches []string
}

const maxCached = 20000

// cached returns the answer for key if it is current at the read model's block.
func (h *Handler) cached(ctx context.Context, key string) ([]byte, bool) {
	now := h.Store.Block()
	h.mu.Lock()
	p := h.cache[key]
	var block uint64
	if p != nil {
		block = p.block
	}
	h.mu.Unlock()
	switch {
	case p == nil:
		return nil, false
	case block >= now:
		return p.body, true
	case p.batches == nil:
		return nil, false
	}
	// an error renders the answer again, which reports it
	changed, err := h.Store.ChangedSince(ctx, p.batches, block)
	if err != nil || changed {
		return nil, false
	}
	h.mu.Lock()
	if p.block < now { // known current up to the block read before the check
		p.block = now
	}
	h.mu.Unlock()
	return p.body, true
}

// remember keeps an answer rendered from a trail read at block (read before the trail, so the
// trail is at least that recent).
func (h *Handler) remember(key string, block uint64, t *domain.Trail, body []byte) {
	p := &cachedPage{body: body, block: block}
	if !t.Truncated {
		p.batches = make([]string, len(t.Batches))
		for i, b := range t.Batches {
			p.batches[i] = b.ID
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	// full: start again rather than track ages (a day's key, part of every key, retires the rest)
	if h.cache == nil || len(h.cache) >= maxCached {
		h.cache = map[string]*cachedPage{}
	}
	h.cache[key] = p
}

var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Mount registers the public routes.
func (h *Handler) Mount(mux *http.ServeMux) {
	mux.HandleFunc("GET /t/{id}", h.byID)
	mux.HandleFunc("GET /01/{gtin}/10/{lot}", h.byDigitalLink)
	mux.HandleFunc("GET /01/{gtin}/10/{lot}/21/{serial}", h.byDigitalLink)
	mux.HandleFunc("GET /01/{gtin}/21/{serial}", h.byDigitalLink)
	mux.HandleFunc("GET /v1/batches/{id}/qr.png", h.qrPNG)
	mux.HandleFunc("GET /v1/batches/{id}/qr.svg", h.qrSVG)
	h.mountKeys(mux)
}

func (h *Handler) byID(w http.ResponseWriter, r *http.Request) {
	h.resolve(w, r, r.PathValue("id"))
}

// byDigitalLink resolves a GS1 Digital Link. A serialised item of a lot (10 + 21) resolves to its
// lot's trail, and its page shows the serial.
func (h *Handler) byDigitalLink(w http.ResponseWriter, r *http.Request) {
	gtin, lot, serial := r.PathValue("gtin"), r.PathValue("lot"), r.PathValue("serial")
	g, err := gs1.NormalizeGTIN(gtin)
	switch {
	case err != nil:
		h.fail(w, r, http.StatusBadRequest, "bad-code", err.Error())
	case lot != "":
		h.resolveItem(w, r, gs1.ID{Kind: gs1.KindLot, GTIN: g, Lot: lot}.String(), serial)
	default:
		h.resolve(w, r, gs1.ID{Kind: gs1.KindSerial, GTIN: g, Serial: serial}.String())
	}
}

func wantsJSON(r *http.Request) bool {
	if f := r.URL.Query().Get("format"); f != "" {
		return f == "json"
	}
	acc := r.Header.Get("Accept")
	if acc == "" {
		return false
	}
	// the first listed of HTML and JSON wins; browsers list text/html first
	h := strings.Index(acc, "text/html")
	j := strings.Index(acc, "application/json")
	if j < 0 {
		j = strings.Index(acc, "application/ld+json")
	}
	if j < 0 {
		j = strings.Index(acc, "application/linkset+json")
	}
	return j >= 0 && (h < 0 || j < h)
}

// reading is the context of a resolver's reads: the request's values without its cancellation.
// A read is bounded (pageDepth, pageLimit) and its answer is cached, so one whose consumer hung
// up is still worth finishing; and a cancellable context cost every statement two goroutines
// (database/sql's and the SQLite driver's, each waiting to interrupt it) and a progress callback
// inside SQLite, which on a lone lot's trail were more work than the statement.
func reading(r *http.Request) context.Context { return context.WithoutCancel(r.Context()) }

// resolve answers for any identifier the ledger knows.
func (h *Handler) resolve(w http.ResponseWriter, r *http.Request, raw string) {
	h.resolveItem(w, r, raw, "")
}

// resolveItem answers for the identifier raw; serial, when set, is the scanned item of that lot.
func (h *Handler) resolveItem(w http.ResponseWriter, r *http.Request, raw, serial string) {
	id, err := gs1.Normalize(raw)
	if err != nil {
		h.fail(w, r, http.StatusBadRequest, "bad-code", err.Error())
		return
	}
	lg, asJSON := Lang(r), wantsJSON(r)
	asLinkset := r.URL.Query().Get("linkType") == "all" || strings.Contains(r.Header.Get("Accept"), "application/linkset+json")
	// a certificate expires at midnight without any new block: the day is part of the cache key
	now := time.Now()
	key := fmt.Sprintf("%s|%s|%s|%v|%v|%s", id, serial, lg, asJSON, asLinkset, now.In(domain.ChinaTime).Format("2006-01-02"))
	block := h.Store.Block()
	if body, ok := h.cached(reading(r), key); ok {
		h.write(w, itemURL(h.selfURL(id), serial), asJSON, asLinkset, body)
		return
	}
	h.renders.Add(1)
	t, err := h.Store.Trail(reading(r), id, pageDepth, pageLimit)
	if errors.Is(err, readmodel.ErrNotFound) {
		h.fail(w, r, http.StatusNotFound, "unknown-code", id)
		return
	}
	if err != nil {
		h.Log.Error("trace page", "id", id, "err", err)
		h.fail(w, r, http.StatusInternalServerError, "internal", "")
		return
	}
	pt := build(t, lg, now)
	pt.Product.Serial = serial
	// an item's links are its own (its page shows its serial); its trail is its lot's
	self := itemURL(h.selfURL(id), serial)
	pt.Links = []Link{
		{LinkType: "gs1:traceability", Href: self, Type: "text/html", Title: tr(lg, "title")},
		{LinkType: "gs1:traceability", Href: self + "?format=json", Type: "application/json"},
		{LinkType: "gs1:defaultLink", Href: self, Type: "text/html"},
	}
	// rendering buffers are reused: growing a fresh one to a page's 4–10 KB cost several copies
	// per render; the cache keeps a right-sized copy
	buf := renderBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer renderBuffers.Put(buf)
	switch {
	case asLinkset:
		err = json.NewEncoder(buf).Encode(linkset(anchorOf(itemURL(id, serial), self), pt.Links))
	case asJSON:
		enc := json.NewEncoder(buf)
		enc.SetEscapeHTML(false)
		err = enc.Encode(pt)
	default:
		err = writePage(buf, &pt, lg)
	}
	if err != nil {
		h.Log.Error("render trace page", "id", id, "err", err)
		h.fail(w, r, http.StatusInternalServerError, "internal", "")
		return
	}
	body := bytes.Clone(buf.Bytes())
	h.remember(key, block, t, body)
	h.write(w, self, asJSON, asLinkset, body)
}

// itemURL is the URI of the item serial of the lot at lotURL (GS1 Digital Link puts the serial
// qualifier after the lot's), or the lot's when no item was scanned.
func itemURL(lotURL, serial string) string {
	if serial == "" {
		return lotURL
	}
	return lotURL + "/21/" + url.PathEscape(serial)
}

// write answers with body; self is the identifier's resolver URL.
func (h *Handler) write(w http.ResponseWriter, self string, asJSON, asLinkset bool, body []byte) {
	switch {
	case asLinkset:
		w.Header().Set("Content-Type", "application/linkset+json")
	case asJSON:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=30")
	}
	w.Header().Set("Vary", "Accept, Accept-Language")
	w.Header().Set("Link", "<"+self+"?format=json>; rel=\"alternate\"; type=\"application/json\"")
	// a page is past net/http's 2 KB buffer: without its length the answer went out chunked
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

func (h *Handler) selfURL(id string) string {
	u, err := qr.URL(h.Public, id)
	if err != nil {
		return h.Public + "/t/" + url.PathEscape(id)
	}
	return u
}

// fail answers with a helpful page for people and problem+json for programs.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, status int, kind, detail string) {
	lg := Lang(r)
	if wantsJSON(r) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{"type": "https://agritrace.example/problems/" + kind,
			"title": http.StatusText(status), "status": status, "detail": detail, "instance": r.URL.Path})
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = pageFor(lg).Execute(w, map[string]any{"Lang": lg, "OK": false, "Status": status, "Kind": kind, "Detail": detail})
}

func (h *Handler) batchForQR(w http.ResponseWriter, r *http.Request) (string, bool) {
	id, err := domain.NormalizeID(r.PathValue("id"), "")
	if err != nil {
		writeProblem(w, r, http.StatusBadRequest, "bad-identifier", err.Error())
		return "", false
	}
	if _, err := h.Store.Batch(r.Context(), id); err != nil {
		writeProblem(w, r, http.StatusNotFound, "not-found", "batch "+id+" is not on the ledger")
		return "", false
	}
	u, err := qr.URL(h.Public, id)
	if err != nil {
		writeProblem(w, r, http.StatusBadRequest, "bad-identifier", err.Error())
		return "", false
	}
	return u, true
}

func (h *Handler) qrPNG(w http.ResponseWriter, r *http.Request) {
	u, ok := h.batchForQR(w, r)
	if !ok {
		return
	}
	c, err := qr.Encode(u)
	if err == nil {
		var png []byte
		if png, err = c.PNG(8); err == nil {
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write(png)
			return
		}
	}
	qrFailed(w, r, err)
}

// qrFailed answers an encoding failure: over-long content is the identifier's fault (4xx).
func qrFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, qr.ErrTooLong) {
		writeProblem(w, r, http.StatusUnprocessableEntity, "qr-content-too-long", err.Error()+"; the identifier is too long to print as a QR code")
		return
	}
	writeProblem(w, r, http.StatusInternalServerError, "internal", err.Error())
}

func (h *Handler) qrSVG(w http.ResponseWriter, r *http.Request) {
	u, ok := h.batchForQR(w, r)
	if !ok {
		return
	}
	c, err := qr.Encode(u)
	if err != nil {
		qrFailed(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	_, _ = w.Write([]byte(c.SVG("30mm")))
}

func writeProblem(w http.ResponseWriter, r *http.Request, status int, kind, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"type": "https://agritrace.example/problems/" + kind,
		"title": http.StatusText(status), "status": status, "detail": detail, "instance": r.URL.Path})
}
