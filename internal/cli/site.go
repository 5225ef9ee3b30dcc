package cli

import (
	"context"
	"fmt"
	"os"

	"newsdesk/internal/config"
	"newsdesk/internal/markup"
	"newsdesk/internal/news"
	"newsdesk/internal/sitefile"
)

func runSite(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet("site apply", "newsdesk site apply FILE [--db URL]",
		"Create or update the settings, channels and footer pages FILE names, in one transaction.\nNothing the file does not name is deleted; unknown keys are refused.")
	var cfg config.Config
	cfg.BindData(fs, env.Getenv)
	if len(args) == 0 || args[0] != "apply" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fs.SetOutput(env.Stdout)
			fs.Usage()
			return exitOK
		}
		return usageError(env.Stderr, fs, "expected `site apply FILE`")
	}
	pos, code, ok := parseFlags(fs, args[1:], env.Stderr)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return usageError(env.Stderr, fs, "expected exactly one FILE, got %d arguments", len(pos))
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return fail(env.Stderr, "site apply", err)
	}
	s, err := openStore(ctx, &cfg, true)
	if err != nil {
		return fail(env.Stderr, "site apply", err)
	}
	defer s.Close()
	res, err := sitefile.Apply(ctx, s, markup.NewSanitizer(), data)
	if err != nil {
		printValidation(env, "site apply", pos[0], err)
		return exitFailed
	}
	fmt.Fprintln(env.Stdout, res)
	return exitOK
}

// printValidation reports every field problem on its own line, prefixed by
// the file name, so an editor can jump to each.
func printValidation(env Env, cmd, file string, err error) {
	if v, ok := err.(*news.ValidationError); ok {
		for _, f := range v.Fields {
			if f.Path == "" {
				fmt.Fprintf(env.Stderr, "newsdesk %s: %s: %s\n", cmd, file, f.Message)
			} else {
				fmt.Fprintf(env.Stderr, "newsdesk %s: %s: %s: %s\n", cmd, file, f.Path, f.Message)
			}
		}
		fmt.Fprintf(env.Stdout, "%s: %s refused (%d problems), nothing changed\n", cmd, file, len(v.Fields))
		return
	}
	fmt.Fprintf(env.Stderr, "newsdesk %s: %s: %v\n", cmd, file, err)
	fmt.Fprintf(env.Stdout, "%s: %s refused, nothing changed\n", cmd, file)
}
