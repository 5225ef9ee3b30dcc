package admin_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"newsdesk/internal/news"
	"newsdesk/internal/store/storetest"
)

// TestManagePagesAccess renders every site-administration page for a site
// administrator, in both interface languages, and refuses each of them (and
// their forms) to an editor; a subtree administrator reaches only the channel
// page and sees only their subtree there.
func TestManagePagesAccess(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			n, admin, ada := mgAdmin(t, dialect)
			n.addUser(t, "ed@example.org", "Ed", news.Grant{Role: news.RoleEditor})
			n.addUser(t, "sam@example.org", "Sam", news.Grant{Role: news.RoleAdministrator, Channel: "news/china"})
			editor := n.browser(t)
			editor.signIn("ed@example.org")
			sub := n.browser(t)
			sub.signIn("sam@example.org")

			pages := []struct {
				path string
				en   []string // the h1 and some content
				zh   []string
			}{
				{"/admin/users", []string{"<h1>Users</h1>", "ada@example.org", "Invite a user", `<th scope="col">Email</th>`}, []string{"<h1>用户</h1>", "邀请用户"}},
				{"/admin/users/" + strconv.FormatInt(ada.ID, 10), []string{"<h1>User: Ada</h1>", "Administrator (site-wide)", "Disable user", "Make a password-reset link"}, []string{"<h1>用户: Ada</h1>", "停用用户"}},
				{"/admin/channels", []string{"<h1>Channels</h1>", "<code>news/china/government-dynamic</code>", "New channel", "NEWS › China (news/china)"}, []string{"<h1>栏目</h1>", "新建栏目", "新闻 › 国内 (news/china)"}},
				{"/admin/pages", []string{"<h1>Footer pages</h1>", "about-us", "Edit About us", "New page"}, []string{"<h1>页脚页面</h1>", "编辑 关于我们"}},
				{"/admin/settings", []string{"<h1>Settings</h1>", `value="11044902"`, `value="Asia/Shanghai"`, `value="about-us, contact-us, legal-notice"`}, []string{"<h1>网站设置</h1>", "备案号"}},
				{"/admin/audit", []string{"<h1>Audit log</h1>", "The hash chain verifies", "sign-in", "ada@example.org"}, []string{"<h1>审计日志</h1>", "哈希链校验通过"}},
			}
			for _, pg := range pages {
				mgWant(t, "admin GET "+pg.path, admin.get(pg.path), http.StatusOK, pg.en...)
				if p := editor.get(pg.path); p.status != http.StatusForbidden {
					t.Errorf("editor GET %s: %d, want 403", pg.path, p.status)
				}
				if pg.path != "/admin/channels" {
					if p := sub.get(pg.path); p.status != http.StatusForbidden {
						t.Errorf("subtree administrator GET %s: %d, want 403", pg.path, p.status)
					}
				}
			}
			admin.get("/admin/lang/zh")
			for _, pg := range pages {
				mgWant(t, "admin GET "+pg.path+" in Chinese", admin.get(pg.path), http.StatusOK, pg.zh...)
			}

			// The navigation offers each person what they may use.
			nav := map[*browser][]string{admin: {"/admin/users", "/admin/channels", "/admin/pages", "/admin/settings", "/admin/audit"}, sub: {"/admin/channels"}, editor: nil}
			for b, want := range nav {
				home := b.get("/admin/")
				for _, link := range []string{"/admin/users", "/admin/channels", "/admin/pages", "/admin/settings", "/admin/audit"} {
					has := strings.Contains(home.body, `<a href="`+link+`"`)
					if has != contains(want, link) {
						t.Errorf("navigation link %s shown=%v, want %v", link, has, !has)
					}
				}
			}

			// Forms are refused too, with a valid token.
			editor.get("/admin/")
			token := editor.csrf()
			for _, path := range []string{"/admin/users", "/admin/users/1/roles", "/admin/users/1/status", "/admin/users/1/reset-link",
				"/admin/channels", "/admin/channels/1", "/admin/channels/1/delete", "/admin/pages", "/admin/settings"} {
				if p := editor.post(path, mgForm("csrf", token, "role", "administrator", "status", "disabled", "slug", "x", "parent", "0", "name_en", "X")); p.status != http.StatusForbidden {
					t.Errorf("editor POST %s: %d, want 403", path, p.status)
				}
			}
			if u, _ := n.store.UserByID(t.Context(), 1); !u.Active() || !u.IsSiteAdministrator() {
				t.Errorf("an editor's refused posts changed the administrator: %+v", u)
			}

			// The subtree administrator sees their subtree only.
			p := sub.get("/admin/channels")
			mgWant(t, "subtree administrator's channels", p, http.StatusOK,
				"<code>news/china</code>", "<code>news/china/government-dynamic</code>", "<code>news/china/industry</code>", "You administer the channels below.")
			for _, hidden := range []string{"<code>news</code>", "<code>news/world</code>", "<code>policies</code>", "(top level)"} {
				if strings.Contains(p.body, hidden) {
					t.Errorf("subtree administrator's channel page shows %s", hidden)
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
