package server

import (
	"embed"
	"io/fs"
	"net/http"
	"strings"
)

// ui holds the built web UI (see web/ in the repository; rebuild with
// web/build.sh).
//
//go:embed ui
var ui embed.FS

// uiHandler serves the embedded UI; the page itself hands out the CSRF
// token.
func (s *Server) uiHandler() http.Handler {
	sub, err := fs.Sub(ui, "ui")
	if err != nil {
		panic(err) // the embed directive guarantees the directory
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" || r.URL.Path == "/index.html" {
			s.setTokenCookie(w)
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			writeError(w, http.StatusNotFound, "no such API route: %s", r.URL.Path)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}
