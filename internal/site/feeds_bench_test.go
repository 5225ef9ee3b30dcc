package site_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"newsdesk/internal/store/storetest"
)

// BenchmarkFeeds renders a language's feeds and the sitemap index from the
// database, with no cache, among 10,000 stored articles (full text, the
// heaviest setting).
func BenchmarkFeeds(b *testing.B) {
	for _, dialect := range storetest.Dialects {
		p := newPortal(b, dialect)
		fill(b, p.store, 10_000)
		if _, err := p.store.SetSetting(b.Context(), "feed_content", "full"); err != nil {
			b.Fatal(err)
		}
		for _, path := range []string{"/en/feed.xml", "/en/atom.xml", "/en/feed.json", "/sitemap.xml", "/sitemaps/2020-01.xml"} {
			b.Run(dialect+path, func(b *testing.B) {
				handler := p.srv.Config.Handler
				req := httptest.NewRequest("GET", path, nil)
				b.ReportAllocs()
				for b.Loop() {
					rec := httptest.NewRecorder()
					handler.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("%s: status %d", path, rec.Code)
					}
				}
			})
		}
	}
}
