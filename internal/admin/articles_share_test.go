package admin_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"newsdesk/internal/admin"
	"newsdesk/internal/editorial"
	"newsdesk/internal/news"
	"newsdesk/internal/site"
	"newsdesk/internal/web"
)

// TestSharePreviewLink: an editor makes a preview link for an unpublished
// article; it opens without an account, noindex and uncached, and is audited.
func TestSharePreviewLink(t *testing.T) {
	ctx := context.Background()
	n := newNewsroom(t, "sqlite")
	u := n.addUser(t, "ed@example.org", "Ed", news.Grant{Role: news.RoleEditor})
	a, err := n.editorial.Create(ctx, u, "", editorial.Draft{Language: "en", Channel: "news/world", Headline: "Draft for the reviewer", BodyHTML: "<p>Not yet public.</p>"})
	if err != nil {
		t.Fatal(err)
	}
	portal, err := site.New(site.Options{Store: n.store, Now: n.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	nr, err := admin.New(admin.Options{Store: n.store, Accounts: n.accounts, Now: n.clock.Now, Editorial: n.editorial,
		Preview: portal.Preview, PreviewLink: portal.PreviewLink})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/admin/", web.SecurityHeaders(nr))
	mux.Handle("/", portal)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	b := n.browser(t)
	b.base = srv.URL
	b.signIn("ed@example.org")
	edit := "/admin/articles/" + itoa(a.ID)
	if p := b.get(edit); p.status != 200 || !strings.Contains(p.body, "/share") || !strings.Contains(p.body, "Make a preview link for a reviewer") {
		t.Fatalf("edit page: %d, share form missing", p.status)
	}
	if p := b.post(edit+"/share", nil); p.status != 303 {
		t.Fatalf("share: %d\n%s", p.status, p.body)
	}
	page := b.get(edit)
	if !strings.Contains(page.body, "Preview link (works without an account") {
		t.Error("the link is shown without its explanation")
	}
	m := regexp.MustCompile(`(https?://[^\s<"]+/en/preview/[^\s<"]+/)`).FindStringSubmatch(page.body)
	if m == nil {
		t.Fatalf("no preview link shown:\n%s", page.body)
	}
	res, err := http.Get(m[1]) // no cookies: a reviewer without an account
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "Not yet public.") ||
		!strings.Contains(res.Header.Get("X-Robots-Tag"), "noindex") || res.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("preview link: %d %v\n%s", res.StatusCode, res.Header, body)
	}
	if n.auditCount(t, "article.share-preview") != 1 {
		t.Error("sharing a preview was not audited")
	}
	// The article itself is still not public.
	if res, err := http.Get(srv.URL + "/en/news/world/"); err == nil {
		listing, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if strings.Contains(string(listing), "Draft for the reviewer") {
			t.Error("the draft appeared in a public listing")
		}
	}
}
