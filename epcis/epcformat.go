package epcis

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/agritrace/agritrace/gs1"
)

// EPCFormat is how a query answer writes the identifiers of objects, classes and places: the
// values of the binding's GS1-EPC-Format header.
type EPCFormat string

const (
	// NoPreference leaves the choice to the server, which answers as captured: the standard asks
	// a query to return each event as it was captured.
	NoPreference    EPCFormat = "No_Preference"
	AlwaysDL        EPCFormat = "Always_GS1_Digital_Link"
	AlwaysURN       EPCFormat = "Always_EPC_URN"
	NeverTranslates EPCFormat = "Never_Translates"
)

// ParseEPCFormat reads a GS1-EPC-Format value; empty is NoPreference.
func ParseEPCFormat(s string) (EPCFormat, error) {
	switch f := EPCFormat(strings.TrimSpace(s)); f {
	case "":
		return NoPreference, nil
	case NoPreference, AlwaysDL, AlwaysURN, NeverTranslates:
		return f, nil
	}
	return "", fmt.Errorf("GS1-EPC-Format is No_Preference, Always_GS1_Digital_Link, Always_EPC_URN or Never_Translates, not %q", s)
}

// Applied is the format an answer is written in, as its GS1-EPC-Format header says.
func (f EPCFormat) Applied() EPCFormat {
	if f == NoPreference {
		return NeverTranslates
	}
	return f
}

// epcPaths are the members of an event that hold EPCs, EPC classes or GS1 location and party
// identifiers, as paths from the event ("*" is every element of a list).
var epcPaths = []string{
	"epcList/*", "childEPCs/*", "inputEPCList/*", "outputEPCList/*", "parentID",
	"quantityList/*/epcClass", "childQuantityList/*/epcClass", "inputQuantityList/*/epcClass", "outputQuantityList/*/epcClass",
	"readPoint/id", "bizLocation/id", "sourceList/*/source", "destinationList/*/destination",
}

// epcTargets holds every path of epcPaths (true) and every proper prefix of one (false): what
// the walk descends into.
var epcTargets = func() map[string]bool {
	m := map[string]bool{"": false}
	for _, p := range epcPaths {
		parts := strings.Split(p, "/")
		for i := 1; i < len(parts); i++ {
			m[strings.Join(parts[:i], "/")] = false
		}
		m[p] = true
	}
	return m
}()

// TranslateEPCs rewrites the identifiers of one rendered event in format f. A URN becomes a
// Digital Link always. A Digital Link becomes a URN only when its company prefix length is known:
// prefixes holds the company prefixes known (the registry's), and every URN in the event teaches
// its own. Whatever cannot be translated (an unknown prefix, a key with no URN form, a local code,
// any other URI) is left as it is. Never_Translates and No_Preference return the event as given.
func TranslateEPCs(event []byte, f EPCFormat, prefixes map[string]bool) ([]byte, error) {
	if f != AlwaysDL && f != AlwaysURN {
		return event, nil
	}
	if f == AlwaysURN {
		learned := map[string]bool{}
		if _, err := rewriteEPCs(event, func(s string) string {
			if cp, ok := gs1.CompanyPrefix(s); ok {
				learned[cp] = true
			}
			return s
		}); err != nil {
			return nil, err
		}
		for p := range prefixes {
			learned[p] = true
		}
		prefixes = learned
	}
	return rewriteEPCs(event, func(s string) string { return translate(s, f, prefixes) })
}

func translate(s string, f EPCFormat, prefixes map[string]bool) string {
	lower := strings.ToLower(s)
	isURN := strings.HasPrefix(lower, "urn:epc:")
	if f == AlwaysDL && !isURN || f == AlwaysURN && isURN {
		return s
	}
	if f == AlwaysURN && !strings.HasPrefix(lower, "https://") && !strings.HasPrefix(lower, "http://") {
		return s
	}
	id, err := gs1.Parse(s)
	if err != nil || id.Kind == gs1.KindLocal || id.Kind == gs1.KindURI {
		return s
	}
	if f == AlwaysDL {
		return id.String()
	}
	digits := id.PrefixDigits()
	for l := min(12, len(digits)); l >= 6; l-- {
		if prefixes[digits[:l]] {
			if urn, err := id.URN(l); err == nil {
				return urn
			}
			break
		}
	}
	return s
}

// rewriteEPCs copies event, passing every string at one of epcPaths through fn.
func rewriteEPCs(event []byte, fn func(string) string) ([]byte, error) {
	dec := jsontext.NewDecoder(bytes.NewReader(event), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	var out bytes.Buffer
	enc := jsontext.NewEncoder(&out, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	if err := walkEPCs(dec, enc, "", fn); err != nil {
		return nil, fmt.Errorf("translate EPCs: %w", err)
	}
	return bytes.TrimRight(out.Bytes(), "\n"), nil
}

func walkEPCs(dec *jsontext.Decoder, enc *jsontext.Encoder, path string, fn func(string) string) error {
	target, inside := epcTargets[path]
	kind := dec.PeekKind()
	switch {
	case kind == 0:
		if _, err := dec.ReadToken(); err != nil {
			return err
		}
		return io.ErrUnexpectedEOF
	case target && kind == '"':
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		return enc.WriteToken(jsontext.String(fn(tok.String())))
	case !target && inside && (kind == '{' || kind == '['):
		open, err := dec.ReadToken()
		if err != nil {
			return err
		}
		if err := enc.WriteToken(open); err != nil {
			return err
		}
		for dec.PeekKind() != '}' && dec.PeekKind() != ']' {
			child := "*"
			if kind == '{' {
				name, err := dec.ReadToken()
				if err != nil {
					return err
				}
				if err := enc.WriteToken(name); err != nil {
					return err
				}
				child = name.String()
			}
			if path != "" {
				child = path + "/" + child
			}
			if err := walkEPCs(dec, enc, child, fn); err != nil {
				return err
			}
		}
		end, err := dec.ReadToken()
		if err != nil {
			return err
		}
		return enc.WriteToken(end)
	}
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	return enc.WriteValue(v)
}
