package site_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
	"newsdesk/internal/web"
)

// fill stores n published English articles spread over the channel tree.
func fill(b *testing.B, s *store.Store, n int) {
	b.Helper()
	ctx := context.Background()
	tree, err := s.Channels(ctx)
	if err != nil {
		b.Fatal(err)
	}
	channels := tree.All()
	body := ""
	for i := 0; i < 12; i++ {
		body += "<p>The grid operator reported steady progress on the new transmission line, with crews working in shifts through the week.</p>"
	}
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	const batch = 500
	for done := 0; done < n; done += batch {
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for i := done; i < done+batch && i < n; i++ {
				c := channels[i%len(channels)]
				at := start.Add(time.Duration(i) * 17 * time.Minute)
				_, err := tx.SaveArticle(ctx, news.Article{
					URI: fmt.Sprintf("urn:bench:%d", i), Language: "en", ChannelID: c.ID, ChannelPath: c.Path,
					Headline: fmt.Sprintf("Transmission line progress report %d", i), Slug: fmt.Sprintf("transmission-line-progress-report-%d", i),
					Summary: "Crews work in shifts.", BodyHTML: body, Source: "Newsdesk", Editor: "Bench",
					Tags: []string{"grid"}, Status: news.StatusPublished, ReleaseAt: at, VersionCreated: at, CreatedAt: at, UpdatedAt: at,
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkArticlePage renders the seed article page from the database, with
// no cache, among 10,000 stored articles; BenchmarkCachedBytes is the
// baseline of sending the same bytes already rendered, measured in the same run.
func BenchmarkArticlePage(b *testing.B) {
	for _, dialect := range storetest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			p := newPortal(b, dialect)
			fill(b, p.store, 10_000)
			handler := p.srv.Config.Handler
			req := httptest.NewRequest("GET", seedEN, nil)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				rec := httptest.NewRecorder()
				handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}

func BenchmarkCachedBytes(b *testing.B) {
	p := newPortal(b, "sqlite")
	rec := httptest.NewRecorder()
	p.srv.Config.Handler.ServeHTTP(rec, httptest.NewRequest("GET", seedEN, nil))
	body := rec.Body.Bytes()
	req := httptest.NewRequest("GET", seedEN, nil)
	modified := time.Now()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w := httptest.NewRecorder()
		web.Send(w, req, "text/html; charset=utf-8", body, modified)
	}
}
