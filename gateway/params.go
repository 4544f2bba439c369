package gateway

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strings"
	"sync"
)

// queryParams maps each API route ("GET /v1/batches") to the query parameters the OpenAPI
// document declares for it: the document is the one list, so a parameter added to a route and
// its spec is accepted without touching this file.
var queryParams = sync.OnceValue(func() map[string]map[string]bool { return queryParamsOf(openAPI) })

func queryParamsOf(spec []byte) map[string]map[string]bool {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	out := map[string]map[string]bool{}
	if err := json.Unmarshal(spec, &doc); err != nil {
		return out
	}
	type param struct {
		Name string `json:"name"`
		In   string `json:"in"`
	}
	for path, item := range doc.Paths {
		var shared []param
		if raw, ok := item["parameters"]; ok {
			_ = json.Unmarshal(raw, &shared)
		}
		for method, raw := range item {
			if method == "parameters" {
				continue
			}
			var op struct {
				Parameters []param `json:"parameters"`
				// OpenQuery marks an operation whose parameter names are open-ended (the EPCIS
				// query language's EQ_…, GE_…, EXISTS_… families): it is not checked here.
				OpenQuery bool `json:"x-open-query"`
			}
			_ = json.Unmarshal(raw, &op)
			if op.OpenQuery {
				continue
			}
			set := map[string]bool{}
			for _, p := range append(op.Parameters, shared...) {
				if p.In == "query" {
					set[p.Name] = true
				}
			}
			out[strings.ToUpper(method)+" "+path] = set
		}
	}
	return out
}

// didYouMean are parameter names clients reach for that this API spells otherwise.
var didYouMean = map[string]string{"limit": "page_size", "pageSize": "page_size", "size": "page_size", "per_page": "page_size",
	"offset": "cursor", "page": "cursor", "q": "product", "search": "product", "since": "from", "until": "to"}

// unknownParams refuses query parameters a /v1 route does not declare: a misspelt filter silently
// ignored returns everything, which looks like an answer. Routes without a spec entry (or pages
// such as the trace page, where campaign parameters are normal) are not checked.
func unknownParams(pattern string, q url.Values) *Problem {
	method, path, _ := strings.Cut(pattern, " ")
	if !strings.HasPrefix(path, "/v1/") {
		return nil
	}
	allowed, ok := queryParams()[method+" "+path]
	if !ok {
		return nil
	}
	var errs fieldErrors
	names := make([]string, 0, len(q))
	for name := range q {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if allowed[name] {
			continue
		}
		detail := fmt.Sprintf("unknown query parameter %q", clip(name))
		if alt, ok := didYouMean[name]; ok && allowed[alt] {
			detail += fmt.Sprintf(" (did you mean %q?)", alt)
		}
		if len(allowed) == 0 {
			detail += "; this route takes no query parameters"
		} else {
			detail += "; this route takes " + strings.Join(sortedKeys(allowed), ", ")
		}
		errs.add("?"+clip(name), "unknown-parameter", detail)
	}
	return errs.problem()
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// unescapedID answers a path into which an identifier URL was pasted without percent-encoding
// (/v1/batches/https://id.gs1.org/01/…): net/http would clean "//" and redirect to a path that
// does not exist. The hint gives the encoded path.
func unescapedID(r *http.Request) *Problem {
	raw := r.URL.EscapedPath()
	i := strings.Index(raw, "/https:/")
	if i < 0 {
		i = strings.Index(raw, "/http:/")
	}
	if i < 0 {
		return nil
	}
	prefix, id := raw[:i+1], raw[i+1:]
	suffix := ""
	for _, s := range []string{"/trail", "/history", "/lineage", "/impact", "/qr.png", "/qr.svg", "/offer", "/accept", "/recall"} {
		if strings.HasSuffix(id, s) {
			id, suffix = strings.TrimSuffix(id, s), s
			break
		}
	}
	if u, err := url.PathUnescape(id); err == nil {
		id = u
	}
	p := newProblem(http.StatusBadRequest, "unescaped-identifier",
		"the path holds an identifier URL that is not percent-encoded, so its slashes split the path")
	p.Hint = "percent-encode the identifier as one path segment: " + prefix + url.PathEscape(id) + suffix
	return p
}

// uncleanPath refuses a path with "." or ".." segments or doubled slashes, which net/http's mux
// would answer with a redirect to another resource (/v1/../../etc/passwd → /etc/passwd). It
// looks at the escaped path, so percent-encoded slashes inside one identifier are left alone.
func uncleanPath(r *http.Request) *Problem {
	raw := r.URL.EscapedPath()
	if raw == "" || raw == "/" {
		return nil
	}
	clean := path.Clean(raw)
	if strings.HasSuffix(raw, "/") && clean != "/" {
		clean += "/"
	}
	if clean == raw {
		return nil
	}
	p := newProblem(http.StatusBadRequest, "non-canonical-path", "the path has empty, \".\" or \"..\" segments")
	p.Hint = "request " + clean + ", or percent-encode an identifier that contains slashes"
	return p
}
