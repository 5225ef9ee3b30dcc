package admin

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/alexedwards/scs/v2"

	"newsdesk/internal/accounts"
	"newsdesk/internal/editorial"
	"newsdesk/internal/markup"
	"newsdesk/internal/media"
	"newsdesk/internal/news"
	"newsdesk/internal/search"
	"newsdesk/internal/store"
	"newsdesk/internal/web"
)

//go:embed templates static
var embedded embed.FS

// Session lifetimes: a newsroom desk is left unattended, so idle sessions end
// soon; even an active one ends after a working day.
const (
	DefaultIdleTimeout = 30 * time.Minute
	DefaultLifetime    = 12 * time.Hour
)

// Options are what the newsroom needs from the composition root.
type Options struct {
	Store          *store.Store
	Accounts       *accounts.Service
	Sanitizer      *markup.Sanitizer
	Log            *slog.Logger
	Now            func() time.Time
	TrustedProxies []netip.Prefix
	IdleTimeout    time.Duration
	Lifetime       time.Duration
	// Editorial is the article service behind the editor pages.
	Editorial *editorial.Service
	// Preview renders an article with the public templates, exactly as it
	// will be published (the portal's site.Server.Preview).
	Preview func(w http.ResponseWriter, r *http.Request, a news.Article) error
	// PreviewLink makes signed, expiring preview links for reviewers
	// without an account (the portal's site.Server.PreviewLink).
	PreviewLink PreviewLinker
	// PollWire polls one wire source at once and words the outcome (the
	// wire poller's PollNowSummary); nil hides the "poll now" buttons.
	PollWire func(ctx context.Context, id int64) (string, error)
	// Search, when set, lets the article list search every status's text
	// (the newsroom's own search; readers' is on the portal).
	Search *search.Index
	// Media is the media library; without it the library pages and the
	// editor's image and download choices are left out.
	Media *media.Service
}

// Server is the newsroom as an http.Handler mounted at /admin/.
type Server struct {
	store       *store.Store
	accounts    *accounts.Service
	san         *markup.Sanitizer
	log         *slog.Logger
	now         func() time.Time
	trusted     []netip.Prefix
	sessions    *scs.SessionManager
	editorial   *editorial.Service
	preview     func(w http.ResponseWriter, r *http.Request, a news.Article) error
	previewLink PreviewLinker
	pollWireNow func(ctx context.Context, id int64) (string, error)
	media       *media.Service
	search      *search.Index // nil: the article list filters without text search
	render      *renderer
	assets      *web.Assets
	handler     http.Handler
}

// New builds the newsroom, parsing its templates once.
func New(opts Options) (*Server, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	if opts.Sanitizer == nil {
		opts.Sanitizer = markup.NewSanitizer()
	}
	if opts.IdleTimeout == 0 {
		opts.IdleTimeout = DefaultIdleTimeout
	}
	if opts.Lifetime == 0 {
		opts.Lifetime = DefaultLifetime
	}
	staticFS, err := fs.Sub(embedded, "static")
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	assets, err := web.NewAssets(staticFS, "/admin/static/")
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	tmplFS, err := fs.Sub(embedded, "templates")
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	r, err := newRenderer(tmplFS, assets)
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	s := &Server{store: opts.Store, accounts: opts.Accounts, san: opts.Sanitizer, log: opts.Log, now: opts.Now,
		trusted: opts.TrustedProxies, render: r, assets: assets, editorial: opts.Editorial, preview: opts.Preview, previewLink: opts.PreviewLink,
		pollWireNow: opts.PollWire, media: opts.Media, search: opts.Search}
	s.sessions = newSessionManager(opts.Store, opts.IdleTimeout, opts.Lifetime, s.now)
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP serves /admin/...
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
