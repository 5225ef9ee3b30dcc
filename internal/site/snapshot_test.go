package site_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"newsdesk/internal/site"
	"newsdesk/internal/store/storetest"
)

// TestSnapshotKeepsFrame: a portal built with Options.Snapshot (the static
// export's) reads the site's name, navigation and footer once and keeps
// them, while a serving portal over the same database shows a change at
// the next request: in the masthead too, which a frame renders once.
func TestSnapshotKeepsFrame(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			ctx := context.Background()
			snap, err := site.New(site.Options{Store: p.store, Now: p.clock.Now, Log: slog.New(slog.DiscardHandler), Snapshot: true})
			if err != nil {
				t.Fatal(err)
			}
			page := func(h *site.Server, path string) string {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
				b, _ := io.ReadAll(rec.Result().Body)
				if rec.Code != 200 {
					t.Fatalf("%s: %d", path, rec.Code)
				}
				return string(b)
			}
			const old, renamed = "National Energy Administration", "Renamed Energy Desk"
			masthead := func(name string) string { return `<p class="sitename"><a href="/en/">` + name + `</a></p>` }
			if !strings.Contains(page(snap, "/en/"), masthead(old)) {
				t.Fatalf("the snapshot portal's first page lacks the site name %q", old)
			}
			if !strings.Contains(page(p.site, "/en/news/"), masthead(old)) {
				t.Fatalf("the serving portal's first page lacks the site name %q", old)
			}
			if _, err := p.store.SetSetting(ctx, "name", map[string]string{"en": renamed}); err != nil {
				t.Fatal(err)
			}
			if body := page(snap, "/en/news/"); !strings.Contains(body, masthead(old)) || strings.Contains(body, renamed) {
				t.Errorf("the snapshot portal read the settings again")
			}
			if body := page(p.site, "/en/news/"); !strings.Contains(body, masthead(renamed)) {
				t.Errorf("the serving portal kept the old settings")
			}
		})
	}
}

// TestSnapshotFeeds: the formats of a feed, which a snapshot portal loads
// once between them, are the serving portal's, asked in any order and
// more than once, of the site, a language and channels.
func TestSnapshotFeeds(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			snap, err := site.New(site.Options{Store: p.store, Now: p.clock.Now, Log: slog.New(slog.DiscardHandler), Snapshot: true})
			if err != nil {
				t.Fatal(err)
			}
			body := func(h *site.Server, path string) string {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
				if rec.Code != 200 {
					t.Fatalf("%s: %d", path, rec.Code)
				}
				return rec.Body.String()
			}
			for _, dir := range []string{"/", "/en/", "/zh/", "/en/news/", "/en/news/china/government-dynamic/"} {
				for _, name := range []string{"feed.json", "feed.xml", "atom.xml", "feed.xml", "feed.json"} {
					if got, want := body(snap, dir+name), body(p.site, dir+name); got != want {
						t.Errorf("%s%s: the snapshot portal's differs", dir, name)
					}
				}
			}
		})
	}
}
