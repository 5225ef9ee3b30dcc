// Package cli is Newsdesk's command line and its composition root: it parses
// flags and environment into a Config, opens the store and wires every
// dependency for the command at hand. Nothing imports it but main.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"newsdesk/internal/config"
)

// Exit codes, as the product contract gives them.
const (
	exitOK     = 0
	exitFailed = 1 // the command ran and something failed
	exitUsage  = 2 // the command line itself is wrong
)

// Env is the outside world a command sees; tests fill it in.
type Env struct {
	Getenv config.Getenv
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env Env, args []string) int
}

func commands() []command {
	return []command{
		{"serve", "run the portal", runServe},
		{"migrate", "apply pending database migrations", runMigrate},
		{"site", "site apply FILE: apply settings, channels and footer pages", runSite},
		{"import", "import ninjs|feed|wxr [--channel PATH] FILE|DIR|URL...: import articles", runImport},
		{"user", "user add|list|disable|enable|set-role|reset-link: manage the newsroom's users", runUser},
		{"token", "token add --email E --name N: make an API token (printed once)", runToken},
		{"audit", "audit verify: check the audit log's hash chain", runAudit},
		{"export", "export static DIR [--base-url URL] [--incremental]: write the public site as files", runExport},
		{"backup", "backup FILE: write every table and media file to one file", runBackup},
		{"restore", "restore FILE: load a backup into an empty database", runRestore},
		{"reindex", "rebuild the search index while the current one serves, then swap", runReindex},
		{"version", "print the version", runVersion},
	}
}

// Run executes the command in args (without the program name) and returns
// the process exit code.
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	env := Env{Getenv: getenv, Stdin: stdin, Stdout: stdout, Stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, env, args[1:])
		}
	}
	fmt.Fprintf(stderr, "newsdesk: unknown command %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: newsdesk COMMAND [flags] [args]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `newsdesk COMMAND -h` for a command's flags.")
}

// parseFlags parses flags that may stand before or after the positional
// arguments, as `import ninjs a.json --channel news` should work. It returns
// the positional arguments, or an exit code when parsing ended the command.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, int, bool) {
	fs.SetOutput(stderr)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, exitOK, false
			}
			return nil, exitUsage, false
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, 0, true
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), 0, true
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// usageError reports a wrong command line and returns exit code 2.
func usageError(stderr io.Writer, fs *flag.FlagSet, format string, args ...any) int {
	fmt.Fprintf(stderr, "newsdesk %s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fmt.Fprintf(stderr, "Run `newsdesk %s -h` for usage.\n", strings.SplitN(fs.Name(), " ", 2)[0])
	return exitUsage
}

// fail reports a failure of a command that ran and returns exit code 1.
func fail(stderr io.Writer, name string, err error) int {
	fmt.Fprintf(stderr, "newsdesk %s: %v\n", name, err)
	return exitFailed
}
