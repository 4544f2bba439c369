package epcisevent

import (
	"bytes"
	"encoding/json"
	"sync"

	"github.com/agritrace/agritrace/domain"
)

// source is one event to decode.
type source struct {
	raw    []byte // as sent
	fields object // its members, once read
	ok     bool   // raw is an object, read into fields
	// plain: read by the scanner (raw is plain strict JSON); canon: fields carry their canonical
	// values; ctx: the document's namespaces in canonical form, for an event without @context
	plain, canon bool
	ctx          []byte
	ns           []json.RawMessage // generic: the document's namespaces
}

// open reads the event's members the generic way, unless the scanner has.
func (src *source) open() bool {
	if src.plain || src.ok {
		return src.ok
	}
	var m map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(src.raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil {
		return false
	}
	src.fields, src.ok = fromMap(m), true
	return true
}

// decodeSingle reads one event on its own, the plain way when it is plain, else the generic way,
// and projects it.
func decodeSingle(raw []byte, actor domain.Party, keep bool, at string) (domain.Event, error) {
	// the contract projects every event of a transaction on every endorsement: the working space
	// of reading one is reused (the event decoded keeps none of it)
	s := singles.Get().(*scanner)
	defer singles.Put(s)
	*s = scanner{src: raw, write: keep, skim: !keep, rd: s.rd, stack: s.stack[:0], fields: s.fields[:0], single: s.single[:0], obj: s.obj[:0], tmp: s.tmp[:0]}
	defer s.release()
	if keep {
		s.out = make([]byte, 0, len(raw))
	}
	src := source{raw: raw}
	s.start()
	if s.dec.PeekKind() == '{' && s.event(&s.single) && s.end() {
		e := s.single[0]
		s.obj = s.appendObject(s.obj, s.fields[e.from:e.to], true)
		src = source{raw: raw, ok: true, plain: true, canon: keep, fields: s.obj}
	}
	return decodeEvent(&src, at, actor, keep, s.rd) // the scanner's tokenizer is free again
}

// release lets go of the event a pooled scanner read (its fields point into it; an earlier
// event's beyond their length were let go of then).
func (s *scanner) release() {
	s.src, s.out = nil, nil
	s.rd.release()
	clear(s.obj)
}

var singles = sync.Pool{New: func() any { return new(scanner) }}

// canonical is the canonical form of the event: the document's namespaces travel with the event
// when it has no @context of its own, so its extensions keep their meaning.
func (src *source) canonical() ([]byte, error) {
	_, own := src.fields.get("@context")
	if src.plain {
		ctx := src.ctx
		if own {
			ctx = nil
		}
		if src.canon {
			return assemble(src.fields, ctx), nil
		}
		if ctx == nil {
			if out, ok := canonicalPlain(src.raw); ok {
				return out, nil
			}
		}
	}
	return canonicalEvent(src.raw, own, src.ns)
}

// assemble writes an event whose members the scanner wrote in canonical form, sorted by name,
// adding ctx as its @context when ctx is set.
func assemble(fields object, ctx []byte) []byte {
	const ctxName = "@context"
	n := 2 + len(ctx) + len(ctxName) + 4
	for _, f := range fields {
		n += len(f.key) + len(f.canon) + 4
	}
	out := make([]byte, 0, n)
	out = append(out, '{')
	put := func(k string, v []byte) {
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = append(out, '"')
		out = append(out, k...)
		out = append(out, '"', ':')
		out = append(out, v...)
	}
	for _, f := range fields {
		if ctx != nil && string(f.key) > ctxName {
			put(ctxName, ctx)
			ctx = nil
		}
		put(string(f.key), f.canon)
	}
	if ctx != nil {
		put(ctxName, ctx)
	}
	return append(out, '}')
}

// canonicalEvent is the canonical form of one captured event read the generic way (raw is valid
// JSON: encoding/json has read it into its members; own: it has a @context).
func canonicalEvent(raw json.RawMessage, own bool, ns []json.RawMessage) ([]byte, error) {
	if own || len(ns) == 0 {
		if out, ok := canonicalPlain(raw); ok {
			return out, nil
		}
		return Canonical(raw)
	}
	obj, err := decodeNumbers(raw)
	if err != nil {
		return nil, err
	}
	ctx, err := json.Marshal(ns)
	if err != nil {
		return nil, err
	}
	if obj.(map[string]any)["@context"], err = decodeNumbers(ctx); err != nil {
		return nil, err
	}
	return encodeCanonical(obj)
}
