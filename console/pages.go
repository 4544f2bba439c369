package console

import (
	"crypto/subtle"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/gateway"
	"github.com/agritrace/agritrace/qr"
	"github.com/agritrace/agritrace/readmodel"
)

// searchParams are the filters the search form sends; anything else in the query is ignored.
var searchParams = []string{"product", "region", "stage", "enterprise", "status", "from", "to", "cursor", "page_size"}

// row is one batch as the console lists it.
type row struct {
	B       domain.Batch
	Regions []string // where its raw material grew, inherited through processing
}

func (c *Console) rows(r *http.Request, bs []domain.Batch) []row {
	out := make([]row, 0, len(bs))
	for _, b := range bs {
		regs, err := c.Store.Regions(r.Context(), b.ID)
		if err != nil {
			c.Log.Warn("regions of batch", "batch", b.ID, "err", err)
		}
		out = append(out, row{B: b, Regions: regs})
	}
	return out
}

func (c *Console) search(w http.ResponseWriter, r *http.Request) {
	s := c.page(w, r, http.StatusOK)
	if s == nil {
		return
	}
	q := url.Values{}
	for _, k := range searchParams {
		if v := strings.TrimSpace(r.URL.Query().Get(k)); v != "" {
			q.Set(k, v)
		}
	}
	if q.Get("page_size") == "" {
		q.Set("page_size", "20")
	}
	data := map[string]any{"Q": q, "CSRF": s.csrf, "L": c.lang(r, s)}
	f, p := gateway.ParseFilter(q)
	if p != nil {
		data["Error"] = p.Detail // the API's own refusal, in English
		c.render(w, http.StatusBadRequest, "search", data)
		return
	}
	page, err := c.Store.SearchBatches(r.Context(), f)
	if err != nil {
		data["Error"] = tr(c.lang(r, s), "检索失败：") + err.Error()
		c.render(w, http.StatusBadRequest, "search", data)
		return
	}
	data["Rows"] = c.rows(r, page.Batches)
	data["Block"] = c.Store.Block()
	if page.Next != "" {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("cursor", page.Next)
		data["NextURL"] = withLang("/console?"+nq.Encode(), c.lang(r, s))
	}
	c.render(w, http.StatusOK, "search", data)
}

func (c *Console) batchOr404(w http.ResponseWriter, r *http.Request) (*domain.Batch, bool) {
	id, err := domain.NormalizeID(r.PathValue("id"), "")
	if err != nil {
		c.failedIn(w, r, http.StatusBadRequest, "批次标识无法识别："+err.Error())
		return nil, false
	}
	b, err := c.Store.Batch(r.Context(), id)
	if errors.Is(err, readmodel.ErrNotFound) {
		c.failedIn(w, r, http.StatusNotFound, "账本上没有批次 "+id)
		return nil, false
	}
	if err != nil {
		c.Log.Error("console batch", "batch", id, "err", err)
		c.failedIn(w, r, http.StatusInternalServerError, "读取批次失败")
		return nil, false
	}
	return b, true
}

func (c *Console) batch(w http.ResponseWriter, r *http.Request) {
	s := c.page(w, r, http.StatusUnauthorized)
	if s == nil {
		return
	}
	b, ok := c.batchOr404(w, r)
	if !ok {
		return
	}
	regs, _ := c.Store.Regions(r.Context(), b.ID)
	lang := c.lang(r, s)
	data := map[string]any{"B": b, "Regions": regs, "Block": c.Store.Block(), "CSRF": s.csrf, "Flash": r.URL.Query().Get("flash"), "L": lang}
	if g, err := c.API.LineageGraph(r, b.ID, "both", 20, 200); err == nil {
		data["Graph"] = template.HTML(graphSVG(g, g.Batches, lang)) //nolint:gosec // built from escaped values
		data["Lineage"] = g
	}
	if vs, err := c.API.LedgerHistory(r.Context(), s.key, b.ID); err == nil {
		sort.SliceStable(vs, func(i, j int) bool { return vs[i].Timestamp < vs[j].Timestamp })
		data["History"] = vs
	} else {
		c.Log.Warn("console ledger history", "batch", b.ID, "err", err)
		data["HistoryError"] = tr(lang, "账本历史暂不可读（节点未响应），请稍后重试")
	}
	if evs, err := c.Store.EventsOf(r.Context(), []string{b.ID}); err == nil {
		domain.SortEvents(evs)
		data["Events"] = evs
	}
	if u, err := qr.URL(c.Public, b.ID); err == nil {
		data["PublicURL"] = u
	}
	c.render(w, http.StatusOK, "batch", data)
}

func (c *Console) recallConfirm(w http.ResponseWriter, r *http.Request) {
	s := c.page(w, r, http.StatusUnauthorized)
	if s == nil {
		return
	}
	b, ok := c.batchOr404(w, r)
	if !ok {
		return
	}
	lang := c.lang(r, s)
	imp, err := c.impact(r, b.ID, lang)
	if err != nil {
		c.Log.Error("console impact", "batch", b.ID, "err", err)
		c.failedIn(w, r, http.StatusInternalServerError, "影响评估失败")
		return
	}
	c.render(w, http.StatusOK, "recall", map[string]any{"B": b, "Impact": imp, "CSRF": s.csrf, "L": lang})
}

func (c *Console) impactCSV(w http.ResponseWriter, r *http.Request) {
	if s := c.page(w, r, http.StatusUnauthorized); s == nil {
		return
	}
	b, ok := c.batchOr404(w, r)
	if !ok {
		return
	}
	imp, err := c.impact(r, b.ID, "zh")
	if err != nil {
		c.Log.Error("console impact", "batch", b.ID, "err", err)
		c.failedIn(w, r, http.StatusInternalServerError, "影响评估失败")
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="recall-impact-`+csvName(lotOf(b.ID))+`.csv"`)
	if err := imp.writeCSV(w, c.platformName); err != nil {
		c.Log.Warn("write impact CSV", "batch", b.ID, "err", err)
	}
}

func (c *Console) recall(w http.ResponseWriter, r *http.Request) {
	s := c.page(w, r, http.StatusUnauthorized)
	if s == nil {
		return
	}
	if subtle.ConstantTimeCompare([]byte(r.FormValue("csrf")), []byte(s.csrf)) != 1 {
		c.failedIn(w, r, http.StatusForbidden, "表单已过期，请重新打开召回页面")
		return
	}
	b, ok := c.batchOr404(w, r)
	if !ok {
		return
	}
	reason := strings.TrimSpace(r.FormValue("reason"))
	if reason == "" {
		c.failedIn(w, r, http.StatusBadRequest, "请填写召回原因")
		return
	}
	_, err := c.API.Recall(r.Context(), s.key, "console-recall-"+randomToken()[:12], b.ID, reason,
		strings.TrimSpace(r.FormValue("hotline")), domain.Party{Enterprise: "国家粮食和物资储备局（监管控制台）"})
	var p *gateway.Problem
	switch {
	case errors.As(err, &p):
		c.failedIn(w, r, p.Status, tr(c.lang(r, s), "召回未完成：")+p.Detail)
		return
	case err != nil:
		c.Log.Error("console recall", "batch", b.ID, "err", err)
		c.failedIn(w, r, http.StatusBadGateway, "召回未完成，请稍后重试")
		return
	}
	c.Log.Info("recall issued from the console", "batch", b.ID)
	http.Redirect(w, r, withLang("/console/batch/"+url.PathEscape(b.ID)+"?flash=recalled", c.lang(r, s)), http.StatusSeeOther)
}

func (c *Console) stats(w http.ResponseWriter, r *http.Request) {
	s := c.page(w, r, http.StatusUnauthorized)
	if s == nil {
		return
	}
	q := r.URL.Query()
	days, ok := c.intParam(w, r, q.Get("stored_days"), 30, "在库天数阈值")
	if !ok {
		return
	}
	window, ok := c.intParam(w, r, q.Get("days"), 365, "统计天数")
	if !ok {
		return
	}
	now := time.Now()
	to := now.Add(24 * time.Hour)
	st, err := c.Store.Statistics(r.Context(), to.AddDate(0, 0, -window), to, days, now)
	if err != nil {
		c.Log.Error("console stats", "err", err)
		c.failedIn(w, r, http.StatusInternalServerError, "统计失败")
		return
	}
	sum := summarize(st.Activity)
	lang := c.lang(r, s)
	c.render(w, http.StatusOK, "stats", map[string]any{"S": st, "Sum": sum, "Chart": template.HTML(chartSVG(sum, lang)), //nolint:gosec // numbers and escaped labels
		"StoredDays": days, "Days": window, "Block": c.Store.Block(), "CSRF": s.csrf, "L": lang})
}

// intParam reads a whole number of days in 1..3650 (def when empty); a bad one answers 400.
func (c *Console) intParam(w http.ResponseWriter, r *http.Request, v string, def int, what string) (int, bool) {
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 3650 {
		c.failedIn(w, r, http.StatusBadRequest, what+"须为 1–3650 的整数 (a whole number of days, 1–3650)")
		return 0, false
	}
	return n, true
}
