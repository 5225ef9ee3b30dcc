package admin_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

var (
	auditRowAction = regexp.MustCompile(`<td><code>([^<]+)</code></td>`)
	auditRowSeq    = regexp.MustCompile(`<tr><th scope="row">(\d+)</th>`)
	auditOlder     = regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
)

func mgActions(p page) []string {
	var out []string
	for _, m := range auditRowAction.FindAllStringSubmatch(p.body, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestManageAudit lists the log newest first, filters it by action, actor
// and target, pages through it 50 at a time, and reports a tampered chain.
func TestManageAudit(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			n, b, _ := mgAdmin(t, dialect)
			// The fixture's own entries (site apply, seed imports) come first.
			fixture := n.auditCount(t, "settings.apply") + n.auditCount(t, "article.import")
			n.addUser(t, "ed@example.org", "Ed", news.Grant{Role: news.RoleEditor})
			ed := n.browser(t)
			ed.signIn("ed@example.org")
			ed.get("/admin/")
			ed.post("/admin/logout", nil)
			ed.get("/admin/login")
			ed.post("/admin/login", mgForm("email", "ed@example.org", "password", "wrong password, surely"))

			p := b.get("/admin/audit")
			mgWant(t, "log", p, http.StatusOK, fmt.Sprintf("The hash chain verifies: %d entries", 6+fixture), "ed@example.org", "127.0.0.1")
			if got := strings.Join(mgActions(p)[:6], ","); got != "sign-in.failed,sign-out,sign-in,user.create,sign-in,user.create" {
				t.Errorf("actions newest first: %s", got)
			}

			filters := []struct {
				query string
				want  string
			}{
				{"action=user.", "user.create,user.create"},
				{"action=sign-in", "sign-in,sign-in"},
				{"action=sign-in.failed", "sign-in.failed"},
				{"actor=ed@example.org", "sign-out,sign-in"},
				{"actor=ED@example.org&action=sign-out", "sign-out"},
				{"target=ed@", "sign-in.failed,sign-out,sign-in,user.create"},
				{"action=channel.", ""},
			}
			for _, f := range filters {
				p := b.get("/admin/audit?" + f.query)
				if p.status != http.StatusOK {
					t.Fatalf("%s: %d\n%s", f.query, p.status, p.body)
				}
				if got := strings.Join(mgActions(p), ","); got != f.want {
					t.Errorf("%s: %s, want %s", f.query, got, f.want)
				}
			}
			mgWant(t, "no match", b.get("/admin/audit?action=channel."), http.StatusOK, "No entry matches these filters.", `<option value="channel." selected>`)
			mgWant(t, "unknown actor", b.get("/admin/audit?actor=nobody@example.org"), http.StatusUnprocessableEntity, `no user with the email "nobody@example.org"`)
			mgWant(t, "unknown action", b.get("/admin/audit?action=drop"), http.StatusUnprocessableEntity, `unknown action filter "drop"`)

			// 60 more entries: 50 on the first page, the rest on the next.
			for i := range 60 {
				if err := n.store.Audit(ctx, store.AuditEntry{At: n.clock.Now(), Actor: "cli", Action: "token.create", Target: fmt.Sprintf("bulk-%02d", i)}); err != nil {
					t.Fatal(err)
				}
			}
			first := b.get("/admin/audit?target=bulk")
			seqs := auditRowSeq.FindAllStringSubmatch(first.body, -1)
			first0, first49 := strconv.Itoa(66+fixture), strconv.Itoa(17+fixture)
			if len(seqs) != 50 || seqs[0][1] != first0 || seqs[49][1] != first49 {
				t.Fatalf("first page: %d rows from %v", len(seqs), seqs)
			}
			m := auditOlder.FindStringSubmatch(first.body)
			if m == nil {
				t.Fatalf("no link to older entries:\n%s", first.body)
			}
			older := html.UnescapeString(m[1])
			if older != "/admin/audit?before="+first49+"&target=bulk" {
				t.Errorf("older link %q", older)
			}
			second := b.get(older)
			seqs = auditRowSeq.FindAllStringSubmatch(second.body, -1)
			if len(seqs) != 10 || seqs[0][1] != strconv.Itoa(16+fixture) || seqs[9][1] != strconv.Itoa(7+fixture) || auditOlder.MatchString(second.body) {
				t.Errorf("second page: %d rows %v", len(seqs), seqs)
			}
			mgWant(t, "second page", second, http.StatusOK, `href="/admin/audit?target=bulk">Newest entries`)

			// A row edited behind the log's back is reported.
			if _, err := n.store.DB().ExecContext(ctx, `UPDATE audit_log SET target = 'someone-else@example.org' WHERE seq = 3`); err != nil {
				t.Fatal(err)
			}
			mgWant(t, "tampered", b.get("/admin/audit"), http.StatusOK, "The audit log has been tampered with:", "audit log broken at entry 3")
		})
	}
}
