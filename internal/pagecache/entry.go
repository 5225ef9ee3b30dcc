package pagecache

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"newsdesk/internal/web"
)

// result is one response as the handler wrote it.
type result struct {
	status int
	header http.Header
	body   []byte
}

// entry is a stored response with its compressed forms.
type entry struct {
	key, path string
	status    int
	// cacheControl is the handler's own when it says more than a page's
	// (an immutable asset), else "" for the cache's.
	cacheControl string
	header       http.Header // without Cache-Control, ETag, Content-Length
	etag         string      // of the identity body, quoted, without suffix
	identity     []byte
	gz, br       []byte // nil when not worth compressing
	stale        bool   // its page changed since it was rendered
}

func (e *entry) size() int64 {
	return int64(len(e.identity)+len(e.gz)+len(e.br)) + 512 // headers and bookkeeping
}

// storable statuses: pages, redirects and not-found pages that the handler
// marked public.
var storable = map[int]bool{http.StatusOK: true, http.StatusMovedPermanently: true, http.StatusPermanentRedirect: true,
	http.StatusNotFound: true, http.StatusGone: true}

// newEntry turns a result into an entry, or reports false when the handler
// did not allow shared caching (private, no-store, cookies, a Vary other
// than Accept-Encoding).
func newEntry(path string, res result, brotliQuality int) (*entry, bool) {
	if !storable[res.status] || res.header.Get("Set-Cookie") != "" {
		return nil, false
	}
	cc := strings.ToLower(res.header.Get("Cache-Control"))
	if !strings.Contains(cc, "public") || strings.Contains(cc, "no-store") || strings.Contains(cc, "private") {
		return nil, false
	}
	for _, v := range res.header.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" && !strings.EqualFold(f, "Accept-Encoding") {
				return nil, false
			}
		}
	}
	h := res.header.Clone()
	for _, name := range []string{"Cache-Control", "Etag", "Content-Length", "Vary", "Content-Encoding"} {
		h.Del(name)
	}
	// Last-Modified is when this rendering was made, not what the page
	// says of its newest article: a retraction or a site-wide edit changes
	// a page without making any article newer, and a reader sending only
	// If-Modified-Since must then get the new page, not 304.
	h.Set("Last-Modified", time.Now().UTC().Format(http.TimeFormat))
	sum := sha256.Sum256(res.body)
	var own string
	if strings.Contains(cc, "immutable") {
		own = res.header.Get("Cache-Control")
	}
	e := &entry{path: path, status: res.status, header: h, identity: res.body, cacheControl: own,
		etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`}
	e.gz, e.br = web.Compress(h.Get("Content-Type"), res.body, gzip.BestCompression, brotliQuality)
	return e, true
}

// write sends the entry in the best encoding the request accepts, or 304.
func (e *entry) write(w http.ResponseWriter, r *http.Request, cacheControl string) {
	body, enc, etag := e.identity, "", e.etag
	if e.br != nil || e.gz != nil {
		switch accepted := acceptEncoding(r.Header.Get("Accept-Encoding")); {
		case e.br != nil && accepted["br"]:
			body, enc, etag = e.br, "br", e.etag[:len(e.etag)-1]+`-br"`
		case e.gz != nil && accepted["gzip"]:
			body, enc, etag = e.gz, "gzip", e.etag[:len(e.etag)-1]+`-gz"`
		}
	}
	h := w.Header()
	for name, vs := range e.header {
		h[name] = vs
	}
	if e.cacheControl != "" {
		cacheControl = e.cacheControl
	}
	h.Set("Cache-Control", cacheControl)
	if e.br != nil || e.gz != nil {
		h.Set("Vary", "Accept-Encoding")
	}
	h.Set("ETag", etag)
	if enc != "" {
		h.Set("Content-Encoding", enc)
	}
	if e.status == http.StatusOK && notModified(r, etag, e.etag, e.header.Get("Last-Modified")) {
		h.Del("Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// notModified applies If-None-Match (any encoding's tag of this body
// matches: the representation is the same page), or else If-Modified-Since
// against the handler's Last-Modified, as feed readers send.
func notModified(r *http.Request, etag, base, lastModified string) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		core := strings.Trim(base, `"`)
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" || t == etag || strings.HasPrefix(strings.Trim(t, `"`), core) {
				return true
			}
		}
		return false
	}
	ims, lm := r.Header.Get("If-Modified-Since"), lastModified
	if ims == "" || lm == "" {
		return false
	}
	since, err1 := http.ParseTime(ims)
	mod, err2 := http.ParseTime(lm)
	return err1 == nil && err2 == nil && !mod.After(since)
}

// acceptEncoding lists the codings a request accepts with q > 0.
func acceptEncoding(header string) map[string]bool {
	out := map[string]bool{}
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		out[name] = !(strings.HasPrefix(q, "q=0") && strings.Trim(strings.TrimPrefix(q, "q="), "0.") == "")
	}
	return out
}

// flight is one rendering that several readers wait for.
type flight struct {
	done        chan struct{}
	res         result
	entry       *entry // set when the result was storable
	passthrough bool
}

// write sends the flight's outcome to one waiting reader.
func (f *flight) write(w http.ResponseWriter, r *http.Request, cacheControl string) {
	if f.entry != nil {
		f.entry.write(w, r, cacheControl)
		return
	}
	h := w.Header()
	for name, vs := range f.res.header {
		h[name] = vs
	}
	w.WriteHeader(f.res.status)
	if r.Method != http.MethodHead {
		w.Write(f.res.body)
	}
}

// recorder captures what the handler writes.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func newRecorder() *recorder { return &recorder{header: http.Header{}} }

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}

func (r *recorder) reset() {
	r.header = http.Header{}
	r.body.Reset()
	r.wrote = false
}

func (r *recorder) result() result {
	if !r.wrote {
		r.status = http.StatusOK
	}
	return result{status: r.status, header: r.header, body: r.body.Bytes()}
}
