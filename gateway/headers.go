package gateway

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
)

// Browser security headers. Pages are server-rendered with no script, so the policy allows none
// except inline scripts registered by hash (AllowInlineScript); styles are inline (one request per
// page), images are the site's own or data: URIs. Frames are refused everywhere: no page is meant
// to be embedded, and a framed console could be click-jacked into a recall.
const (
	cspAPI       = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"
	cspHTMLStart = "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self'; connect-src 'self'; " +
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; script-src 'self'"
)

// csp holds the HTML policy, with the hashes of allowed inline scripts.
type csp struct {
	mu     sync.RWMutex
	policy string
}

// AllowInlineScript permits one inline <script> body (exactly as it appears between the tags) on
// every page, by its SHA-256 hash.
func (s *Server) AllowInlineScript(body string) {
	sum := sha256.Sum256([]byte(body))
	s.csp.mu.Lock()
	defer s.csp.mu.Unlock()
	if s.csp.policy == "" {
		s.csp.policy = cspHTMLStart
	}
	s.csp.policy += " 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

func (c *csp) html() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.policy == "" {
		return cspHTMLStart
	}
	return c.policy
}

// headerWriter adds the security headers once the handler has chosen its content type.
type headerWriter struct {
	http.ResponseWriter
	r       *http.Request
	csp     *csp
	applied bool
}

func (h *headerWriter) apply() {
	if h.applied {
		return
	}
	h.applied = true
	hd := h.Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	if strings.HasPrefix(hd.Get("Content-Type"), "text/html") {
		hd.Set("Content-Security-Policy", h.csp.html())
	} else {
		hd.Set("Content-Security-Policy", cspAPI)
	}
	if isConsole(h.r.URL.Path) {
		// a regulator's pages must not stay in a shared browser's cache or history
		hd.Set("Cache-Control", "no-store")
	}
}

func isConsole(path string) bool { return path == "/console" || strings.HasPrefix(path, "/console/") }

func (h *headerWriter) WriteHeader(code int) {
	h.apply()
	h.ResponseWriter.WriteHeader(code)
}

func (h *headerWriter) Write(b []byte) (int, error) {
	h.apply()
	return h.ResponseWriter.Write(b)
}

func (h *headerWriter) Unwrap() http.ResponseWriter { return h.ResponseWriter }

// newCrossOriginProtection refuses state-changing browser requests from other origins (console
// login, logout, recall and any form added later), by Sec-Fetch-Site or Origin. Requests without
// those headers — API clients, curl — are not browsers' cross-site requests and pass.
func newCrossOriginProtection() *http.CrossOriginProtection { return http.NewCrossOriginProtection() }
