package landing

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

// The parts of an OpenAPI 3.1 document the documentation page shows.
type (
	apiDoc struct {
		Info struct {
			Title, Version, Description string
		}
		Paths      map[string]map[string]operation
		Components struct {
			Schemas map[string]schema
		}
	}
	operation struct {
		Summary, Description string
		Security             []map[string][]string
		Parameters           []struct {
			Name, In, Description string
			Required              bool
			Schema                schema
		}
		RequestBody *struct {
			Required bool
			Content  map[string]struct{ Schema schema }
		}
		Responses map[string]struct {
			Description string
			Content     map[string]struct{ Schema schema }
		}
	}
	schema struct {
		Ref         string `json:"$ref"`
		Type        any
		Description string
		Enum        []any
		Pattern     string
		Required    []string
		Properties  map[string]schema
		Items       *schema
	}
)

// endpoint is one method on one path, for the page.
type endpoint struct {
	Method, Path string
	Op           operation
	Auth         bool
}

type property struct {
	Name string
	S    schema
	Req  bool
}

type schemaView struct {
	Name  string
	Props []property
	S     schema
}

func schemaName(s schema) string {
	switch {
	case s.Ref != "":
		return s.Ref[strings.LastIndex(s.Ref, "/")+1:]
	case s.Items != nil:
		return "[]" + schemaName(*s.Items)
	case s.Type != nil:
		if t, ok := s.Type.(string); ok {
			return t
		}
	}
	return "object"
}

func (p *Page) docs(w http.ResponseWriter, r *http.Request) {
	var d apiDoc
	if err := json.Unmarshal(p.OpenAPI, &d); err != nil {
		p.Log.Error("parse OpenAPI for /docs", "err", err)
		http.Error(w, "the API description could not be read; see /openapi.json", http.StatusInternalServerError)
		return
	}
	order := map[string]int{"get": 0, "post": 1, "put": 2, "patch": 3, "delete": 4}
	var eps []endpoint
	for path, ops := range d.Paths {
		for m, op := range ops {
			eps = append(eps, endpoint{Method: strings.ToUpper(m), Path: path, Op: op, Auth: len(op.Security) > 0})
		}
	}
	// by path, then method
	sort.Slice(eps, func(i, j int) bool {
		if eps[i].Path != eps[j].Path {
			return eps[i].Path < eps[j].Path
		}
		return order[strings.ToLower(eps[i].Method)] < order[strings.ToLower(eps[j].Method)]
	})
	var schemas []schemaView
	for name, s := range d.Components.Schemas {
		sv := schemaView{Name: name, S: s}
		req := map[string]bool{}
		for _, r := range s.Required {
			req[r] = true
		}
		for pn, ps := range s.Properties {
			sv.Props = append(sv.Props, property{Name: pn, S: ps, Req: req[pn]})
		}
		sort.Slice(sv.Props, func(i, j int) bool { return sv.Props[i].Name < sv.Props[j].Name })
		schemas = append(schemas, sv)
	}
	sort.Slice(schemas, func(i, j int) bool { return schemas[i].Name < schemas[j].Name })
	p.render(w, "docs", map[string]any{"Info": d.Info, "Endpoints": eps, "Schemas": schemas})
}
