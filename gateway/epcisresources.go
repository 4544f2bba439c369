package gateway

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"

	"github.com/agritrace/agritrace/epcis"
	"github.com/agritrace/agritrace/readmodel"
)

// The binding's top-level resources: a collection of the values the repository knows for each
// (GET /epcis/bizSteps …), each value's sub-resources (GET /epcis/bizSteps/{bizStep}: its events)
// and the events themselves (…/events, in epcisrest.go). Collections are JSON-LD
// {"type": "Collection", "member": [...]} pages, the next page linked as for event queries.

// epcisCollections are the resource collections, each with the query parameter that selects
// its events and the store's list of its values.
var epcisCollections = []struct {
	path, wildcard, param string
	list                  func(*readmodel.Store) listFunc
}{
	{"eventTypes", "eventType", "eventType", vocabulary("event_type")},
	{"epcs", "epc", "MATCH_anyEPC", func(st *readmodel.Store) listFunc { return st.EPCs }},
	{"bizSteps", "bizStep", "EQ_bizStep", vocabulary("biz_step")},
	{"bizLocations", "bizLocation", "EQ_bizLocation", vocabulary("biz_location")},
	{"readPoints", "readPoint", "EQ_readPoint", vocabulary("read_point")},
	{"dispositions", "disposition", "EQ_disposition", vocabulary("disposition")},
}

// listFunc lists at most limit values after the value after, in text order.
type listFunc func(ctx context.Context, after string, limit int) ([]string, error)

func vocabulary(column string) func(*readmodel.Store) listFunc {
	return func(st *readmodel.Store) listFunc {
		return func(ctx context.Context, after string, limit int) ([]string, error) {
			return st.EPCISVocabulary(ctx, column, after, limit)
		}
	}
}

// collectionDoc is a page of a top-level resource collection.
type collectionDoc struct {
	Context string   `json:"@context"`
	Type    string   `json:"type"`
	Member  []string `json:"member"`
}

// epcisCollection serves one collection a page at a time (perPage, nextPageToken). The token is
// the page's last value, encoded so that any value (a URL, a URN) travels safely in a query string.
func (s *Server) epcisCollection(list listFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := r.URL.Query()
		perPage := epcisDefaultPerPage
		if x := v.Get("perPage"); x != "" {
			q, p := ParseEPCISQuery(url.Values{"perPage": {x}})
			if p != nil {
				writeProblem(w, r, p)
				return
			}
			perPage = q.Limit
		}
		after, err := base64.RawURLEncoding.DecodeString(v.Get("nextPageToken"))
		if err != nil {
			writeProblem(w, r, queryParamProblem("nextPageToken", "nextPageToken is not one this server gave"))
			return
		}
		// one more than asked tells whether a next page exists without a second query
		vals, err := list(r.Context(), string(after), perPage+1)
		if err != nil {
			writeProblem(w, r, problemFrom(err))
			return
		}
		if len(vals) > perPage {
			vals = vals[:perPage]
			token := base64.RawURLEncoding.EncodeToString([]byte(vals[len(vals)-1]))
			v.Set("nextPageToken", token)
			w.Header().Set("Link", "<"+r.URL.Path+"?"+v.Encode()+`>; rel="next"`)
			w.Header().Set("GS1-Next-Page-Token", token)
		}
		writeLD(w, collectionDoc{Context: epcis.StandardContext, Type: "Collection", Member: vals})
	}
}

// epcisSubResources answers GET /epcis/{collection}/{value}: the sub-resources of a value the
// repository knows (only "events"), 404 for one it does not. Whether it is known is asked of
// the same query its events come from, so the two never disagree.
func (s *Server) epcisSubResources(param, pathValue string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		value := r.PathValue(pathValue)
		q, p := ParseEPCISQuery(url.Values{param: {value}, "perPage": {"1"}})
		if p != nil {
			writeProblem(w, r, p)
			return
		}
		page, err := s.store.QueryEPCIS(r.Context(), q)
		if err != nil {
			writeProblem(w, r, problemFrom(err))
			return
		}
		if len(page.Events) == 0 {
			writeProblem(w, r, newProblem(http.StatusNotFound, "not-found", "no event names "+value))
			return
		}
		writeLD(w, collectionDoc{Context: epcis.StandardContext, Type: "Collection", Member: []string{"events"}})
	}
}

func queryParamProblem(param, detail string) *Problem {
	p := newProblem(http.StatusBadRequest, "query-parameter", detail)
	p.Rule, p.Pointer = "QueryParameterException", "?"+param
	return p
}

func writeLD(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/ld+json")
	w.WriteHeader(http.StatusOK)
	_ = jsonEncode(w, v)
}

// epcisTopLevel answers GET /epcis: the binding's top-level resources this repository serves.
func (s *Server) epcisTopLevel(w http.ResponseWriter, r *http.Request) {
	top := []string{"capture", "events"}
	for _, c := range epcisCollections {
		top = append(top, c.path)
	}
	writeJSON(w, http.StatusOK, append(top, "queries"))
}

// epcisReleaseToken answers DELETE /epcis/nextPageToken/{token}, the binding's release of what a
// page token holds. A token here is the position itself (an event cursor or a collection's last
// value, base64url): the server holds nothing for it, so any token it could have issued is
// released at once; anything else is a token it never issued.
func (s *Server) epcisReleaseToken(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if _, err := base64.RawURLEncoding.DecodeString(token); err != nil || token == "" {
		p := newProblem(http.StatusNotFound, "not-found", "nextPageToken "+token+" is not one this server gave")
		p.Rule = "NoSuchNameException"
		writeProblem(w, r, p)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
