package media

import (
	"errors"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"newsdesk/internal/news"
)

// fileName is a stored file's public name: hash, optional variant width,
// extension.
var fileName = regexp.MustCompile(`^([0-9a-f]{64})(?:-([0-9]{1,5}))?\.([a-z]{3,4})$`)

// ServeHTTP serves GET /media/{hash}[-{width}].{ext}. Names are content
// hashes, so responses are cached for a year as immutable; the type is the
// sniffed one, never guessed by the browser (nosniff), documents download
// as attachments under their cleaned name, and nothing served here may run
// script (a sandboxing CSP). Only files the library knows are served.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, "/media/")
	parts := fileName.FindStringSubmatch(name)
	if !ok || parts == nil {
		http.NotFound(w, r)
		return
	}
	hash, width, ext := parts[1], parts[2], parts[3]
	m, err := s.Store.MediaByHash(r.Context(), hash)
	if errors.Is(err, news.ErrNotFound) || (err == nil && (m.Ext != ext || (width != "" && !hasVariant(m, width)))) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		s.Log.Error("media lookup failed", "path", r.URL.Path, "err", err)
		http.Error(w, "the file cannot be served right now", http.StatusInternalServerError)
		return
	}
	f, _, err := s.files().Open(r.Context(), objectName(hash, name))
	if err != nil {
		s.Log.Error("media file missing", "path", r.URL.Path, "file", objectName(hash, name), "err", err)
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	format, _ := formatByExt(ext)
	h := w.Header()
	h.Set("Content-Type", format.MIME)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("ETag", `"`+strings.TrimSuffix(name, "."+ext)+`"`)
	if m.Kind == news.MediaDocument {
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": m.Filename}))
	} else {
		h.Set("Content-Disposition", "inline")
	}
	http.ServeContent(w, r, "", m.CreatedAt, f)
}

func hasVariant(m news.Media, width string) bool {
	w, err := strconv.Atoi(width)
	if err != nil {
		return false
	}
	for _, v := range m.Variants {
		if v.Width == w {
			return true
		}
	}
	return false
}
