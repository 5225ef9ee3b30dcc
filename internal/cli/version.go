package cli

import (
	"context"
	"fmt"
	"runtime/debug"
)

// Version is set at build time with -ldflags "-X newsdesk/internal/cli.Version=...".
var Version = "dev"

func runVersion(ctx context.Context, env Env, args []string) int {
	v := Version
	if info, ok := debug.ReadBuildInfo(); ok && v == "dev" {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v = "dev-" + s.Value[:12]
			}
		}
		fmt.Fprintf(env.Stdout, "newsdesk %s (%s)\n", v, info.GoVersion)
		return exitOK
	}
	fmt.Fprintf(env.Stdout, "newsdesk %s\n", v)
	return exitOK
}
