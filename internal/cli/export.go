package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"newsdesk/internal/config"
	"newsdesk/internal/export"
	"newsdesk/internal/news"
	"newsdesk/internal/site"
	"newsdesk/internal/store"
)

func runExport(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet("export static", "newsdesk export static DIR [--base-url URL] [--incremental] [--db URL]",
		"Write the public site to DIR as files, with .gz and .br siblings, for nginx or a CDN.\n"+
			"DIR becomes a link to a tree written beside it, switched in one rename when complete.")
	var cfg config.Config
	cfg.BindData(fs, env.Getenv)
	base := fs.String("base-url", env.Getenv("NEWSDESK_BASE_URL"), "the site's public `URL` (default: NEWSDESK_BASE_URL), for absolute links in feeds and sitemaps")
	incremental := fs.Bool("incremental", false, "rewrite only what changed since the last export (found from the change log)")
	if len(args) == 0 || args[0] != "static" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fs.SetOutput(env.Stdout)
			fs.Usage()
			return exitOK
		}
		return usageError(env.Stderr, fs, "expected `export static DIR`")
	}
	pos, code, ok := parseFlags(fs, args[1:], env.Stderr)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return usageError(env.Stderr, fs, "give one DIR")
	}
	if *base == "" {
		*base = "http://127.0.0.1:8080/"
		fmt.Fprintln(env.Stderr, "export static: no --base-url (or NEWSDESK_BASE_URL): absolute links will name", *base)
	}
	u, err := url.Parse(*base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError(env.Stderr, fs, "--base-url %q: want http(s)://host[:port]/", *base)
	}
	defer batchGC(env.Getenv)()
	// The export reads nearly every row once: mapping the file saves
	// copying each page in (a 1 GiB map covers a site of ~400,000 articles;
	// beyond it SQLite reads the rest as usual).
	s, err := openStore(ctx, &cfg, true, store.MemoryMapped(1<<30))
	if err != nil {
		return fail(env.Stderr, "export static", err)
	}
	defer s.Close()
	lib, err := openMedia(ctx, s, cfg.Media, env.Getenv, slog.New(slog.DiscardHandler))
	if err != nil {
		return fail(env.Stderr, "export static", err)
	}
	start := time.Now()
	sum, mode, err := exportStatic(ctx, s, lib, pos[0], u, *incremental, env.Stderr)
	if err != nil {
		return fail(env.Stderr, "export static", err)
	}
	fmt.Fprintf(env.Stdout, "export static (%s): %d pages (%d files, %.1f MB) written to %s in %s; %d removed, %d not served\n",
		mode, sum.Pages, sum.Files, float64(sum.Bytes)/1e6, pos[0], time.Since(start).Round(time.Millisecond), sum.Removed, sum.Skipped)
	return exitOK
}

// batchGCPercent is the collector's target for the export: the heap may
// grow to three times what is live.
const batchGCPercent = 200

// batchGC tunes the collector for a batch job, unless GOGC or GOMEMLIMIT
// say otherwise: the export allocates a page's buffers and frees them at
// once, so a heap three times what is live (instead of twice) halves the
// collections for no more CPU (400% bought no more speed and 50-60 MB more
// memory at 10,000 articles: 2.95-3.03 s against 2.82-2.95 s); a soft
// limit of 1 GiB keeps a large site's export from growing further. The
// returned func puts the settings back.
func batchGC(getenv func(string) string) (restore func()) {
	percent, limit := -2, int64(-1)
	if getenv("GOGC") == "" {
		percent = debug.SetGCPercent(batchGCPercent)
	}
	if getenv("GOMEMLIMIT") == "" {
		limit = debug.SetMemoryLimit(1 << 30)
	}
	return func() {
		if percent != -2 {
			debug.SetGCPercent(percent)
		}
		if limit >= 0 {
			debug.SetMemoryLimit(limit)
		}
	}
}

// exportStatic renders the site as of now into dir: everything, or with
// incremental only what the change log names since the last export (all
// of it when there was none, or when a site-wide change clears everything).
func exportStatic(ctx context.Context, s *store.Store, files http.Handler, dir string, base *url.URL, incremental bool, progressTo io.Writer) (export.Summary, string, error) {
	portal, err := site.New(site.Options{Store: s, Log: slog.New(slog.DiscardHandler), Now: time.Now,
		BaseURL:  base.Scheme + "://" + base.Host, // feeds, sitemaps and structured data name the public site
		Snapshot: true})                           // one export, one reading of settings, channels and footer
	if err != nil {
		return export.Summary{}, "", err
	}
	// What a reader can reach: the portal, and the media library beside it.
	handler := http.NewServeMux()
	handler.Handle("/media/", files)
	handler.Handle("/", portal)
	seq, err := s.LastChange(ctx)
	if err != nil {
		return export.Summary{}, "", err
	}
	now := time.Now()
	ex := &export.Exporter{Handler: handler, Listing: portal.ListingPages, Articles: portal.ArticlePages, Base: base, Dir: dir,
		Progress: exportProgress(progressTo)}
	st := export.State{Seq: seq, Base: base.String()}
	if incremental {
		prev, ok, err := export.ReadState(dir)
		if err != nil {
			return export.Summary{}, "", err
		}
		if ok && prev.Base == st.Base {
			changed, articles, all, err := changedTargets(ctx, s, portal, prev.Seq, now)
			if err != nil {
				return export.Summary{}, "", err
			}
			if !all {
				// Files of newly visible articles that the tree lacks.
				var ms []news.Media
				if len(articles) > 0 {
					ms, err = s.VisibleMedia(ctx, now, articles...)
				}
				if err != nil {
					return export.Summary{}, "", err
				}
				tree, _ := filepath.EvalSymlinks(dir)
				for _, m := range ms {
					for _, u := range m.Files() {
						if _, err := os.Stat(filepath.Join(tree, filepath.FromSlash(u))); err != nil {
							changed = append(changed, export.Target{Path: u})
						}
					}
				}
				targets := make(chan export.Target)
				go func() {
					defer close(targets)
					for _, t := range changed {
						targets <- t
					}
				}()
				sum, err := ex.Incremental(ctx, targets, st)
				return sum, "incremental", err
			}
		}
	}
	targets := make(chan export.Target, 256)
	var walkErr error
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(targets)
		walkErr = portal.Paths(ctx, now, func(t site.Target) error {
			if t.Article {
				return site.SkipArticles // the exporter's Articles renders them all
			}
			select {
			case targets <- export.Target{Path: t.Path, Paged: t.Paged}:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	})
	sum, err := ex.Full(ctx, targets, st)
	wg.Wait()
	if err == nil && walkErr != nil {
		err = walkErr
	}
	return sum, "full", err
}

// changedTargets lists the addresses the changes after seq touched and the
// articles they were about; all is true when one of them touched every
// page.
func changedTargets(ctx context.Context, s *store.Store, portal *site.Server, after int64, now time.Time) ([]export.Target, []int64, bool, error) {
	set := map[export.Target]bool{}
	var prefixes []string
	articles := map[int64]bool{}
	for {
		changes, err := s.Changes(ctx, after, 1000)
		if err != nil {
			return nil, nil, false, err
		}
		for _, c := range changes {
			targets, pre, all, err := portal.ExportTargets(ctx, c, now)
			if err != nil {
				return nil, nil, false, err
			}
			if all {
				return nil, nil, true, nil
			}
			if c.ArticleID != 0 {
				articles[c.ArticleID] = true
			}
			for _, t := range targets {
				set[export.Target{Path: t.Path, Query: t.Query, Paged: t.Paged}] = true
			}
			prefixes = append(prefixes, pre...)
			after = c.Seq
		}
		if len(changes) < 1000 {
			break
		}
	}
	if len(prefixes) > 0 {
		err := portal.Paths(ctx, now, func(t site.Target) error {
			for _, p := range prefixes {
				if strings.HasPrefix(t.Path, p) {
					set[export.Target{Path: t.Path, Paged: t.Paged}] = true
				}
			}
			return nil
		})
		if err != nil {
			return nil, nil, false, err
		}
	}
	out := make([]export.Target, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	ids := make([]int64, 0, len(articles))
	for id := range articles {
		ids = append(ids, id)
	}
	return out, ids, false, nil
}

// exportProgress shows a bar on a terminal and a line every two seconds
// otherwise.
func exportProgress(w io.Writer) func(done, total int) {
	var mu sync.Mutex
	if isTerminal(w) {
		bar := progressbar.NewOptions(-1, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription("export"),
			progressbar.OptionShowCount(), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish())
		return func(done, total int) {
			mu.Lock()
			defer mu.Unlock()
			bar.ChangeMax(total)
			bar.Set(done)
		}
	}
	var last time.Time
	return func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if time.Since(last) >= 2*time.Second {
			last = time.Now()
			fmt.Fprintf(w, "export: %d of %d pages so far\n", done, total)
		}
	}
}
