package export_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"newsdesk/internal/export"
	"newsdesk/internal/news"
	"newsdesk/internal/site"
	"newsdesk/internal/store"
)

// BenchmarkFullExport exports a site of 2,000 generated articles (plus
// their listings and tag pages) per iteration; bench/export-vs-hugo.sh
// compares whole runs against Hugo.
func BenchmarkFullExport(b *testing.B) {
	f := newFixtureTB(b, "sqlite")
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("NEWSDESK_BENCH_ARTICLES")); err == nil && v > 0 {
		n = v
	}
	fillArticles(b, f.store, n)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		// A portal for each export, reading its frame once, as
		// `newsdesk export static` sets one up.
		portal, err := site.New(site.Options{Store: f.store, Now: func() time.Time { return f.now }, Log: slog.New(slog.DiscardHandler),
			BaseURL: "https://news.example.org", Snapshot: true})
		if err != nil {
			b.Fatal(err)
		}
		dir := filepath.Join(b.TempDir(), fmt.Sprint("site", i))
		ex := f.exporter(dir)
		ex.Handler, ex.Listing, ex.Articles = portal, portal.ListingPages, portal.ArticlePages
		sum, err := ex.Full(context.Background(), f.targetsTB(b), export.State{})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(sum.Pages), "pages")
	}
}

func fillArticles(b *testing.B, s *store.Store, n int) {
	ctx := context.Background()
	tree, _ := s.Channels(ctx)
	channels := tree.All()
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	tags := []string{"grid", "solar", "wind", "hydro", "coal", "policy", "trade", "storage"}
	err := s.InTx(ctx, func(tx *store.Tx) error {
		for i := range n {
			c := channels[i%len(channels)]
			at := start.Add(time.Duration(i) * 17 * time.Minute)
			_, err := tx.SaveArticle(ctx, news.Article{URI: fmt.Sprintf("urn:bench:%d", i), Language: "en", ChannelID: c.ID, ChannelPath: c.Path,
				Headline: fmt.Sprintf("Transmission line progress report %d", i), Slug: fmt.Sprintf("transmission-line-progress-report-%d", i),
				Summary: "Crews work in shifts.", BodyHTML: "<p>The grid operator reported steady progress on the new transmission line.</p>",
				Source: "Xinhua", Editor: "Leon", Tags: []string{tags[i%8], tags[(i/8)%8]}, Status: news.StatusPublished,
				ReleaseAt: at, VersionCreated: at, CreatedAt: at, UpdatedAt: at})
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
