package site_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/store/storetest"
)

// TestTagPages: /{lang}/tags/{tag}/ lists the visible, listed articles with
// that tag, newest first, 20 a page, for any tag text.
func TestTagPages(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			doc := func(uri, lang, headline, released string, tags ...string) string {
				subjects := []string{}
				for _, tag := range tags {
					subjects = append(subjects, fmt.Sprintf(`{"name":%q}`, tag))
				}
				return fmt.Sprintf(`{"uri":%q,"language":%q,"headlines":[{"role":"main","value":%q}],"subjects":[%s],
					"bodies":[{"contenttype":"text/html","value":"<p>Text.</p>"}],"firstcreated":%q}`,
					uri, lang, headline, strings.Join(subjects, ","), released)
			}
			for i := range 24 {
				p.importJSON(t, "news/china/industry", doc(fmt.Sprintf("urn:test:tag:%d", i), "en",
					fmt.Sprintf("Grid item %02d", i), fmt.Sprintf("2026-03-%02dT08:00:00+08:00", i+1), "grid"))
			}
			p.importJSON(t, "news/world", doc("urn:test:tag:zh", "en", "Grid item in Chinese tag", "2026-04-01T08:00:00+08:00", "电网", "a/b", "grid"))
			p.importJSON(t, "news/world", doc("urn:test:tag:zh-lang", "zh", "电网建设进展", "2026-04-01T08:00:00+08:00", "电网"))
			r := p.importJSON(t, "news/world", doc("urn:test:tag:retracted", "en", "Retracted grid item", "2026-04-02T08:00:00+08:00", "grid", "withdrawn"))
			p.newsroom(t).step(t, r.Article, news.TransitionRetract, "Wrong.", time.Time{})
			p.importJSON(t, "news/world", doc("urn:test:tag:future", "en", "Future grid item", "2026-12-30T08:00:00+08:00", "grid", "future"))

			cases := []struct {
				name, path string
				status     int
				location   string
				contains   []string
				absent     []string
				items      int
			}{
				{name: "first page", path: "/en/tags/grid/", status: 200, items: 20, contains: []string{
					"<title>Tag: grid - ", "<h1>Tag: grid</h1>", "Grid item in Chinese tag", "Grid item 23",
					`href="/en/tags/grid/?page=2" rel="next"`, "Page 1 of 2", `<link rel="canonical" href="/en/tags/grid/">`,
				}, absent: []string{"Grid item 04", "Retracted grid item", "Future grid item"}},
				{name: "second page", path: "/en/tags/grid/?page=2", status: 200, items: 5, contains: []string{"Grid item 00", `rel="prev"`}},
				{name: "past the last page", path: "/en/tags/grid/?page=3", status: 404},
				{name: "page zero", path: "/en/tags/grid/?page=0", status: 404},
				{name: "page twice", path: "/en/tags/grid/?page=1&page=2", status: 404},
				{name: "Chinese tag", path: "/en/tags/%E7%94%B5%E7%BD%91/", status: 200, items: 1,
					contains: []string{"<h1>Tag: 电网</h1>", `<link rel="canonical" href="/en/tags/%E7%94%B5%E7%BD%91/">`}, absent: []string{"电网建设进展"}},
				{name: "Chinese tag in Chinese", path: "/zh/tags/%E7%94%B5%E7%BD%91/", status: 200, items: 1,
					contains: []string{"<h1>标签：电网</h1>", "电网建设进展"}, absent: []string{"Grid item"}},
				{name: "tag with a slash", path: "/en/tags/a%2Fb/", status: 200, items: 1, contains: []string{"<h1>Tag: a/b</h1>"}},
				{name: "slash splits the tag", path: "/en/tags/a/b/", status: 404},
				{name: "without slash", path: "/en/tags/grid", status: 301, location: "/en/tags/grid/"},
				{name: "Chinese without slash", path: "/en/tags/%E7%94%B5%E7%BD%91", status: 301, location: "/en/tags/%E7%94%B5%E7%BD%91/"},
				{name: "no tag", path: "/en/tags/", status: 404},
				{name: "tag nothing visible carries", path: "/en/tags/wind/", status: 404},
				{name: "only a retracted article", path: "/en/tags/withdrawn/", status: 404},
				{name: "only a future article", path: "/en/tags/future/", status: 404},
				{name: "other language", path: "/zh/tags/grid/", status: 404},
				{name: "tags is not a channel", path: "/en/tags/grid/2026/03/01/grid-item-00/", status: 404},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					r := get(t, p, c.path)
					if r.status != c.status {
						t.Fatalf("GET %s: status %d, want %d", c.path, r.status, c.status)
					}
					if c.location != "" && r.header.Get("Location") != c.location {
						t.Errorf("Location %q, want %q", r.header.Get("Location"), c.location)
					}
					for _, s := range c.contains {
						if !strings.Contains(r.body, s) {
							t.Errorf("GET %s lacks %q", c.path, s)
						}
					}
					for _, s := range c.absent {
						if strings.Contains(r.body, s) {
							t.Errorf("GET %s has %q", c.path, s)
						}
					}
					if c.items == 0 {
						return
					}
					if got := listItems(r.body) - listItems(channelMenu(r.body)); got != c.items {
						t.Errorf("GET %s lists %d articles, want %d", c.path, got, c.items)
					}
				})
			}
			// Newest first.
			page := get(t, p, "/en/tags/grid/").body
			if !(strings.Index(page, "Grid item in Chinese tag") < strings.Index(page, "Grid item 23") &&
				strings.Index(page, "Grid item 23") < strings.Index(page, "Grid item 22")) {
				t.Error("tag page is not newest first")
			}
		})
	}
}
