package accounts_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/accounts"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

func TestAddUserValidation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		admin := f.add(t, "ada@example.org", news.Grant{Role: news.RoleAdministrator})
		_, seq := f.auditSince(t, 0)
		editor := []news.Grant{{Role: news.RoleEditor, Channel: "news/china"}}
		tests := []struct {
			name  string
			nu    accounts.NewUser
			field string
		}{
			{"bad email", accounts.NewUser{Email: "not an email", Name: "X", Grants: editor}, "email"},
			{"email with a display name", accounts.NewUser{Email: "Eve <eve@example.org>", Name: "X", Grants: editor}, "email"},
			{"empty name", accounts.NewUser{Email: "x@example.org", Name: "  ", Grants: editor}, "name"},
			{"unknown role", accounts.NewUser{Email: "x@example.org", Name: "X", Grants: []news.Grant{{Role: "owner"}}}, "grants[0].role"},
			{"unknown channel", accounts.NewUser{Email: "x@example.org", Name: "X", Grants: []news.Grant{{Role: news.RoleEditor, Channel: "news/mars"}}}, "grants[0].channel"},
			{"second grant's channel", accounts.NewUser{Email: "x@example.org", Name: "X", Grants: []news.Grant{editor[0], {Role: news.RoleEditor, Channel: "sport"}}}, "grants[1].channel"},
			{"duplicate email", accounts.NewUser{Email: "ada@example.org", Name: "Ada again", Grants: editor}, "email"},
			{"duplicate email in capitals", accounts.NewUser{Email: " ADA@Example.ORG ", Name: "Ada again", Grants: editor}, "email"},
			{"common password", accounts.NewUser{Email: "x@example.org", Name: "X", Grants: editor, Password: "password1234"}, "password"},
			{"short password", accounts.NewUser{Email: "x@example.org", Name: "X", Grants: editor, Password: "k7#Qz"}, "password"},
		}
		for _, tt := range tests {
			_, _, err := f.svc.AddUser(ctx, actor(admin), tt.nu)
			if got := fieldOf(err); got != tt.field {
				t.Errorf("%s: error %v on field %q, want field %q", tt.name, err, got, tt.field)
			}
		}
		users, err := f.svc.Users(ctx, actor(admin))
		if err != nil || len(users) != 1 {
			t.Errorf("refused additions left %d users (%v)", len(users), err)
		}
		f.expectAudit(t, &seq)

		// The email is stored lower-cased, so the person has one account.
		u, _, err := f.svc.AddUser(ctx, actor(admin), accounts.NewUser{Email: "Bob@Example.org", Name: " Bob ", Grants: editor})
		if err != nil || u.Email != "bob@example.org" || u.Name != "Bob" || u.ID == 0 {
			t.Fatalf("add Bob: %+v, %v", u, err)
		}
		e := f.expectAudit(t, &seq, "user.create:bob@example.org")
		if len(e) == 1 && (e[0].Actor != "ada@example.org" || e[0].ActorID != admin.ID || e[0].IP != "192.0.2.10" || e[0].Details["grants"] != "editor on news/china") {
			t.Errorf("audit entry %+v", e[0])
		}
	})
}

func TestInvitation(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		admin := f.add(t, "ada@example.org", news.Grant{Role: news.RoleAdministrator})
		_, seq := f.auditSince(t, 0)
		bob, link, err := f.svc.AddUser(ctx, actor(admin), accounts.NewUser{Email: "bob@example.org", Name: "Bob", Grants: []news.Grant{{Role: news.RoleEditor}}})
		if err != nil || link == "" {
			t.Fatalf("invite: %q, %v", link, err)
		}
		// Invited but without a password, Bob cannot sign in yet.
		if _, err := f.svc.SignIn(ctx, "bob@example.org", "", "192.0.2.20"); !errors.Is(err, accounts.ErrInvalidCredentials) {
			t.Errorf("sign in before setting a password: %v", err)
		}
		if u, err := f.svc.CheckLink(ctx, link, store.LinkInvite); err != nil || u.ID != bob.ID {
			t.Fatalf("check invitation: %+v, %v", u, err)
		}
		if _, err := f.svc.CheckLink(ctx, link, store.LinkReset); !errors.Is(err, accounts.ErrLinkInvalid) {
			t.Errorf("an invitation works as a reset link: %v", err)
		}
		// A password the rules refuse does not use the link up.
		if _, err := f.svc.SetPasswordWithLink(ctx, link, store.LinkInvite, "bob", "192.0.2.20"); fieldOf(err) != "password" {
			t.Errorf("weak password: %v", err)
		}
		u, err := f.svc.SetPasswordWithLink(ctx, link, store.LinkInvite, password, "192.0.2.20")
		if err != nil || u.ID != bob.ID {
			t.Fatalf("accept invitation: %v", err)
		}
		if _, err := f.svc.SetPasswordWithLink(ctx, link, store.LinkInvite, "Another-Fine-Password-42", "192.0.2.66"); !errors.Is(err, accounts.ErrLinkInvalid) {
			t.Errorf("invitation used twice: %v", err)
		}
		if _, err := f.svc.SignIn(ctx, "bob@example.org", password, "192.0.2.20"); err != nil {
			t.Errorf("sign in with the password Bob set: %v", err)
		}
		f.expectAudit(t, &seq, "user.create", "sign-in.failed:bob@example.org", "user.password-set:bob@example.org", "sign-in")

		// An invitation expires after InviteTTL by the service's clock.
		_, late, err := f.svc.AddUser(ctx, actor(admin), accounts.NewUser{Email: "cy@example.org", Name: "Cy", Grants: []news.Grant{{Role: news.RoleEditor}}})
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Add(accounts.InviteTTL - time.Second)
		if _, err := f.svc.CheckLink(ctx, late, store.LinkInvite); err != nil {
			t.Errorf("invitation a second before expiry: %v", err)
		}
		f.clock.Add(time.Second)
		if _, err := f.svc.CheckLink(ctx, late, store.LinkInvite); !errors.Is(err, accounts.ErrLinkInvalid) {
			t.Errorf("invitation at expiry: %v", err)
		}
		if _, err := f.svc.SetPasswordWithLink(ctx, late, store.LinkInvite, password, "192.0.2.30"); !errors.Is(err, accounts.ErrLinkInvalid) {
			t.Errorf("expired invitation accepted: %v", err)
		}
		if _, err := f.svc.CheckLink(ctx, "garbage", store.LinkInvite); !errors.Is(err, accounts.ErrLinkInvalid) {
			t.Errorf("garbage link: %v", err)
		}
	})
}

func TestResetLink(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		admin := f.add(t, "ada@example.org", news.Grant{Role: news.RoleAdministrator})
		bob := f.add(t, "bob@example.org", news.Grant{Role: news.RoleEditor})
		if err := f.store.SaveSession(ctx, store.Session{TokenHash: "bob-session", UserID: bob.ID, LastSeen: f.clock.Now(), Expiry: f.clock.Now().Add(time.Hour)}, []byte("x")); err != nil {
			t.Fatal(err)
		}
		first, err := f.svc.ResetLink(ctx, actor(admin), "bob@example.org")
		if err != nil {
			t.Fatal(err)
		}
		second, err := f.svc.ResetLink(ctx, actor(admin), "bob@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CheckLink(ctx, first, store.LinkReset); !errors.Is(err, accounts.ErrLinkInvalid) {
			t.Errorf("an older reset link still works: %v", err)
		}
		if _, err := f.svc.SetPasswordWithLink(ctx, second, store.LinkReset, "Fresh-Mango-Harbour-31", "192.0.2.40"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SignIn(ctx, "bob@example.org", password, "192.0.2.40"); !errors.Is(err, accounts.ErrInvalidCredentials) {
			t.Errorf("old password after reset: %v", err)
		}
		if _, err := f.svc.SignIn(ctx, "bob@example.org", "Fresh-Mango-Harbour-31", "192.0.2.40"); err != nil {
			t.Errorf("new password after reset: %v", err)
		}
		if list, _ := f.store.UserSessions(ctx, bob.ID, f.clock.Now()); len(list) != 0 {
			t.Errorf("a reset left %d of Bob's sessions", len(list))
		}
		if _, err := f.svc.ResetLink(ctx, actor(admin), "nobody@example.org"); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("reset link for nobody: %v", err)
		}
	})
}

func TestLastAdministrator(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		ada := f.add(t, "ada@example.org", news.Grant{Role: news.RoleAdministrator})
		// A subtree administrator is no site administrator.
		f.add(t, "sub@example.org", news.Grant{Role: news.RoleAdministrator, Channel: "news"})
		_, seq := f.auditSince(t, 0)
		if _, err := f.svc.SetGrants(ctx, accounts.CLIActor, "ada@example.org", []news.Grant{{Role: news.RoleEditor}}); fieldOf(err) != "role" {
			t.Errorf("demoting the last administrator: %v", err)
		}
		if _, err := f.svc.SetGrants(ctx, accounts.CLIActor, "ada@example.org", []news.Grant{{Role: news.RoleAdministrator, Channel: "news"}}); fieldOf(err) != "role" {
			t.Errorf("narrowing the last administrator to a subtree: %v", err)
		}
		if _, err := f.svc.SetStatus(ctx, actor(ada), "ada@example.org", news.UserDisabled); fieldOf(err) != "role" {
			t.Errorf("disabling the last administrator: %v", err)
		}
		if u, _ := f.store.UserByEmail(ctx, "ada@example.org"); !u.IsSiteAdministrator() {
			t.Fatalf("Ada is no longer administrator: %+v", u)
		}
		f.expectAudit(t, &seq)

		// With a second administrator, either may go, but not both.
		f.add(t, "bea@example.org", news.Grant{Role: news.RoleAdministrator})
		u, err := f.svc.SetGrants(ctx, actor(ada), "bea@example.org", []news.Grant{{Role: news.RoleEditor}, {Role: news.RoleAdministrator}})
		if err != nil || !u.IsSiteAdministrator() {
			t.Fatalf("keep Bea administrator with another grant: %+v, %v", u, err)
		}
		if _, err := f.svc.SetStatus(ctx, actor(ada), "ada@example.org", news.UserDisabled); err != nil {
			t.Fatalf("disable Ada with Bea left: %v", err)
		}
		if _, err := f.svc.SetGrants(ctx, accounts.CLIActor, "bea@example.org", []news.Grant{{Role: news.RoleEditor}}); fieldOf(err) != "role" {
			t.Errorf("demoting Bea, now the last: %v", err)
		}
		// Re-enabling Ada makes her count again.
		if _, err := f.svc.SetStatus(ctx, accounts.CLIActor, "ada@example.org", news.UserActive); err != nil {
			t.Fatal(err)
		}
		if u, err := f.svc.SetGrants(ctx, accounts.CLIActor, "bea@example.org", []news.Grant{{Role: news.RoleChiefEditor, Channel: "news/world"}}); err != nil || u.IsSiteAdministrator() {
			t.Errorf("demote Bea with Ada back: %+v, %v", u, err)
		}
		entries := f.expectAudit(t, &seq, "user.create", "user.set-role", "user.disable:ada@example.org", "user.enable:ada@example.org", "user.set-role:bea@example.org")
		if len(entries) == 5 && (entries[4].Details["before"] != "administrator (site-wide), editor (site-wide)" || entries[4].Details["after"] != "chief-editor on news/world") {
			t.Errorf("set-role details %v", entries[4].Details)
		}
		if _, err := f.svc.SetStatus(ctx, accounts.CLIActor, "nobody@example.org", news.UserDisabled); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("disable nobody: %v", err)
		}
		if _, err := f.svc.SetGrants(ctx, accounts.CLIActor, "bea@example.org", []news.Grant{{Role: news.RoleEditor, Channel: "nowhere"}}); fieldOf(err) != "grants[0].channel" {
			t.Errorf("grant on a missing channel: %v", err)
		}
	})
}

func TestSetStatusEndsSessions(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		f.add(t, "ada@example.org", news.Grant{Role: news.RoleAdministrator})
		bob := f.add(t, "bob@example.org", news.Grant{Role: news.RoleEditor})
		now := f.clock.Now()
		for _, h := range []string{"s1", "s2"} {
			if err := f.store.SaveSession(ctx, store.Session{TokenHash: h, UserID: bob.ID, LastSeen: now, Expiry: now.Add(time.Hour)}, []byte(h)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.svc.SetStatus(ctx, accounts.CLIActor, "bob@example.org", news.UserDisabled); err != nil {
			t.Fatal(err)
		}
		if list, _ := f.store.UserSessions(ctx, bob.ID, now); len(list) != 0 {
			t.Errorf("disabled user keeps %d sessions", len(list))
		}
		if _, err := f.svc.SignIn(ctx, "bob@example.org", password, "192.0.2.50"); !errors.Is(err, accounts.ErrInvalidCredentials) {
			t.Errorf("disabled user signs in: %v", err)
		}
		// Disabling twice changes nothing and logs nothing more.
		_, seq := f.auditSince(t, 0)
		if _, err := f.svc.SetStatus(ctx, accounts.CLIActor, "bob@example.org", news.UserDisabled); err != nil {
			t.Fatal(err)
		}
		f.expectAudit(t, &seq)
	})
}

func TestSetup(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		if need, err := f.svc.NeedsSetup(ctx); err != nil || !need {
			t.Fatalf("empty database needs setup: %v, %v", need, err)
		}
		first, err := f.svc.SetupLink(ctx)
		if err != nil || first == "" {
			t.Fatalf("setup link: %q, %v", first, err)
		}
		second, err := f.svc.SetupLink(ctx)
		if err != nil || second == "" || second == first {
			t.Fatalf("second setup link: %q, %v", second, err)
		}
		if _, err := f.svc.CheckLink(ctx, first, store.LinkSetup); !errors.Is(err, accounts.ErrLinkInvalid) {
			t.Errorf("first link after a second was made: %v", err)
		}
		if _, err := f.svc.CompleteSetup(ctx, first, "ada@example.org", "Ada", password, "192.0.2.1"); !errors.Is(err, accounts.ErrLinkInvalid) {
			t.Errorf("setup with the replaced link: %v", err)
		}
		// Invalid input leaves the link usable.
		if _, err := f.svc.CompleteSetup(ctx, second, "ada", "Ada", password, "192.0.2.1"); fieldOf(err) != "email" {
			t.Errorf("bad email: %v", err)
		}
		if _, err := f.svc.CompleteSetup(ctx, second, "ada@example.org", "Ada", "adaexample", "192.0.2.1"); fieldOf(err) != "password" {
			t.Errorf("weak password: %v", err)
		}
		u, err := f.svc.CompleteSetup(ctx, second, "Ada@Example.org", "Ada", password, "192.0.2.1")
		if err != nil || !u.IsSiteAdministrator() || u.Email != "ada@example.org" {
			t.Fatalf("complete setup: %+v, %v", u, err)
		}
		if _, err := f.svc.CompleteSetup(ctx, second, "eve@example.org", "Eve", password, "192.0.2.66"); !errors.Is(err, accounts.ErrLinkInvalid) {
			t.Errorf("setup link used twice: %v", err)
		}
		if _, err := f.store.UserByEmail(ctx, "eve@example.org"); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("a second setup created Eve: %v", err)
		}
		// Once there is an administrator there is no more setup.
		if need, _ := f.svc.NeedsSetup(ctx); need {
			t.Error("still needs setup")
		}
		if l, err := f.svc.SetupLink(ctx); err != nil || l != "" {
			t.Errorf("setup link with an administrator: %q, %v", l, err)
		}
		if _, err := f.svc.SignIn(ctx, "ada@example.org", password, "192.0.2.1"); err != nil {
			t.Errorf("first administrator signs in: %v", err)
		}
		all, _ := f.auditSince(t, 0)
		if len(all) != 2 || all[0].Action != "setup.first-administrator" || all[0].Target != "ada@example.org" || all[1].Action != "sign-in" {
			t.Errorf("audit %+v", all)
		}
	})
}

func TestSetupLinkExpires(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		link, err := f.svc.SetupLink(ctx)
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Add(accounts.SetupTTL)
		if _, err := f.svc.CompleteSetup(ctx, link, "ada@example.org", "Ada", password, "192.0.2.1"); !errors.Is(err, accounts.ErrLinkInvalid) {
			t.Errorf("expired setup link: %v", err)
		}
		// A disabled administrator is no administrator: setup opens again.
		f.add(t, "ada@example.org", news.Grant{Role: news.RoleAdministrator})
		if _, err := f.store.DB().ExecContext(ctx, `UPDATE users SET status = 'disabled'`); err != nil {
			t.Fatal(err)
		}
		if l, err := f.svc.SetupLink(ctx); err != nil || l == "" {
			t.Errorf("setup link with only a disabled administrator: %q, %v", l, err)
		}
		if _, err := f.svc.CompleteSetup(ctx, "", "x@example.org", "X", password, "192.0.2.1"); !errors.Is(err, accounts.ErrLinkInvalid) || strings.Contains(err.Error(), "sql") {
			t.Errorf("empty setup token: %v", err)
		}
	})
}

// TestTextThatCannotBeStored: names and paths from forms may hold bytes no
// database keeps as text (NUL, invalid UTF-8; PostgreSQL refuses both):
// they are refused as invalid input, never a database error.
func TestTextThatCannotBeStored(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		admin := f.add(t, "ada@example.org", news.Grant{Role: news.RoleAdministrator})
		for _, bad := range []string{"Bad\x00Name", "Bad\xffName", "Bad\x1bName"} {
			if _, _, err := f.svc.AddUser(ctx, actor(admin), accounts.NewUser{Email: "x@example.org", Name: bad, Grants: []news.Grant{{Role: news.RoleEditor}}}); fieldOf(err) != "name" {
				t.Errorf("user name %q: %v", bad, err)
			}
			if _, _, err := f.svc.CreateToken(ctx, actor(admin), accounts.NewToken{Name: bad}); fieldOf(err) != "name" {
				t.Errorf("token name %q: %v", bad, err)
			}
			if _, err := f.svc.SetGrants(ctx, actor(admin), "ada@example.org", []news.Grant{{Role: news.RoleAdministrator}, {Role: news.RoleEditor, Channel: "news" + bad}}); fieldOf(err) != "grants[1].channel" {
				t.Errorf("channel %q: %v", bad, err)
			}
			if _, err := f.svc.SignIn(ctx, "ada@example.org"+bad, password, "192.0.2.1"); !errors.Is(err, accounts.ErrInvalidCredentials) {
				t.Errorf("sign in as %q: %v", "ada@example.org"+bad, err)
			}
		}
		link, err := f.svc.ResetLink(ctx, actor(admin), "ada@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SetPasswordWithLink(ctx, link, store.LinkReset, "Long-Enough-Pass\x00word-1", "192.0.2.1"); err != nil && fieldOf(err) != "password" {
			t.Errorf("password with NUL: %v", err)
		}
	})
}
