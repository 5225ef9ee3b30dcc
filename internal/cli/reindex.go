package cli

import (
	"context"
	"fmt"

	"newsdesk/internal/config"
	"newsdesk/internal/search"
)

// runReindex rebuilds the search index from the database beside the one in
// use, then swaps it in; a server running on the same --index picks the new
// one up within a second.
func runReindex(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet("reindex", "newsdesk reindex [--db URL] [--index DIR]",
		"Rebuild the search index from scratch while the current one keeps serving, then swap.")
	var cfg config.Config
	cfg.BindData(fs, env.Getenv)
	pos, code, ok := parseFlags(fs, args, env.Stderr)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(env.Stderr, fs, "unexpected argument %q", pos[0])
	}
	s, err := openStore(ctx, &cfg, true)
	if err != nil {
		return fail(env.Stderr, "reindex", err)
	}
	defer s.Close()
	total, err := s.CountArticles(ctx)
	if err != nil {
		return fail(env.Stderr, "reindex", err)
	}
	p := newProgress(env.Stderr, total, "indexing")
	last := 0
	gen, err := search.Rebuild(ctx, s, cfg.Index, func(done, total int) {
		p.total = total
		p.advance(done-last, "articles indexed")
		last = done
	})
	p.done()
	if err != nil {
		return fail(env.Stderr, "reindex", err)
	}
	fmt.Fprintf(env.Stdout, "reindex: %d articles indexed into %s (now current)\n", last, gen)
	return exitOK
}
