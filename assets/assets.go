// Package assets holds the stylesheets and icons of the server-rendered pages (trace page,
// console, landing page). They are served as files under /static/ rather than inlined, so the
// pages work under a Content-Security-Policy without 'unsafe-inline'.
package assets

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed static
var files embed.FS

// Static is the file tree served under /static/.
func Static() fs.FS {
	sub, err := fs.Sub(files, "static")
	if err != nil {
		panic(err) // the directory is embedded at build time
	}
	return sub
}

// Mount serves /static/… from the embedded files. The files change only with a new build, so
// browsers may keep them for an hour.
func Mount(mux *http.ServeMux) {
	fsrv := http.StripPrefix("/static/", http.FileServerFS(Static()))
	mux.HandleFunc("GET /static/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}
