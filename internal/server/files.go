package server

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"motif/internal/catalog"
)

// isKey reports whether s is an image key: 64 lower-case hex digits.
func isKey(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// contentTypes maps the image formats the store records to media types.
var contentTypes = map[string]string{
	"jpeg": "image/jpeg", "jpg": "image/jpeg", "png": "image/png", "gif": "image/gif",
	"webp": "image/webp", "bmp": "image/bmp", "tiff": "image/tiff", "avif": "image/avif",
}

// handleThumb serves /thumbs/KEY.jpg, the thumbnail the catalog records for
// KEY.
func (s *Server) handleThumb(w http.ResponseWriter, r *http.Request) {
	key, ok := strings.CutSuffix(r.PathValue("file"), ".jpg")
	if !ok || !isKey(key) {
		writeError(w, http.StatusNotFound, "no such thumbnail")
		return
	}
	s.serveImage(w, r, key, true)
}

// handleImage serves /images/KEY, the original the catalog records for KEY.
func (s *Server) handleImage(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	if !isKey(key) {
		writeError(w, http.StatusNotFound, "no such image")
		return
	}
	s.serveImage(w, r, key, false)
}

// serveImage serves a file by looking its key up in the catalog, never by
// building a path from the request. Only files inside the project are
// served. The content never changes for a key, so it is cached for good,
// and ranges are honoured.
func (s *Server) serveImage(w http.ResponseWriter, r *http.Request, key string, thumb bool) {
	im, err := s.p.Catalog.ImageByKey(r.Context(), key)
	if err != nil {
		if errors.Is(err, catalog.ErrNotFound) {
			writeError(w, http.StatusNotFound, "no such image")
			return
		}
		s.fail(w, r, err)
		return
	}
	rel, ctype, etag := im.Path, contentTypes[strings.ToLower(im.Format)], `"`+key+`"`
	if thumb {
		rel, ctype, etag = im.Thumb, "image/jpeg", `"`+key+`-t"`
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	if rel == "" || !filepath.IsLocal(filepath.FromSlash(rel)) {
		writeError(w, http.StatusNotFound, "the project holds no file for this image")
		return
	}
	f, err := os.Open(s.p.Path(rel))
	if err != nil {
		writeError(w, http.StatusNotFound, "the project holds no file for this image")
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		writeError(w, http.StatusNotFound, "the project holds no file for this image")
		return
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", st.ModTime(), f)
}
