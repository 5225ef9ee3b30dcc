package cli_test

import (
	"bytes"
	"errors"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/accounts"
	"newsdesk/internal/cli"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// runStdin runs the command line with stdin as standard input.
func runStdin(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cli.Run(ctx, args, func(k string) string { return env[k] }, strings.NewReader(stdin), &stdout, &stderr)
	return result{code, stdout.String(), stderr.String()}
}

var (
	inviteRE = regexp.MustCompile(`https://news\.example\.gov/admin/invite\?token=([A-Za-z0-9_-]{43}) `)
	tokenRE  = regexp.MustCompile(`^nd_[a-z2-7]+_[a-z2-7]+\n$`)
)

// TestUserCommands runs the account commands against a real database and
// checks their effect through the store and the accounts service: every
// command asks the same service the newsroom does.
func TestUserCommands(t *testing.T) {
	each(t, func(t *testing.T, db string) {
		ready(t, db)
		env := map[string]string{"NEWSDESK_BASE_URL": "https://news.example.gov/"}
		runStdin(t, env, "Tangerine-Rocket-Violin-88\n", "user", "add", "--db", db, "--email", "Ada@Example.org", "--name", "Ada",
			"--role", "administrator", "--password-stdin").
			expect(t, 0, []string{"user add: ada@example.org added as administrator (site-wide)\n"}, nil)
		r := run(t, env, "user", "add", "--db", db, "--email", "bob@example.org", "--name", "Bob", "--role", "editor", "--channel", "/news/china/")
		r.expect(t, 0, []string{"bob@example.org added as editor on news/china; they set their password at https://news.example.gov/admin/invite?token=", "works once"}, nil)
		m := inviteRE.FindStringSubmatch(r.stdout)
		if m == nil {
			t.Fatalf("no invitation link in %q", r.stdout)
		}

		s := open(t, db)
		svc := accounts.New(s, slog.New(slog.DiscardHandler))
		if u, err := svc.CheckLink(ctx, m[1], store.LinkInvite); err != nil || u.Email != "bob@example.org" {
			t.Errorf("the printed link: %+v, %v", u, err)
		}
		if res, err := svc.SignIn(ctx, "ada@example.org", "Tangerine-Rocket-Violin-88", "192.0.2.1"); err != nil || !res.User.IsSiteAdministrator() {
			t.Errorf("Ada signs in with the password from stdin: %+v, %v", res, err)
		}

		// Refusals: nothing is added.
		run(t, nil, "user", "add", "--db", db, "--email", "x@example.org", "--name", "X", "--role", "owner").
			expect(t, 2, nil, []string{`--role: unknown role "owner"`})
		run(t, nil, "user", "add", "--db", db, "--email", "x@example.org", "--name", "X", "--role", "editor", "--channel", "news/mars").
			expect(t, 1, nil, []string{`grants[0].channel: no channel "news/mars"`})
		run(t, nil, "user", "add", "--db", db, "--email", "not-an-email", "--name", "X", "--role", "editor").
			expect(t, 1, nil, []string{"email:"})
		run(t, nil, "user", "add", "--db", db, "--email", "BOB@example.org", "--name", "Bob 2", "--role", "editor").
			expect(t, 1, nil, []string{"a user with this email already exists"})
		runStdin(t, nil, "", "user", "add", "--db", db, "--email", "x@example.org", "--name", "X", "--role", "editor", "--password-stdin").
			expect(t, 1, nil, []string{"no password on standard input"})
		run(t, nil, "user", "add", "--db", db, "--email", "x@example.org", "--role", "editor").
			expect(t, 2, nil, []string{"--email, --name and --role are required"})

		r = run(t, nil, "user", "list", "--db", db)
		r.expect(t, 0, nil, nil)
		lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "EMAIL") ||
			!regexp.MustCompile(`^ada@example\.org\s+Ada\s+active\s+administrator \(site-wide\)$`).MatchString(lines[1]) ||
			!regexp.MustCompile(`^bob@example\.org\s+Bob\s+active\s+editor on news/china$`).MatchString(lines[2]) {
			t.Errorf("user list:\n%s", r.stdout)
		}

		run(t, nil, "user", "set-role", "--db", db, "bob@example.org", "chief-editor", "--channel", "news", "--channel", "policies").
			expect(t, 0, []string{"user set-role: bob@example.org is now chief-editor on news, chief-editor on policies\n"}, nil)
		bob, err := s.UserByEmail(ctx, "bob@example.org")
		if err != nil || !bob.May(news.ActionPublish, news.Target{Channel: "news/world"}) || bob.May(news.ActionPublish, news.Target{Channel: "about"}) {
			t.Errorf("Bob after set-role: %+v, %v", bob, err)
		}
		run(t, nil, "user", "set-role", "--db", db, "bob@example.org", "emperor").expect(t, 2, nil, []string{`unknown role "emperor"`})
		run(t, nil, "user", "set-role", "--db", db, "ada@example.org", "editor").
			expect(t, 1, nil, []string{"last active site administrator"})
		run(t, nil, "user", "set-role", "--db", db, "nobody@example.org", "editor").expect(t, 1, nil, []string{"not found"})

		r = run(t, nil, "token", "add", "--db", db, "--email", "bob@example.org", "--name", "desk script", "--scope", "read", "--scope", "publish", "--expires", "30d")
		r.expect(t, 0, nil, []string{`token add: "desk script" for bob@example.org, scopes read,publish, expires `, "shown once"})
		if !tokenRE.MatchString(r.stdout) {
			t.Fatalf("token output %q is not just the token", r.stdout)
		}
		plain := strings.TrimSpace(r.stdout)
		if u, tok, err := svc.Authenticate(ctx, plain); err != nil || u.ID != bob.ID || strings.Join(tok.Scopes, ",") != "read,publish" ||
			tok.ExpiresAt.Sub(tok.CreatedAt) != 30*24*time.Hour {
			t.Errorf("the printed token: %+v %+v %v", u, tok, err)
		}
		run(t, nil, "token", "add", "--db", db, "--email", "bob@example.org", "--name", "x", "--scope", "root").
			expect(t, 1, nil, []string{`unknown scope "root"`})
		run(t, nil, "token", "add", "--db", db, "--email", "bob@example.org", "--name", "x", "--expires", "-3d").
			expect(t, 2, nil, []string{"--expires"})

		// Disabling Bob ends his sessions and his token at once.
		now := time.Now()
		if err := s.SaveSession(ctx, store.Session{TokenHash: "bob-browser", UserID: bob.ID, LastSeen: now, Expiry: now.Add(time.Hour)}, []byte("x")); err != nil {
			t.Fatal(err)
		}
		run(t, nil, "user", "disable", "--db", db, "bob@example.org").expect(t, 0, []string{"user disable: bob@example.org is disabled\n"}, nil)
		if list, _ := s.UserSessions(ctx, bob.ID, now); len(list) != 0 {
			t.Errorf("Bob keeps %d sessions", len(list))
		}
		if _, _, err := svc.Authenticate(ctx, plain); !errors.Is(err, accounts.ErrBadToken) {
			t.Errorf("disabled Bob's token: %v", err)
		}
		run(t, nil, "user", "enable", "--db", db, "bob@example.org").expect(t, 0, []string{"user enable: bob@example.org is active\n"}, nil)
		if u, _ := s.UserByEmail(ctx, "bob@example.org"); !u.Active() {
			t.Error("user enable left Bob disabled")
		}
		run(t, nil, "user", "disable", "--db", db, "bob@example.org").expect(t, 0, nil, nil)
		run(t, nil, "user", "enable", "--db", db, "nobody@example.org").expect(t, 1, nil, []string{"nobody@example.org"})
		run(t, nil, "user", "disable", "--db", db, "ada@example.org").expect(t, 1, nil, []string{"last active site administrator"})
		if u, _ := s.UserByEmail(ctx, "ada@example.org"); !u.Active() {
			t.Error("the last administrator was disabled")
		}

		actions := map[string]int{}
		list, _ := s.AuditEntries(ctx, store.AuditQuery{Limit: 100})
		for _, e := range list {
			actions[e.Action]++
		}
		if actions["user.create"] != 2 || actions["user.set-role"] != 1 || actions["token.create"] != 1 || actions["user.disable"] != 2 || actions["user.enable"] != 1 || actions["sign-in"] != 1 {
			t.Errorf("audit log by action: %v", actions)
		}
		for _, e := range list {
			if strings.HasPrefix(e.Action, "user.") && e.Actor != "cli" {
				t.Errorf("%s logged as %q, want cli", e.Action, e.Actor)
			}
		}
		run(t, nil, "audit", "verify", "--db", db).expect(t, 0, []string{"audit verify: 9 entries, chain intact\n"}, nil)
	})
}

// TestAuditVerifyFindsTampering edits and deletes audit rows with raw SQL,
// as someone with database access could, and checks that `audit verify`
// exits 1 naming the first broken entry, and 0 once the chain is whole.
func TestAuditVerifyFindsTampering(t *testing.T) {
	each(t, func(t *testing.T, db string) {
		ready(t, db)
		for _, email := range []string{"ada@example.org", "bob@example.org", "cy@example.org"} {
			run(t, nil, "user", "add", "--db", db, "--email", email, "--name", "Someone", "--role", "editor").expect(t, 0, nil, nil)
		}
		run(t, nil, "user", "set-role", "--db", db, "bob@example.org", "administrator").expect(t, 0, nil, nil)
		run(t, nil, "user", "disable", "--db", db, "cy@example.org").expect(t, 0, nil, nil)
		run(t, nil, "audit", "verify", "--db", db).expect(t, 0, []string{"audit verify: 6 entries, chain intact\n"}, nil)

		s := open(t, db)
		exec := func(query string, args ...any) {
			t.Helper()
			if _, err := s.DB().ExecContext(ctx, query, args...); err != nil {
				t.Fatal(err)
			}
		}
		// (Entry 1 is the site apply of ready.) Bob's promotion, made to look like it was Cy's.
		exec(`UPDATE audit_log SET target = 'cy@example.org' WHERE seq = 5`)
		r := run(t, nil, "audit", "verify", "--db", db)
		r.expect(t, 1, []string{"audit verify: BROKEN after 4 good entries\n"},
			[]string{"audit verify: audit log broken at entry 5: its contents do not match its hash: the row was edited"})
		exec(`UPDATE audit_log SET target = 'bob@example.org' WHERE seq = 5`)
		run(t, nil, "audit", "verify", "--db", db).expect(t, 0, []string{"6 entries, chain intact"}, nil)

		// Removing the record of Bob's promotion.
		exec(`DELETE FROM audit_log WHERE seq = 5`)
		run(t, nil, "audit", "verify", "--db", db).expect(t, 1, []string{"BROKEN after 4 good entries"},
			[]string{"audit log broken at entry 5: entry missing (next present is 6): a row was deleted"})

		// Renumbering the rest to hide the gap breaks the next link instead.
		exec(`UPDATE audit_log SET seq = 5 WHERE seq = 6`)
		run(t, nil, "audit", "verify", "--db", db).expect(t, 1, []string{"BROKEN after 4 good entries"},
			[]string{"audit log broken at entry 5: its link to the previous entry does not match"})

		// Cutting off the newest entries is not visible in the chain itself:
		// the entries left still verify. (Documented limit: the count printed
		// is what an operator compares with an earlier run.)
		exec(`DELETE FROM audit_log WHERE seq >= 5`)
		run(t, nil, "audit", "verify", "--db", db).expect(t, 0, []string{"audit verify: 4 entries, chain intact\n"}, nil)
	})
}

// TestUserResetLink: the printed link lets the user set a new password once.
func TestUserResetLink(t *testing.T) {
	each(t, func(t *testing.T, db string) {
		ready(t, db)
		run(t, nil, "user", "add", "--db", db, "--email", "ada@example.org", "--name", "Ada", "--role", "editor").expect(t, 0, nil, nil)
		r := run(t, nil, "user", "reset-link", "ada@example.org", "--db", db)
		r.expect(t, 0, []string{"/admin/reset?token="}, nil)
		token := strings.Fields(strings.SplitN(r.stdout, "token=", 2)[1])[0]
		svc := accounts.New(open(t, db), slog.New(slog.DiscardHandler))
		if u, err := svc.SetPasswordWithLink(ctx, token, store.LinkReset, "Another-Long-Passphrase-42", "192.0.2.1"); err != nil || u.Email != "ada@example.org" {
			t.Fatalf("the printed reset link: %+v %v", u, err)
		}
		if _, err := svc.SetPasswordWithLink(ctx, token, store.LinkReset, "Yet-Another-Passphrase-43", "192.0.2.1"); err == nil {
			t.Error("the reset link worked twice")
		}
		if _, err := svc.SignIn(ctx, "ada@example.org", "Another-Long-Passphrase-42", "192.0.2.1"); err != nil {
			t.Errorf("sign in with the new password: %v", err)
		}
		run(t, nil, "user", "reset-link", "nobody@example.org", "--db", db).expect(t, 1, nil, []string{"not found"})
		run(t, nil, "user", "reset-link", "--db", db).expect(t, 2, nil, nil)
	})
}

// TestSubcommandHelp: `-h` after a command that takes subcommands prints
// its usage on stdout and exits 0, as the top-level help promises.
func TestSubcommandHelp(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"user", "-h"}, "user enable EMAIL"},
		{[]string{"user", "--help"}, "newsdesk user reset-link EMAIL"},
		{[]string{"token", "-h"}, "newsdesk token add --email E --name N"},
		{[]string{"audit", "-h"}, "newsdesk audit verify"},
	} {
		run(t, nil, c.args...).expect(t, 0, []string{c.want}, nil)
	}
	run(t, nil, "user", "frobnicate").expect(t, 2, nil, []string{`unknown subcommand "frobnicate"`, "newsdesk user add"})
	run(t, nil, "user").expect(t, 2, nil, []string{"expected a subcommand"})
}
