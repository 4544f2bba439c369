package gateway

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/epcis"
	"github.com/agritrace/agritrace/readmodel"
)

// Regulator API: lineage, recall impact, exports and statistics (regulator key only).

// Lineage bounds.
const (
	MaxLineageDepth = 50
	MaxLineageSize  = 5000
	MaxExportRows   = 100_000
	MaxExportEvents = 10_000
)

// Edge is a lineage edge (parent → child) and the event that made it.
type Edge struct {
	Parent string `json:"parent"`
	Child  string `json:"child"`
	Event  string `json:"event"`
	Kind   string `json:"kind"`
}

// LineageResponse is a lineage graph.
type LineageResponse struct {
	LedgerBlock uint64         `json:"ledgerBlock"`
	Root        string         `json:"root"`
	Upstream    []string       `json:"upstream"`
	Downstream  []string       `json:"downstream"`
	Batches     []domain.Batch `json:"batches"`
	Edges       []Edge         `json:"edges"`
	Truncated   bool           `json:"truncated"`
}

func (s *Server) getLineage(w http.ResponseWriter, r *http.Request) {
	id, depth, limit, p := s.walkParams(r, 10, MaxLineageDepth, 500, MaxLineageSize)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	dir := r.URL.Query().Get("direction")
	if dir == "" {
		dir = "both"
	}
	if dir != "up" && dir != "down" && dir != "both" {
		pr := newProblem(http.StatusBadRequest, "bad-parameter", "direction must be up, down or both")
		pr.Pointer = "?direction"
		writeProblem(w, r, pr)
		return
	}
	g, err := s.LineageGraph(r, id, dir, depth, limit)
	if err != nil {
		writeProblem(w, r, readProblem(err, "batch "+id))
		return
	}
	writeJSON(w, http.StatusOK, g)
}

// LineageGraph builds the graph around id (used by the API and the console).
func (s *Server) LineageGraph(r *http.Request, id, dir string, depth, limit int) (*LineageResponse, error) {
	ctx := r.Context()
	if _, err := s.store.Batch(ctx, id); err != nil {
		return nil, err
	}
	g := &LineageResponse{Root: id, LedgerBlock: s.store.Block(), Upstream: []string{}, Downstream: []string{}, Edges: []Edge{}}
	var err error
	var cut bool
	if dir != "down" {
		if g.Upstream, cut, err = s.store.Lineage(ctx, id, true, depth, limit); err != nil {
			return nil, err
		}
		g.Truncated = cut
	}
	if dir != "up" {
		if g.Downstream, cut, err = s.store.Lineage(ctx, id, false, depth, limit); err != nil {
			return nil, err
		}
		g.Truncated = g.Truncated || cut
	}
	g.Upstream, g.Downstream = listOf(g.Upstream), listOf(g.Downstream)
	ids := append(append([]string{id}, g.Upstream...), g.Downstream...)
	bs, err := s.store.Batches(ctx, ids)
	if err != nil {
		return nil, err
	}
	g.Batches = bs
	in := map[string]bool{}
	for _, x := range ids {
		in[x] = true
	}
	edges, err := s.store.EdgesAmong(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, e := range edges {
		if in[e[0]] && in[e[1]] {
			g.Edges = append(g.Edges, Edge{Parent: e[0], Child: e[1], Event: e[2], Kind: e[3]})
		}
	}
	return g, nil
}

// ImpactResponse is what a recall of a batch would reach.
type ImpactResponse struct {
	LedgerBlock uint64               `json:"ledgerBlock"`
	Batch       string               `json:"batch"`
	Affected    []readmodel.Affected `json:"affected"`
	Truncated   bool                 `json:"truncated"`
}

func (s *Server) getImpact(w http.ResponseWriter, r *http.Request) {
	id, depth, limit, p := s.walkParams(r, MaxLineageDepth, MaxLineageDepth, MaxLineageSize, MaxLineageSize)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	aff, cut, err := s.store.Impact(r.Context(), id, depth, limit)
	if err != nil {
		writeProblem(w, r, readProblem(err, "batch "+id))
		return
	}
	writeJSON(w, http.StatusOK, ImpactResponse{LedgerBlock: s.store.Block(), Batch: id, Affected: aff, Truncated: cut})
}

// exportBatchesCSV streams every batch matching the filters as CSV. A fault after the first page
// aborts the stream (the client sees a truncated transfer, never a short file under a 200); the
// trailers say whether the file is complete and, when MaxExportRows cut it, where to continue.
func (s *Server) exportBatchesCSV(w http.ResponseWriter, r *http.Request) {
	f, p := ParseFilter(r.URL.Query())
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	f.PageSize = min(MaxPageSize, s.opts.MaxExportRows)
	page, err := s.store.SearchBatches(r.Context(), f)
	if err != nil {
		writeProblem(w, r, cursorOr(err))
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="agritrace-batches.csv"`)
	w.Header().Set("X-Export-Limit", strconv.Itoa(s.opts.MaxExportRows))
	w.Header().Set("Trailer", "X-Export-Complete, X-Export-Rows, X-Export-Next")
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"id", "product", "gtin", "category", "quantity", "unit", "status", "origin_region", "harvest_date",
		"owner", "custodian", "custodian_platform", "recalled_by", "external", "updated_at"})
	rows := 0
	for {
		for _, b := range page.Batches {
			region, harvest := "", ""
			if b.Origin != nil {
				region, harvest = b.Origin.Region, b.Origin.HarvestDate
			}
			_ = cw.Write([]string{b.ID, b.Product.Name, b.Product.GTIN, b.Product.Category, strconv.FormatFloat(b.Quantity.Value, 'f', -1, 64),
				b.Quantity.Unit, string(b.Status), region, harvest, b.Owner.Enterprise, b.Custodian.Enterprise, b.Custodian.Platform,
				b.RecalledBy, strconv.FormatBool(b.External), b.UpdatedAt})
			rows++
		}
		if page.Next == "" {
			break
		}
		if rows >= s.opts.MaxExportRows {
			// the cap, not the data, ended the file: say so and where to go on
			cw.Flush()
			w.Header().Set("X-Export-Complete", "false")
			w.Header().Set("X-Export-Rows", strconv.Itoa(rows))
			w.Header().Set("X-Export-Next", page.Next)
			return
		}
		f.Cursor = page.Next
		if page, err = s.store.SearchBatches(r.Context(), f); err != nil {
			cw.Flush()
			s.log.Warn("batch export aborted mid-way", "rows", rows, "err", err)
			panic(http.ErrAbortHandler) // the client sees a broken transfer, not a complete-looking file
		}
	}
	cw.Flush()
	w.Header().Set("X-Export-Complete", "true")
	w.Header().Set("X-Export-Rows", strconv.Itoa(rows))
}

// exportEPCIS returns the events matching the filters as an EPCIS 2.0 document, at most
// MaxExportEvents of them; X-Export-Complete and X-Export-Next say when the cap cut it.
func (s *Server) exportEPCIS(w http.ResponseWriter, r *http.Request) {
	f, p := ParseFilter(r.URL.Query())
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	f.PageSize = MaxPageSize
	page, err := s.store.SearchEvents(r.Context(), f)
	if err != nil {
		writeProblem(w, r, cursorOr(err))
		return
	}
	events := page.Events
	for page.Next != "" && len(events) < MaxExportEvents {
		f.Cursor = page.Next
		if page, err = s.store.SearchEvents(r.Context(), f); err != nil {
			writeProblem(w, r, cursorOr(fmt.Errorf("EPCIS export after %d events: %w", len(events), err)))
			return
		}
		events = append(events, page.Events...)
	}
	doc, err := epcis.Encode(events, s.now())
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	w.Header().Set("Content-Type", "application/ld+json")
	w.Header().Set("Content-Disposition", `attachment; filename="agritrace-epcis.jsonld"`)
	w.Header().Set("X-Export-Limit", strconv.Itoa(MaxExportEvents))
	w.Header().Set("X-Export-Complete", strconv.FormatBool(page.Next == ""))
	if page.Next != "" {
		w.Header().Set("X-Export-Next", page.Next)
	}
	_, _ = w.Write(doc)
}

func (s *Server) getStats(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, p := ParseFilter(q)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	days, p := intParam(q, "stored_days", 30, 1, 3650)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	now := s.now()
	if f.To.IsZero() {
		f.To = now.Add(24 * time.Hour)
	}
	if f.From.IsZero() {
		f.From = f.To.Add(-365 * 24 * time.Hour)
	}
	st, err := s.store.Statistics(r.Context(), f.From, f.To, days, now)
	if err != nil {
		writeProblem(w, r, problemFrom(err))
		return
	}
	st.Activity, st.Recalls, st.LongStored = listOf(st.Activity), listOf(st.Recalls), listOf(st.LongStored)
	writeJSON(w, http.StatusOK, struct {
		LedgerBlock uint64 `json:"ledgerBlock"`
		From        string `json:"from"`
		To          string `json:"to"`
		StoredDays  int    `json:"storedDays"`
		readmodel.Stats
	}{s.store.Block(), f.From.Format(time.RFC3339), f.To.Format(time.RFC3339), days, st})
}
