package site

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"newsdesk/internal/markup"
	"newsdesk/internal/news"
	"newsdesk/internal/pagecache"
	"newsdesk/internal/search"
	"newsdesk/internal/store"
	"newsdesk/internal/web"
)

//go:embed templates static
var embedded embed.FS

// Options are what the portal needs from its composition root.
type Options struct {
	Store *store.Store
	Log   *slog.Logger
	// Now is the clock; tests set it to see the site at another time.
	Now func() time.Time
	// Dev reads templates and static files from DevDir on every request.
	Dev    bool
	DevDir string // the repository's internal/site folder
	// TrustedProxies decide when X-Forwarded-For names the reader.
	TrustedProxies []netip.Prefix
	// Sanitizer cleans bodies that are previewed before they are stored;
	// New builds one when it is nil.
	Sanitizer *markup.Sanitizer
	// BaseURL (scheme and host, e.g. https://news.example.org) starts the
	// absolute URLs of feeds, sitemaps, robots.txt and structured data.
	// serve always sets it; "" (tests, embedding without a cache) takes the
	// request's host, which must not be used behind the page cache.
	BaseURL string
	// SitemapURLs is how many articles one monthly sitemap holds before
	// the month splits; DefaultSitemapURLs when 0.
	SitemapURLs int
	// Cache, when set, keeps rendered pages in memory (see Server.Cache and
	// FollowChanges, which must then run to keep them current).
	Cache *pagecache.Options
	// Search is the node's search index; without it /{lang}/search is not
	// found.
	Search *search.Index
	// Snapshot reads the site settings, channel tree and footer pages once,
	// at the first page, and keeps them for every later one: for a one-off
	// render of the whole site (the static export), where they cost a
	// tenth of each page otherwise. The formats of a feed (RSS, Atom, JSON)
	// share one reading of its articles too, and ListingPages cuts every
	// channel and tag listing of a language from one reading of its
	// articles, as of the first listing asked for. A serving portal leaves
	// it false: its pages, and the page cache's invalidation, rely on each
	// request reading them afresh.
	Snapshot bool
}

// Server is the public portal as an http.Handler.
type Server struct {
	store     *store.Store
	log       *slog.Logger
	now       func() time.Time
	render    *renderer
	assets    *web.Assets
	sanitizer *markup.Sanitizer
	search    *search.Index
	trusted   []netip.Prefix
	base      string // Options.BaseURL without a trailing slash
	// sitemapURLs is Options.SitemapURLs.
	sitemapURLs int
	handler     http.Handler
	cache       *pagecache.Cache // nil when pages are rendered every time
	followed    atomic.Int64     // last change applied to the cache
	// lastFrame is the last frame loaded, so error pages keep the site's
	// name, navigation and footer when the database fails.
	lastFrame atomic.Pointer[frame]
	// snapshot is Options.Snapshot; the frame it keeps is loaded under
	// snapshotMu, once, and so are the feeds its formats share.
	snapshot      bool
	snapshotMu    sync.Mutex
	snapshotF     *frame
	snapshotFeeds map[string]*feedLoad
	// snapshotIndex holds, by language, the articles ListingPages cuts
	// every listing from with Options.Snapshot.
	snapshotIndex map[string]*indexLoad
}

// New builds the portal, parsing every template once so a broken one stops
// the start-up rather than a reader's request.
func New(opts Options) (*Server, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.SitemapURLs <= 0 || opts.SitemapURLs > DefaultSitemapURLs {
		opts.SitemapURLs = DefaultSitemapURLs
	}
	if opts.Sanitizer == nil {
		opts.Sanitizer = markup.NewSanitizer()
	}
	var files fs.FS = embedded
	if opts.Dev {
		if opts.DevDir == "" {
			opts.DevDir = "internal/site"
		}
		files = os.DirFS(opts.DevDir)
	}
	staticFS, err := fs.Sub(files, "static")
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	assets, err := web.NewAssets(staticFS, "/static/")
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	tmplFS, err := fs.Sub(files, "templates")
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	r, err := newRenderer(tmplFS, assets, opts.Dev)
	if err != nil {
		return nil, fmt.Errorf("site: %w", err)
	}
	s := &Server{store: opts.Store, log: opts.Log, now: opts.Now, render: r, assets: assets,
		sanitizer: opts.Sanitizer, trusted: opts.TrustedProxies, base: strings.TrimSuffix(opts.BaseURL, "/"),
		sitemapURLs: opts.SitemapURLs, search: opts.Search, snapshot: opts.Snapshot, snapshotFeeds: map[string]*feedLoad{},
		snapshotIndex: map[string]*indexLoad{}}
	var h http.Handler = s.routes()
	if opts.Cache != nil {
		s.cache = pagecache.New(h, *opts.Cache)
		h = s.cache
	}
	s.handler = web.AccessLog(s.log, s.trusted, web.SecurityHeaders(h))
	return s, nil
}

// Cache is the page cache, nil when Options.Cache was not set.
func (s *Server) Cache() *pagecache.Cache { return s.cache }

// ServeHTTP serves the portal.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// frame is what every page needs from the database: settings, channel tree
// and footer pages, loaded once per request.
type frame struct {
	site  news.Site
	tree  *news.ChannelTree
	pages []news.Page
	// loc is site.Location(), read once: each call loads the zone afresh.
	loc *time.Location
	// chunks are the layout's parts rendered from this frame, shared by
	// its copies and gone with it.
	chunks *layoutChunks
}

// loadFrame reads the frame for one request, or with Options.Snapshot
// returns the one read first.
func (s *Server) loadFrame(ctx context.Context) (frame, error) {
	if !s.snapshot {
		return s.readFrame(ctx)
	}
	s.snapshotMu.Lock()
	defer s.snapshotMu.Unlock()
	if s.snapshotF != nil {
		return *s.snapshotF, nil
	}
	f, err := s.readFrame(ctx)
	if err != nil {
		return f, err
	}
	s.snapshotF = &f
	return f, nil
}

// readFrame reads the frame from the database.
func (s *Server) readFrame(ctx context.Context) (frame, error) {
	f := frame{chunks: newLayoutChunks()}
	var err error
	if f.site, err = s.store.Site(ctx); err != nil {
		return f, err
	}
	f.loc = f.site.Location()
	if f.tree, err = s.store.Channels(ctx); err != nil {
		return f, err
	}
	if f.pages, err = s.store.Pages(ctx); err != nil {
		return f, err
	}
	s.lastFrame.Store(&f)
	return f, nil
}
