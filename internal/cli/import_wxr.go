package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	"newsdesk/internal/config"
	"newsdesk/internal/feed"
	"newsdesk/internal/fetch"
	"newsdesk/internal/ingest"
	"newsdesk/internal/markup"
	"newsdesk/internal/media"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

func runImportWXR(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet("import wxr", "newsdesk import wxr [--channel PATH] [--fetch-media] [--language LANG] [--db URL] [--media DIR] FILE",
		"Import a WordPress export (WXR 1.0-1.2): categories become channels (under --channel, created when\n"+
			"missing), authors disabled users to invite, posts articles, published pages pages; old permalinks\n"+
			"(/?p=ID, /YYYY/MM/DD/slug/) redirect with 301s. A malformed file is refused whole, naming the line.\n"+
			"Re-running it changes only what changed. Images and attachments keep their remote URLs unless\n"+
			"--fetch-media copies them, through the safe fetcher, into the media library.")
	var cfg config.Config
	cfg.BindData(fs, env.Getenv)
	channel := fs.String("channel", "", "create categories under channel `PATH`, and file posts without a category there")
	language := fs.String("language", "", "language `LANG` of the copy (default: the export's, else the site's default)")
	fetchMedia := fs.Bool("fetch-media", false, "download featured images and attachments into the media library (featured images become lead images)")
	pos, code, ok := parseFlags(fs, args, env.Stderr)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return usageError(env.Stderr, fs, "expected exactly one FILE, got %d", len(pos))
	}
	if *language != "" && !news.IsKnownLanguage(*language) {
		return usageError(env.Stderr, fs, "--language %q: known languages are %s", *language, strings.Join(news.KnownLanguages, ", "))
	}
	file := pos[0]
	data, err := os.ReadFile(file)
	if err != nil {
		return fail(env.Stderr, "import wxr", err)
	}
	// The whole file is read before anything is written: a broken file
	// imports nothing.
	w, err := feed.ParseWXR(data)
	if err != nil {
		return fail(env.Stderr, "import wxr", fmt.Errorf("%s: %w (nothing was imported)", file, err))
	}
	s, err := openStore(ctx, &cfg, true)
	if err != nil {
		return fail(env.Stderr, "import wxr", err)
	}
	defer s.Close()
	if *channel != "" {
		if _, err := s.ChannelByPath(ctx, *channel); err != nil {
			if errors.Is(err, news.ErrNotFound) {
				return fail(env.Stderr, "import wxr", fmt.Errorf("--channel %q: no such channel (see `newsdesk site apply`)", *channel))
			}
			return fail(env.Stderr, "import wxr", err)
		}
	}
	var localize func(context.Context, ingest.RemoteFile) (string, int64, error)
	if *fetchMedia {
		if localize, err = mediaCopier(ctx, s, cfg.Media, env.Getenv); err != nil {
			return fail(env.Stderr, "import wxr", err)
		}
	}
	im := &ingest.Importer{Store: s, Sanitizer: markup.NewSanitizer(), Now: time.Now}
	total := 0
	for _, it := range w.Items {
		if it.PostType != "attachment" || it.Err != nil {
			total++
		}
	}
	prog := newProgress(env.Stderr, total, "import wxr")
	sum, err := im.WXR(ctx, w, ingest.WXROptions{File: file, Channel: *channel, Language: *language, Localize: localize}, func(r ingest.ItemResult) {
		for _, n := range r.Notes {
			prog.problem(fmt.Sprintf("%s: note: %s", r.Path, n))
		}
		switch {
		case r.Outcome == ingest.Skipped:
			prog.problem(fmt.Sprintf("%s: skipped: %v", r.Path, r.Err))
			prog.item("")
		case r.Err != nil:
			for _, line := range itemErrors(r) {
				prog.problem(line)
			}
			prog.item("")
		default:
			prog.item(fmt.Sprintf("%s: %s (%s)", r.Path, r.Outcome, r.Article.Headline))
		}
	})
	prog.done()
	if err != nil {
		return fail(env.Stderr, "import wxr", err)
	}
	fmt.Fprintln(env.Stdout, sum)
	if sum.Failed() > 0 {
		return exitFailed
	}
	return exitOK
}

// mediaCopier copies an old site's files into the media library for
// --fetch-media (a folder or an s3:// bucket, as for serve): fetched
// through the safe fetcher (the administrator's allow-list applies),
// checked and stored by the library like an upload, recorded as uploaded
// by the import.
func mediaCopier(ctx context.Context, s *store.Store, where string, getenv func(string) string) (func(context.Context, ingest.RemoteFile) (string, int64, error), error) {
	lib, err := openMedia(ctx, s, where, getenv, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, fmt.Errorf("--fetch-media: %w", err)
	}
	allow, err := s.FetchAllowList(ctx)
	if err != nil {
		return nil, err
	}
	f, err := fetch.New(fetch.Options{Allow: allow, MaxBytes: lib.Limits.MaxBytes})
	if err != nil {
		return nil, fmt.Errorf("--fetch-media: %w", err)
	}
	importer := news.User{Email: "import", Name: "WordPress import", Status: news.UserActive, Grants: []news.Grant{{Role: news.RoleAdministrator}}}
	return func(ctx context.Context, rf ingest.RemoteFile) (string, int64, error) {
		resp, err := f.Get(ctx, rf.URL, fetch.Validators{})
		if err != nil {
			return "", 0, err
		}
		name := path.Base(resp.URL)
		if u, err := url.Parse(resp.URL); err == nil {
			name = path.Base(u.Path)
		}
		m, _, err := lib.Add(ctx, importer, "", media.Upload{Filename: name, Body: bytes.NewReader(resp.Body), Alt: rf.Alt, Caption: rf.Caption})
		if err != nil {
			return "", 0, err
		}
		return m.URL(), m.ID, nil
	}, nil
}
