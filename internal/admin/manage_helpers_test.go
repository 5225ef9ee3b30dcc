package admin_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// The site-administration tests share these helpers; their names start with
// "mg" so they stay clear of the other test files of the package.

// mgAdmin is a newsroom with a site administrator, Ada, signed in.
func mgAdmin(t *testing.T, dialect string) (*newsroom, *browser, news.User) {
	t.Helper()
	n := newNewsroom(t, dialect)
	ada := n.addUser(t, "ada@example.org", "Ada", news.Grant{Role: news.RoleAdministrator})
	b := n.browser(t)
	b.signIn("ada@example.org")
	return n, b, ada
}

// mgForm builds form values from key, value pairs; a key may repeat.
func mgForm(kv ...string) url.Values {
	f := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		f.Add(kv[i], kv[i+1])
	}
	return f
}

// mgSubmit loads the page holding a form (for its token) and posts a copy
// of form with that token.
func mgSubmit(b *browser, formPage, action string, form url.Values) page {
	b.t.Helper()
	if p := b.get(formPage); p.status != http.StatusOK {
		b.t.Fatalf("GET %s: %d\n%s", formPage, p.status, p.body)
	}
	sent := url.Values{}
	for k, v := range form {
		sent[k] = append([]string(nil), v...)
	}
	return b.post(action, sent)
}

// mgWant checks a response's status and that its text holds each part.
func mgWant(t *testing.T, what string, p page, status int, parts ...string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, p.status, status, p.body)
	}
	text := html.UnescapeString(p.body)
	for _, part := range parts {
		if !strings.Contains(text, part) {
			t.Errorf("%s: the page lacks %q\n%s", what, part, text)
		}
	}
}

// mgRedirected checks a Post/Redirect/Get answer and follows it, returning
// the page shown next (with its flash message).
func mgRedirected(t *testing.T, b *browser, what string, p page, to string) page {
	t.Helper()
	if p.status != http.StatusSeeOther || p.location != to {
		t.Fatalf("%s: %d → %q, want 303 → %s\n%s", what, p.status, p.location, to, p.body)
	}
	return b.get(to)
}

// mgAudit returns the newest audit entry with action, failing when there
// is none.
func mgAudit(t *testing.T, n *newsroom, action string) store.AuditEntry {
	t.Helper()
	list, err := n.store.AuditEntries(context.Background(), store.AuditQuery{Action: action, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 {
		t.Fatalf("no audit entry %q", action)
	}
	return list[0]
}

// mgChannel loads a channel by path, failing when it is missing.
func mgChannel(t *testing.T, n *newsroom, path string) news.Channel {
	t.Helper()
	c, err := n.store.ChannelByPath(context.Background(), path)
	if err != nil {
		t.Fatalf("channel %s: %v", path, err)
	}
	return c
}

// mgPublic fetches a page of the public portal without following redirects.
func mgPublic(t *testing.T, n *newsroom, path string) page {
	t.Helper()
	b := n.browser(t)
	return b.get(path)
}
