package site_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/editorial"
	"newsdesk/internal/export"
	"newsdesk/internal/jobs"
	"newsdesk/internal/news"
	"newsdesk/internal/site"
	"newsdesk/internal/store/storetest"
)

// The visibility table (issue 4, point 7): a scheduled or embargoed article
// is absent from every reader surface until its time and present right
// after. Each surface added later (search, feeds, sitemaps, static export,
// caches, the JSON API once it has public article routes) adds one row to
// readerSurfaces; every subject is then checked on it, on both databases.

// subject is the article a row looks for.
type subject struct {
	news.Article
	URL string // its public path
	Tag string // a tag no other article carries
}

// surface is one place a reader can meet an article.
type surface struct {
	name string
	// fetch reads the surface as a reader would.
	fetch func(t *testing.T, p *portal, s subject) response
	// present reports whether the subject is on it.
	present func(r response, s subject) bool
	// emptyStatus is the surface's status without the subject: 200 for pages
	// that exist anyway, 404 for the article's own URL.
	emptyStatus int
}

// getPath is a fetch of one page, chosen from the subject.
func getPath(path func(s subject) string) func(t *testing.T, p *portal, s subject) response {
	return func(t *testing.T, p *portal, s subject) response { return get(t, p, path(s)) }
}

// links reports whether a page links the subject's URL.
func links(r response, s subject) bool {
	return r.status == 200 && strings.Contains(r.body, href(s.URL))
}

// getURL fetches an absolute URL.
func getURL(t *testing.T, u string) response {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

// firstWord is the first word of s: a broad query the subject matches.
func firstWord(s string) string {
	w, _, _ := strings.Cut(s, " ")
	return w
}

// ancestor is the channel depth levels down from the top of path.
func ancestor(path string, depth int) string {
	segs := strings.Split(path, "/")
	return strings.Join(segs[:min(depth, len(segs))], "/")
}

var readerSurfaces = []surface{
	{name: "article URL", fetch: getPath(func(s subject) string { return s.URL }), emptyStatus: 404,
		present: func(r response, s subject) bool {
			return r.status == 200 && strings.Contains(r.body, "<h1>"+s.Headline+"</h1>")
		}},
	{name: "channel listing", fetch: getPath(func(s subject) string { return "/" + s.Language + "/" + s.ChannelPath + "/" }),
		present: links, emptyStatus: 200},
	{name: "parent channel listing", fetch: getPath(func(s subject) string { return "/" + s.Language + "/" + ancestor(s.ChannelPath, 2) + "/" }),
		present: links, emptyStatus: 200},
	{name: "top channel listing", fetch: getPath(func(s subject) string { return "/" + s.Language + "/" + ancestor(s.ChannelPath, 1) + "/" }),
		present: links, emptyStatus: 200},
	{name: "language home", fetch: getPath(func(s subject) string { return "/" + s.Language + "/" }),
		present: links, emptyStatus: 200},
	{name: "tag page", fetch: getPath(func(s subject) string { return "/" + s.Language + "/tags/" + s.Tag + "/" }),
		present: links, emptyStatus: 404},
	{name: "corrections page", fetch: getPath(func(s subject) string { return "/" + s.Language + "/corrections/" }),
		present: links, emptyStatus: 200},
	// Feeds: the whole site's, the language's and the channel's, in each
	// format; sitemaps: the month's and the Google News one.
	{name: "site RSS", fetch: getPath(func(s subject) string { return "/feed.xml" }), present: inFeed, emptyStatus: 200},
	{name: "site Atom", fetch: getPath(func(s subject) string { return "/atom.xml" }), present: inFeed, emptyStatus: 200},
	{name: "site JSON Feed", fetch: getPath(func(s subject) string { return "/feed.json" }), present: inFeed, emptyStatus: 200},
	{name: "language RSS", fetch: getPath(func(s subject) string { return "/" + s.Language + "/feed.xml" }), present: inFeed, emptyStatus: 200},
	{name: "language Atom", fetch: getPath(func(s subject) string { return "/" + s.Language + "/atom.xml" }), present: inFeed, emptyStatus: 200},
	{name: "language JSON Feed", fetch: getPath(func(s subject) string { return "/" + s.Language + "/feed.json" }), present: inFeed, emptyStatus: 200},
	{name: "channel RSS", fetch: getPath(func(s subject) string { return "/" + s.Language + "/" + s.ChannelPath + "/feed.xml" }), present: inFeed, emptyStatus: 200},
	{name: "top channel Atom", fetch: getPath(func(s subject) string { return "/" + s.Language + "/" + ancestor(s.ChannelPath, 1) + "/atom.xml" }), present: inFeed, emptyStatus: 200},
	{name: "channel JSON Feed", fetch: getPath(func(s subject) string { return "/" + s.Language + "/" + s.ChannelPath + "/feed.json" }), present: inFeed, emptyStatus: 200},
	{name: "monthly sitemap", fetch: getPath(func(s subject) string {
		return "/sitemaps/" + s.ReleaseAt.UTC().Format("2006-01") + ".xml"
	}), present: inSitemap, emptyStatus: 404},
	{name: "sitemap index", fetch: getPath(func(s subject) string { return "/sitemap.xml" }),
		present: func(r response, s subject) bool {
			return r.status == 200 && strings.Contains(r.body, "/sitemaps/"+s.ReleaseAt.UTC().Format("2006-01")+".xml")
		}, emptyStatus: 200},
	{name: "news sitemap", fetch: getPath(func(s subject) string { return "/sitemaps/news.xml" }), present: inSitemap, emptyStatus: 200},
	// The JSON API in ninjs, which anyone may read for visible articles.
	{name: "API ninjs", fetch: func(t *testing.T, p *portal, s subject) response {
		return p.apiGet(t, fmt.Sprintf("/api/v1/articles/%d?format=ninjs", s.ID))
	}, present: func(r response, s subject) bool {
		return r.status == 200 && strings.Contains(r.body, `"value": "`+s.Headline+`"`)
	}, emptyStatus: 404},
	{name: "search page", fetch: func(t *testing.T, p *portal, s subject) response {
		p.searchUpToDate(t)
		return get(t, p, "/"+s.Language+"/search?q="+url.QueryEscape(s.Headline))
	}, present: links, emptyStatus: 200},
	{name: "search page, any language, newest first", fetch: func(t *testing.T, p *portal, s subject) response {
		p.searchUpToDate(t)
		return get(t, p, "/"+s.Language+"/search?language=any&sort=newest&q="+url.QueryEscape(firstWord(s.Headline)))
	}, present: links, emptyStatus: 200},
	{name: "API search", fetch: func(t *testing.T, p *portal, s subject) response {
		p.searchUpToDate(t)
		return getURL(t, p.api.URL+"/api/v1/search?q="+url.QueryEscape(s.Headline))
	}, present: func(r response, s subject) bool {
		return r.status == 200 && strings.Contains(r.body, fmt.Sprintf(`"id":%d,`, s.ID))
	}, emptyStatus: 200},
	{name: "static export", fetch: exportedFile, emptyStatus: 404,
		present: func(r response, s subject) bool {
			return r.status == 200 && strings.Contains(r.body, "<h1>"+s.Headline+"</h1>")
		}},
}

// inFeed reports whether a feed carries the subject's headline and URL.
func inFeed(r response, s subject) bool {
	return r.status == 200 && strings.Contains(r.body, s.Headline) && strings.Contains(r.body, s.URL)
}

// inSitemap reports whether a sitemap lists the subject's URL.
func inSitemap(r response, s subject) bool {
	return r.status == 200 && strings.Contains(r.body, s.URL+"</loc>")
}

// subjectMaker stores a corrected article that becomes visible later and
// returns it.
type subjectMaker struct {
	name string
	make func(t *testing.T, p *portal) subject
}

var visibilitySubjects = []subjectMaker{
	{"scheduled through the workflow", func(t *testing.T, p *portal) subject {
		n := p.newsroom(t)
		a := n.publish(t, editorial.Draft{Language: "en", Channel: "news/china/industry", Headline: "Scheduled turbine output report",
			Summary: "Output rose.", BodyHTML: "<p>Output rose.</p>", Tags: []string{"visibility-probe"}})
		a = n.step(t, a, news.TransitionCorrect, "The output figure was in megawatts, not gigawatts.", time.Time{})
		a = n.step(t, a, news.TransitionUnpublish, "", time.Time{})
		a = n.step(t, a, news.TransitionSchedule, "", p.clock.Now().Add(time.Hour))
		if a.Status != news.StatusScheduled {
			t.Fatalf("status %s, want scheduled", a.Status)
		}
		return subject{Article: a, URL: articlePath(a), Tag: "visibility-probe"}
	}},
	{"embargoed import", func(t *testing.T, p *portal) subject {
		now := p.clock.Now()
		r := p.importJSON(t, "news/china/government-dynamic", fmt.Sprintf(`{"uri":"urn:test:visibility","language":"en",
			"headlines":[{"role":"main","value":"Embargoed reservoir levels report"}],"subjects":[{"name":"visibility-probe"}],
			"bodies":[{"contenttype":"text/html","value":"<p>Levels.</p>"}],"firstcreated":"%s","embargoed":"%s"}`,
			now.Add(-time.Hour).Format(time.RFC3339), now.Add(2*time.Hour).Format(time.RFC3339)))
		a := p.newsroom(t).step(t, r.Article, news.TransitionCorrect, "The reservoir is in Hubei.", time.Time{})
		return subject{Article: a, URL: articlePath(a), Tag: "visibility-probe"}
	}},
}

// servings are the ways the portal answers: rendering every request, and
// from its page cache (issue 7), where the publish clock's change log entry
// must clear exactly the pages that change.
var servings = []struct {
	name   string
	portal func(t testing.TB, dialect string) *portal
}{
	{"rendered", newPortal},
	{"cached", newCachedPortal},
}

func TestVisibilityTable(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		for _, sv := range servings {
			for _, sm := range visibilitySubjects {
				t.Run(dialect+"/"+sv.name+"/"+sm.name, func(t *testing.T) {
					visibilityCase(t, sv.portal(t, dialect), sm)
				})
			}
		}
	}
}

func visibilityCase(t *testing.T, p *portal, sm subjectMaker) {
	cached := p.server().Cache() != nil
	s := sm.make(t, p)
	at := s.VisibleFrom()
	if !at.After(p.clock.Now()) || len(s.Corrections) == 0 {
		t.Fatalf("subject visible from %v (now %v), corrections %v: not a corrected future article", at, p.clock.Now(), s.Corrections)
	}
	moments := []struct {
		name string
		t    time.Time
		want bool
	}{
		{"1ms before", at.Add(-time.Millisecond), false},
		{"1s after", at.Add(time.Second), true},
	}
	for _, m := range moments {
		p.clock.Set(m.t)
		if cached && m.want {
			// The clock publishes; the cache hears it from the
			// change log, within a second (poll up to ten).
			if _, err := (&jobs.PublishClock{Store: p.store, Now: p.clock.Now, Log: slog.New(slog.DiscardHandler)}).RunOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		for _, sf := range readerSurfaces {
			t.Run(m.name+"/"+sf.name, func(t *testing.T) {
				r := sf.fetch(t, p, s)
				for deadline := time.Now().Add(10 * time.Second); cached && m.want && !sf.present(r, s) && time.Now().Before(deadline); {
					time.Sleep(20 * time.Millisecond)
					r = sf.fetch(t, p, s)
				}
				if got := sf.present(r, s); got != m.want {
					t.Errorf("at %s: present = %v, want %v (status %d)", m.t.Format(time.RFC3339Nano), got, m.want, r.status)
				}
				want := 200
				if !m.want {
					want = sf.emptyStatus
				}
				if r.status != want {
					t.Errorf("status %d, want %d", r.status, want)
				}
			})
		}
	}
}

// exportedFile runs a full static export of the portal as of its clock and
// reads the subject's page from the files: 404 when it was not written.
func exportedFile(t *testing.T, p *portal, s subject) response {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	targets := make(chan export.Target)
	done := make(chan error, 1)
	go func() {
		defer close(targets)
		done <- p.server().Paths(context.Background(), p.clock.Now(), func(tg site.Target) error {
			targets <- export.Target{Path: tg.Path, Paged: tg.Paged}
			return nil
		})
	}()
	base, _ := url.Parse("http://news.example.org/")
	if _, err := (&export.Exporter{Handler: p.server(), Base: base, Dir: dir}).Full(context.Background(), targets, export.State{}); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(s.URL, "/")), "index.html"))
	if err != nil {
		return response{status: 404}
	}
	return response{status: 200, body: string(body)}
}
