package site_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"testing"

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
