// Package export writes the public site to files for nginx or a CDN: the
// same bytes the server sends, asked of the portal's own handler, with .gz
// and .br siblings for gzip_static and brotli_static. A full export builds a
// new tree beside the old one and switches a symlink in one rename; an
// incremental one rewrites only the pages the change log says changed, each
// by its own rename.
package export

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"newsdesk/internal/web"
)

// Target is one address to write; Paged listings are followed through
// their rel="next" links.
type Target struct {
	Path  string
	Query string // "page=N" for a later page of a listing
	Paged bool
	// Article marks an article's page: a full export with
	// Exporter.Articles leaves it to that.
	Article bool
}

// Exporter renders addresses through Handler and writes them under Dir.
type Exporter struct {
	Handler http.Handler
	// Base is the site's public address (scheme and host, maybe a path
	// prefix); requests carry its host so absolute links come out right.
	Base *url.URL
	// Dir is the export's address: a symlink to the current tree.
	Dir string
	// Workers render in parallel; default GOMAXPROCS.
	Workers int
	// BrotliQuality of the .br files; default 4 (quality 11 costs tens of
	// milliseconds a page).
	BrotliQuality int
	// Progress, when set, hears of each file written and of the total known
	// so far (listings add pages as they are followed).
	Progress func(done, total int)
	// Listing, when set, renders all the pages of the paged listing at path
	// in one go (site.Server.ListingPages), yielding each page's query
	// ("" for page 1) and body; handled is false for addresses it does not
	// know, which are then asked of Handler page by page.
	Listing func(ctx context.Context, path string, yield func(query string, body []byte) error) (handled bool, err error)
	// Articles, when set, renders every article page in one walk
	// (site.Server.ArticlePages), yielding each one's address and body
	// (nil for one that Handler is to answer). A full export then writes
	// these instead of the targets marked Article; an incremental one asks
	// Handler for the articles it names.
	Articles func(ctx context.Context, yield func(path string, body []byte) error) error

	dirs sync.Map // folders known to exist in the tree being written
	// compressors are the workers' own, handed out per file (see run).
	compressors chan *web.Compressor
}

// Summary is what an export did.
type Summary struct {
	Pages   int // addresses written
	Files   int // files written, compressed siblings included
	Bytes   int64
	Removed int // pages gone since the last export (incremental)
	Skipped int // addresses this build does not serve (404)
	Tree    string
}

// State is kept in each tree, so the next incremental export knows where
// the change log stood.
type State struct {
	Seq  int64     `json:"seq"`
	At   time.Time `json:"at"`
	Base string    `json:"base"`
}

const stateFile = ".newsdesk-export.json"

// ReadState loads the state of the tree Dir points to; ok is false when
// there is none (no export yet).
func ReadState(dir string) (State, bool, error) {
	var st State
	data, err := os.ReadFile(filepath.Join(dir, stateFile))
	if errors.Is(err, os.ErrNotExist) {
		return st, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("export state: %w", err)
	}
	if err := json.Unmarshal(data, &st); err != nil {
		return st, false, fmt.Errorf("export state %s: %w", filepath.Join(dir, stateFile), err)
	}
	return st, true, nil
}

func (e *Exporter) workers() int {
	if e.Workers > 0 {
		return e.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// Full writes every target into a new tree and then points Dir at it in
// one rename; readers of Dir see the old site or the new one, never a mix.
// The previous tree is kept (for a rollback) and older ones are removed.
func (e *Exporter) Full(ctx context.Context, targets <-chan Target, st State) (Summary, error) {
	defer drain(targets)
	var sum Summary
	if err := e.checkDir(); err != nil {
		return sum, err
	}
	abs, err := filepath.Abs(e.Dir)
	if err != nil {
		return sum, fmt.Errorf("export: %w", err)
	}
	tree := fmt.Sprintf("%s.%s", abs, time.Now().UTC().Format("20060102T150405.000000000"))
	if err := os.MkdirAll(tree, 0o755); err != nil {
		return sum, fmt.Errorf("export: %w", err)
	}
	sum.Tree = tree
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tree)
		}
	}()
	if err := e.run(ctx, tree, targets, &sum, false); err != nil {
		return sum, err
	}
	if err := writeState(tree, st); err != nil {
		return sum, err
	}
	if err := switchLink(abs, tree); err != nil {
		return sum, err
	}
	ok = true
	pruneTrees(abs, tree)
	return sum, nil
}

// Incremental rewrites the targets in the tree Dir points to, file by file
// (each write is a rename, so a reader gets a whole old or a whole new
// file), removes the pages that are no longer found, and records st.
func (e *Exporter) Incremental(ctx context.Context, targets <-chan Target, st State) (Summary, error) {
	defer drain(targets)
	var sum Summary
	tree, err := filepath.EvalSymlinks(e.Dir)
	if err != nil {
		return sum, fmt.Errorf("export: %s: %w", e.Dir, err)
	}
	sum.Tree = tree
	if err := e.run(ctx, tree, targets, &sum, true); err != nil {
		return sum, err
	}
	return sum, writeState(tree, st)
}

// drain empties what is left of targets in the background, so the
// producer never blocks after an early return.
func drain(targets <-chan Target) {
	go func() {
		for range targets {
		}
	}()
}

// checkDir refuses to replace a real directory that an export did not make.
func (e *Exporter) checkDir() error {
	info, err := os.Lstat(e.Dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("export: %w", err)
	case info.Mode()&os.ModeSymlink != 0:
		return nil
	case info.IsDir():
		entries, err := os.ReadDir(e.Dir)
		if err != nil {
			return fmt.Errorf("export: %w", err)
		}
		if len(entries) > 0 {
			return fmt.Errorf("export: %s is a folder that holds files; an export makes DIR a link to a tree it writes beside it, so give a new path (or empty this folder)", e.Dir)
		}
		return os.Remove(e.Dir)
	default:
		return fmt.Errorf("export: %s exists and is not a folder", e.Dir)
	}
}

// switchLink points link at tree atomically: a new symlink renamed over the
// old one.
func switchLink(link, tree string) error {
	tmp := link + ".link-tmp"
	os.Remove(tmp)
	if err := os.Symlink(filepath.Base(tree), tmp); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp, link); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("export: switch %s to the new tree: %w", link, err)
	}
	return nil
}

// pruneTrees removes the trees of earlier exports but the last one before
// current.
func pruneTrees(link, current string) {
	matches, _ := filepath.Glob(link + ".2*")
	var older []string
	for _, m := range matches {
		if m != current && !strings.HasSuffix(m, ".link-tmp") {
			older = append(older, m)
		}
	}
	// Names sort by time; keep the newest of the older ones.
	for i := 0; i < len(older)-1; i++ {
		os.RemoveAll(older[i])
	}
}

func writeState(tree string, st State) error {
	st.At = time.Now().UTC()
	data, _ := json.MarshalIndent(st, "", "  ")
	return writeFile(filepath.Join(tree, stateFile), data)
}

// job is one address to render.
type job struct {
	path  string
	query string // "page=N" for later pages of a listing
	paged bool
	// body is the page, when it comes rendered (Exporter.Articles).
	body []byte
}

var nextLink = regexp.MustCompile(`<a href="([^"]+)" rel="next"`)
var sitemapLoc = regexp.MustCompile(`<loc>([^<]+)</loc>`)

// run renders the targets with a pool of workers; pages found on the way
// (a listing's next page, the sitemaps an index lists) join the queue.
func (e *Exporter) run(ctx context.Context, tree string, targets <-chan Target, sum *Summary, incremental bool) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		pending  sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		done     atomic.Int64
		total    atomic.Int64
		seen     = map[string]bool{}
	)
	queue := make(chan job, 1024)
	e.compressors = make(chan *web.Compressor, e.workers())
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
			cancel()
		}
		mu.Unlock()
	}
	// claim counts a job once; a page listed twice is written once.
	claim := func(j job) bool {
		key := j.path + "?" + j.query
		mu.Lock()
		defer mu.Unlock()
		if seen[key] {
			return false
		}
		seen[key] = true
		total.Add(1)
		pending.Add(1)
		return true
	}
	// add queues a page found while rendering another; workers must not
	// block on the queue they drain, so it is handed over by a goroutine
	// (these are few: later listing pages and sitemaps).
	add := func(j job) {
		if !claim(j) {
			return
		}
		go func() {
			select {
			case queue <- j:
			case <-ctx.Done():
				pending.Done()
			}
		}()
	}
	// A full export's article pages come from one walk, rendered; the
	// workers compress and write them.
	bulk := !incremental && e.Articles != nil
	if bulk {
		pending.Add(1)
		go func() {
			defer pending.Done()
			err := e.Articles(ctx, func(path string, body []byte) error {
				j := job{path: path, body: body}
				if !claim(j) {
					return nil
				}
				select {
				case queue <- j:
					return nil
				case <-ctx.Done():
					pending.Done()
					return ctx.Err()
				}
			})
			if err != nil {
				fail(fmt.Errorf("export articles: %w", err))
			}
		}()
	}
	var workers sync.WaitGroup
	for range e.workers() {
		workers.Go(func() {
			for j := range queue {
				if ctx.Err() == nil {
					n, err := e.one(ctx, tree, j, sum, &mu, incremental, add)
					if err != nil {
						fail(err)
					}
					if n > 1 { // a listing's later pages, rendered with it
						total.Add(int64(n - 1))
					}
					done.Add(int64(n))
					if e.Progress != nil {
						e.Progress(int(done.Load()), int(total.Load()))
					}
				}
				pending.Done()
			}
		})
	}
	for t := range targets {
		j := job{path: t.Path, query: t.Query, paged: t.Paged}
		if (bulk && t.Article) || ctx.Err() != nil || !claim(j) {
			continue // drain, so the producer is never stuck
		}
		select {
		case queue <- j:
		case <-ctx.Done():
			pending.Done()
		}
	}
	pending.Wait()
	close(queue)
	workers.Wait()
	return firstErr
}

// one renders one address and writes (or, incrementally, removes) its
// files; it returns the pages written (a listing's first page may bring
// all the others).
func (e *Exporter) one(ctx context.Context, tree string, j job, sum *Summary, mu *sync.Mutex, incremental bool, add func(job)) (int, error) {
	if j.body != nil {
		return e.rendered(tree, j, sum, mu, incremental)
	}
	if j.paged && j.query == "" && e.Listing != nil {
		if n, handled, err := e.listing(ctx, tree, j.path, sum, mu, incremental); handled || err != nil {
			return n, err
		}
	}
	found, err := e.page(ctx, tree, j, sum, mu, incremental, add)
	if found {
		return 1, err
	}
	return 0, err
}

// rendered writes a page that came rendered.
func (e *Exporter) rendered(tree string, j job, sum *Summary, mu *sync.Mutex, incremental bool) (int, error) {
	decoded, ok := decodePath(j.path)
	if !ok {
		mu.Lock()
		sum.Skipped++
		mu.Unlock()
		return 0, nil
	}
	if err := e.writePage(tree, decoded, j.query, j.body, sum, mu, incremental); err != nil {
		return 0, fmt.Errorf("export %s: %w", j.path, err)
	}
	return 1, nil
}

// writePage writes an HTML page rendered without the handler, at its
// decoded address, and counts it.
func (e *Exporter) writePage(tree, decoded, query string, body []byte, sum *Summary, mu *sync.Mutex, incremental bool) error {
	files, size, err := e.writeWithSiblings(filepath.Join(tree, fileFor(decoded, query)), "text/html; charset=utf-8", body, incremental)
	if err != nil {
		return err
	}
	mu.Lock()
	sum.Pages++
	sum.Files += files
	sum.Bytes += size
	mu.Unlock()
	return nil
}

// listing writes every page of the listing at path as e.Listing renders
// them; handled is false when it does not know the address.
func (e *Exporter) listing(ctx context.Context, tree, path string, sum *Summary, mu *sync.Mutex, incremental bool) (n int, handled bool, err error) {
	decoded, ok := decodePath(path)
	if !ok {
		return 0, false, nil
	}
	last := 0
	handled, err = e.Listing(ctx, path, func(query string, body []byte) error {
		if err := e.writePage(tree, decoded, query, body, sum, mu, incremental); err != nil {
			return fmt.Errorf("export %s?%s: %w", path, query, err)
		}
		n++
		last = pageOf(query)
		return nil
	})
	if err != nil || !handled {
		return n, handled, err
	}
	if incremental { // a shorter listing: its later pages go
		removeLaterPages(tree, decoded, last)
	}
	return n, true, nil
}

// page renders one address through the handler and writes (or,
// incrementally, removes) its files; found is false when it has none.
func (e *Exporter) page(ctx context.Context, tree string, j job, sum *Summary, mu *sync.Mutex, incremental bool, add func(job)) (bool, error) {
	target := j.path
	if j.query != "" {
		target += "?" + j.query
	}
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	req.Host = e.Base.Host
	req.RemoteAddr = "127.0.0.1:0"
	if e.Base.Scheme == "https" {
		req.Header.Set("X-Forwarded-Proto", "https")
	}
	rec := httptest.NewRecorder()
	e.Handler.ServeHTTP(rec, req)
	res := rec.Result()
	body := rec.Body.Bytes()
	// nginx looks files up by the decoded path (a Chinese tag's page is a
	// folder named in Chinese). A segment that decodes to a slash, "." or
	// ".." has no file of its own: it is skipped, never written elsewhere.
	decoded, ok := decodePath(j.path)
	if !ok {
		mu.Lock()
		sum.Skipped++
		mu.Unlock()
		return false, nil
	}
	file := fileFor(decoded, j.query)
	switch {
	case res.StatusCode == http.StatusOK:
	case res.StatusCode == http.StatusMovedPermanently || res.StatusCode == http.StatusFound:
		// The root chooses a language; a file can only point at one.
		loc := res.Header.Get("Location")
		body = []byte(fmt.Sprintf(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>Redirect</title>`+
			`<meta http-equiv="refresh" content="0; url=%s"><link rel="canonical" href="%s"></head>`+
			`<body><p><a href="%s">%s</a></p></body></html>`+"\n",
			html.EscapeString(loc), html.EscapeString(loc), html.EscapeString(loc), html.EscapeString(loc)))
		res.Header.Set("Content-Type", "text/html; charset=utf-8")
	case res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusGone ||
		res.StatusCode == http.StatusTemporaryRedirect || res.StatusCode == http.StatusPermanentRedirect:
		// Not a page of its own (307/308: the router cleaning a path).
		mu.Lock()
		sum.Skipped++
		mu.Unlock()
		if incremental {
			if n := removeFiles(filepath.Join(tree, file)); n > 0 {
				mu.Lock()
				sum.Removed++
				mu.Unlock()
			}
			if j.paged { // a shorter listing: its later pages go too
				removeLaterPages(tree, decoded, pageOf(j.query))
			}
		}
		return false, nil
	default:
		return false, fmt.Errorf("export %s: the portal answered %d", target, res.StatusCode)
	}
	n, size, err := e.writeWithSiblings(filepath.Join(tree, file), res.Header.Get("Content-Type"), body, incremental)
	if err != nil {
		return false, fmt.Errorf("export %s: %w", target, err)
	}
	mu.Lock()
	sum.Pages++
	sum.Files += n
	sum.Bytes += size
	mu.Unlock()
	if j.paged {
		if m := nextLink.FindSubmatch(body); m != nil {
			if u, err := url.Parse(html.UnescapeString(string(m[1]))); err == nil && u.Query().Get("page") != "" {
				add(job{path: j.path, query: "page=" + u.Query().Get("page"), paged: true})
			}
		} else if incremental {
			removeLaterPages(tree, decoded, pageOf(j.query))
		}
	}
	if j.paged && strings.HasPrefix(j.path, "/sitemap") && strings.Contains(res.Header.Get("Content-Type"), "xml") {
		for _, m := range sitemapLoc.FindAllSubmatch(body, -1) {
			u, err := url.Parse(html.UnescapeString(string(m[1])))
			if err == nil && u.Host == e.Base.Host && strings.HasSuffix(u.Path, ".xml") && u.Path != j.path {
				add(job{path: u.Path})
			}
		}
	}
	return true, nil
}

func (e *Exporter) brotli() int {
	if e.BrotliQuality > 0 {
		return e.BrotliQuality
	}
	return 4
}

// fileFor maps an address to its file: a path ending in / is a folder's
// index.html; later pages of a listing live at page/N/ below it (see the
// nginx rule in the README).
func fileFor(p, query string) string {
	dir := strings.HasSuffix(p, "/")
	p = path.Clean("/" + p)
	if dir && p != "/" {
		p += "/"
	}
	if n := pageOf(query); n > 1 {
		p = strings.TrimSuffix(p, "/") + fmt.Sprintf("/page/%d/", n)
	}
	if strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	return filepath.FromSlash(strings.TrimPrefix(p, "/"))
}

func pageOf(query string) int {
	var n int
	if _, err := fmt.Sscanf(query, "page=%d", &n); err != nil {
		return 1
	}
	return n
}

// removeLaterPages removes a listing's page folders after page last.
func removeLaterPages(tree, listing string, last int) {
	dir := filepath.Join(tree, filepath.FromSlash(strings.Trim(listing, "/")), "page")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, en := range entries {
		var n int
		if _, err := fmt.Sscanf(en.Name(), "%d", &n); err == nil && n > last {
			os.RemoveAll(filepath.Join(dir, en.Name()))
		}
	}
}

// writeWithSiblings writes a file and, when worth it, its .gz and .br
// forms. In a new tree files are simply written (nobody reads the tree
// before the link switches to it); in the live tree (incremental) each
// replaces the old one by a rename. It returns the files written and their
// bytes.
func (e *Exporter) writeWithSiblings(name, contentType string, body []byte, live bool) (int, int64, error) {
	dir := filepath.Dir(name)
	if _, ok := e.dirs.Load(dir); !ok {
		if err := makeDir(dir); err != nil {
			return 0, 0, err
		}
		e.dirs.Store(dir, true)
	}
	write := createFile
	if live {
		write = writeFile
	}
	c := e.compressor()
	defer e.release(c)
	gz, br := c.Compress(contentType, body)
	files, size := 1, int64(len(body))
	if err := write(name, body); err != nil {
		return 0, 0, err
	}
	for _, sib := range []struct {
		ext  string
		data []byte
	}{{".gz", gz}, {".br", br}} {
		if sib.data == nil {
			if live {
				os.Remove(name + sib.ext) // a stale one would be served instead
			}
			continue
		}
		if err := write(name+sib.ext, sib.data); err != nil {
			return 0, 0, err
		}
		files++
		size += int64(len(sib.data))
	}
	return files, size, nil
}

// compressor lends a Compressor: one a worker gave back, or a new one.
// Its forms are written out before it is given back, so its buffers and
// writers serve every file an export writes, without allocating afresh.
func (e *Exporter) compressor() *web.Compressor {
	select {
	case c := <-e.compressors:
		return c
	default:
		return web.NewCompressor(gzip.DefaultCompression, e.brotli())
	}
}

// release gives a Compressor back, keeping as many as there are workers.
func (e *Exporter) release(c *web.Compressor) {
	select {
	case e.compressors <- c:
	default:
	}
}

// makeDir makes dir and any missing parents. Most of an export's folders
// are an article's own, in a date folder that already exists: one mkdir
// then does, where os.MkdirAll would first stat the folder and its parent.
func makeDir(dir string) error {
	err := os.Mkdir(dir, 0o755)
	if err == nil {
		return nil
	}
	return os.MkdirAll(dir, 0o755) // exists already (a folder, or not: it says), or a parent is missing
}

// writeFile replaces name atomically: a temporary file beside it, then a
// rename.
func writeFile(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), name); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

// removeFiles removes a page's file and its siblings; it returns how many
// were there.
func removeFiles(name string) int {
	n := 0
	for _, ext := range []string{"", ".gz", ".br"} {
		if os.Remove(name+ext) == nil {
			n++
		}
	}
	return n
}

// decodePath decodes an address segment by segment; ok is false when a
// segment would not stay one folder name in a file tree.
func decodePath(p string) (string, bool) {
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		d, err := url.PathUnescape(seg)
		if err != nil || (seg != "" && (d == "." || d == "..")) || strings.ContainsAny(d, "/\\\x00") {
			return "", false
		}
		segs[i] = d
	}
	return strings.Join(segs, "/"), true
}
