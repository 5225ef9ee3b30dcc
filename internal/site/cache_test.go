package site_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/editorial"
	"newsdesk/internal/markup"
	"newsdesk/internal/news"
	"newsdesk/internal/sitefile"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// TestCacheInvalidationIsPrecise: updating an article clears its page, its
// channel listings up the tree, its language's home page, its tag pages, the
// corrections page and the feeds of each, and nothing else; a site-wide edit
// clears everything; reordering lead stories clears the home page alone.
func TestCacheInvalidationIsPrecise(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newCachedPortal(t, dialect)
			cache := p.server().Cache()
			n := p.newsroom(t)
			moving := n.publish(t, editorial.Draft{Language: "en", Channel: "news/china/industry", Headline: "Wind farm output climbs",
				Summary: "Output rose.", BodyHTML: "<p>Output rose.</p>", Tags: []string{"wind"}})
			other := n.publish(t, editorial.Draft{Language: "en", Channel: "news/world", Headline: "Grid links abroad",
				Summary: "Links.", BodyHTML: "<p>Links.</p>", Tags: []string{"grid"}})
			zh := n.publish(t, editorial.Draft{Language: "zh", Channel: "news/china/industry", Headline: "风电出力上升",
				Summary: "出力上升。", BodyHTML: "<p>出力上升。</p>", Tags: []string{"风电"}})
			pages := []string{
				articlePath(moving), articlePath(other), articlePath(zh), seedEN,
				"/en/", "/zh/", "/en/news/", "/en/news/china/", "/en/news/china/industry/", "/en/news/world/",
				"/en/news/china/government-dynamic/", "/zh/news/china/industry/", "/en/tags/wind/", "/en/tags/grid/",
				"/en/corrections/", "/zh/corrections/", "/en/about-us/", "/zh/about-us/",
			}
			caughtUp := func() {
				t.Helper()
				last, err := p.store.LastChange(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				for deadline := time.Now().Add(10 * time.Second); p.server().Followed() < last && time.Now().Before(deadline); {
					time.Sleep(5 * time.Millisecond)
				}
			}
			warm := func() {
				t.Helper()
				caughtUp()
				for _, u := range pages {
					if r := get(t, p, u); r.status != 200 {
						t.Fatalf("GET %s: %d", u, r.status)
					}
				}
				for _, u := range pages {
					if !cache.Fresh(u) {
						t.Fatalf("%s not cached after a GET", u)
					}
				}
			}
			// settle waits until the change log has been applied, then lists
			// the pages no longer fresh.
			settle := func() []string {
				t.Helper()
				caughtUp()
				var stale []string
				for _, u := range pages {
					if !cache.Fresh(u) {
						stale = append(stale, u)
					}
				}
				return stale
			}

			warm()
			oldPath := articlePath(moving)
			a, err := n.ed.Save(context.Background(), n.chief, "", moving.ID, moving.Version, editorial.Draft{Language: "en",
				Channel: "news/china/industry", Headline: "Wind farm output climbs again", Summary: "Output rose.",
				BodyHTML: "<p>Output rose more.</p>", Tags: []string{"wind"}}, false)
			if err != nil {
				t.Fatal(err)
			}
			got := settle()
			want := []string{articlePath(a), "/en/", "/en/news/", "/en/news/china/", "/en/news/china/industry/", "/en/tags/wind/", "/en/corrections/"}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("after an update, stale pages:\n got %v\nwant %v", got, want)
			}
			if r := get(t, p, articlePath(a)); !strings.Contains(r.body, "Wind farm output climbs again") {
				t.Error("the updated article page still shows the old headline")
			}

			// Moving it to another channel also clears the listings it left.
			warm()
			a, err = n.ed.Save(context.Background(), n.chief, "", a.ID, a.Version, editorial.Draft{Language: "en",
				Channel: "news/world", Headline: a.Headline, Summary: "Output rose.", BodyHTML: "<p>Output rose more.</p>",
				Tags: []string{"grid"}}, false)
			if err != nil {
				t.Fatal(err)
			}
			got = settle()
			for _, u := range []string{oldPath, "/en/news/china/", "/en/news/china/industry/", "/en/news/world/", "/en/tags/wind/", "/en/tags/grid/"} {
				if !slices.Contains(got, u) {
					t.Errorf("after a move, %s is still fresh", u)
				}
			}
			for _, u := range []string{"/zh/", articlePath(other), articlePath(zh), "/en/news/china/government-dynamic/", "/en/about-us/"} {
				if slices.Contains(got, u) {
					t.Errorf("after a move, %s was cleared though it does not show the article", u)
				}
			}
			if r := get(t, p, oldPath); r.status != 301 {
				t.Errorf("old address after the move: %d, want 301", r.status)
			}

			// A site-wide edit (footer pages, settings) clears everything.
			pages = slices.DeleteFunc(pages, func(u string) bool { return u == oldPath || u == "/en/tags/wind/" })
			warm()
			siteJSON, err := os.ReadFile(filepath.Join(repoRoot, "testdata/seed/seed-site.json"))
			if err != nil {
				t.Fatal(err)
			}
			edited := strings.Replace(string(siteJSON), "About us", "About this site", 1)
			if _, err := sitefile.Apply(context.Background(), p.store, markup.NewSanitizer(), []byte(edited)); err != nil {
				t.Fatal(err)
			}
			if got = settle(); len(got) != len(pages) {
				t.Errorf("after site apply, stale %d of %d pages: %v", len(got), len(pages), got)
			}

			// Pinning a lead story clears that home page alone.
			warm()
			// (the newsroom's pin form sets the pin and appends this change
			// in one transaction)
			err = p.store.InTx(context.Background(), func(tx *store.Tx) error {
				if err := tx.SetPin(context.Background(), "home:zh", zh.ID, 1); err != nil {
					return err
				}
				_, err := tx.AppendChange(context.Background(), store.Change{At: p.clock.Now(), ArticleID: zh.ID,
					Kind: news.ChangePins, Details: map[string]string{"scopes": "home:zh\nchannel:news/world"}})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			got = settle()
			want = []string{"/zh/", "/en/news/world/"}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("after pinning, stale pages:\n got %v\nwant %v", got, want)
			}
		})
	}
}
