package ingest_test

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/feed"
	"newsdesk/internal/ingest"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// wireRSS is a small agency feed; edit changes it between polls.
func wireRSS(items ...string) []byte {
	return []byte(`<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Agency Wire</title><link>https://wire.example/</link><language>en-us</language>` +
		strings.Join(items, "\n") + `</channel></rss>`)
}

func rssItem(guid, title, body, date string) string {
	return `<item><guid isPermaLink="false">` + guid + `</guid><title>` + title + `</title><description><![CDATA[` + body +
		`]]></description><pubDate>` + date + `</pubDate><category>Economy</category><author>desk@wire.example (Ann Lee)</author></item>`
}

func parse(t testing.TB, data []byte) feed.IncomingFeed {
	t.Helper()
	f, err := feed.ParseFeed(data, feed.WireAuto)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFeedItemsThroughAWireSource(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		site, _ := s.Site(ctx)
		ch, _ := s.ChannelByPath(ctx, gd)
		w := news.WireSource{Name: "Agency", URL: "https://wire.example/feed.xml", Format: "rss", ChannelID: ch.ID, Language: "en",
			Credit: "Agency Wire", Poll: 5 * time.Minute, Enabled: true}
		v := &news.ValidationError{}
		w.Validate(v, site)
		if v.Err() != nil {
			t.Fatal(v)
		}
		id, err := s.SaveWireSource(ctx, w, clock)
		if err != nil {
			t.Fatal(err)
		}
		src := ingest.FeedSource{SourceID: id, Key: w.URL, Channel: gd, Language: "en", Credit: "Agency Wire", Actor: "wire"}
		date := "Mon, 30 Nov 2026 08:00:00 +0800"
		first := wireRSS(
			rssItem("a-1", "Rates held", `<p>The bank held rates.</p><script>alert(1)</script>`, date),
			rssItem("a-2", "Trade grows", `<p>Exports rose.</p>`, date),
		)
		sum := im.Feed(ctx, src, parse(t, first), nil)
		if sum.Counts[ingest.Created] != 2 || sum.Failed() != 0 {
			t.Fatalf("first poll: %v", sum)
		}
		a1 := byURI(t, s, "https://wire.example/#a-1")
		if a1.Status != news.StatusInReview || a1.Source != "Agency Wire" || a1.Byline != "Ann Lee" || a1.ChannelPath != gd ||
			strings.Contains(a1.BodyHTML, "script") || a1.BodyHTML != "<p>The bank held rates.</p>" || len(a1.Tags) != 1 ||
			!a1.ReleaseAt.Equal(time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("first article: %+v", a1)
		}
		if revs, _ := s.Revisions(ctx, a1.ID); len(revs) != 1 {
			t.Errorf("%d revisions after creation, want 1", len(revs))
		}

		// The same feed again: nothing changes.
		sum = im.Feed(ctx, src, parse(t, first), nil)
		if sum.Counts[ingest.Unchanged] != 2 {
			t.Errorf("second poll: %v", sum)
		}
		// One item changed, one re-sent under a new GUID, one new.
		second := wireRSS(
			rssItem("a-1", "Rates held at 3%", `<p>The bank held rates at 3%.</p>`, date),
			rssItem("a-2", "Trade grows", `<p>Exports rose.</p>`, date),
			rssItem("a-2-resend", "Trade grows", `<p>Exports rose.</p>`, date),
			rssItem("a-3", "Markets calm", `<p>Stocks flat.</p>`, date),
		)
		sum = im.Feed(ctx, src, parse(t, second), nil)
		if sum.Counts[ingest.Updated] != 1 || sum.Counts[ingest.Unchanged] != 1 || sum.Counts[ingest.Duplicate] != 1 || sum.Counts[ingest.Created] != 1 {
			t.Errorf("third poll: %v", sum)
		}
		want := "import feed: 4 items: 1 created, 1 updated, 1 unchanged, 1 duplicates, 0 older ignored, 0 failed"
		if sum.String() != want {
			t.Errorf("summary %q, want %q", sum, want)
		}
		b1 := byURI(t, s, "https://wire.example/#a-1")
		if b1.ID != a1.ID || b1.Headline != "Rates held at 3%" || b1.Status != news.StatusInReview || b1.Slug != a1.Slug {
			t.Errorf("changed item: %+v", b1)
		}
		if revs, _ := s.Revisions(ctx, a1.ID); len(revs) != 2 || revs[0].Headline != "Rates held at 3%" {
			t.Errorf("revisions after a change: %+v", revs)
		}
		if n, _ := s.CountArticles(ctx); n != 3 {
			t.Errorf("%d articles, want 3", n)
		}
		// A later change under the resent GUID updates the first article.
		third := wireRSS(rssItem("a-2-resend", "Trade grows fast", `<p>Exports rose 9%.</p>`, date))
		if sum := im.Feed(ctx, src, parse(t, third), nil); sum.Counts[ingest.Updated] != 1 {
			t.Errorf("resent GUID changed: %v", sum)
		}
		if a := byURI(t, s, "https://wire.example/#a-2"); a.Headline != "Trade grows fast" {
			t.Errorf("first article of the resent story: %q", a.Headline)
		}
		if n, _ := s.CountArticles(ctx); n != 3 {
			t.Errorf("%d articles, want 3", n)
		}
	})
}

func TestFeedAutoPublishAndLanguage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		data := []byte(`{"version":"https://jsonfeed.org/version/1.1","title":"Blog","items":[
			{"id":"https://blog.example/p/1","title":"Published now","content_html":"<p>x</p>","date_published":"2026-11-01T00:00:00Z","image":"https://blog.example/1.jpg"},
			{"id":"https://blog.example/p/2","title":"Later","content_html":"<p>y</p>","date_published":"2027-01-01T00:00:00Z"},
			{"id":"https://blog.example/p/3","content_html":""}]}`)
		src := ingest.FeedSource{Key: "https://blog.example/feed.json", Channel: gd, AutoPublish: true}
		sum := im.Feed(ctx, src, parse(t, data), nil)
		if sum.Counts[ingest.Created] != 2 || sum.Failed() != 1 {
			t.Fatalf("import: %v", sum)
		}
		a := byURI(t, s, "https://blog.example/p/1")
		// No language in the feed: the site's default; no credit: the feed's title.
		if a.Status != news.StatusPublished || a.Language != "en" || a.Source != "Blog" ||
			a.BodyHTML != `<figure><img src="https://blog.example/1.jpg" alt=""></figure><p>x</p>` {
			t.Errorf("auto-published: %+v", a)
		}
		if _, err := s.VisibleArticle(ctx, "en", gd, a.Slug, clock); err != nil {
			t.Errorf("not visible: %v", err)
		}
		if b := byURI(t, s, "https://blog.example/p/2"); b.Status != news.StatusScheduled {
			t.Errorf("future item status %q, want scheduled", b.Status)
		}
		// The Chinese edition, by override.
		src.Language, src.Key = "zh", "other"
		data = []byte(`<rss version="2.0"><channel><title>x</title><item><guid>z1</guid><title>新闻</title><description>内容</description></item></channel></rss>`)
		if sum := im.Feed(ctx, src, parse(t, data), nil); sum.Counts[ingest.Created] != 1 {
			t.Fatalf("zh: %v", sum)
		}
		z := byURI(t, s, "other#z1")
		if z.Language != "zh" || !z.ReleaseAt.Equal(clock) {
			t.Errorf("undated zh item: language %q release %v", z.Language, z.ReleaseAt)
		}
		// Undated copy keeps its first release time on re-import.
		im.Now = func() time.Time { return clock.Add(time.Hour) }
		if sum := im.Feed(ctx, src, parse(t, data), nil); sum.Counts[ingest.Unchanged] != 1 {
			t.Errorf("undated re-import: %v", sum)
		}
	})
}

func TestFeedRefusedItemsChangeNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		data := wireRSS(rssItem("x", "Fine", "<p>ok</p>", "Mon, 30 Nov 2026 08:00:00 +0800"))
		// No channel: refused, nothing stored.
		sum := im.Feed(ctx, ingest.FeedSource{Key: "k"}, parse(t, data), nil)
		if sum.Failed() != 1 {
			t.Errorf("no channel: %v", sum)
		}
		sum = im.Feed(ctx, ingest.FeedSource{Key: "k", Channel: "news/nope"}, parse(t, data), func(r ingest.ItemResult) {
			if !errors.Is(r.Err, news.ErrNotFound) {
				t.Errorf("unknown channel error: %v", r.Err)
			}
		})
		if n, _ := s.CountArticles(ctx); n != 0 || sum.Failed() != 1 {
			t.Errorf("%d articles stored after refusals, %v", n, sum)
		}
	})
}

// TestFeedparserSanitizeCorpus lands every feed of feedparser's sanitizer
// cases (script, event handlers, javascript: URLs, styles, "crazy" HTML in
// titles, summaries and content) through the wire import path, and checks
// every stored body as a browser would parse it.
func TestFeedparserSanitizeCorpus(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/feeds/feedparser/tests/wellformed/sanitize/*.xml")
	if len(files) < 700 {
		t.Fatalf("found %d sanitizer cases", len(files))
	}
	s := storetest.New(t, "sqlite")
	im := setup(t, s)
	landed := 0
	for _, p := range files {
		f, err := feed.ParseFeed(read(t, p), feed.WireAuto)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		sum := im.Feed(ctx, ingest.FeedSource{Key: "file://" + p, Channel: gd, AutoPublish: true}, f, func(r ingest.ItemResult) {
			if r.Err != nil {
				// Most cases are an empty <span attr=...> with no title:
				// nothing a reader could read, refused by name.
				if !strings.Contains(r.Err.Error(), "title") {
					t.Errorf("%s: %s: %v", p, r.Path, r.Err)
				}
				return
			}
			checkSafe(t, p, r.Article.BodyHTML)
			if strings.ContainsAny(r.Article.Headline, "<>") && strings.Contains(strings.ToLower(r.Article.Headline), "script") {
				t.Errorf("%s: headline keeps markup: %q", p, r.Article.Headline)
			}
		})
		landed += sum.Total - sum.Failed()
	}
	if landed < 150 {
		t.Errorf("only %d of %d sanitizer cases landed", landed, len(files))
	}
}

// TestFeedItemInTwoSources: a story two sources carry is one article, and
// the second source does not move it to its own channel.
func TestFeedItemInTwoSources(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		gdc, _ := s.ChannelByPath(ctx, gd)
		world, _ := s.ChannelByPath(ctx, "news/world")
		var ids []int64
		for i, ch := range []news.Channel{gdc, world} {
			id, err := s.SaveWireSource(ctx, news.WireSource{Name: fmt.Sprint(i), URL: fmt.Sprintf("https://wire.example/%d.xml", i), Format: "rss",
				ChannelID: ch.ID, Language: "en", Poll: 5 * time.Minute, Enabled: true}, clock)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		data := wireRSS(rssItem("shared-1", "Shared story", "<p>Both carry it.</p>", "Mon, 30 Nov 2026 08:00:00 +0800"))
		im.Feed(ctx, ingest.FeedSource{SourceID: ids[0], Key: "a", Channel: gd}, parse(t, data), nil)
		sum := im.Feed(ctx, ingest.FeedSource{SourceID: ids[1], Key: "b", Channel: "news/world"}, parse(t, data), nil)
		if sum.Counts[ingest.Created] != 0 {
			t.Errorf("second source: %v", sum)
		}
		if a := byURI(t, s, "https://wire.example/#shared-1"); a.ChannelPath != gd {
			t.Errorf("the shared story moved to %s", a.ChannelPath)
		}
		if n, _ := s.CountArticles(ctx); n != 1 {
			t.Errorf("%d articles, want 1", n)
		}
	})
}
