package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"newsdesk/internal/config"
	"newsdesk/internal/feed"
	"newsdesk/internal/ingest"
	"newsdesk/internal/markup"
	"newsdesk/internal/news"
)

func runImportWXR(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet("import wxr", "newsdesk import wxr [--channel PATH] [--language LANG] [--db URL] FILE",
		"Import a WordPress export (WXR 1.0-1.2): categories become channels (under --channel, created when\n"+
			"missing), authors disabled users to invite, posts articles, published pages pages; old permalinks\n"+
			"(/?p=ID, /YYYY/MM/DD/slug/) redirect with 301s. A malformed file is refused whole, naming the line.\n"+
			"Re-running it changes only what changed. Images and attachments keep their remote URLs.")
	var cfg config.Config
	cfg.BindData(fs, env.Getenv)
	channel := fs.String("channel", "", "create categories under channel `PATH`, and file posts without a category there")
	language := fs.String("language", "", "language `LANG` of the copy (default: the export's, else the site's default)")
	fetchMedia := fs.Bool("fetch-media", false, "not available in this version (see README)")
	pos, code, ok := parseFlags(fs, args, env.Stderr)
	if !ok {
		return code
	}
	if *fetchMedia {
		return usageError(env.Stderr, fs, "--fetch-media is not available in this version: the media library it stores files in is not part of it yet; without it, images and attachments keep their remote URLs")
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
	im := &ingest.Importer{Store: s, Sanitizer: markup.NewSanitizer(), Now: time.Now}
	total := 0
	for _, it := range w.Items {
		if it.PostType != "attachment" || it.Err != nil {
			total++
		}
	}
	prog := newProgress(env.Stderr, total, "import wxr")
	sum, err := im.WXR(ctx, w, ingest.WXROptions{File: file, Channel: *channel, Language: *language}, func(r ingest.ItemResult) {
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
