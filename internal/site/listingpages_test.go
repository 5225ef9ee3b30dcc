package site_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"newsdesk/internal/news"
	"newsdesk/internal/site"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// TestListingPagesMatchHandler: every page ListingPages renders in one go
// (for the static export) is byte for byte the page a reader gets at
// path?page=N, for channel listings with pinned stories, subtrees, tag pages
// (Chinese and spaced tags included), and the page after the last is not
// found. Addresses that are not listings are left to the handler.
func TestListingPagesMatchHandler(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			ctx := context.Background()
			channels := []string{"news/china/industry", "news/world", "news/china/government-dynamic"}
			var pinID int64
			var ids []int64
			for i := range 47 {
				lang, tag := "en", "power grid"
				if i%5 == 0 {
					lang, tag = "zh", "电网"
				}
				r := p.importJSON(t, channels[i%3], fmt.Sprintf(`{"uri":"urn:test:lp:%d","language":%q,"headlines":[{"role":"main","value":"Listed item %02d"}],
					"subjects":[{"name":%q}],"bodies":[{"contenttype":"text/html","value":"<p>Text.</p>"}],"firstcreated":"2026-03-%02dT08:%02d:00+08:00"}`,
					i, lang, i, tag, i%28+1, i))
				ids = append(ids, r.Article.ID)
				if i == 7 {
					pinID = r.Article.ID
				}
			}
			// Chinese stories released at one instant (the listings order
			// them by id then), their headlines full of what HTML escapes.
			for i := range 3 {
				r := p.importJSON(t, channels[1], fmt.Sprintf(`{"uri":"urn:test:lp:tie:%d","language":"zh","headlines":[{"role":"main","value":"同时 %d <b>&amp; \"q\" 'a' + %%41 %%zz"}],
					"subjects":[{"name":"电网"}],"bodies":[{"contenttype":"text/html","value":"<p>Text.</p>"}],"firstcreated":"2026-03-09T10:00:00+08:00"}`, i, i))
				ids = append(ids, r.Article.ID)
			}
			if err := p.store.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.SetPin(ctx, store.ChannelScope("news"), pinID, 1); err != nil {
					return err
				}
				// Pinned on news/china: one filed there, one filed
				// elsewhere (the listing shows only the first).
				if err := tx.SetPin(ctx, store.ChannelScope("news/china"), ids[2], 1); err != nil {
					return err
				}
				return tx.SetPin(ctx, store.ChannelScope("news/china"), ids[4], 2)
			}); err != nil {
				t.Fatal(err)
			}
			cases := []struct {
				path  string
				pages int
			}{
				{"/en/news/", 2}, // 38 English and the seed, one of them pinned
				{"/en/news/china/", 2},
				{"/en/news/world/", 1},
				{"/zh/news/", 1},
				{"/en/tags/" + url.PathEscape("power grid") + "/", 2},
				{"/zh/tags/" + url.PathEscape("电网") + "/", 1},
				{"/en/policies/", 1}, // a channel without articles still has its page 1
			}
			// A snapshot portal (the export's) cuts every listing from one
			// reading of each language's articles: its pages must be the
			// same bytes, asked once or again.
			snap, err := site.New(site.Options{Store: p.store, Now: p.clock.Now, Log: slog.New(slog.DiscardHandler), Snapshot: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, lp := range []*site.Server{p.site, snap, snap} {
				for _, c := range cases {
					var queries []string
					handled, err := lp.ListingPages(ctx, c.path, func(query string, body []byte) error {
						queries = append(queries, query)
						target := c.path
						if query != "" {
							target += "?" + query
						}
						if r := get(t, p, target); r.status != 200 || r.body != string(body) {
							t.Errorf("%s: ListingPages differs from the handler's %d page", target, r.status)
						}
						return nil
					})
					if err != nil || !handled {
						t.Fatalf("%s: handled %v, %v", c.path, handled, err)
					}
					if len(queries) != c.pages {
						t.Errorf("%s: %d pages %q, want %d", c.path, len(queries), queries, c.pages)
					}
					if r := get(t, p, fmt.Sprintf("%s?page=%d", c.path, c.pages+1)); r.status != 404 {
						t.Errorf("%s: page %d answers %d, want 404 past the last page", c.path, c.pages+1, r.status)
					}
				}
			}
			for _, lp := range []*site.Server{p.site, snap} {
				for _, path := range []string{"/en/", "/en/nowhere/", "/en/tags/unknown/", "/fr/news/", "/en/about-us/", "/en/corrections/", "/sitemap.xml"} {
					handled, err := lp.ListingPages(ctx, path, func(string, []byte) error {
						t.Errorf("%s: rendered a page", path)
						return nil
					})
					if err != nil || handled {
						t.Errorf("%s: handled %v, %v; want it left to the handler", path, handled, err)
					}
				}
			}
		})
	}
}

// TestListingIndexCutsLikeQueries: the snapshot's listings (listingIndex:
// inChannel and its tag lists) are the handler's where a cut by string
// could go wrong: a channel whose path extends a sibling's without a slash
// (news/china and news/chinatown, news and newsroom), tags that differ
// only in case, a story pinned on a channel it is not filed under, and
// stories released at one instant. Both dialects, page by page.
func TestListingIndexCutsLikeQueries(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			ctx := context.Background()
			if err := p.store.InTx(ctx, func(tx *store.Tx) error {
				china, err := tx.ChannelByPath(ctx, "news/china")
				if err != nil {
					return err
				}
				if _, err := tx.CreateChannel(ctx, news.Channel{ParentID: china.ParentID, Slug: "chinatown", Name: news.Localized{"en": "Chinatown"}, Position: 9}); err != nil {
					return err
				}
				_, err = tx.CreateChannel(ctx, news.Channel{Slug: "newsroom", Name: news.Localized{"en": "Newsroom"}, Position: 9})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for i, c := range []struct{ channel, tag string }{
				{"news/china", "Grid"}, {"news/chinatown", "grid"}, {"newsroom", "Grid"}, {"news/chinatown", "GRID"},
				{"newsroom", "grid"}, {"news/china/industry", "grid"}, {"news/chinatown", "Grid"}, {"newsroom", "grid"},
			} {
				// Two at each instant: listings order those by id.
				r := p.importJSON(t, c.channel, fmt.Sprintf(`{"uri":"urn:test:cut:%d","language":"en","headlines":[{"role":"main","value":"Cut item %d in %s"}],
					"subjects":[{"name":%q}],"bodies":[{"contenttype":"text/html","value":"<p>Text.</p>"}],"firstcreated":"2026-03-0%dT08:00:00+08:00"}`,
					i, i, c.channel, c.tag, 1+i/2))
				ids = append(ids, r.Article.ID)
			}
			if err := p.store.InTx(ctx, func(tx *store.Tx) error {
				// Pinned on news/china: one filed in news/chinatown (not
				// in that listing at all), one filed in news/china.
				if err := tx.SetPin(ctx, store.ChannelScope("news/china"), ids[1], 1); err != nil {
					return err
				}
				if err := tx.SetPin(ctx, store.ChannelScope("news/china"), ids[0], 2); err != nil {
					return err
				}
				return tx.SetPin(ctx, store.ChannelScope("news"), ids[2], 1)
			}); err != nil {
				t.Fatal(err)
			}
			snap, err := site.New(site.Options{Store: p.store, Now: p.clock.Now, Log: slog.New(slog.DiscardHandler), Snapshot: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				path        string
				has, hasNot []string
			}{
				{"/en/news/china/", []string{"Cut item 0 ", "Cut item 5 "}, []string{"Cut item 1 ", "Cut item 3 "}},
				{"/en/news/chinatown/", []string{"Cut item 1 ", "Cut item 3 ", "Cut item 6 "}, []string{"Cut item 0 "}},
				{"/en/news/", []string{"Cut item 0 ", "Cut item 1 "}, []string{"Cut item 2 ", "Cut item 4 "}},
				{"/en/newsroom/", []string{"Cut item 2 ", "Cut item 4 ", "Cut item 7 "}, []string{"Cut item 0 "}},
				{"/en/tags/Grid/", []string{"Cut item 0 ", "Cut item 2 ", "Cut item 6 "}, []string{"Cut item 1 ", "Cut item 3 "}},
				{"/en/tags/grid/", []string{"Cut item 1 ", "Cut item 4 "}, []string{"Cut item 0 ", "Cut item 3 "}},
				{"/en/tags/GRID/", []string{"Cut item 3 "}, []string{"Cut item 1 "}},
			} {
				var first string
				handled, err := snap.ListingPages(ctx, c.path, func(query string, body []byte) error {
					target := c.path
					if query != "" {
						target += "?" + query
					} else {
						first = string(body)
					}
					if r := get(t, p, target); r.status != 200 || r.body != string(body) {
						t.Errorf("%s: the snapshot's page differs from the handler's %d page", target, r.status)
					}
					return nil
				})
				if err != nil || !handled {
					t.Fatalf("%s: handled %v, %v", c.path, handled, err)
				}
				for _, h := range c.has {
					if !strings.Contains(first, h) {
						t.Errorf("%s: no %q", c.path, h)
					}
				}
				for _, h := range c.hasNot {
					if strings.Contains(first, h) {
						t.Errorf("%s: lists %q", c.path, h)
					}
				}
			}
		})
	}
}
