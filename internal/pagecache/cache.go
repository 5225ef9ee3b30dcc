// Package pagecache keeps rendered public responses in memory so a page
// read a million times is rendered once: bodies are stored with their gzip
// and brotli forms made once, answered with ETag/304, and dropped precisely
// when what they show changes. It knows nothing of articles; whoever follows
// the change log tells it which paths to drop.
package pagecache

import (
	"container/list"
	"context"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options tune a Cache. The zero value of each field picks the default.
type Options struct {
	// MaxBytes bounds the memory the stored bodies (all encodings) take;
	// the least recently used entries go first. Default 96 MiB: tens of
	// thousands of pages, far more than a news day's hot set.
	MaxBytes int64
	// CacheControl replaces the handler's Cache-Control on stored
	// responses: what browsers and CDNs are told. Default
	// "public, max-age=0, s-maxage=60, stale-while-revalidate=30, stale-if-error=86400".
	CacheControl string
	// StaleWait is how long a request for a changed page waits for the new
	// rendering before it gets the previous one. Default 2 s.
	StaleWait time.Duration
	// BrotliQuality is the brotli level bodies are compressed at once
	// (0-11). Default 5: quality 11 costs tens of milliseconds a page.
	BrotliQuality int
	// Rendered, when set, hears how long each rendering took (metrics).
	Rendered func(time.Duration)
}

// DefaultCacheControl is what readers' browsers and CDNs are told about a
// cached page: browsers revalidate every time (a 304 costs next to
// nothing), shared caches keep it a minute and may serve it stale while
// they refetch, or for a day when the origin fails.
const DefaultCacheControl = "public, max-age=0, s-maxage=60, stale-while-revalidate=30, stale-if-error=86400"

// Cache is an http.Handler middleware holding rendered responses. Each
// response it answers says how in an X-Cache header: hit, miss or stale.
type Cache struct {
	opts Options
	next http.Handler

	mu      sync.Mutex
	entries map[string]*list.Element // key -> element holding *entry
	byPath  map[string]map[string]struct{}
	lru     *list.List // front = most recently used
	size    int64
	flights map[string]*flight
	// gen counts invalidations; a rendering that started before one must
	// not be stored as fresh, or it would resurrect what was just dropped.
	gen uint64

	stats Stats
}

// Stats are the cache's counters, read for /metrics.
type Stats struct {
	Hits, Misses, Stale, Bypass, Evictions atomic.Int64
}

// New wraps next, the portal's router.
func New(next http.Handler, opts Options) *Cache {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = 96 << 20
	}
	if opts.CacheControl == "" {
		opts.CacheControl = DefaultCacheControl
	}
	if opts.StaleWait <= 0 {
		opts.StaleWait = 2 * time.Second
	}
	if opts.BrotliQuality <= 0 || opts.BrotliQuality > 11 {
		opts.BrotliQuality = 5
	}
	return &Cache{opts: opts, next: next, entries: map[string]*list.Element{}, byPath: map[string]map[string]struct{}{},
		lru: list.New(), flights: map[string]*flight{}}
}

// Stats returns the live counters.
func (c *Cache) Stats() *Stats { return &c.stats }

// Len reports how many responses are stored and the bytes they take.
func (c *Cache) Len() (entries int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries), c.size
}

// key names the response a request asks for, or "" when the request must
// not be served from the cache: only GET and HEAD, and only queries that
// select a page of a listing (anything else, like a search, would let one
// reader fill the cache with one-off keys).
func key(r *http.Request) string {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return ""
	}
	q := r.URL.RawQuery
	if q == "" {
		return r.URL.Path
	}
	if n, ok := strings.CutPrefix(q, "page="); ok && len(n) > 0 && len(n) <= 5 && strings.Trim(n, "0123456789") == "" {
		return r.URL.Path + "?" + q
	}
	return ""
}

// ServeHTTP answers from the cache, rendering once on a miss however many
// readers ask at the same moment.
func (c *Cache) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k := key(r)
	if k == "" {
		c.stats.Bypass.Add(1)
		c.next.ServeHTTP(w, r)
		return
	}
	c.mu.Lock()
	var stale *entry
	if el, ok := c.entries[k]; ok {
		e := el.Value.(*entry)
		if !e.stale {
			c.lru.MoveToFront(el)
			c.mu.Unlock()
			c.stats.Hits.Add(1)
			w.Header().Set("X-Cache", "hit")
			e.write(w, r, c.opts.CacheControl)
			return
		}
		stale = e
	}
	f, started := c.flights[k]
	if !started {
		f = &flight{done: make(chan struct{})}
		c.flights[k] = f
		go c.render(k, renderRequest(r), f, c.gen)
	}
	c.mu.Unlock()

	if stale == nil {
		c.stats.Misses.Add(1)
		<-f.done
		w.Header().Set("X-Cache", "miss")
		f.write(w, r, c.opts.CacheControl)
		return
	}
	// The page changed: give the new rendering a moment, and the previous
	// one if the database is slow or failing.
	timer := time.NewTimer(c.opts.StaleWait)
	defer timer.Stop()
	select {
	case <-f.done:
		if f.res.status < 500 {
			c.stats.Misses.Add(1)
			w.Header().Set("X-Cache", "miss")
			f.write(w, r, c.opts.CacheControl)
			return
		}
	case <-timer.C:
	}
	c.stats.Stale.Add(1)
	w.Header().Set("X-Cache", "stale")
	stale.write(w, r, c.opts.CacheControl)
}

// render runs the handler once for everyone waiting on key k and stores
// the result when the handler allows it.
func (c *Cache) render(k string, req *http.Request, f *flight, gen uint64) {
	defer close(f.done)
	defer func() {
		c.mu.Lock()
		delete(c.flights, k)
		c.mu.Unlock()
	}()
	rec := newRecorder()
	start := time.Now()
	func() {
		defer func() {
			if p := recover(); p != nil {
				rec.reset()
				rec.status = http.StatusInternalServerError
			}
		}()
		c.next.ServeHTTP(rec, req)
	}()
	if c.opts.Rendered != nil {
		c.opts.Rendered(time.Since(start))
	}
	f.res = rec.result()
	e, ok := newEntry(req.URL.Path, f.res, c.opts.BrotliQuality)
	if !ok {
		f.passthrough = true
		return
	}
	f.entry = e
	c.store(k, e, gen)
}

// renderRequest is the request the handler sees on a miss: a plain GET,
// detached from the reader who happened to come first (who may leave before
// the others waiting on it), without conditions or encodings, as those are
// the cache's business.
func renderRequest(r *http.Request) *http.Request {
	req := r.Clone(context.WithoutCancel(r.Context()))
	req.Method = http.MethodGet
	for _, h := range []string{"If-None-Match", "If-Modified-Since", "Accept-Encoding", "Range", "If-Range"} {
		req.Header.Del(h)
	}
	return req
}

// store keeps e under k unless an invalidation happened while it rendered.
func (c *Cache) store(k string, e *entry, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		// Rendered from data that may already be outdated: serve it to
		// those who waited, but render afresh for the next reader.
		if el, ok := c.entries[k]; ok {
			el.Value.(*entry).stale = true
		}
		return
	}
	if el, ok := c.entries[k]; ok {
		// A page that changed within the second keeps a Last-Modified later
		// than the one readers hold, so If-Modified-Since sees the change.
		prev, _ := http.ParseTime(el.Value.(*entry).header.Get("Last-Modified"))
		if cur, err := http.ParseTime(e.header.Get("Last-Modified")); err == nil && !cur.After(prev) {
			e.header.Set("Last-Modified", prev.Add(time.Second).UTC().Format(http.TimeFormat))
		}
		c.removeLocked(el)
	}
	el := c.lru.PushFront(e)
	e.key = k
	c.entries[k] = el
	keys := c.byPath[e.path]
	if keys == nil {
		keys = map[string]struct{}{}
		c.byPath[e.path] = keys
	}
	keys[k] = struct{}{}
	c.size += e.size()
	for c.size > c.opts.MaxBytes && c.lru.Len() > 1 {
		c.removeLocked(c.lru.Back())
		c.stats.Evictions.Add(1)
	}
}

func (c *Cache) removeLocked(el *list.Element) {
	e := el.Value.(*entry)
	c.lru.Remove(el)
	delete(c.entries, e.key)
	if keys := c.byPath[e.path]; keys != nil {
		delete(keys, e.key)
		if len(keys) == 0 {
			delete(c.byPath, e.path)
		}
	}
	c.size -= e.size()
}

// Invalidate marks the responses for these paths (every page of each) as
// changed: the next reader gets a fresh rendering, or the previous one if
// rendering fails.
func (c *Cache) Invalidate(paths ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for _, p := range paths {
		for k := range c.byPath[p] {
			c.entries[k].Value.(*entry).stale = true
		}
	}
}

// InvalidatePrefix marks every response whose path starts with prefix.
func (c *Cache) InvalidatePrefix(prefix string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for p, keys := range c.byPath {
		if strings.HasPrefix(p, prefix) {
			for k := range keys {
				c.entries[k].Value.(*entry).stale = true
			}
		}
	}
}

// Clear marks everything as changed, for site-wide edits (settings,
// channels, footer pages) and when a node may have missed events.
func (c *Cache) Clear() {
	c.InvalidatePrefix("")
}

// Fresh reports whether the response for the path (without a query) is
// stored and current; tests and metrics use it.
func (c *Cache) Fresh(path string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[path]
	return ok && !el.Value.(*entry).stale
}
