package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"newsdesk/internal/accounts"
	"newsdesk/internal/config"
	"newsdesk/internal/mail"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// multiFlag collects a flag that may repeat (--channel a --channel b).
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// grantsFor turns one role and its --channel flags into grants.
func grantsFor(role string, channels []string) ([]news.Grant, error) {
	r, err := news.ParseRole(role)
	if err != nil {
		return nil, err
	}
	if len(channels) == 0 {
		return []news.Grant{{Role: r}}, nil
	}
	var out []news.Grant
	for _, c := range channels {
		out = append(out, news.Grant{Role: r, Channel: strings.Trim(c, "/")})
	}
	return out, nil
}

// baseURL is where printed links point: NEWSDESK_BASE_URL, else the
// address serve listens on.
func baseURL(getenv config.Getenv) string {
	if u := getenv("NEWSDESK_BASE_URL"); u != "" {
		return strings.TrimSuffix(u, "/")
	}
	addr := getenv("NEWSDESK_ADDR")
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	return "http://" + addr
}

func accountsService(s *store.Store, env Env, cfg *config.Config) *accounts.Service {
	svc := accounts.New(s, slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	withMail(svc, cfg, baseURL(env.Getenv))
	return svc
}

// withMail lets the accounts service mail links when --smtp is set.
func withMail(svc *accounts.Service, cfg *config.Config, base string) {
	if cfg.SMTP == "" {
		return
	}
	if m, err := mail.Parse(cfg.SMTP); err == nil { // Validate already checked it
		svc.Mail, svc.BaseURL = m, base
	}
}

// userUsage lists the user subcommands, for `user -h` and mistakes.
const userUsage = `Usage:
  newsdesk user add --email E --name N --role ROLE [--channel PATH]... [--password-stdin]
  newsdesk user list
  newsdesk user disable EMAIL | user enable EMAIL
  newsdesk user set-role EMAIL ROLE [--channel PATH]...
  newsdesk user reset-link EMAIL
Run ` + "`newsdesk user SUBCOMMAND -h`" + ` for its flags.`

func runUser(ctx context.Context, env Env, args []string) int {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "newsdesk user: expected a subcommand\n"+userUsage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(env.Stdout, userUsage)
		return exitOK
	case "add":
		return runUserAdd(ctx, env, args[1:])
	case "list":
		return runUserList(ctx, env, args[1:])
	case "disable":
		return runUserDisable(ctx, env, args[1:])
	case "enable":
		return runUserEnable(ctx, env, args[1:])
	case "set-role":
		return runUserSetRole(ctx, env, args[1:])
	case "reset-link":
		return runUserResetLink(ctx, env, args[1:])
	}
	fmt.Fprintf(env.Stderr, "newsdesk user: unknown subcommand %q\n%s\n", args[0], userUsage)
	return exitUsage
}

func runUserAdd(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet("user add", "newsdesk user add --email E --name N --role ROLE [--channel PATH]... [--password-stdin]",
		"Add a newsroom user. Without --password-stdin, prints a one-time link where the user sets a password.")
	var cfg config.Config
	cfg.BindData(fs, env.Getenv)
	email := fs.String("email", "", "the user's `EMAIL`")
	name := fs.String("name", "", "display `NAME`")
	role := fs.String("role", "", "`ROLE`: administrator, chief-editor, editor or contributor")
	var channels multiFlag
	fs.Var(&channels, "channel", "grant the role on channel `PATH` (repeat for several; none: site-wide)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	pos, code, ok := parseFlags(fs, args, env.Stderr)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(env.Stderr, fs, "unexpected argument %q", pos[0])
	}
	if *email == "" || *name == "" || *role == "" {
		return usageError(env.Stderr, fs, "--email, --name and --role are required")
	}
	grants, err := grantsFor(*role, channels)
	if err != nil {
		return usageError(env.Stderr, fs, "--role: %v", err)
	}
	var password string
	if *pwStdin {
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fail(env.Stderr, "user add", fmt.Errorf("read password: %w", err))
		}
		password = strings.TrimRight(line, "\r\n")
		if password == "" {
			return fail(env.Stderr, "user add", errors.New("--password-stdin: no password on standard input"))
		}
	}
	s, err := openStore(ctx, &cfg, true)
	if err != nil {
		return fail(env.Stderr, "user add", err)
	}
	defer s.Close()
	u, link, err := accountsService(s, env, &cfg).AddUser(ctx, accounts.CLIActor, accounts.NewUser{Email: *email, Name: *name, Grants: grants, Password: password})
	if err != nil {
		return fail(env.Stderr, "user add", err)
	}
	if link != "" {
		fmt.Fprintf(env.Stdout, "user add: %s added as %s; they set their password at %s/admin/invite?token=%s (valid %s, works once)\n",
			u.Email, grantsText(grants), baseURL(env.Getenv), link, accounts.InviteTTL)
	} else {
		fmt.Fprintf(env.Stdout, "user add: %s added as %s\n", u.Email, grantsText(grants))
	}
	return exitOK
}

func grantsText(grants []news.Grant) string {
	parts := make([]string, len(grants))
	for i, g := range grants {
		parts[i] = g.String()
	}
	if len(parts) == 0 {
		return "no role"
	}
	return strings.Join(parts, ", ")
}

func runUserList(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet("user list", "newsdesk user list", "List the newsroom's users with their roles.")
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
		return fail(env.Stderr, "user list", err)
	}
	defer s.Close()
	users, err := accountsService(s, env, &cfg).Users(ctx, accounts.CLIActor)
	if err != nil {
		return fail(env.Stderr, "user list", err)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tNAME\tSTATUS\tROLES")
	for _, u := range users {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Email, u.Name, u.Status, grantsText(u.Grants))
	}
	tw.Flush()
	return exitOK
}

func runUserDisable(ctx context.Context, env Env, args []string) int {
	return emailCommand(ctx, env, args, "user disable", "Disable a user: their sessions end and their tokens stop working at once.",
		func(svc *accounts.Service, email string) (string, error) {
			u, err := svc.SetStatus(ctx, accounts.CLIActor, email, news.UserDisabled)
			return fmt.Sprintf("user disable: %s is disabled", u.Email), err
		})
}

// runUserEnable lets a disabled user sign in again: one disabled by an
// administrator, or an author imported from WordPress (who then needs a
// reset link to choose a password).
func runUserEnable(ctx context.Context, env Env, args []string) int {
	return emailCommand(ctx, env, args, "user enable", "Enable a disabled user (an imported author then needs `user reset-link` to set a password).",
		func(svc *accounts.Service, email string) (string, error) {
			u, err := svc.SetStatus(ctx, accounts.CLIActor, email, news.UserActive)
			return fmt.Sprintf("user enable: %s is active", u.Email), err
		})
}

// emailCommand runs a user subcommand whose one argument is an EMAIL: it
// parses flags, opens a current store, calls act and prints its line.
func emailCommand(ctx context.Context, env Env, args []string, name, description string, act func(*accounts.Service, string) (string, error)) int {
	fs := newFlagSet(name, "newsdesk "+name+" EMAIL", description)
	var cfg config.Config
	cfg.BindData(fs, env.Getenv)
	pos, code, ok := parseFlags(fs, args, env.Stderr)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return usageError(env.Stderr, fs, "expected one EMAIL")
	}
	s, err := openStore(ctx, &cfg, true)
	if err != nil {
		return fail(env.Stderr, name, err)
	}
	defer s.Close()
	line, err := act(accountsService(s, env, &cfg), pos[0])
	if err != nil {
		return fail(env.Stderr, name, err)
	}
	fmt.Fprintln(env.Stdout, line)
	return exitOK
}

func runUserSetRole(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet("user set-role", "newsdesk user set-role EMAIL ROLE [--channel PATH]...", "Replace a user's roles with ROLE, site-wide or on the given channels.")
	var cfg config.Config
	cfg.BindData(fs, env.Getenv)
	var channels multiFlag
	fs.Var(&channels, "channel", "grant the role on channel `PATH` (repeat for several; none: site-wide)")
	pos, code, ok := parseFlags(fs, args, env.Stderr)
	if !ok {
		return code
	}
	if len(pos) != 2 {
		return usageError(env.Stderr, fs, "expected EMAIL and ROLE")
	}
	grants, err := grantsFor(pos[1], channels)
	if err != nil {
		return usageError(env.Stderr, fs, "%v", err)
	}
	s, err := openStore(ctx, &cfg, true)
	if err != nil {
		return fail(env.Stderr, "user set-role", err)
	}
	defer s.Close()
	u, err := accountsService(s, env, &cfg).SetGrants(ctx, accounts.CLIActor, pos[0], grants)
	if err != nil {
		return fail(env.Stderr, "user set-role", err)
	}
	fmt.Fprintf(env.Stdout, "user set-role: %s is now %s\n", u.Email, grantsText(grants))
	return exitOK
}

func runUserResetLink(ctx context.Context, env Env, args []string) int {
	return emailCommand(ctx, env, args, "user reset-link", "Print a one-time link where the user sets a new password (earlier reset links stop working).",
		func(svc *accounts.Service, email string) (string, error) {
			token, err := svc.ResetLink(ctx, accounts.CLIActor, email)
			return fmt.Sprintf("user reset-link: %s/admin/reset?token=%s (valid %s, works once)", baseURL(env.Getenv), token, accounts.InviteTTL), err
		})
}

// parseDuration reads Go durations plus days ("90d").
func parseDuration(s string) (time.Duration, error) {
	if strings.HasSuffix(s, "d") {
		n, err := strconv.Atoi(strings.TrimSuffix(s, "d"))
		if err != nil || n <= 0 {
			return 0, fmt.Errorf("%q is not a duration (e.g. 90d, 720h)", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%q is not a positive duration (e.g. 90d, 720h)", s)
	}
	return d, nil
}

func runToken(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet("token add", "newsdesk token add --email E --name N [--scope S]... [--expires DURATION]",
		"Make a personal API token for a user and print it once; only its hash is kept.")
	var cfg config.Config
	cfg.BindData(fs, env.Getenv)
	email := fs.String("email", "", "whose token (`EMAIL`)")
	name := fs.String("name", "", "`NAME` saying where the token is used")
	var scopes multiFlag
	fs.Var(&scopes, "scope", "`SCOPE`: read, write, publish or admin (repeat; default read)")
	expires := fs.String("expires", "", "lifetime `DURATION` such as 90d or 720h (default: no expiry)")
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		fs.SetOutput(env.Stdout)
		fs.Usage()
		return exitOK
	}
	if len(args) == 0 || args[0] != "add" {
		return usageError(env.Stderr, fs, "expected `token add`")
	}
	pos, code, ok := parseFlags(fs, args[1:], env.Stderr)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(env.Stderr, fs, "unexpected argument %q", pos[0])
	}
	if *email == "" || *name == "" {
		return usageError(env.Stderr, fs, "--email and --name are required")
	}
	var d time.Duration
	if *expires != "" {
		var err error
		if d, err = parseDuration(*expires); err != nil {
			return usageError(env.Stderr, fs, "--expires: %v", err)
		}
	}
	s, err := openStore(ctx, &cfg, true)
	if err != nil {
		return fail(env.Stderr, "token add", err)
	}
	defer s.Close()
	t, plain, err := accountsService(s, env, &cfg).CreateToken(ctx, accounts.CLIActor, accounts.NewToken{Email: *email, Name: *name, Scopes: scopes, Expires: d})
	if err != nil {
		return fail(env.Stderr, "token add", err)
	}
	exp := "never expires"
	if !t.ExpiresAt.IsZero() {
		exp = "expires " + t.ExpiresAt.Format(time.RFC3339)
	}
	fmt.Fprintf(env.Stderr, "token add: %q for %s, scopes %s, %s; shown once, store it now:\n", t.Name, *email, strings.Join(t.Scopes, ","), exp)
	fmt.Fprintln(env.Stdout, plain)
	return exitOK
}

func runAudit(ctx context.Context, env Env, args []string) int {
	fs := newFlagSet("audit verify", "newsdesk audit verify", "Check the audit log's hash chain and report the first broken link.")
	var cfg config.Config
	cfg.BindData(fs, env.Getenv)
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		fs.SetOutput(env.Stdout)
		fs.Usage()
		return exitOK
	}
	if len(args) == 0 || args[0] != "verify" {
		return usageError(env.Stderr, fs, "expected `audit verify`")
	}
	pos, code, ok := parseFlags(fs, args[1:], env.Stderr)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return usageError(env.Stderr, fs, "unexpected argument %q", pos[0])
	}
	s, err := openStore(ctx, &cfg, true)
	if err != nil {
		return fail(env.Stderr, "audit verify", err)
	}
	defer s.Close()
	n, err := s.VerifyAudit(ctx)
	if err != nil {
		fmt.Fprintf(env.Stdout, "audit verify: BROKEN after %d good entries\n", n)
		return fail(env.Stderr, "audit verify", err)
	}
	fmt.Fprintf(env.Stdout, "audit verify: %d entries, chain intact\n", n)
	return exitOK
}
