// Command newsdesk is the whole of Newsdesk: the portal server, the newsroom
// and every administration command, in one binary.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"newsdesk/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
