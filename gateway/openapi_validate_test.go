package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Every request the handler tests send through newEnv's server, and every answer they get, is
// checked against the served OpenAPI document by kin-openapi: the answer's status, content type,
// documented headers and body schema always; the request only when it was answered 2xx, since many
// tests send malformed requests on purpose and a refusal of those is the point. Failures are
// collected here and reported from TestMain, so that a test asserting its own 4xx still passes while
// an undocumented answer fails the package.

// pageBodies are the documented content types that are not JSON: kin-openapi has no decoder for
// them, and their schema is a plain string, so the body is read as one.
var pageBodies = []string{"text/html", "image/png", "image/svg+xml"}

type specChecker struct {
	doc     *openapi3.T
	router  routers.Router
	problem *openapi3.Schema

	mu       sync.Mutex
	failures map[string]*failure // distinct failure → how many answers showed it, and one of them
	pairs    map[string]struct{} // "METHOD /path|status" validated
	answers  int                 // answers validated
	bodies   int                 // answer bodies validated against a schema
	requests int                 // 2xx requests validated
	excluded map[string]int      // why an answer was not validated against an operation → count
}

// liveSpec is the checker of the served document, shared by every test server of the package.
var liveSpec = sync.OnceValues(func() (*specChecker, error) { return newSpecChecker(OpenAPI()) })

func newSpecChecker(spec []byte) (*specChecker, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("load openapi.json: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("openapi.json is not a valid OpenAPI document: %w", err)
	}
	// the document names the default listen address; test servers listen elsewhere
	doc.Servers = nil
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("route openapi.json: %w", err)
	}
	problem := doc.Components.Schemas["Problem"]
	if problem == nil || problem.Value == nil {
		return nil, errors.New("openapi.json has no Problem schema")
	}
	for _, ct := range pageBodies {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
	}
	// kin-openapi checks date and date-time but lets any string pass as a uri: a linkset's anchor or
	// a link's href that is not an absolute URI would go unnoticed
	openapi3.DefineStringFormatCallback("uri", absoluteURI)
	return &specChecker{doc: doc, router: router, problem: problem.Value,
		failures: map[string]*failure{}, pairs: map[string]struct{}{}, excluded: map[string]int{}}, nil
}

// absoluteURI is the check of format "uri" (RFC 3986 URI: a scheme, then the rest).
func absoluteURI(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	if !u.IsAbs() {
		return fmt.Errorf("%q is not an absolute URI", s)
	}
	return nil
}

// TestOpenAPIDocumentValid lists every way the served document breaks the OpenAPI 3.1 rules (the
// live-traffic check needs a valid document to route and validate with).
func TestOpenAPIDocumentValid(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(loader.Context, openapi3.EnableMultiError()); err != nil {
		var me openapi3.MultiError
		if errors.As(err, &me) {
			for _, e := range me {
				t.Error(e)
			}
			return
		}
		t.Fatal(err)
	}
}

// wrap wraps a test server's handler: it serves the request unchanged, keeps a copy of the request
// body and of the answer, and validates both once the handler has returned. mux is the handler's
// router, asked which of its patterns the request reaches.
func (c *specChecker) wrap(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// the pattern the mux routes to, read before the handler runs (it may rewrite the request)
		_, pattern := mux.Handler(r)
		reqBody, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		_ = r.Body.Close()
		seen := r.Clone(context.Background())
		r.Body = io.NopCloser(bytes.NewReader(reqBody))
		rec := &recordingWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		seen.Body = io.NopCloser(bytes.NewReader(reqBody))
		c.check(seen, reqBody, pattern, rec)
	})
}

// recordingWriter passes everything through and keeps the status, headers and body.
type recordingWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

// Unwrap lets http.ResponseController reach the connection (flushes, hijacking for WebSockets).
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *recordingWriter) WriteHeader(code int) {
	if !w.wroteHeader && code >= 200 || code == http.StatusSwitchingProtocols {
		w.status, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *recordingWriter) Write(b []byte) (int, error) {
	w.wroteHeader = true
	w.body.Write(b)
	return w.ResponseWriter.Write(b)
}

// Flush keeps streamed answers (NDJSON, server-sent events) streaming through the wrapper.
func (w *recordingWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (c *specChecker) check(r *http.Request, reqBody []byte, pattern string, w *recordingWriter) {
	hdr := w.Header().Clone()
	route, params, err := c.router.FindRoute(r)
	if err != nil {
		c.unrouted(r, pattern, w, hdr, err)
		return
	}
	op := strings.ToUpper(route.Method) + " " + route.Path
	opts := &openapi3filter.Options{
		// the tests send missing and wrong keys on purpose: the gateway's answer to those is what
		// the response check below validates
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		IncludeResponseStatus: true,
		MultiError:            true,
	}
	// the schema and the value stay out of the message: a failure is then one line, and the same
	// mismatch seen with many inputs is one finding (the example request shows one input)
	opts.WithCustomSchemaErrorFunc(func(e *openapi3.SchemaError) string {
		if p := e.JSONPointer(); len(p) > 0 {
			return "at /" + strings.Join(p, "/") + ": " + e.Reason
		}
		return e.Reason
	})
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: opts}
	c.mu.Lock()
	c.answers++
	c.pairs[fmt.Sprintf("%s|%d", op, w.status)] = struct{}{}
	c.mu.Unlock()
	switch {
	case w.status == http.StatusMultiStatus:
		// 207 is the answer to a bulk some of whose events were refused: the request is invalid by
		// definition, so what must hold is that every event it did not refuse is valid
		c.checkPartial(r, op, reqBody, w.body.Bytes())
	case w.status >= 200 && w.status < 300:
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			c.fail(r, op, w.status, "request answered %d is invalid: %v", w.status, err)
		} else {
			c.count(&c.requests)
		}
	}
	if w.status == http.StatusSwitchingProtocols {
		c.exclude("101 Switching Protocols: the connection became a WebSocket, there is no HTTP answer to validate")
		return
	}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 w.status,
		Header:                 hdr,
		Body:                   io.NopCloser(bytes.NewReader(w.body.Bytes())),
		Options:                opts,
	})
	if err != nil {
		c.fail(r, op, w.status, "%v", err)
		return
	}
	c.bodyDocumented(r, op, route, w, hdr)
}

// bodyDocumented adds what ValidateResponse leaves out: an answer with a body the operation documents
// none for, and the count of bodies that were validated against a schema.
func (c *specChecker) bodyDocumented(r *http.Request, op string, route *routers.Route, w *recordingWriter, hdr http.Header) {
	ref := route.Operation.Responses.Status(w.status)
	if ref == nil {
		ref = route.Operation.Responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return
	}
	switch w.status {
	case http.StatusNotModified, http.StatusMovedPermanently, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return // kin-openapi does not validate redirects; their bodies are the Location's courtesy text
	}
	if len(ref.Value.Content) == 0 {
		if w.body.Len() > 0 {
			c.fail(r, op, w.status, "answered a %s body, but the operation documents no content for %d", hdr.Get("Content-Type"), w.status)
		}
		return
	}
	if mt := ref.Value.Content.Get(hdr.Get("Content-Type")); mt != nil && mt.Schema != nil {
		c.count(&c.bodies)
	}
}

// checkPartial validates each event of a native bulk that a 207 answer did not refuse against the
// Event schema. A 207 to anything else (an EPCIS document, whose events are not native ones) has its
// answer validated only.
func (c *specChecker) checkPartial(r *http.Request, op string, reqBody, respBody []byte) {
	var req struct {
		Events []any `json:"events"`
	}
	var resp BulkResponse
	if json.Unmarshal(reqBody, &req) != nil || len(req.Events) == 0 || json.Unmarshal(respBody, &resp) != nil {
		c.exclude(op + " 207 to a request that is not a native bulk: its answer is validated, the request not")
		return
	}
	event := c.doc.Components.Schemas["Event"]
	for _, res := range resp.Results {
		if res.Status == "rejected" {
			continue
		}
		if res.Index < 0 || res.Index >= len(req.Events) {
			c.fail(r, op, http.StatusMultiStatus, "result index %d outside the %d events sent", res.Index, len(req.Events))
			continue
		}
		if err := event.Value.VisitJSON(req.Events[res.Index], openapi3.EnableJSONSchema2020()); err != nil {
			c.fail(r, op, http.StatusMultiStatus, "event %d was %s but does not match the Event schema: %v", res.Index, res.Status, err)
			continue
		}
		c.count(&c.requests)
	}
}

// unrouted handles a request the document has no operation for. Every API has answers no operation
// can document: the mux's own 404 and 405, the refusal of an identifier URL pasted unescaped into a
// path, and the refusal of a path that is not canonical
// (/v1//batches, /v1/./batches) on its way to a documented route. Those are checked to be
// problem+json matching the Problem schema. A route the mux serves that the document lacks is a
// failure.
func (c *specChecker) unrouted(r *http.Request, pattern string, w *recordingWriter, hdr http.Header, err error) {
	if pattern != "" {
		method, path, _ := strings.Cut(pattern, " ")
		item := c.doc.Paths.Value(path)
		switch {
		case method == http.MethodGet && r.Method == http.MethodHead:
			c.exclude("HEAD on a GET route: no body to validate (kin-openapi skips HEAD too)")
			return
		case item == nil || item.GetOperation(method) == nil:
			c.fail(r, pattern, w.status, "the gateway serves %s but openapi.json has no such operation", pattern)
			return
		case w.status < 400:
			c.fail(r, pattern, w.status, "%s %s is not a path of the document (%v), yet was answered %d", r.Method, r.URL.EscapedPath(), err, w.status)
			return
		}
		c.exclude(fmt.Sprintf("non-canonical path to a documented route: %d, checked as a Problem", w.status))
	} else {
		if w.status < 400 {
			c.fail(r, "unrouted "+r.Method, w.status, "%s is not a path of the document (%v), yet was answered %d", r.URL.EscapedPath(), err, w.status)
			return
		}
		c.exclude(fmt.Sprintf("no route (%v): answered %d, checked as a Problem", err, w.status))
	}
	if ct := hdr.Get("Content-Type"); ct != "application/problem+json" {
		c.fail(r, "unrouted "+r.Method, w.status, "answered %q, want application/problem+json", ct)
		return
	}
	var v any
	derr := json.Unmarshal(w.body.Bytes(), &v)
	if derr == nil {
		derr = c.problem.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.VisitAsResponse())
	}
	if derr != nil {
		c.fail(r, "unrouted "+r.Method, w.status, "body is not a Problem: %v", derr)
		return
	}
	c.count(&c.bodies)
}

func (c *specChecker) count(n *int) {
	c.mu.Lock()
	*n++
	c.mu.Unlock()
}

func (c *specChecker) exclude(why string) {
	c.mu.Lock()
	c.excluded[why]++
	c.mu.Unlock()
}

func (c *specChecker) fail(r *http.Request, op string, status int, format string, args ...any) {
	detail := strings.Join(strings.Fields(fmt.Sprintf(format, args...)), " ")
	// the JSON Schema 2020-12 validator names a placeholder URL for the schema: noise in a report
	detail = strings.ReplaceAll(detail, "jsonschema validation failed with 'https://example.com/schema.json#' - ", "")
	msg := fmt.Sprintf("%s answered %d: %s", op, status, detail)
	c.mu.Lock()
	defer c.mu.Unlock()
	f := c.failures[msg]
	if f == nil {
		f = &failure{example: r.Method + " " + r.URL.RequestURI()}
		c.failures[msg] = f
	}
	f.n++
}

type failure struct {
	n       int
	example string
}

// checkConformance is TestMain's verdict after the tests ran with exit code code: the summary of what
// was validated, and a failure for every distinct mismatch (a failing run keeps its own code, the
// mismatches are still listed).
func checkConformance(code int) int {
	c, err := liveSpec()
	if err != nil {
		fmt.Fprintln(os.Stderr, "OpenAPI conformance:", err)
		return 1
	}
	summary, failures := c.report()
	fmt.Println("OpenAPI conformance:", summary)
	if len(failures) > 0 {
		fmt.Fprintf(os.Stderr, "OpenAPI conformance: %d distinct mismatches with openapi.json:\n  %s\n", len(failures), strings.Join(failures, "\n  "))
		code = 1
	}
	return code
}

// report is what TestMain prints: a summary of what was validated, and every distinct failure.
func (c *specChecker) report() (summary string, failures []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var excluded []string
	for why, n := range c.excluded {
		excluded = append(excluded, fmt.Sprintf("%d × %s", n, why))
	}
	sort.Strings(excluded)
	summary = fmt.Sprintf("%d answers on %d (operation, status) pairs validated, %d bodies against their schema, %d 2xx requests; not validated against an operation: %s",
		c.answers, len(c.pairs), c.bodies, c.requests, strings.Join(excluded, "; "))
	for msg, f := range c.failures {
		failures = append(failures, fmt.Sprintf("%s (%d×, e.g. %.200s)", msg, f.n, f.example))
	}
	sort.Strings(failures)
	return summary, failures
}
