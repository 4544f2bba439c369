package gs1

import (
	"strings"
	"sync"
)

// parsed memoises Parse. One captured event names each identifier many times over — its
// projection, the event's validation, registry keys, lineage, the read model's rows — and
// each of those parsed the same string again (6–8 parses an identifier per event). Parse is
// pure, so a hit is exactly what parsing again would give; only successes are kept, so every
// refusal is still built fresh with its message.
var parsed = memo{m: make(map[string]memoEntry)}

// memoCap bounds the memo. A capture transaction names at most a few thousand identifiers,
// so a memo this size spans one; it is emptied rather than evicted entry by entry when full.
const memoCap = 8192

type memoEntry struct {
	id    ID
	canon string // id.String()
}

type memo struct {
	mu sync.Mutex
	m  map[string]memoEntry
}

func (c *memo) get(s string) (memoEntry, bool) {
	c.mu.Lock()
	e, ok := c.m[s]
	c.mu.Unlock()
	return e, ok
}

func (c *memo) put(s string, id ID) memoEntry {
	e := memoEntry{id: id, canon: id.String()}
	c.mu.Lock()
	if len(c.m) >= memoCap {
		clear(c.m)
	}
	c.m[s] = e
	c.mu.Unlock()
	return e
}

// lookup parses s through the memo.
func lookup(s string) (memoEntry, error) {
	if e, ok := parsed.get(s); ok {
		return e, nil
	}
	// s may be a slice of a large request body, and an ID's fields are slices of what was parsed:
	// the memo keeps a copy, not the body
	s = strings.Clone(s)
	id, err := parse(s)
	if err != nil {
		return memoEntry{}, err
	}
	return parsed.put(s, id), nil
}
