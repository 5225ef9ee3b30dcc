package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
)

// Assets serves static files under content-hashed names
// (/static/site.3f9c2a1b.css), so they can be cached forever and a new
// release changes their URLs.
type Assets struct {
	prefix string
	byName map[string]asset // original name → asset
	byURL  map[string]asset // hashed name → asset
}

type asset struct {
	name   string
	hashed string
	data   []byte
}

// NewAssets reads every file in fsys once and names it by its content hash.
func NewAssets(fsys fs.FS, prefix string) (*Assets, error) {
	a := &Assets{prefix: strings.TrimSuffix(prefix, "/") + "/", byName: map[string]asset{}, byURL: map[string]asset{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		ext := path.Ext(p)
		hashed := strings.TrimSuffix(p, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		as := asset{name: p, hashed: hashed, data: data}
		a.byName[p] = as
		a.byURL[hashed] = as
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("static assets: %w", err)
	}
	return a, nil
}

// URL is the hashed URL of a file; templates call it as {{asset "site.css"}}.
// An unknown name is a programming error caught by the template test.
func (a *Assets) URL(name string) (string, error) {
	as, ok := a.byName[name]
	if !ok {
		return "", fmt.Errorf("no static asset %q", name)
	}
	return a.prefix + as.hashed, nil
}

// ServeHTTP serves /static/{hashed name} with immutable caching.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, a.prefix)
	as, ok := a.byURL[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	Send(w, r, ct, as.data, time.Time{})
}

// URLs lists every asset's hashed URL, for the static export.
func (a *Assets) URLs() []string {
	out := make([]string, 0, len(a.byURL))
	for hashed := range a.byURL {
		out = append(out, a.prefix+hashed)
	}
	slices.Sort(out)
	return out
}
