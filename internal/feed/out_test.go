package feed

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// sampleFeed is a site-wide feed mixing languages, with and without full
// text and lead images, in the site's zone.
func sampleFeed(full bool) Feed {
	shanghai := time.FixedZone("CST", 8*3600)
	rel := time.Date(2022, 9, 16, 17, 51, 59, 0, shanghai)
	items := []Item{
		{ID: "tag:news.example.org,2022-09-16:article/1", URL: "https://news.example.org/en/news/2022/09/16/xi-meets/",
			Title: "Xi meets with Belarusian President <Lukashenko> & more", Language: "en", Summary: "Talks in Samarkand.",
			Author: "Xinhua", Categories: []string{"diplomacy", "Belarus"}, Published: rel, Updated: rel.Add(time.Hour),
			Image: &Image{URL: "https://news.example.org/media/lead.jpg", Type: "image/jpeg", Length: 12345}},
		{ID: "tag:news.example.org,2022-09-16:article/2", URL: "https://news.example.org/zh/news/2022/09/16/%E4%B9%A0/",
			Title: "习近平会见白俄罗斯总统卢卡申科", Language: "zh", Published: rel.Add(-time.Hour), Updated: rel.Add(-time.Hour)},
	}
	if full {
		items[0].ContentHTML = "<p>Chinese President Xi Jinping met <b>Lukashenko</b>.</p>"
		items[1].ContentHTML = "<p>国家主席习近平会见白俄罗斯总统卢卡申科。</p>"
	}
	return Feed{
		ID: "tag:news.example.org,2022-01-01:feed", Title: "Example News", Description: "All the news",
		HomeURL: "https://news.example.org/", HubURL: "https://hub.example.org/", Author: "Example News",
		Updated: rel.Add(time.Hour), Items: items,
	}
}

// TestWritersParseBack writes each format and reads it back with gofeed, as
// a subscriber's reader would, and checks it against the validator's rules.
func TestWritersParseBack(t *testing.T) {
	writers := []struct {
		name  string
		write func(*bytes.Buffer, Feed) error
		kind  gofeed.FeedType
	}{
		{RSSName, func(b *bytes.Buffer, f Feed) error { return WriteRSS(b, f) }, gofeed.FeedTypeRSS},
		{AtomName, func(b *bytes.Buffer, f Feed) error { return WriteAtom(b, f) }, gofeed.FeedTypeAtom},
		{JSONFeedName, func(b *bytes.Buffer, f Feed) error { return WriteJSONFeed(b, f) }, gofeed.FeedTypeJSON},
	}
	for _, w := range writers {
		for _, full := range []bool{true, false} {
			t.Run(w.name+map[bool]string{true: "/full", false: "/summary"}[full], func(t *testing.T) {
				f := sampleFeed(full)
				f.SelfURL = "https://news.example.org/" + w.name
				var b bytes.Buffer
				if err := w.write(&b, f); err != nil {
					t.Fatal(err)
				}
				if problems := Lint(w.name, b.Bytes()); len(problems) > 0 {
					t.Errorf("validator rules broken:\n%s\n%s", strings.Join(problems, "\n"), b.String())
				}
				if gofeed.DetectFeedType(bytes.NewReader(b.Bytes())) != w.kind {
					t.Errorf("gofeed does not detect %s", w.name)
				}
				got, err := gofeed.NewParser().ParseString(b.String())
				if err != nil {
					t.Fatalf("gofeed: %v\n%s", err, b.String())
				}
				if got.Title != f.Title || got.Link != f.HomeURL || len(got.Items) != 2 {
					t.Fatalf("feed = %q %q %d items", got.Title, got.Link, len(got.Items))
				}
				if got.FeedLink != f.SelfURL {
					t.Errorf("self link = %q, want %q", got.FeedLink, f.SelfURL)
				}
				for i, it := range got.Items {
					want := f.Items[i]
					if it.GUID != want.ID || it.Title != want.Title || it.Link != want.URL {
						t.Errorf("item %d = %q %q %q, want %q %q %q", i, it.GUID, it.Title, it.Link, want.ID, want.Title, want.URL)
					}
					if it.PublishedParsed == nil || !it.PublishedParsed.Equal(want.Published) {
						t.Errorf("item %d published = %v, want %v", i, it.PublishedParsed, want.Published)
					}
					if !strings.Contains(it.Published, "+0800") && !strings.Contains(it.Published, "+08:00") {
						t.Errorf("item %d published = %q, want the site's offset +08:00", i, it.Published)
					}
					body := it.Content
					if w.name == RSSName || body == "" {
						body = it.Content + it.Description
					}
					if full && !strings.Contains(body, want.ContentHTML) {
						t.Errorf("item %d lost its full text: %q", i, body)
					}
					if !full && strings.Contains(body, "<p>") {
						t.Errorf("summary feed carries the body: %q", body)
					}
				}
				lead := got.Items[0]
				switch {
				case w.name == JSONFeedName && (lead.Image == nil || lead.Image.URL != f.Items[0].Image.URL):
					t.Errorf("lead image = %+v", lead.Image)
				case len(lead.Enclosures) != 1 || lead.Enclosures[0].URL != f.Items[0].Image.URL || lead.Enclosures[0].Type != "image/jpeg":
					t.Errorf("enclosures = %+v", lead.Enclosures)
				}
				if len(got.Items[1].Enclosures) != 0 {
					t.Errorf("an item without a lead image has enclosures %+v", got.Items[1].Enclosures)
				}
				if w.name != RSSName && !strings.Contains(b.String(), "hub.example.org") {
					t.Error("the hub is not advertised")
				}
			})
		}
	}
}

// TestAtomLanguages: a feed of one language says so once; a mixed feed
// names each entry's language.
func TestAtomLanguages(t *testing.T) {
	f := sampleFeed(false)
	f.SelfURL = "https://news.example.org/atom.xml"
	var mixed bytes.Buffer
	if err := WriteAtom(&mixed, f); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<entry xml:lang="en">`, `<entry xml:lang="zh">`} {
		if !strings.Contains(mixed.String(), want) {
			t.Errorf("mixed feed lacks %s", want)
		}
	}
	f.Language, f.Items = "en", f.Items[:1]
	var one bytes.Buffer
	if err := WriteAtom(&one, f); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(one.String(), `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">`) || strings.Contains(one.String(), `<entry xml:lang`) {
		t.Errorf("one-language feed:\n%s", one.String())
	}
}

// TestLintCatchesBreakage: the rule checker must be able to fail.
func TestLintCatchesBreakage(t *testing.T) {
	f := sampleFeed(false)
	f.SelfURL = "https://news.example.org/feed.xml"
	for _, tc := range []struct {
		name   string
		break_ func(*Feed)
		class  string
	}{
		{RSSName, func(f *Feed) { f.SelfURL = "" }, "MissingAtomSelfLink"},
		{RSSName, func(f *Feed) { f.Items[1].ID = f.Items[0].ID }, "DuplicateItem"},
		{RSSName, func(f *Feed) { f.HomeURL = "/relative/" }, "InvalidURLAttribute"},
		{AtomName, func(f *Feed) { f.SelfURL = "" }, "MissingSelf"},
		{AtomName, func(f *Feed) { f.Items[1].ID = f.Items[0].ID }, "DuplicateEntries"},
		{AtomName, func(f *Feed) { f.Items[0].Language = "" }, "MissingLanguage"},
		{JSONFeedName, func(f *Feed) { f.Items[0].URL = "/en/x/" }, "not absolute"},
	} {
		g := sampleFeed(false)
		g.SelfURL = f.SelfURL
		tc.break_(&g)
		var b bytes.Buffer
		var err error
		switch tc.name {
		case RSSName:
			err = WriteRSS(&b, g)
		case AtomName:
			err = WriteAtom(&b, g)
		default:
			err = WriteJSONFeed(&b, g)
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(Lint(tc.name, b.Bytes()), "\n"); !strings.Contains(got, tc.class) {
			t.Errorf("%s: want %s, got %q", tc.name, tc.class, got)
		}
	}
}

func TestPaths(t *testing.T) {
	got := strings.Join(Paths("zh", "news/china"), " ")
	want := "/feed.xml /atom.xml /feed.json /zh/feed.xml /zh/atom.xml /zh/feed.json " +
		"/zh/news/feed.xml /zh/news/atom.xml /zh/news/feed.json /zh/news/china/feed.xml /zh/news/china/atom.xml /zh/news/china/feed.json"
	if got != want {
		t.Errorf("Paths = %s", got)
	}
}

// TestRSSItemLanguages: a mixed-language RSS feed names each item's
// language in dc:language; a one-language feed says it once.
func TestRSSItemLanguages(t *testing.T) {
	f := sampleFeed(false)
	f.SelfURL = "https://news.example.org/feed.xml"
	var mixed, one bytes.Buffer
	if err := WriteRSS(&mixed, f); err != nil {
		t.Fatal(err)
	}
	got, err := gofeed.NewParser().ParseString(mixed.String())
	if err != nil {
		t.Fatal(err)
	}
	if got.Items[0].DublinCoreExt == nil || len(got.Items[1].DublinCoreExt.Language) != 1 || got.Items[1].DublinCoreExt.Language[0] != "zh" {
		t.Errorf("item languages: %s", mixed.String())
	}
	f.Language = "en"
	if err := WriteRSS(&one, f); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(one.String(), "dc:language") || !strings.Contains(one.String(), "<language>en</language>") {
		t.Errorf("one-language feed:\n%s", one.String())
	}
}
