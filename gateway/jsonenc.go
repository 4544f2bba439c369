package gateway

import (
	"encoding/json"
	"io"
)

// listOf is s, or an empty list when s is nil: a list the API documents is [] when it has nothing
// in it, never null.
func listOf[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
