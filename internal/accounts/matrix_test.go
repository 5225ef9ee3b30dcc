package accounts_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"newsdesk/internal/accounts"
	"newsdesk/internal/news"
)

// matrixRow is one line of the hand-written permission matrix in
// internal/news/testdata/permissions.txt (its header explains the columns).
type matrixRow struct {
	line   int
	grant  news.Grant
	action news.Action
	want   string
}

func readMatrix(t *testing.T) []matrixRow {
	t.Helper()
	f, err := os.Open("../news/testdata/permissions.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []matrixRow
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 4 || len(fields[3]) != 8 {
			t.Fatalf("permissions.txt:%d: malformed line %q", n, line)
		}
		g := news.Grant{Role: news.Role(fields[0]), Channel: fields[1]}
		if g.Channel == "site-wide" {
			g.Channel = ""
		}
		rows = append(rows, matrixRow{line: n, grant: g, action: news.Action(fields[2]), want: fields[3]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(news.Roles)*2*len(news.Actions) {
		t.Fatalf("permissions.txt has %d rows; internal/news checks it is complete", len(rows))
	}
	return rows
}

// matrixTargets are the matrix's columns A–H for the user with id self.
func matrixTargets(self, other int64) []news.Target {
	return []news.Target{
		{Channel: "news/china/government-dynamic", AuthorID: self},
		{Channel: "news/china/government-dynamic", AuthorID: other},
		{Channel: "news/china"},
		{Channel: "news/world", AuthorID: self},
		{Channel: "news/world", AuthorID: other},
		{Channel: "news/chinatown", AuthorID: other},
		{Channel: "news", AuthorID: other},
		{},
	}
}

// TestPermissionMatrixStored runs the permission matrix on users created
// through the service and loaded back from each database, so a role or
// channel that does not survive storage shows as a wrong answer; then the
// same users disabled, who may do nothing.
func TestPermissionMatrixStored(t *testing.T) {
	rows := readMatrix(t)
	each(t, func(t *testing.T, f *fixture) {
		emails := map[news.Grant]string{}
		for _, r := range rows {
			if emails[r.grant] == "" {
				email := fmt.Sprintf("%s-%d@example.org", r.grant.Role, len(emails))
				f.add(t, email, r.grant)
				emails[r.grant] = email
			}
		}
		check := func(disabled bool) {
			for _, r := range rows {
				u, err := f.store.UserByEmail(ctx, emails[r.grant])
				if err != nil {
					t.Fatal(err)
				}
				if len(u.Grants) != 1 || u.Grants[0] != r.grant || u.Active() == disabled {
					t.Fatalf("%s reloaded as %+v", emails[r.grant], u)
				}
				for i, target := range matrixTargets(u.ID, u.ID+1000) {
					want := r.want[i] == 'Y' && !disabled
					if got := u.May(r.action, target); got != want {
						t.Errorf("line %d, disabled=%v: stored %s may %s on %+v (column %c) = %v, want %v",
							r.line, disabled, r.grant, r.action, target, 'A'+i, got, want)
					}
				}
			}
		}
		check(false)
		// Someone must stay administrator: the last one cannot be disabled.
		f.add(t, "keeper@example.org", news.Grant{Role: news.RoleAdministrator})
		for _, email := range emails {
			if _, err := f.svc.SetStatus(ctx, accounts.CLIActor, email, news.UserDisabled); err != nil {
				t.Fatal(err)
			}
		}
		check(true)
	})
}

// TestServiceAsksTheDomain: user management through the service is open to
// site administrators only, whatever else a user holds.
func TestServiceAsksTheDomain(t *testing.T) {
	each(t, func(t *testing.T, f *fixture) {
		admin := f.add(t, "admin@example.org", news.Grant{Role: news.RoleAdministrator})
		others := []news.User{
			f.add(t, "sub@example.org", news.Grant{Role: news.RoleAdministrator, Channel: "news"}),
			f.add(t, "chief@example.org", news.Grant{Role: news.RoleChiefEditor}),
			f.add(t, "ed@example.org", news.Grant{Role: news.RoleEditor}),
			f.add(t, "con@example.org", news.Grant{Role: news.RoleContributor}),
		}
		disabledAdmin := f.add(t, "gone@example.org", news.Grant{Role: news.RoleAdministrator})
		if _, err := f.svc.SetStatus(ctx, actor(admin), disabledAdmin.Email, news.UserDisabled); err != nil {
			t.Fatal(err)
		}
		disabledAdmin, _ = f.store.UserByEmail(ctx, disabledAdmin.Email)
		others = append(others, disabledAdmin)
		_, seq := f.auditSince(t, 0)
		for _, u := range others {
			a := actor(u)
			_, _, err1 := f.svc.AddUser(ctx, a, accounts.NewUser{Email: "new@example.org", Name: "New", Grants: []news.Grant{{Role: news.RoleAdministrator}}})
			_, err2 := f.svc.SetGrants(ctx, a, u.Email, []news.Grant{{Role: news.RoleAdministrator}})
			_, err3 := f.svc.SetStatus(ctx, a, admin.Email, news.UserDisabled)
			_, err4 := f.svc.Users(ctx, a)
			_, err5 := f.svc.ResetLink(ctx, a, admin.Email)
			_, _, err6 := f.svc.CreateToken(ctx, a, accounts.NewToken{Email: admin.Email, Name: "stolen", Scopes: []string{"admin"}})
			for i, err := range []error{err1, err2, err3, err4, err5, err6} {
				if !errors.Is(err, accounts.ErrForbidden) {
					t.Errorf("%s (%v), call %d: %v, want ErrForbidden", u.Email, u.Grants, i+1, err)
				}
			}
		}
		f.expectAudit(t, &seq) // refusals change nothing and log nothing
		if _, err := f.store.UserByEmail(ctx, "new@example.org"); err == nil {
			t.Error("a refused AddUser created the user")
		}
		if list, err := f.svc.Users(ctx, actor(admin)); err != nil || len(list) != 6 {
			t.Errorf("administrator lists %d users, %v", len(list), err)
		}
	})
}
