package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"newsdesk/internal/news"
	"newsdesk/internal/store/storetest"
)

var (
	inviteLink = regexp.MustCompile(`<code id="invite-link">(http://[^<]+)</code>`)
	resetLink  = regexp.MustCompile(`<code id="reset-link">(http://[^<]+)</code>`)
)

// TestManageUsersInvite creates a user without a password: the page shows
// the full one-time link, which opens the set-password form once.
func TestManageUsersInvite(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			n, b, _ := mgAdmin(t, dialect)

			p := mgSubmit(b, "/admin/users", "/admin/users", mgForm("email", " Nell@Example.org ", "name", "Nell",
				"role", "editor", "channel", "news/china", "channel", "policies"))
			mgWant(t, "create", p, http.StatusOK, "<h1>User: Nell</h1>", "The user was created.", "Invitation link", "Editor (news/china), Editor (policies)")
			m := inviteLink.FindStringSubmatch(p.body)
			if m == nil {
				t.Fatalf("no invitation link:\n%s", p.body)
			}
			link, err := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
			if err != nil || link.Scheme+"://"+link.Host != n.srv.URL || link.Path != "/admin/invite" || link.Query().Get("token") == "" {
				t.Fatalf("invitation link %q is not a full link to this newsroom (%s)", m[1], n.srv.URL)
			}
			u, err := n.store.UserByEmail(ctx, "nell@example.org")
			if err != nil {
				t.Fatal(err)
			}
			if u.Name != "Nell" || !u.Active() || len(u.Grants) != 2 || u.Grants[0] != (news.Grant{Role: news.RoleEditor, Channel: "news/china"}) {
				t.Errorf("stored %+v", u)
			}
			if e := mgAudit(t, n, "user.create"); e.Target != "nell@example.org" || e.Actor != "ada@example.org" {
				t.Errorf("audit %+v", e)
			}
			// Reloading the user's page never shows the link again.
			if again := b.get(fmt.Sprintf("/admin/users/%d", u.ID)); strings.Contains(again.body, link.Query().Get("token")) {
				t.Error("the user's page shows the invitation token again")
			}

			// The new user follows the link, sets a password and is signed in.
			nell := n.browser(t)
			mgWant(t, "invitation", nell.get(link.RequestURI()), http.StatusOK, "Set your password", "nell@example.org", `name="password"`)
			if p := nell.post("/admin/invite", url.Values{"token": {link.Query().Get("token")}, "password": {testPassword}}); p.status != http.StatusSeeOther || p.location != "/admin/" {
				t.Fatalf("set password: %d → %q\n%s", p.status, p.location, p.body)
			}
			mgWant(t, "Nell's dashboard", nell.get("/admin/"), http.StatusOK, "Welcome, Nell.")
			if p := n.browser(t).get(link.RequestURI()); p.status != http.StatusNotFound {
				t.Errorf("used invitation: %d, want 404", p.status)
			}
		})
	}
}

// TestManageUsersRefusals re-shows the create form with each problem next
// to its field, and creates no one.
func TestManageUsersRefusals(t *testing.T) {
	tests := []struct {
		name string
		form url.Values
		want string
	}{
		{"bad email", mgForm("email", "not-an-email", "name", "X", "role", "editor"), "is not an email address"},
		{"taken email", mgForm("email", "ada@example.org", "name", "X", "role", "editor"), "a user with this email already exists"},
		{"no name", mgForm("email", "x@example.org", "name", " ", "role", "editor"), "is empty"},
		{"unknown role", mgForm("email", "x@example.org", "name", "X", "role", "owner"), `unknown role "owner"`},
		{"unknown channel", mgForm("email", "x@example.org", "name", "X", "role", "editor", "channel", "nope"), `no channel "nope"`},
	}
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			n, b, _ := mgAdmin(t, dialect)
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					p := mgSubmit(b, "/admin/users", "/admin/users", tt.form)
					mgWant(t, tt.name, p, http.StatusUnprocessableEntity, `<p class="problem"`, tt.want)
					if email := tt.form.Get("email"); email != "ada@example.org" && strings.Contains(email, "@") && !strings.Contains(p.body, `value="`+email+`"`) {
						t.Errorf("the form lost the email typed")
					}
				})
			}
			list, err := n.store.Users(context.Background())
			if err != nil || len(list) != 1 {
				t.Errorf("refused forms created users: %d (%v)", len(list), err)
			}
		})
	}
}

// TestManageUsersRolesAndStatus sets roles, disables a user (whose live
// session ends at their next request), refuses to leave the site without an
// administrator, and makes a password-reset link.
func TestManageUsersRolesAndStatus(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			n, b, ada := mgAdmin(t, dialect)
			ed := n.addUser(t, "ed@example.org", "Ed", news.Grant{Role: news.RoleEditor})
			edPage := fmt.Sprintf("/admin/users/%d", ed.ID)
			edBrowser := n.browser(t)
			edBrowser.signIn("ed@example.org")

			// Roles: chief editor on two subtrees.
			p := mgSubmit(b, edPage, edPage+"/roles", mgForm("role", "chief-editor", "channel", "news/world", "channel", "policies"))
			mgWant(t, "roles", mgRedirected(t, b, "roles", p, edPage), http.StatusOK, "The roles were saved.", "Chief editor (news/world), Chief editor (policies)")
			u, _ := n.store.UserByID(ctx, ed.ID)
			if got := fmt.Sprint(u.Grants); got != "[chief-editor on news/world chief-editor on policies]" {
				t.Errorf("grants %s", got)
			}
			if e := mgAudit(t, n, "user.set-role"); e.Target != "ed@example.org" || !strings.Contains(e.Details["after"], "news/world") {
				t.Errorf("audit %+v", e)
			}
			// The form starts from what is stored.
			mgWant(t, "roles form", b.get(edPage), http.StatusOK, `<option value="chief-editor" selected>`, `value="policies" checked`)
			// No channel ticked: site-wide.
			mgRedirected(t, b, "site-wide", mgSubmit(b, edPage, edPage+"/roles", mgForm("role", "editor")), edPage)
			if u, _ := n.store.UserByID(ctx, ed.ID); fmt.Sprint(u.Grants) != "[editor (site-wide)]" {
				t.Errorf("grants %v", u.Grants)
			}
			mgWant(t, "bad role", mgSubmit(b, edPage, edPage+"/roles", mgForm("role", "owner", "channel", "policies")),
				http.StatusUnprocessableEntity, `unknown role "owner"`, `value="policies" checked`)

			// Disable: Ed's open session is out at his next click.
			mgWant(t, "Ed before", edBrowser.get("/admin/"), http.StatusOK, "Welcome, Ed.")
			p = mgSubmit(b, edPage, edPage+"/status", mgForm("status", "disabled"))
			mgWant(t, "disabled", mgRedirected(t, b, "disable", p, edPage), http.StatusOK, "The user was disabled", "Enable user")
			if p := edBrowser.get("/admin/"); p.status != http.StatusSeeOther || p.location != "/admin/login" {
				t.Errorf("disabled user's session: %d → %q", p.status, p.location)
			}
			mgAudit(t, n, "user.disable")
			mgRedirected(t, b, "enable", mgSubmit(b, edPage, edPage+"/status", mgForm("status", "active")), edPage)
			if u, _ := n.store.UserByID(ctx, ed.ID); !u.Active() {
				t.Error("not enabled again")
			}

			// The last site administrator can neither be demoted nor disabled.
			adaPage := fmt.Sprintf("/admin/users/%d", ada.ID)
			for what, try := range map[string]func() page{
				"demote":  func() page { return mgSubmit(b, adaPage, adaPage+"/roles", mgForm("role", "editor")) },
				"disable": func() page { return mgSubmit(b, adaPage, adaPage+"/status", mgForm("status", "disabled")) },
			} {
				mgWant(t, what+" the last administrator", try(), http.StatusUnprocessableEntity, "this is the last active site administrator")
			}
			if u, _ := n.store.UserByID(ctx, ada.ID); !u.Active() || !u.IsSiteAdministrator() {
				t.Errorf("the last administrator changed: %+v", u)
			}
			// With a second administrator, Ada may step down.
			mgRedirected(t, b, "promote Ed", mgSubmit(b, edPage, edPage+"/roles", mgForm("role", "administrator")), edPage)
			mgRedirected(t, b, "demote Ada", mgSubmit(b, adaPage, adaPage+"/roles", mgForm("role", "editor")), adaPage)
			if p := b.get("/admin/users"); p.status != http.StatusForbidden {
				t.Errorf("Ada, demoted, still manages users: %d", p.status)
			}

			// A password-reset link, shown once, opens the reset form.
			edAdmin := n.browser(t)
			edAdmin.signIn("ed@example.org")
			p = mgSubmit(edAdmin, adaPage, adaPage+"/reset-link", nil)
			mgWant(t, "reset link", p, http.StatusOK, "Password-reset link")
			m := resetLink.FindStringSubmatch(p.body)
			if m == nil {
				t.Fatalf("no reset link:\n%s", p.body)
			}
			link, _ := url.Parse(m[1])
			mgWant(t, "reset form", n.browser(t).get(link.RequestURI()), http.StatusOK, "ada@example.org", `name="password"`)
			if e := mgAudit(t, n, "user.reset-link"); e.Actor != "ed@example.org" || e.Target != "ada@example.org" {
				t.Errorf("audit %+v", e)
			}
			if p := edAdmin.get("/admin/users/99999"); p.status != http.StatusNotFound {
				t.Errorf("unknown user: %d", p.status)
			}
		})
	}
}
