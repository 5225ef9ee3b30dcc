package admin_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"newsdesk/internal/store/storetest"
)

// TestManagePages edits a footer page (its body sanitized on save, as
// every stored body is), creates one, and refuses slugs by the rules of
// `site apply`.
func TestManagePages(t *testing.T) {
	refusals := []struct {
		name, slug, title, want string
	}{
		{"a top-level channel's slug", "news", "News", `"news" is already a top-level channel`},
		{"reserved", "admin", "Admin", `"admin" is reserved`},
		{"invalid", "Privacy Policy", "Privacy", `"Privacy Policy" is not a valid slug`},
		{"missing", "", "Privacy", "is missing"},
		{"taken", "about-us", "About", `a page with the slug "about-us" already exists`},
		{"no title", "imprint", "", "give the page a title"},
	}
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			n, b, _ := mgAdmin(t, dialect)

			// Edit about-us with a hostile body.
			p := mgSubmit(b, "/admin/pages", "/admin/pages", mgForm("slug", "about-us", "title_en", "About the administration", "title_zh", "关于我们",
				"body_en", `<p onclick="steal()">We publish energy news.<script>alert(1)</script> <a href="javascript:alert(2)">x</a></p>`, "body_zh", "<p>本网站发布能源新闻。</p>"))
			mgWant(t, "saved", mgRedirected(t, b, "save", p, "/admin/pages"), http.StatusOK, "Page about-us was saved.", "About the administration")
			pg, err := n.store.PageBySlug(ctx, "about-us")
			if err != nil {
				t.Fatal(err)
			}
			for _, bad := range []string{"<script", "alert", "onclick", "javascript:"} {
				if strings.Contains(pg.Body["en"], bad) {
					t.Errorf("stored body keeps %q: %s", bad, pg.Body["en"])
				}
			}
			if !strings.Contains(pg.Body["en"], "We publish energy news.") || pg.Title["en"] != "About the administration" || pg.Position != 0 {
				t.Errorf("stored %+v", pg)
			}
			public := mgPublic(t, n, "/en/about-us/")
			mgWant(t, "public page", public, http.StatusOK, "We publish energy news.", "About the administration")
			if strings.Contains(public.body, "alert(") {
				t.Error("the public page carries the script")
			}
			if e := mgAudit(t, n, "page.save"); e.Target != "about-us" || e.Details["created"] != "false" {
				t.Errorf("audit %+v", e)
			}
			// Saving what is stored changes nothing.
			pg, _ = n.store.PageBySlug(ctx, "about-us")
			p = mgSubmit(b, "/admin/pages", "/admin/pages", mgForm("slug", "about-us", "title_en", pg.Title["en"], "title_zh", pg.Title["zh"], "body_en", pg.Body["en"], "body_zh", pg.Body["zh"]))
			mgWant(t, "unchanged", mgRedirected(t, b, "unchanged", p, "/admin/pages"), http.StatusOK, "Nothing changed.")

			// Create a page; it goes after the others.
			p = mgSubmit(b, "/admin/pages", "/admin/pages", mgForm("new", "1", "slug", "privacy", "title_en", "Privacy", "body_en", "<p>We keep no reader data.</p>"))
			mgRedirected(t, b, "create", p, "/admin/pages")
			if pg, err := n.store.PageBySlug(ctx, "privacy"); err != nil || pg.Position != 3 || pg.Title["en"] != "Privacy" {
				t.Errorf("created %+v (%v)", pg, err)
			}
			mgWant(t, "new public page", mgPublic(t, n, "/en/privacy/"), http.StatusOK, "We keep no reader data.")
			if e := mgAudit(t, n, "page.save"); e.Target != "privacy" || e.Details["created"] != "true" {
				t.Errorf("audit %+v", e)
			}

			for _, tt := range refusals {
				t.Run(tt.name, func(t *testing.T) {
					p := mgSubmit(b, "/admin/pages", "/admin/pages", mgForm("new", "1", "slug", tt.slug, "title_en", tt.title, "body_en", "<p>Text kept</p>"))
					mgWant(t, tt.name, p, http.StatusUnprocessableEntity, tt.want, "<textarea id=\"new-body-en\" name=\"body_en\" rows=\"10\" lang=\"en\"><p>Text kept</p></textarea>")
				})
			}
			if list, _ := n.store.Pages(ctx); len(list) != 4 {
				t.Errorf("refused forms changed the pages: %d", len(list))
			}
			// The edit form of a page that does not exist is not found.
			if p := mgSubmit(b, "/admin/pages", "/admin/pages", mgForm("slug", "nope", "title_en", "Nope")); p.status != http.StatusNotFound {
				t.Errorf("update of a missing page: %d", p.status)
			}
		})
	}
}
