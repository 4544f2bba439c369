package trace

import (
	"net/url"
	"strings"
)

// gs1Vocabulary is where GS1's link types live: the trace JSON names them as CURIEs
// (gs1:traceability), a linkset by their full URI, since RFC 9264 makes each link relation a
// member name.
const gs1Vocabulary = "https://gs1.org/voc/"

// linkset is the RFC 9264 JSON linkset of one identifier, in the form GS1-Conformant resolvers
// answer ?linkType=all with: anchored at the identifier, each link type a member listing its
// targets.
func linkset(anchor string, links []Link) map[string]any {
	set := map[string]any{"anchor": anchor}
	for _, l := range links {
		rel := l.LinkType
		if rest, ok := strings.CutPrefix(rel, "gs1:"); ok {
			rel = gs1Vocabulary + rest
		}
		target := map[string]string{"href": l.Href, "type": l.Type}
		if l.Title != "" {
			target["title"] = l.Title
		}
		prev, _ := set[rel].([]map[string]string)
		set[rel] = append(prev, target)
	}
	return map[string]any{"linkset": []any{set}}
}

// anchorOf is the linkset anchor of identifier id, whose resolver URL is self. RFC 9264 makes the
// anchor a URI: a GS1 key is one (its canonical Digital Link) and is the anchor, while a platform's
// own batch number (LOT-7) is not, and the resolver URL that serves its links identifies it.
func anchorOf(id, self string) string {
	if u, err := url.Parse(id); err == nil && u.IsAbs() {
		return id
	}
	return self
}
