package gateway

import (
	_ "embed"
	"net/http"
)

// The OpenAPI document is the contract; TestOpenAPIConformance checks it against the routes and
// the responses the handlers actually give.
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the embedded spec (other packages add their paths to the served copy).
func OpenAPI() []byte { return openAPI }

func (s *Server) getOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPI)
}
