package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"newsdesk/internal/accounts"
	"newsdesk/internal/admin"
	"newsdesk/internal/api"
	"newsdesk/internal/config"
	"newsdesk/internal/demo"
	"newsdesk/internal/editorial"
	"newsdesk/internal/ingest"
	"newsdesk/internal/jobs"
	"newsdesk/internal/markup"
	"newsdesk/internal/media"
	"newsdesk/internal/metrics"
	"newsdesk/internal/pagecache"
	"newsdesk/internal/search"
	"newsdesk/internal/site"
	"newsdesk/internal/store"
	"newsdesk/internal/web"
	"newsdesk/internal/wire"
)

func runServe(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet("serve", "newsdesk serve [--addr 127.0.0.1:8080] [--db URL] [--media DIR] [--demo] [--automigrate] [--dev] ...",
		"Run the public portal.")
	var cfg config.Config
	cfg.BindServe(fs, env.Getenv)
	pos, code, ok := parseFlags(fs, args, env.Stderr)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(env.Stderr, fs, "unexpected argument %q", pos[0])
	}
	if err := cfg.Validate(); err != nil {
		return usageError(env.Stderr, fs, "%v", err)
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, nil))
	if err := serve(ctx, cfg, log, env); err != nil {
		log.Error("serve stopped", "err", err)
		return exitFailed
	}
	return exitOK
}

// defaultMemoryLimit is the Go runtime's soft memory limit for serve when
// GOMEMLIMIT does not set one: the page cache (96 MiB) and the rest of the
// process fit under it, and the collector works harder as the heap nears
// it instead of letting it double.
const defaultMemoryLimit = 200 << 20

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, env Env) error {
	if env.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	s, err := store.Open(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer s.Close()
	if cfg.AutoMigrate || (cfg.Demo && s.Dialect() == "sqlite") {
		n, err := s.Migrate(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			log.Info("database migrated", "migrations", n)
		}
	}
	if err := s.CheckSchema(ctx); err != nil {
		return err
	}
	if cfg.Demo {
		if err := loadDemo(ctx, s, log); err != nil {
			return err
		}
	}
	index, err := search.Open(cfg.Index)
	if err != nil {
		return err
	}
	defer index.Close()
	// One base URL for every absolute link the portal, the API and the
	// notifier write: never the request's Host, which a reader could forge
	// into a cached page.
	base := publicBase(env.Getenv("NEWSDESK_BASE_URL"), cfg.Addr)
	var m *metrics.Metrics // nil without --metrics-addr: nothing measured
	if cfg.MetricsAddr != "" {
		m = metrics.New()
	}
	siteOpts := site.Options{Store: s, Log: log, Now: time.Now, Dev: cfg.Dev, TrustedProxies: cfg.TrustedProxies(),
		BaseURL: base, Search: index}
	if !cfg.Dev { // in development templates change under the cache's feet
		siteOpts.Cache = &pagecache.Options{}
		if m != nil {
			siteOpts.Cache.Rendered = m.ObserveRender
		}
	}
	portal, err := site.New(siteOpts)
	if err != nil {
		return err
	}
	defer portal.KeepCacheCurrent(ctx, time.Second)()
	acc := accounts.New(s, log)
	acc.Issuer = "Newsdesk"
	withMail(acc, &cfg, base)
	san := markup.NewSanitizer()
	ed := &editorial.Service{Store: s, Sanitizer: san, Now: time.Now, Log: log}
	lib, err := openMedia(ctx, s, cfg.Media, env.Getenv, log.With("service", "media"))
	if err != nil {
		return err
	}
	poller := &wire.Poller{Store: s, Importer: &ingest.Importer{Store: s, Sanitizer: san, Now: time.Now}, Now: time.Now, Log: log.With("job", "wire-poller")}
	newsroom, err := admin.New(admin.Options{Store: s, Accounts: acc, Sanitizer: san, Log: log, Now: time.Now, TrustedProxies: cfg.TrustedProxies(),
		Editorial: ed, Preview: portal.Preview, PreviewLink: portal.PreviewLink, Media: lib, Search: index, PollWire: poller.PollNowSummary})
	if err != nil {
		return err
	}
	apiServer := api.New(acc, ed, log, lib, api.WithSearch(index))
	apiServer.BaseURL = base
	limitedPortal, limitedAPI, stopLimits := withLimits(ctx, cfg, s, log, portal, apiServer)
	defer stopLimits()
	surfaces := map[string]http.Handler{
		"/admin/": web.AccessLog(log, cfg.TrustedProxies(), web.SecurityHeaders(newsroom)),
		"/api/":   web.AccessLog(log, cfg.TrustedProxies(), web.SecurityHeaders(limitedAPI)),
		"/media/": web.AccessLog(log, cfg.TrustedProxies(), lib),
		"/":       limitedPortal,
	}
	mux := http.NewServeMux()
	for prefix, h := range surfaces {
		if m != nil {
			h = m.Middleware(surfaceName(prefix), routeOf(prefix), h)
		}
		mux.Handle(prefix, h)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("serving", "url", "http://"+ln.Addr().String()+"/", "db", s.Dialect(), "media", redactMedia(cfg.Media))
	clock := &jobs.PublishClock{Store: s, Now: time.Now, Log: log.With("job", "publish-clock")}
	if m != nil {
		clock.Published = m.ObservePublish
		stopMetrics, err := serveMetrics(ctx, cfg.MetricsAddr, m, s, portal, index, log)
		if err != nil {
			return err
		}
		defer stopMetrics()
	}
	clockCtx, stopClock := context.WithCancel(ctx)
	clockDone := make(chan struct{})
	go func() {
		defer close(clockDone)
		clock.Run(clockCtx)
	}()
	defer func() { stopClock(); <-clockDone }()
	pollerCtx, stopPoller := context.WithCancel(ctx)
	pollerDone := make(chan struct{})
	go func() {
		defer close(pollerDone)
		poller.Run(pollerCtx)
	}()
	defer func() { stopPoller(); <-pollerDone }()
	// Webhooks and WebSub pings follow the change log on every node; the
	// database decides which node sends what.
	notifyDone := make(chan struct{})
	go func() {
		defer close(notifyDone)
		(&jobs.Notifier{Store: s, Now: time.Now, Log: log.With("job", "notifications"), BaseURL: base,
			Purge: &jobs.Purge{URL: cfg.PurgeURL, Secret: cfg.PurgeSecret, Paths: portal.PurgePaths}}).Run(clockCtx)
	}()
	defer func() { stopClock(); <-notifyDone }()
	statsDone := make(chan struct{})
	go func() {
		defer close(statsDone)
		(&jobs.Statistics{Store: s, Log: log.With("job", "statistics")}).Run(clockCtx)
	}()
	defer func() { stopClock(); <-statsDone }()
	// The search indexer follows the change log (catching up first) and
	// picks up an index rebuilt by newsdesk reindex.
	indexCtx, stopIndexer := context.WithCancel(ctx)
	indexerDone := make(chan struct{})
	go func() {
		defer close(indexerDone)
		(&search.Indexer{Store: s, Index: index, Log: log.With("job", "search-indexer")}).Run(indexCtx)
	}()
	defer func() { stopIndexer(); <-indexerDone }()
	if err := announceSetup(ctx, acc, log, "http://"+ln.Addr().String()); err != nil {
		return err
	}
	announceEmptySite(ctx, s, log)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing open requests")
	shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// announceEmptySite warns when no site is set up yet (no language, so every
// public page answers 404), saying how to set one up.
func announceEmptySite(ctx context.Context, s *store.Store, log *slog.Logger) {
	site, err := s.Site(ctx)
	if err != nil || len(site.Languages) > 0 {
		return
	}
	log.Warn("no site set up yet, so public pages answer 404: describe it in a site file and run `newsdesk site apply FILE` " +
		"(see README), set it up in the newsroom under Settings and Channels, or start an empty database with --demo")
}

// announceSetup logs a one-time link for creating the first administrator
// when the site has none. There is never a default password.
func announceSetup(ctx context.Context, acc *accounts.Service, log *slog.Logger, base string) error {
	token, err := acc.SetupLink(ctx)
	if err != nil || token == "" {
		return err
	}
	log.Warn("no administrator yet: create the first one at this one-time link (valid 24h; restarting makes a new one)",
		"url", base+"/admin/setup?token="+token)
	return nil
}

// loadDemo fills an empty database with the demo site; a database that has
// settings or articles is left as it is.
func loadDemo(ctx context.Context, s *store.Store, log *slog.Logger) error {
	site, err := s.Site(ctx)
	if err != nil {
		return err
	}
	n, err := s.CountArticles(ctx)
	if err != nil {
		return err
	}
	if site.Configured() || n > 0 {
		log.Info("demo: database already has content, leaving it as it is")
		return nil
	}
	im := &ingest.Importer{Store: s, Sanitizer: markup.NewSanitizer(), Now: time.Now}
	res, err := demo.Load(ctx, im)
	if err != nil {
		return err
	}
	log.Info("demo site loaded", "articles", res.Articles.Total)
	return nil
}

// publicBase is the scheme and host public links start with:
// NEWSDESK_BASE_URL, else http:// and the listening address, with a
// loopback host in place of an unspecified one (":8080", "0.0.0.0:8080").
func publicBase(configured, addr string) string {
	if configured != "" {
		return strings.TrimSuffix(configured, "/")
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip, err := netip.ParseAddr(host); host == "" || (err == nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// openMedia makes the media library over --media: a folder (made now, so a
// path that cannot be written stops the start rather than the first
// upload) or an s3:// bucket (checked now for the same reason).
func openMedia(ctx context.Context, s *store.Store, where string, getenv func(string) string, log *slog.Logger) (*media.Service, error) {
	files, err := mediaFiles(ctx, where, getenv)
	if err != nil {
		return nil, err
	}
	if dir, ok := files.(media.DirFiles); ok {
		if err := os.MkdirAll(dir.Dir, 0o750); err != nil {
			return nil, fmt.Errorf("media folder: %w", err)
		}
		return media.New(s, dir.Dir, log), nil
	}
	lib := media.New(s, "", log)
	lib.Files = files
	return lib, nil
}

// redactMedia shows where media live without the query of an s3:// URL.
func redactMedia(where string) string {
	before, _, _ := strings.Cut(where, "?")
	return before
}
