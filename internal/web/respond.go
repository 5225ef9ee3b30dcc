package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"
)

// Send writes a rendered body with a strong ETag from its content and the
// given Last-Modified, answering conditional requests with 304 and HEAD
// without a body.
func Send(w http.ResponseWriter, r *http.Request, contentType string, body []byte, modified time.Time) {
	sum := sha256.Sum256(body)
	h := w.Header()
	h.Set("ETag", `"`+hex.EncodeToString(sum[:12])+`"`)
	h.Set("Content-Type", contentType)
	if h.Get("Cache-Control") == "" {
		// Cacheable, but revalidated on every use (a cheap 304 by ETag), so a
		// story released a second ago shows up at once, not after a max-age.
		h.Set("Cache-Control", "public, no-cache")
	}
	http.ServeContent(w, r, "", modified.UTC().Truncate(time.Second), bytes.NewReader(body))
}
