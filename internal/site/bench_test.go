package site_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
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

// benchArticles is how many articles the cold-render benchmark stores:
// NEWSDESK_BENCH_ARTICLES (bench/cold-render.sh sets 100,000), else 10,000.
func benchArticles() int {
	if n, err := strconv.Atoi(os.Getenv("NEWSDESK_BENCH_ARTICLES")); err == nil && n > 0 {
		return n
	}
	return 10_000
}

// BenchmarkColdArticle renders a different stored article on every
// iteration, uncached (a page-cache miss), and reports the p50 and p99
// latency; BenchmarkCachedPage is a page-cache hit of the same portal
// measured in the same run, the baseline.
func BenchmarkColdArticle(b *testing.B) {
	for _, dialect := range storetest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			p := newPortal(b, dialect)
			n := benchArticles()
			fill(b, p.store, n)
			site, err := p.store.Site(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			loc := site.Location()
			start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
			tree, _ := p.store.Channels(context.Background())
			channels := tree.All()
			path := func(i int) string {
				a := news.Article{Language: "en", ChannelPath: channels[i%len(channels)].Path,
					ReleaseAt: start.Add(time.Duration(i) * 17 * time.Minute), Slug: fmt.Sprintf("transmission-line-progress-report-%d", i)}
				return a.Path(loc)
			}
			handler := p.srv.Config.Handler
			rng := rand.New(rand.NewPCG(1, 2))
			var lat []time.Duration
			b.ResetTimer()
			for b.Loop() {
				req := httptest.NewRequest("GET", path(rng.IntN(n)), nil)
				rec := httptest.NewRecorder()
				t0 := time.Now()
				handler.ServeHTTP(rec, req)
				lat = append(lat, time.Since(t0))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: status %d", req.URL.Path, rec.Code)
				}
			}
			reportPercentiles(b, lat)
		})
	}
}

func BenchmarkCachedPage(b *testing.B) {
	p := newCachedPortal(b, "sqlite")
	handler := p.srv.Config.Handler
	warm := httptest.NewRequest("GET", seedEN, nil)
	handler.ServeHTTP(httptest.NewRecorder(), warm)
	req := httptest.NewRequest("GET", seedEN, nil)
	req.Header.Set("Accept-Encoding", "gzip, br")
	var lat []time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rec := httptest.NewRecorder()
		t0 := time.Now()
		handler.ServeHTTP(rec, req)
		lat = append(lat, time.Since(t0))
		if rec.Header().Get("X-Cache") != "hit" {
			b.Fatalf("X-Cache %q", rec.Header().Get("X-Cache"))
		}
	}
	reportPercentiles(b, lat)
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	at := func(q float64) float64 {
		return float64(lat[min(int(q*float64(len(lat))), len(lat)-1)].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}
