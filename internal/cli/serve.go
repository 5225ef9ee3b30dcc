package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
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
	"newsdesk/internal/search"
	"newsdesk/internal/site"
	"newsdesk/internal/store"
	"newsdesk/internal/web"
)

func runServe(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet("serve", "newsdesk serve [--addr 127.0.0.1:8080] [--db URL] [--demo] [--automigrate] [--dev] ...",
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

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, env Env) error {
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
	portal, err := site.New(site.Options{Store: s, Log: log, Now: time.Now, Dev: cfg.Dev, TrustedProxies: cfg.TrustedProxies(), Search: index})
	if err != nil {
		return err
	}
	acc := accounts.New(s, log)
	acc.Issuer = "Newsdesk"
	base := env.Getenv("NEWSDESK_BASE_URL")
	if base == "" {
		base = "http://" + cfg.Addr
	}
	withMail(acc, &cfg, strings.TrimSuffix(base, "/"))
	san := markup.NewSanitizer()
	ed := &editorial.Service{Store: s, Sanitizer: san, Now: time.Now, Log: log}
	newsroom, err := admin.New(admin.Options{Store: s, Accounts: acc, Sanitizer: san, Log: log, Now: time.Now, TrustedProxies: cfg.TrustedProxies(),
		Editorial: ed, Preview: portal.Preview, PreviewLink: portal.PreviewLink})
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	mux.Handle("/admin/", web.AccessLog(log, cfg.TrustedProxies(), web.SecurityHeaders(newsroom)))
	mux.Handle("/api/", web.AccessLog(log, cfg.TrustedProxies(), web.SecurityHeaders(api.New(acc, ed, log, api.WithSearch(index)))))
	mux.Handle("/", portal)
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
	log.Info("serving", "url", "http://"+ln.Addr().String()+"/", "db", s.Dialect())
	clockCtx, stopClock := context.WithCancel(ctx)
	clockDone := make(chan struct{})
	go func() {
		defer close(clockDone)
		(&jobs.PublishClock{Store: s, Now: time.Now, Log: log.With("job", "publish-clock")}).Run(clockCtx)
	}()
	defer func() { stopClock(); <-clockDone }()
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
