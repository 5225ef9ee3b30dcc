package admin_test

import (
	"net/url"
	"strings"
	"testing"

	"newsdesk/internal/news"
	"newsdesk/internal/store/storetest"
)

func TestSignInAndDashboard(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			n := newNewsroom(t, dialect)
			n.addUser(t, "ada@example.org", "Ada", news.Grant{Role: news.RoleAdministrator})
			b := n.browser(t)
			if p := b.get("/admin/"); p.status != 303 || p.location != "/admin/login" {
				t.Fatalf("signed out: %d → %q", p.status, p.location)
			}
			b.get("/admin/login")
			if p := b.post("/admin/login", url.Values{"email": {"ada@example.org"}, "password": {"wrong password here"}}); p.status != 401 || !strings.Contains(p.body, "The email or password is not right.") {
				t.Fatalf("wrong password: %d\n%s", p.status, p.body)
			}
			b.signIn("ada@example.org")
			p := b.get("/admin/")
			if p.status != 200 || !strings.Contains(p.body, "Welcome, Ada.") || !strings.Contains(p.body, "Xi meets with Belarusian President Lukashenko") {
				t.Fatalf("dashboard: %d\n%s", p.status, p.body)
			}
			if p.header.Get("Cache-Control") != "no-store" {
				t.Errorf("dashboard Cache-Control %q", p.header.Get("Cache-Control"))
			}
			if p := b.post("/admin/logout", nil); p.status != 303 {
				t.Fatalf("logout: %d", p.status)
			}
			if p := b.get("/admin/"); p.status != 303 {
				t.Fatalf("after logout: %d", p.status)
			}
		})
	}
}
