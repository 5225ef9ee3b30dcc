package site_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/editorial"
	"newsdesk/internal/news"
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
	// The JSON API has no public article routes yet (only /api/v1/me and the
	// newsroom's token routes); its row goes here when it does.
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

func TestVisibilityTable(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		for _, sm := range visibilitySubjects {
			t.Run(dialect+"/"+sm.name, func(t *testing.T) {
				p := newPortal(t, dialect)
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
					for _, sf := range readerSurfaces {
						t.Run(m.name+"/"+sf.name, func(t *testing.T) {
							r := sf.fetch(t, p, s)
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
			})
		}
	}
}
