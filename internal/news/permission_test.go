package news_test

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"

	"newsdesk/internal/news"
)

// matrixRow is one line of testdata/permissions.txt: what a user granted
// role (site-wide or on news/china) may do with action on each target.
type matrixRow struct {
	line   int
	role   news.Role
	grant  news.Grant
	action news.Action
	want   string // one of Y or . per column of matrixTargets
}

// readMatrix reads the hand-written permission matrix.
func readMatrix(t *testing.T) []matrixRow {
	t.Helper()
	f, err := os.Open("testdata/permissions.txt")
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
		if len(fields) != 4 || len(fields[3]) != len(matrixTargets(0, 0)) || strings.Trim(fields[3], "Y.") != "" {
			t.Fatalf("permissions.txt:%d: want ROLE GRANT ACTION and %d columns of Y or ., got %q", n, len(matrixTargets(0, 0)), line)
		}
		g := news.Grant{Role: news.Role(fields[0]), Channel: fields[1]}
		if g.Channel == "site-wide" {
			g.Channel = ""
		}
		rows = append(rows, matrixRow{line: n, role: g.Role, grant: g, action: news.Action(fields[2]), want: fields[3]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// matrixTargets are the columns A–H of the matrix for a user whose id is
// self; other is somebody else's id.
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

func TestPermissionMatrixIsComplete(t *testing.T) {
	rows := readMatrix(t)
	seen := map[string]int{}
	for _, r := range rows {
		if _, err := news.ParseRole(string(r.role)); err != nil {
			t.Errorf("line %d: %v", r.line, err)
		}
		if r.grant.Channel != "" && r.grant.Channel != "news/china" {
			t.Errorf("line %d: grant %q is neither site-wide nor news/china", r.line, r.grant.Channel)
		}
		key := fmt.Sprint(r.grant, " ", r.action)
		if prev, dup := seen[key]; dup {
			t.Errorf("line %d repeats line %d (%s)", r.line, prev, key)
		}
		seen[key] = r.line
	}
	for _, role := range news.Roles {
		for _, channel := range []string{"", "news/china"} {
			for _, a := range news.Actions {
				if key := fmt.Sprint(news.Grant{Role: role, Channel: channel}, " ", a); seen[key] == 0 {
					t.Errorf("permissions.txt has no line for %s", key)
				}
			}
		}
	}
	if want := len(news.Roles) * 2 * len(news.Actions); len(rows) != want {
		t.Errorf("permissions.txt has %d rows, want %d (every role × grant × action once)", len(rows), want)
	}
}

func TestPermissionMatrix(t *testing.T) {
	const self, other = 7, 8
	for _, r := range readMatrix(t) {
		u := news.User{ID: self, Email: "u@example.org", Status: news.UserActive, Grants: []news.Grant{r.grant}}
		for i, target := range matrixTargets(self, other) {
			want := r.want[i] == 'Y'
			if got := u.May(r.action, target); got != want {
				t.Errorf("line %d: %s may %s on %+v (column %c) = %v, want %v", r.line, r.grant, r.action, target, 'A'+i, got, want)
			}
		}
		// A disabled user may do nothing at all, whatever they were granted.
		u.Status = news.UserDisabled
		for i, target := range matrixTargets(self, other) {
			if u.May(r.action, target) {
				t.Errorf("line %d: disabled %s may %s on column %c", r.line, r.grant, r.action, 'A'+i)
			}
		}
	}
}

func TestMayWithoutGrantsOrWithUnknownNames(t *testing.T) {
	nobody := news.User{ID: 1, Status: news.UserActive}
	admin := news.User{ID: 2, Status: news.UserActive, Grants: []news.Grant{{Role: news.RoleAdministrator}}}
	forged := news.User{ID: 3, Status: news.UserActive, Grants: []news.Grant{{Role: "owner"}, {Role: "Administrator"}}}
	for _, a := range news.Actions {
		for _, target := range matrixTargets(1, 99) {
			if nobody.May(a, target) {
				t.Errorf("a user without grants may %s on %+v", a, target)
			}
			if forged.May(a, target) {
				t.Errorf("a user with unknown role names may %s on %+v", a, target)
			}
		}
	}
	if admin.May("delete-site", news.Target{}) || admin.May("", news.Target{}) {
		t.Error("an unknown action is allowed to a site administrator")
	}
	// A status other than active (as a corrupt row might hold) is not active.
	odd := admin
	odd.Status = "Active"
	if odd.May(news.ActionManageUsers, news.Target{}) {
		t.Error(`status "Active" counts as active`)
	}
}

func TestMayCombinesGrants(t *testing.T) {
	// Editor on news/china, contributor on news/world, chief editor on
	// policies: each grant reaches only its own subtree, with its own powers.
	u := news.User{ID: 5, Status: news.UserActive, Grants: []news.Grant{
		{Role: news.RoleEditor, Channel: "news/china"},
		{Role: news.RoleContributor, Channel: "news/world"},
		{Role: news.RoleChiefEditor, Channel: "policies"},
	}}
	tests := []struct {
		action news.Action
		target news.Target
		want   bool
	}{
		{news.ActionEditArticle, news.Target{Channel: "news/china/industry", AuthorID: 6}, true},
		{news.ActionPublish, news.Target{Channel: "news/china/industry", AuthorID: 6}, false},
		{news.ActionEditArticle, news.Target{Channel: "news/world", AuthorID: 6}, false},
		{news.ActionEditArticle, news.Target{Channel: "news/world", AuthorID: 5}, true},
		{news.ActionSubmit, news.Target{Channel: "news/world", AuthorID: 5}, true},
		{news.ActionCreateArticle, news.Target{Channel: "news/world"}, true},
		{news.ActionPublish, news.Target{Channel: "news/world", AuthorID: 5}, false},
		{news.ActionPublish, news.Target{Channel: "policies", AuthorID: 6}, true},
		{news.ActionRetract, news.Target{Channel: "policies/privacy", AuthorID: 6}, true},
		{news.ActionPublish, news.Target{Channel: "policiesx", AuthorID: 6}, false},
		{news.ActionCreateArticle, news.Target{Channel: "news"}, false},
		{news.ActionManageChannels, news.Target{Channel: "news/china"}, false},
		{news.ActionViewAudit, news.Target{}, false},
	}
	for _, tt := range tests {
		if got := u.May(tt.action, tt.target); got != tt.want {
			t.Errorf("May(%s, %+v) = %v, want %v", tt.action, tt.target, got, tt.want)
		}
	}
	if u.IsSiteAdministrator() {
		t.Error("an editor counts as site administrator")
	}
	subtreeAdmin := news.User{ID: 9, Status: news.UserActive, Grants: []news.Grant{{Role: news.RoleAdministrator, Channel: "news"}}}
	if subtreeAdmin.IsSiteAdministrator() {
		t.Error("an administrator of news counts as site administrator")
	}
}

func TestGrantCovers(t *testing.T) {
	g := news.Grant{Role: news.RoleEditor, Channel: "news/china"}
	for path, want := range map[string]bool{
		"news/china": true, "news/china/industry": true, "news/china/industry/x": true,
		"news": false, "news/chinatown": false, "news/chin": false, "": false, "news/world": false, "/news/china": false,
	} {
		if got := g.Covers(path); got != want {
			t.Errorf("%s covers %q = %v, want %v", g, path, got, want)
		}
	}
	if site := (news.Grant{Role: news.RoleEditor}); !site.Covers("") || !site.Covers("anything/at/all") {
		t.Error("a site-wide grant does not cover everything")
	}
}
