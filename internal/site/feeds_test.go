package site_test

import (
	"context"
	"encoding/xml"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"newsdesk/internal/feed"
	"newsdesk/internal/site"
	"newsdesk/internal/store/storetest"
)

// seedTitle is the English seed article's headline.
const (
	seedTitle   = "Xi meets with Belarusian President Lukashenko"
	seedTitleZH = "习近平会见白俄罗斯总统卢卡申科"
)

// TestFeeds reads every feed scope in every format as a subscriber would:
// each parses back with gofeed, keeps the validator's rules, holds what its
// scope covers and nothing else, and answers conditional requests.
func TestFeeds(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			scopes := []struct {
				dir      string
				lang     string // the feed's language, "" for the whole site
				want     []string
				wantNone []string
			}{
				{"/", "", []string{seedTitle, seedTitleZH}, nil},
				{"/en/", "en", []string{seedTitle}, []string{seedTitleZH}},
				{"/zh/", "zh", []string{seedTitleZH}, []string{seedTitle}},
				{"/en/news/", "en", []string{seedTitle}, []string{seedTitleZH}},
				{"/en/news/china/government-dynamic/", "en", []string{seedTitle}, nil},
				{"/en/news/world/", "en", nil, []string{seedTitle}},
			}
			for _, sc := range scopes {
				for _, name := range feed.Names() {
					path := sc.dir + name
					r := get(t, p, path)
					if r.status != 200 {
						t.Fatalf("GET %s: %d", path, r.status)
					}
					if ct := r.header.Get("Content-Type"); ct != feed.TypeOf(name)+"; charset=utf-8" {
						t.Errorf("%s: Content-Type %q", path, ct)
					}
					if problems := feed.Lint(name, []byte(r.body)); len(problems) > 0 {
						t.Errorf("%s breaks the validator's rules:\n%s", path, strings.Join(problems, "\n"))
					}
					got, err := gofeed.NewParser().ParseString(r.body)
					if err != nil {
						t.Fatalf("%s does not parse: %v", path, err)
					}
					if got.FeedLink != p.srv.URL+path || got.Link != p.srv.URL+sc.dir {
						t.Errorf("%s: self %q, home %q", path, got.FeedLink, got.Link)
					}
					if sc.lang != "" && got.Language != sc.lang && name != feed.AtomName {
						t.Errorf("%s: language %q, want %q", path, got.Language, sc.lang)
					}
					titles := map[string]*gofeed.Item{}
					for _, it := range got.Items {
						titles[it.Title] = it
					}
					for _, w := range sc.want {
						it := titles[w]
						if it == nil {
							t.Errorf("%s lacks %q", path, w)
							continue
						}
						if !strings.HasPrefix(it.GUID, "tag:127.0.0.1,") || !strings.HasPrefix(it.Link, p.srv.URL+"/") {
							t.Errorf("%s: item %q has guid %q, link %q", path, w, it.GUID, it.Link)
						}
						if it.PublishedParsed == nil || !it.PublishedParsed.Equal(time.Date(2022, 9, 16, 9, 51, 59, 0, time.UTC)) {
							t.Errorf("%s: %q published %v", path, w, it.PublishedParsed)
						}
						if !strings.Contains(it.Published, "+08") {
							t.Errorf("%s: date %q is not in the site's offset", path, it.Published)
						}
						if strings.Contains(it.Content, "<p>") {
							t.Errorf("%s: a summary feed carries the body %.60q", path, it.Content)
						}
					}
					for _, w := range sc.wantNone {
						if titles[w] != nil {
							t.Errorf("%s holds %q, which is outside its scope", path, w)
						}
					}
				}
			}

			// The same article keeps its GUID in every feed.
			rss, atom := parse(t, get(t, p, "/en/feed.xml").body), parse(t, get(t, p, "/atom.xml").body)
			ids := map[string]string{}
			for _, it := range append(rss.Items, atom.Items...) {
				if old, ok := ids[it.Title]; ok && old != it.GUID {
					t.Errorf("%q has guids %q and %q", it.Title, old, it.GUID)
				}
				ids[it.Title] = it.GUID
			}

			// Unknown channels and files have no feed.
			for _, path := range []string{"/en/nowhere/feed.xml", "/fr/feed.xml", "/en/news/feed.rss"} {
				if r := get(t, p, path); r.status != 404 {
					t.Errorf("GET %s: %d, want 404", path, r.status)
				}
			}

			// Conditional GET: the ETag and the Last-Modified date each give 304.
			first := get(t, p, "/en/atom.xml")
			etag, lm := first.header.Get("ETag"), first.header.Get("Last-Modified")
			if etag == "" || lm == "" {
				t.Fatalf("no validators: ETag %q, Last-Modified %q", etag, lm)
			}
			if r := get(t, p, "/en/atom.xml", "If-None-Match", etag); r.status != 304 || r.body != "" {
				t.Errorf("If-None-Match: %d", r.status)
			}
			if r := get(t, p, "/en/atom.xml", "If-Modified-Since", lm); r.status != 304 {
				t.Errorf("If-Modified-Since: %d", r.status)
			}

			// Full text is a site setting.
			if _, err := p.store.SetSetting(context.Background(), "feed_content", "full"); err != nil {
				t.Fatal(err)
			}
			for _, name := range feed.Names() {
				r := get(t, p, "/en/"+name)
				got := parse(t, r.body)
				if len(got.Items) == 0 || !strings.Contains(got.Items[0].Content, "Samarkand") {
					t.Errorf("full-text %s: content %.80q", name, got.Items[0].Content)
				}
				if problems := feed.Lint(name, []byte(r.body)); len(problems) > 0 {
					t.Errorf("full-text %s: %s", name, strings.Join(problems, "\n"))
				}
			}
			if r := get(t, p, "/en/atom.xml", "If-None-Match", etag); r.status != 200 {
				t.Errorf("the feed changed but If-None-Match still gives %d", r.status)
			}

			// With a WebSub hub configured, every feed names it.
			if _, err := p.store.SetSetting(context.Background(), "websub_hub", "https://hub.example.org/"); err != nil {
				t.Fatal(err)
			}
			for name, want := range map[string]string{
				feed.RSSName:      `<atom:link rel="hub" href="https://hub.example.org/">`,
				feed.AtomName:     `<link rel="hub" href="https://hub.example.org/">`,
				feed.JSONFeedName: `"hubs": [`,
			} {
				if r := get(t, p, "/en/news/"+name); !strings.Contains(r.body, want) || !strings.Contains(r.body, "https://hub.example.org/") {
					t.Errorf("%s does not name the hub:\n%.600s", name, r.body)
				}
			}
		})
	}
}

func parse(t *testing.T, body string) *gofeed.Feed {
	t.Helper()
	f, err := gofeed.NewParser().ParseString(body)
	if err != nil {
		t.Fatalf("gofeed: %v\n%.300s", err, body)
	}
	return f
}

// TestFeedsAdvertised: each page names the feeds that cover it.
func TestFeedsAdvertised(t *testing.T) {
	p := newPortal(t, "sqlite")
	for _, tc := range []struct{ page, want, not string }{
		{"/en/", `href="/en/atom.xml"`, `href="/en/news/atom.xml"`},
		{"/en/news/", `href="/en/news/feed.xml"`, ""},
		{"/en/news/", `href="/en/feed.json"`, ""},
		{seedEN, `href="/en/news/china/government-dynamic/feed.json"`, ""},
		{"/zh/news/china/", `type="application/atom&#43;xml" title="国家能源局 - 国内 (Atom)" href="/zh/news/china/atom.xml"`, ""},
	} {
		r := get(t, p, tc.page)
		if r.status != 200 || !strings.Contains(r.body, `<link rel="alternate" type="application/rss&#43;xml"`) || !strings.Contains(r.body, tc.want) {
			t.Errorf("%s does not advertise %s", tc.page, tc.want)
		}
		if tc.not != "" && strings.Contains(r.body, tc.not) {
			t.Errorf("%s advertises %s", tc.page, tc.not)
		}
	}
}

// The sitemaps protocol, as the tests read it.
type urlset struct {
	XMLName xml.Name
	URLs    []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
		News    *struct {
			Name     string `xml:"publication>name"`
			Language string `xml:"publication>language"`
			Date     string `xml:"publication_date"`
			Title    string `xml:"title"`
		} `xml:"http://www.google.com/schemas/sitemap-news/0.9 news"`
	} `xml:"url"`
}

type sitemapindex struct {
	XMLName  xml.Name
	Sitemaps []struct {
		Loc     string `xml:"loc"`
		LastMod string `xml:"lastmod"`
	} `xml:"sitemap"`
}

// w3cDatetime is the W3C Datetime profile sitemaps use (a date, or a
// date and time with seconds and a zone).
var w3cDatetime = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$`)

// readSitemaps fetches the index and every sitemap it names, checking
// the protocol's rules on each, and returns the sitemaps by path.
func readSitemaps(t *testing.T, p *portal, base string) map[string]urlset {
	t.Helper()
	r := get(t, p, "/sitemap.xml")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/xml") {
		t.Fatalf("/sitemap.xml: %d %s", r.status, r.header.Get("Content-Type"))
	}
	var idx sitemapindex
	if err := xml.Unmarshal([]byte(r.body), &idx); err != nil {
		t.Fatalf("sitemap index: %v", err)
	}
	if idx.XMLName.Space != feed.NSSitemap || idx.XMLName.Local != "sitemapindex" {
		t.Errorf("index root is {%s}%s", idx.XMLName.Space, idx.XMLName.Local)
	}
	out := map[string]urlset{}
	for _, sm := range idx.Sitemaps {
		if !strings.HasPrefix(sm.Loc, base+"/sitemaps/") {
			t.Errorf("index names %q, not an absolute URL of this site", sm.Loc)
			continue
		}
		if sm.LastMod != "" && !w3cDatetime.MatchString(sm.LastMod) {
			t.Errorf("index lastmod %q is not a W3C Datetime", sm.LastMod)
		}
		path := strings.TrimPrefix(sm.Loc, base)
		r := get(t, p, path)
		if r.status != 200 {
			t.Fatalf("GET %s: %d", path, r.status)
		}
		if len(r.body) > feed.SitemapMaxBytes {
			t.Errorf("%s is %d bytes", path, len(r.body))
		}
		var set urlset
		if err := xml.Unmarshal([]byte(r.body), &set); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if set.XMLName.Space != feed.NSSitemap || set.XMLName.Local != "urlset" {
			t.Errorf("%s root is {%s}%s", path, set.XMLName.Space, set.XMLName.Local)
		}
		if len(set.URLs) > feed.SitemapMaxURLs {
			t.Errorf("%s has %d URLs", path, len(set.URLs))
		}
		for _, u := range set.URLs {
			pu, err := url.Parse(u.Loc)
			if err != nil || !pu.IsAbs() || !strings.HasPrefix(u.Loc, base+"/") || len(u.Loc) > feed.SitemapMaxURLLength {
				t.Errorf("%s: loc %q is not an absolute URL of this site", path, u.Loc)
			}
			for _, c := range u.Loc {
				if c > 127 {
					t.Errorf("%s: loc %q is not escaped to ASCII", path, u.Loc)
					break
				}
			}
			if !w3cDatetime.MatchString(u.LastMod) {
				t.Errorf("%s: lastmod %q is not a W3C Datetime", path, u.LastMod)
			}
			if n := u.News; n != nil && (!w3cDatetime.MatchString(n.Date) || n.Name == "" || n.Title == "" || n.Language == "") {
				t.Errorf("%s: news entry %+v", path, n)
			}
		}
		out[path] = set
	}
	return out
}

// TestSitemaps: the index names the news sitemap and one sitemap per month
// with articles; every one keeps the protocol; lastmod follows updates; a
// month larger than one file allows is split.
func TestSitemaps(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			base := p.srv.URL
			maps := readSitemaps(t, p, base)
			month, ok := maps["/sitemaps/2022-09.xml"]
			if !ok || len(month.URLs) != 2 {
				t.Fatalf("sitemaps = %v", maps)
			}
			en := base + strings.ReplaceAll(seedEN, " ", "%20")
			found := false
			for _, u := range month.URLs {
				if u.Loc == en {
					found = true
				}
				if strings.Contains(u.Loc, "/zh/") && !strings.Contains(u.Loc, "%E4%B9%A0") {
					t.Errorf("Chinese slug not escaped: %s", u.Loc)
				}
			}
			if !found {
				t.Errorf("2022-09 lacks %s: %+v", en, month.URLs)
			}
			if news := maps["/sitemaps/news.xml"]; len(news.URLs) != 0 {
				t.Errorf("the 2022 articles are in the news sitemap of 2026: %+v", news.URLs)
			}

			// A story released now is in the news sitemap for two days.
			p.clock.Set(time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC))
			p.importJSON(t, "news/world", `{"uri":"urn:test:fresh","language":"en","headlines":[{"value":"Fresh story"}],
				"bodies":[{"contenttype":"text/plain","value":"Body."}],"firstcreated":"2026-11-29T10:00:00Z","versioncreated":"2026-11-29T10:00:00Z"}`)
			maps = readSitemaps(t, p, base)
			news := maps["/sitemaps/news.xml"]
			if len(news.URLs) != 1 || news.URLs[0].News == nil || news.URLs[0].News.Title != "Fresh story" ||
				news.URLs[0].News.Language != "en" || news.URLs[0].News.Name != "National Energy Administration" ||
				news.URLs[0].News.Date != "2026-11-29T18:00:00+08:00" {
				t.Errorf("news sitemap = %+v", news.URLs)
			}
			if _, ok := maps["/sitemaps/2026-11.xml"]; !ok {
				t.Errorf("no sitemap for 2026-11: %v", maps)
			}
			p.clock.Set(time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC))
			if news := readSitemaps(t, p, base)["/sitemaps/news.xml"]; len(news.URLs) != 0 {
				t.Errorf("a story of three days ago is still in the news sitemap")
			}

			// lastmod is the last update readers saw.
			p.importJSON(t, "news/world", `{"uri":"urn:test:fresh","language":"en","headlines":[{"value":"Fresh story, updated"}],
				"bodies":[{"contenttype":"text/plain","value":"Body, updated."}],"firstcreated":"2026-11-29T10:00:00Z","versioncreated":"2026-11-30T06:00:00Z"}`)
			nov := readSitemaps(t, p, base)["/sitemaps/2026-11.xml"]
			if len(nov.URLs) != 1 || nov.URLs[0].LastMod != "2026-11-30T14:00:00+08:00" {
				t.Errorf("2026-11 = %+v, want lastmod 2026-11-30T14:00:00+08:00", nov.URLs)
			}

			// A month over the per-file limit splits into numbered parts.
			small, err := site.New(site.Options{Store: p.store, Now: p.clock.Now, Log: slog.New(slog.DiscardHandler), SitemapURLs: 1})
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(small)
			defer ts.Close()
			sp := &portal{srv: ts, store: p.store, clock: p.clock}
			split := readSitemaps(t, sp, ts.URL)
			a, b := split["/sitemaps/2022-09.xml"], split["/sitemaps/2022-09-2.xml"]
			if len(a.URLs) != 1 || len(b.URLs) != 1 || a.URLs[0].Loc == b.URLs[0].Loc {
				t.Errorf("split = %+v / %+v (%d sitemaps)", a.URLs, b.URLs, len(split))
			}
			for _, path := range []string{"/sitemaps/2022-09-3.xml", "/sitemaps/2022-13.xml", "/sitemaps/2022-09-1.xml", "/sitemaps/x.xml"} {
				if r := get(t, sp, path); r.status != 404 {
					t.Errorf("GET %s: %d", path, r.status)
				}
			}
		})
	}
}

// TestRobots: crawlers keep out of the newsroom, the API and previews, and
// are told where the sitemap is.
func TestRobots(t *testing.T) {
	p := newPortal(t, "sqlite")
	r := get(t, p, "/robots.txt")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Fatalf("robots: %d %s", r.status, r.header.Get("Content-Type"))
	}
	for _, want := range []string{"User-agent: *\n", "Disallow: /admin/\n", "Disallow: /api/\n",
		"Disallow: /en/preview/\n", "Disallow: /zh/preview/\n", "Sitemap: " + p.srv.URL + "/sitemap.xml\n"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("robots.txt lacks %q:\n%s", want, r.body)
		}
	}
}
