package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"newsdesk/internal/config"
	"newsdesk/internal/ingest"
	"newsdesk/internal/markup"
	"newsdesk/internal/news"
)

func runImport(ctx context.Context, env Env, args []string) int {
	if len(args) > 0 && args[0] == "feed" {
		return runImportFeed(ctx, env, args[1:])
	}
	if len(args) > 0 && args[0] == "wxr" {
		return runImportWXR(ctx, env, args[1:])
	}
	fs := newFlagSet("import ninjs", "newsdesk import ninjs [--channel PATH] [--db URL] FILE|DIR...",
		"Import IPTC ninjs (1.x or 2.x) documents; a folder imports every .json file below it.\nEach file is its own transaction: a bad file is reported and the others still go in.")
	var cfg config.Config
	cfg.BindData(fs, env.Getenv)
	channel := fs.String("channel", "", "file new articles under channel `PATH` (e.g. news/china/government-dynamic)")
	if len(args) == 0 || args[0] != "ninjs" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fs.SetOutput(env.Stdout)
			fs.Usage()
			return exitOK
		}
		return usageError(env.Stderr, fs, "expected `import ninjs FILE|DIR...`, `import feed URL|FILE` or `import wxr FILE`")
	}
	pos, code, ok := parseFlags(fs, args[1:], env.Stderr)
	if !ok {
		return code
	}
	if len(pos) == 0 {
		return usageError(env.Stderr, fs, "no FILE or DIR given")
	}
	files, err := ingest.NinjsFiles(pos)
	if err != nil {
		return fail(env.Stderr, "import ninjs", err)
	}
	s, err := openStore(ctx, &cfg, true)
	if err != nil {
		return fail(env.Stderr, "import ninjs", err)
	}
	defer s.Close()
	if *channel != "" {
		if _, err := s.ChannelByPath(ctx, *channel); err != nil {
			if errors.Is(err, news.ErrNotFound) {
				return fail(env.Stderr, "import ninjs", fmt.Errorf("--channel %q: no such channel (see `newsdesk site apply`)", *channel))
			}
			return fail(env.Stderr, "import ninjs", err)
		}
	}
	im := &ingest.Importer{Store: s, Sanitizer: markup.NewSanitizer(), Now: time.Now}
	prog := newProgress(env.Stderr, len(files), "import")
	sum := im.Run(ctx, files, *channel, func(r ingest.ItemResult) {
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

// itemErrors words a failed item's problems, one line per field.
func itemErrors(r ingest.ItemResult) []string {
	var v *news.ValidationError
	if errors.As(r.Err, &v) {
		lines := make([]string, len(v.Fields))
		for i, f := range v.Fields {
			lines[i] = fmt.Sprintf("%s: FAILED: %s", r.Path, f.Error())
		}
		return lines
	}
	return []string{fmt.Sprintf("%s: FAILED: %v", r.Path, r.Err)}
}
