package ingest_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/ingest"
	"newsdesk/internal/news"
	"newsdesk/internal/store/storetest"
)

// BenchmarkUnchangedPoll: the common poll, a 100-item feed that has not
// changed since the last one (the content hashes match, no article is
// touched), on SQLite.
func BenchmarkUnchangedPoll(b *testing.B) {
	s := storetest.New(b, "sqlite")
	im := setup(b, s)
	ch, _ := s.ChannelByPath(ctx, gd)
	id, err := s.SaveWireSource(ctx, news.WireSource{Name: "W", URL: "https://wire.example/feed", Format: "rss", ChannelID: ch.ID, Language: "en", Poll: 5 * time.Minute, Enabled: true}, clock)
	if err != nil {
		b.Fatal(err)
	}
	var items []string
	for i := range 100 {
		items = append(items, rssItem(fmt.Sprintf("g-%d", i), fmt.Sprintf("Story %d", i), strings.Repeat("<p>Copy.</p>", 10), "Mon, 30 Nov 2026 08:00:00 +0800"))
	}
	f := parse(b, wireRSS(items...))
	src := ingest.FeedSource{SourceID: id, Key: "https://wire.example/feed", Channel: gd, Language: "en"}
	if sum := im.Feed(ctx, src, f, nil); sum.Counts[ingest.Created] != 100 {
		b.Fatal(sum)
	}
	for b.Loop() {
		if sum := im.Feed(ctx, src, f, nil); sum.Counts[ingest.Unchanged] != 100 {
			b.Fatal(sum)
		}
	}
}
