package pagecache

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
)

// origin is a stand-in portal whose pages say how often they were rendered.
type origin struct {
	renders atomic.Int64
	mu      sync.Mutex
	status  int           // 0 = 200
	delay   time.Duration // per rendering
	gate    chan struct{} // when set, renderings wait for it
}

func (o *origin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := o.renders.Add(1)
	o.mu.Lock()
	status, delay, gate := o.status, o.delay, o.gate
	o.mu.Unlock()
	if gate != nil {
		<-gate
	}
	time.Sleep(delay)
	if r.Header.Get("If-None-Match") != "" || r.Header.Get("Accept-Encoding") != "" {
		panic("the origin must see a plain request")
	}
	switch {
	case strings.HasPrefix(r.URL.Path, "/private"):
		w.Header().Set("Cache-Control", "no-store")
	case strings.HasPrefix(r.URL.Path, "/vary"):
		w.Header().Set("Cache-Control", "public, no-cache")
		w.Header().Set("Vary", "Accept-Language")
	default:
		w.Header().Set("Cache-Control", "public, no-cache")
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Last-Modified", "Wed, 16 Sep 2022 09:51:59 GMT")
	if status == 0 {
		status = 200
	}
	w.WriteHeader(status)
	fmt.Fprintf(w, "<p>%s rendering %d</p>%s", r.URL.Path, n, strings.Repeat("<p>news text</p>", 100))
}

func (o *origin) set(fn func(o *origin)) {
	o.mu.Lock()
	defer o.mu.Unlock()
	fn(o)
}

type reply struct {
	status int
	header http.Header
	body   string // decoded
}

func fetch(t *testing.T, h http.Handler, method, target string, headers ...string) reply {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	raw, _ := io.ReadAll(res.Body)
	var body []byte
	switch enc := res.Header.Get("Content-Encoding"); {
	case len(raw) == 0:
	case enc == "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: gzip: %v", target, err)
		}
		body, _ = io.ReadAll(zr)
	case enc == "br":
		body, _ = io.ReadAll(brotli.NewReader(bytes.NewReader(raw)))
	default:
		body = raw
	}
	if cl := res.Header.Get("Content-Length"); method != "HEAD" && cl != "" && cl != fmt.Sprint(len(raw)) {
		t.Errorf("%s: Content-Length %s, body %d bytes", target, cl, len(raw))
	}
	return reply{status: res.StatusCode, header: res.Header, body: string(body)}
}

func TestHitMissAndEncodings(t *testing.T) {
	o := &origin{}
	c := New(o, Options{})
	first := fetch(t, c, "GET", "/en/")
	if first.status != 200 || !strings.Contains(first.body, "rendering 1") {
		t.Fatalf("first: %d %q", first.status, first.body[:40])
	}
	cases := []struct {
		accept, wantEnc string
	}{
		{"", ""},
		{"gzip", "gzip"},
		{"gzip, deflate, br", "br"},
		{"br;q=0, gzip", "gzip"},
		{"identity", ""},
	}
	for _, tc := range cases {
		r := fetch(t, c, "GET", "/en/", "Accept-Encoding", tc.accept)
		if got := r.header.Get("Content-Encoding"); got != tc.wantEnc {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tc.accept, got, tc.wantEnc)
		}
		if r.body != first.body {
			t.Errorf("Accept-Encoding %q: body differs from the first rendering", tc.accept)
		}
		if r.header.Get("Vary") != "Accept-Encoding" || r.header.Get("Cache-Control") != DefaultCacheControl {
			t.Errorf("Vary %q, Cache-Control %q", r.header.Get("Vary"), r.header.Get("Cache-Control"))
		}
	}
	if n := o.renders.Load(); n != 1 {
		t.Errorf("rendered %d times, want once", n)
	}
	if hits := c.Stats().Hits.Load(); hits != int64(len(cases)) {
		t.Errorf("hits %d, want %d", hits, len(cases))
	}
	head := fetch(t, c, "HEAD", "/en/")
	if head.status != 200 || head.body != "" {
		t.Errorf("HEAD: %d with %d bytes", head.status, len(head.body))
	}
}

func TestConditionalRequests(t *testing.T) {
	c := New(&origin{}, Options{})
	gz := fetch(t, c, "GET", "/en/a/", "Accept-Encoding", "gzip")
	plain := fetch(t, c, "GET", "/en/a/")
	if gz.header.Get("ETag") == plain.header.Get("ETag") {
		t.Errorf("gzip and identity bodies share ETag %s", gz.header.Get("ETag"))
	}
	cases := []struct {
		name    string
		headers []string
		want    int
	}{
		{"same tag", []string{"If-None-Match", plain.header.Get("ETag")}, 304},
		{"gzip tag", []string{"If-None-Match", gz.header.Get("ETag"), "Accept-Encoding", "gzip"}, 304},
		{"weak tag", []string{"If-None-Match", "W/" + plain.header.Get("ETag")}, 304},
		{"list", []string{"If-None-Match", `"x", ` + plain.header.Get("ETag")}, 304},
		{"other tag", []string{"If-None-Match", `"other"`}, 200},
		{"modified since", []string{"If-Modified-Since", plain.header.Get("Last-Modified")}, 304},
		{"older copy", []string{"If-Modified-Since", "Tue, 15 Sep 2022 09:51:59 GMT"}, 200},
		{"tag wins over date", []string{"If-None-Match", `"other"`, "If-Modified-Since", plain.header.Get("Last-Modified")}, 200},
	}
	for _, tc := range cases {
		if r := fetch(t, c, "GET", "/en/a/", tc.headers...); r.status != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, r.status, tc.want)
		} else if tc.want == 304 && r.body != "" {
			t.Errorf("%s: 304 with a body", tc.name)
		}
	}
}

func TestWhatIsNotStored(t *testing.T) {
	cases := []struct {
		target string
		status int
	}{
		{"/private/preview/", 200},   // no-store
		{"/vary/", 200},              // varies on something else
		{"/en/search?q=energy", 200}, // one-off queries
		{"/en/news/?page=2&x=1", 200},
		{"/en/broken/", 500},
	}
	for _, tc := range cases {
		o := &origin{status: tc.status}
		c := New(o, Options{})
		fetch(t, c, "GET", tc.target)
		fetch(t, c, "GET", tc.target)
		if n := o.renders.Load(); n != 2 {
			t.Errorf("%s: rendered %d times, want every time", tc.target, n)
		}
	}
	o := &origin{}
	c := New(o, Options{})
	fetch(t, c, "GET", "/en/news/?page=2")
	fetch(t, c, "GET", "/en/news/?page=2")
	fetch(t, c, "POST", "/en/news/")
	if n := o.renders.Load(); n != 2 {
		t.Errorf("listing page 2 and a POST: rendered %d times, want 2", n)
	}
}

func TestBurstRendersOnce(t *testing.T) {
	o := &origin{gate: make(chan struct{})}
	c := New(o, Options{})
	const readers = 200
	var wg sync.WaitGroup
	bodies := make([]string, readers)
	for i := range readers {
		wg.Go(func() { bodies[i] = fetch(t, c, "GET", "/en/big-news/").body })
	}
	// Let every reader arrive before the one rendering finishes.
	deadline := time.Now().Add(10 * time.Second)
	for c.Stats().Misses.Load() < readers && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	close(o.gate)
	wg.Wait()
	if n := o.renders.Load(); n != 1 {
		t.Errorf("%d readers of a cold page caused %d renderings, want 1", readers, n)
	}
	for i, b := range bodies {
		if b != bodies[0] || !strings.Contains(b, "rendering 1") {
			t.Fatalf("reader %d got a different body", i)
		}
	}
}

func TestInvalidate(t *testing.T) {
	o := &origin{}
	c := New(o, Options{})
	for _, p := range []string{"/en/a/", "/en/news/", "/en/news/?page=2", "/en/newsroom/", "/zh/news/"} {
		fetch(t, c, "GET", p)
	}
	c.Invalidate("/en/news/")
	want := map[string]bool{"/en/a/": true, "/en/news/": false, "/en/news/?page=2": false, "/en/newsroom/": true, "/zh/news/": true}
	for p, fresh := range want {
		c.mu.Lock()
		el, ok := c.entries[p]
		got := ok && !el.Value.(*entry).stale
		c.mu.Unlock()
		if got != fresh {
			t.Errorf("after Invalidate(/en/news/): %s fresh = %v, want %v", p, got, fresh)
		}
	}
	r := fetch(t, c, "GET", "/en/news/")
	if !strings.Contains(r.body, "rendering 6") {
		t.Errorf("invalidated page not rendered again: %q", r.body[:40])
	}
	c.InvalidatePrefix("/zh/")
	if c.Fresh("/zh/news/") || !c.Fresh("/en/a/") {
		t.Error("InvalidatePrefix(/zh/) dropped the wrong pages")
	}
	c.Clear()
	if c.Fresh("/en/a/") || c.Fresh("/en/news/") {
		t.Error("Clear left pages fresh")
	}
}

func TestStaleWhenOriginFails(t *testing.T) {
	o := &origin{}
	c := New(o, Options{StaleWait: 50 * time.Millisecond})
	good := fetch(t, c, "GET", "/en/a/")
	c.Invalidate("/en/a/")
	o.set(func(o *origin) { o.status = 500 })
	if r := fetch(t, c, "GET", "/en/a/"); r.status != 200 || r.body != good.body {
		t.Errorf("database down: got %d, want the previous page", r.status)
	}
	o.set(func(o *origin) { o.status, o.delay = 0, 400*time.Millisecond })
	if r := fetch(t, c, "GET", "/en/a/"); r.status != 200 || r.body != good.body {
		t.Errorf("database slow: got %d, want the previous page at once", r.status)
	}
	if c.Stats().Stale.Load() != 2 {
		t.Errorf("stale answers %d, want 2", c.Stats().Stale.Load())
	}
	// The slow rendering finishes in the background and replaces it.
	deadline := time.Now().Add(10 * time.Second)
	for !c.Fresh("/en/a/") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if r := fetch(t, c, "GET", "/en/a/"); r.body == good.body {
		t.Error("the fresh rendering never replaced the stale page")
	}
}

func TestInvalidationDuringRendering(t *testing.T) {
	o := &origin{gate: make(chan struct{})}
	c := New(o, Options{})
	done := make(chan reply)
	go func() { done <- fetch(t, c, "GET", "/en/a/") }()
	for o.renders.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	c.Invalidate("/en/a/") // a publish lands while the old data renders
	close(o.gate)
	<-done
	if c.Fresh("/en/a/") {
		t.Error("a rendering begun before an invalidation was stored as fresh")
	}
	o.set(func(o *origin) { o.gate = nil })
	fetch(t, c, "GET", "/en/a/")
	if !c.Fresh("/en/a/") || o.renders.Load() != 2 {
		t.Errorf("fresh %v after %d renderings, want fresh after 2", c.Fresh("/en/a/"), o.renders.Load())
	}
}

func TestSizeLimit(t *testing.T) {
	o := &origin{}
	c := New(o, Options{MaxBytes: 20_000})
	for i := range 50 {
		fetch(t, c, "GET", fmt.Sprintf("/en/a%d/", i))
	}
	n, size := c.Len()
	if size > 20_000 || n == 0 || n >= 50 {
		t.Errorf("%d entries in %d bytes, limit 20000", n, size)
	}
	if !c.Fresh("/en/a49/") || c.Fresh("/en/a0/") {
		t.Error("eviction did not drop the least recently used pages first")
	}
	if c.Stats().Evictions.Load() == 0 {
		t.Error("no evictions counted")
	}
}

func TestAcceptEncoding(t *testing.T) {
	cases := map[string]map[string]bool{
		"gzip, br":           {"gzip": true, "br": true},
		"br;q=0":             {"br": false},
		"br;q=0.0, gzip;q=1": {"br": false, "gzip": true},
		"br;q=0.5":           {"br": true},
		"":                   {},
	}
	for header, want := range cases {
		got := acceptEncoding(header)
		for name, ok := range want {
			if got[name] != ok {
				t.Errorf("%q: %s = %v, want %v", header, name, got[name], ok)
			}
		}
	}
}

// TestLastModifiedMovesOnChange: a page rendered again after a change says
// it was modified later than the copy a reader holds, even within the same
// second, so a reader sending only If-Modified-Since (as feed readers do)
// gets the new page; the handler's own date (its newest article) is not
// used, as a retraction makes no article newer.
func TestLastModifiedMovesOnChange(t *testing.T) {
	c := New(&origin{}, Options{})
	first := fetch(t, c, "GET", "/en/feed.xml")
	held := first.header.Get("Last-Modified")
	if held == "Wed, 16 Sep 2022 09:51:59 GMT" {
		t.Fatalf("Last-Modified is the handler's: %s", held)
	}
	c.Invalidate("/en/feed.xml")
	second := fetch(t, c, "GET", "/en/feed.xml", "If-Modified-Since", held)
	if second.status != 200 || second.body == first.body {
		t.Errorf("after a change, If-Modified-Since %s got %d", held, second.status)
	}
	if r := fetch(t, c, "GET", "/en/feed.xml", "If-Modified-Since", second.header.Get("Last-Modified")); r.status != 304 {
		t.Errorf("unchanged since the second rendering: %d, want 304", r.status)
	}
}

func TestImmutableAssetsKeepTheirCacheControl(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("Content-Type", "text/css")
		w.Write([]byte(strings.Repeat("body { color: black; } ", 40)))
	})
	c := New(h, Options{})
	for range 2 {
		if r := fetch(t, c, "GET", "/static/site.abc.css"); r.header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
		}
	}
}
