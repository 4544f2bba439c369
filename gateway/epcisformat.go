package gateway

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/agritrace/agritrace/domain"
	"github.com/agritrace/agritrace/epcis"
	"github.com/agritrace/agritrace/wire"
)

// GS1-EPC-Format: a query answer, a WebSocket stream and a webhook's deliveries write identifiers
// as the client asked (epcis.TranslateEPCs).
// Writing a URN needs the company prefix's length, which a Digital Link does not carry: the
// registry's enterprises declare their prefixes, read from the ledger at most once a
// prefixTTL (only when a client asks for URNs).

const (
	prefixTTL       = time.Minute
	prefixRetry     = 5 * time.Second // after the registry could not be read
	epcFormatHeader = "GS1-EPC-Format"
)

type prefixCache struct {
	mu    sync.Mutex
	until time.Time
	set   map[string]bool
}

// epcFormatter reads the request's GS1-EPC-Format and returns what rewrites each event of the
// answer, and the format to announce in the answer's header.
func (s *Server) epcFormatter(r *http.Request) (func(json.RawMessage) (json.RawMessage, error), epcis.EPCFormat, *Problem) {
	f, p := epcFormatOf(r)
	if p != nil {
		return nil, "", p
	}
	return s.formatFor(r.Context(), f, caller(r).Org), f.Applied(), nil
}

// epcFormatOf is the request's GS1-EPC-Format; a value the binding does not define is a 400
// naming the header.
func epcFormatOf(r *http.Request) (epcis.EPCFormat, *Problem) {
	f, err := epcis.ParseEPCFormat(r.Header.Get(epcFormatHeader))
	if err != nil {
		p := newProblem(http.StatusBadRequest, "epc-format", err.Error())
		p.Rule, p.Pointer = "QueryParameterException", epcFormatHeader
		return "", p
	}
	return f, nil
}

// formatFor is what rewrites each event in format f, the registry read as org when f asks for
// URNs.
func (s *Server) formatFor(ctx context.Context, f epcis.EPCFormat, org string) func(json.RawMessage) (json.RawMessage, error) {
	var prefixes map[string]bool
	if f == epcis.AlwaysURN {
		prefixes = s.companyPrefixes(ctx, org)
	}
	return func(ev json.RawMessage) (json.RawMessage, error) {
		return epcis.TranslateEPCs(ev, f, prefixes)
	}
}

// companyPrefixes are the GS1 company prefixes the registry knows, read as org. When the registry
// cannot be read, none are known for a while: Digital Links then stay as they are.
func (s *Server) companyPrefixes(ctx context.Context, org string) map[string]bool {
	c := &s.prefixes
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Now().Before(c.until) {
		return c.set
	}
	raw, err := s.ledger.Evaluate(ctx, org, wire.ListEnterprises, "")
	var ens []domain.Enterprise
	if err == nil {
		err = json.Unmarshal(raw, &ens)
	}
	if err != nil {
		s.log.Warn("epcis: registry unreadable; Digital Links stay untranslated", "err", err)
		c.until = time.Now().Add(prefixRetry)
		return c.set
	}
	set := map[string]bool{}
	for _, en := range ens {
		for _, p := range en.Prefixes {
			set[p] = true
		}
	}
	c.set, c.until = set, time.Now().Add(prefixTTL)
	return set
}
