package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"newsdesk/internal/config"
	"newsdesk/internal/feed"
	"newsdesk/internal/fetch"
	"newsdesk/internal/ingest"
	"newsdesk/internal/markup"
	"newsdesk/internal/news"
)

func runImportFeed(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet("import feed", "newsdesk import feed [--channel PATH] [--language LANG] [--credit TEXT] [--publish] [--format F] [--db URL] URL|FILE",
		"Import one pass of an RSS, Atom, JSON Feed or ninjs feed, from a URL (fetched through the safe fetcher,\n"+
			"which honours the administrator's allow-list) or a file. Items are recognised by GUID and content:\n"+
			"running it again updates changed items in place and skips the rest. New items wait in the review\n"+
			"queue unless --publish is given.")
	var cfg config.Config
	cfg.BindData(fs, env.Getenv)
	channel := fs.String("channel", "", "file new articles under channel `PATH`")
	language := fs.String("language", "", "language `LANG` of the copy (default: the feed's, else the site's default)")
	credit := fs.String("credit", "", "source credit `TEXT` shown on the articles (default: a ninjs item's own, else the feed's title)")
	publish := fs.Bool("publish", false, "publish new items at once instead of putting them in the review queue")
	format := fs.String("format", "", "declare the `FORMAT` (rss, atom, jsonfeed, ninjs); default: detect")
	pos, code, ok := parseFlags(fs, args, env.Stderr)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return usageError(env.Stderr, fs, "expected exactly one URL or FILE, got %d", len(pos))
	}
	if !feed.WireFormat(*format).Valid() {
		return usageError(env.Stderr, fs, "--format %q: known formats are %s", *format, strings.Join(news.WireFormats, ", "))
	}
	if *language != "" && !news.IsKnownLanguage(*language) {
		return usageError(env.Stderr, fs, "--language %q: known languages are %s", *language, strings.Join(news.KnownLanguages, ", "))
	}
	target := pos[0]
	s, err := openStore(ctx, &cfg, true)
	if err != nil {
		return fail(env.Stderr, "import feed", err)
	}
	defer s.Close()
	if *channel != "" {
		if _, err := s.ChannelByPath(ctx, *channel); err != nil {
			if errors.Is(err, news.ErrNotFound) {
				return fail(env.Stderr, "import feed", fmt.Errorf("--channel %q: no such channel (see `newsdesk site apply`)", *channel))
			}
			return fail(env.Stderr, "import feed", err)
		}
	}
	var data []byte
	key := target
	if strings.HasPrefix(target, "http://") || strings.HasPrefix(target, "https://") {
		allow, err := s.FetchAllowList(ctx)
		if err != nil {
			return fail(env.Stderr, "import feed", err)
		}
		f, err := fetch.New(fetch.Options{Allow: allow})
		if err != nil {
			return fail(env.Stderr, "import feed", err)
		}
		resp, err := f.Get(ctx, target, fetch.Validators{})
		if err != nil {
			return fail(env.Stderr, "import feed", err)
		}
		if data, err = feed.DecodeCharset(resp.Body, resp.ContentType); err != nil {
			return fail(env.Stderr, "import feed", fmt.Errorf("%s: %w", target, err))
		}
	} else {
		data, err = os.ReadFile(target)
		if err != nil {
			return fail(env.Stderr, "import feed", err)
		}
		if abs, err := filepath.Abs(target); err == nil {
			key = "file://" + filepath.ToSlash(abs)
		}
	}
	parsed, err := feed.ParseFeed(data, feed.WireFormat(*format))
	if err != nil {
		return fail(env.Stderr, "import feed", fmt.Errorf("%s: %w", target, err))
	}
	im := &ingest.Importer{Store: s, Sanitizer: markup.NewSanitizer(), Now: time.Now}
	src := ingest.FeedSource{Key: key, Channel: *channel, Language: *language, Credit: *credit, AutoPublish: *publish, Actor: "import"}
	prog := newProgress(env.Stderr, len(parsed.Items), "import feed")
	sum := im.Feed(ctx, src, parsed, func(r ingest.ItemResult) {
		if r.Err != nil {
			for _, line := range itemErrors(r) {
				prog.problem(line)
			}
			prog.item("")
			return
		}
		prog.item(fmt.Sprintf("%s: %s (%s)", r.Path, r.Outcome, r.Article.Headline))
	})
	prog.done()
	fmt.Fprintln(env.Stdout, sum)
	if sum.Failed() > 0 {
		return exitFailed
	}
	return exitOK
}
