package site_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/editorial"
	"newsdesk/internal/news"
	"newsdesk/internal/store/storetest"
)

// searchPortal is the seed portal with a few more published articles in
// both languages and a draft nobody may find.
func searchPortal(t *testing.T, dialect string) *portal {
	t.Helper()
	p := newPortal(t, dialect)
	n := p.newsroom(t)
	for _, d := range []editorial.Draft{
		{Language: "en", Channel: "news/china/industry", Headline: "Wind turbines lift grid output",
			Summary: "Turbine output rose.", BodyHTML: "<p>The ministers said wind turbines lifted output &amp; <b>grid</b> capacity.</p>"},
		{Language: "en", Channel: "policies", Headline: "Coal plant rules tightened",
			Summary: "New rules for coal.", BodyHTML: "<p>Wind is not covered by the coal rules.</p>"},
		{Language: "zh", Channel: "news/china/industry", Headline: "风电装机容量创新高",
			Summary: "国家能源局发布数据。", BodyHTML: "<p>国家能源局发布数据，风电装机容量同比增长。</p>"},
	} {
		n.publish(t, d)
	}
	n.create(t, editorial.Draft{Language: "en", Channel: "news/china/industry", Headline: "Draft turbine memo",
		BodyHTML: "<p>Secret turbine plans.</p>"})
	p.clock.Set(p.clock.Now().Add(time.Minute))
	p.searchUpToDate(t)
	return p
}

func TestSearchPage(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := searchPortal(t, dialect)
			cases := []struct {
				name, path string
				status     int
				contains   []string
				absent     []string
			}{
				{name: "empty form", path: "/en/search", status: 200, contains: []string{`<input type="search" id="search-q" name="q" value=""`, "Type a word or a phrase"}},
				{name: "English stem, highlighted", path: "/en/search?q=turbine", status: 200,
					contains: []string{"Wind <mark>turbines</mark> lift grid output", "1 result for “turbine”"}, absent: []string{"Draft turbine memo", "Secret"}},
				{name: "stem in the body: ministers finds minister's article", path: "/en/search?q=minister", status: 200,
					contains: []string{"The <mark>ministers</mark> said wind turbines lifted output &amp; grid capacity."}},
				{name: "exclusion", path: "/en/search?q=wind+-coal", status: 200,
					contains: []string{"1 result for “wind -coal”", "turbines lift grid output"}, absent: []string{"Coal plant rules"}},
				{name: "phrase", path: "/en/search?q=%22wind+turbines%22", status: 200, contains: []string{"1 result for"}},
				{name: "channel filter covers sub-channels", path: "/en/search?q=wind&channel=news", status: 200,
					contains: []string{"turbines lift grid output", `<option value="news" selected>`}, absent: []string{"Coal plant rules"}},
				{name: "Chinese two-character word", path: "/zh/search?q=" + url.QueryEscape("能源"), status: 200,
					contains: []string{"国家<mark>能源</mark>局发布数据", `lang="zh-Hans"`}},
				{name: "Chinese results on the English page only with any language", path: "/en/search?q=" + url.QueryEscape("能源"), status: 200,
					contains: []string{"No articles match", "Search articles in Chinese"}},
				{name: "any language", path: "/en/search?language=any&q=" + url.QueryEscape("风电"), status: 200,
					contains: []string{"<mark>风电</mark>装机容量创新高", "Chinese</span>"}},
				{name: "newest first", path: "/en/search?q=turbine&sort=newest", status: 200, contains: []string{`<option value="newest" selected>`}},
				{name: "date range keeps out", path: "/en/search?q=turbine&to=2020-01-01", status: 200,
					contains: []string{"No articles match", "Search again without the filter: To 2020-01-01"}},
				{name: "date range keeps in", path: "/en/search?q=turbine&from=2026-11-29&to=2026-11-29", status: 200, contains: []string{"1 result for"}},
				{name: "swapped dates", path: "/en/search?q=turbine&from=2026-11-30&to=2026-11-01", status: 200, contains: []string{"were swapped", "1 result for"}},
				{name: "no results suggests dropping the channel", path: "/en/search?q=coal&channel=news", status: 200,
					contains: []string{"No articles match “coal”", "Check the spelling", "Search again without the filter: Channel NEWS"}},
				{name: "unknown channel is left out", path: "/en/search?q=wind&channel=nope", status: 200, contains: []string{"There is no channel", "2 results"}},
				{name: "bad date is left out", path: "/en/search?q=wind&from=tomorrow", status: 200, contains: []string{"was not understood"}},
				{name: "pagination past the end", path: "/en/search?q=wind&page=9", status: 404},
				{name: "absurd page", path: "/en/search?q=wind&page=99999", status: 404},
				{name: "trailing slash", path: "/en/search/?q=wind", status: 301},
				{name: "unknown language", path: "/fr/search?q=wind", status: 404},
				// Absurd input gets a calm page.
				{name: "10 kB query", path: "/en/search?q=" + strings.Repeat("wind+", 2000), status: 200, contains: []string{"too long"}},
				{name: "lone surrogate", path: "/en/search?q=%ED%A0%80wind", status: 200},
				{name: "invalid UTF-8", path: "/en/search?q=%FF%FEwind", status: 200},
				{name: "operators only", path: "/en/search?q=%2B+-+%22%22+%26%26", status: 200, contains: []string{"Nothing to search for"}},
				{name: "star", path: "/en/search?q=*", status: 200, contains: []string{"Nothing to search for"}},
				{name: "control characters", path: "/en/search?q=wind%00%07%1B", status: 200, contains: []string{`value="wind"`}},
				{name: "stop word only", path: "/en/search?q=the", status: 200, contains: []string{"No articles match"}},
				{name: "markup in the query is text", path: "/en/search?q=%3Cscript%3Ealert(1)%3C/script%3E", status: 200,
					contains: []string{"&lt;script&gt;"}, absent: []string{"<script>alert"}},
				{name: "opensearch", path: "/en/opensearch.xml", status: 200, contains: []string{"<OpenSearchDescription", "/en/search?q={searchTerms}"}},
				{name: "opensearch in Chinese", path: "/zh/opensearch.xml", status: 200, contains: []string{"<Language>zh-Hans</Language>"}},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					r := get(t, p, c.path)
					if r.status != c.status {
						t.Fatalf("status %d, want %d\n%s", r.status, c.status, r.body)
					}
					for _, s := range c.contains {
						if !strings.Contains(r.body, s) {
							t.Errorf("page lacks %q", s)
						}
					}
					for _, s := range c.absent {
						if strings.Contains(r.body, s) {
							t.Errorf("page holds %q", s)
						}
					}
				})
			}
			// Every page links the OpenSearch description and has the box.
			home := get(t, p, "/zh/")
			for _, s := range []string{`<link rel="search" type="application/opensearchdescription+xml" href="/zh/opensearch.xml"`, `action="/zh/search"`} {
				if !strings.Contains(home.body, s) {
					t.Errorf("home lacks %s", s)
				}
			}
		})
	}
}

// TestSearchLeavesWithUnpublish: an article leaves the results when it is
// unpublished or retracted, and a correction is searchable at once.
func TestSearchFollowsTheWorkflow(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			n := p.newsroom(t)
			a := n.publish(t, editorial.Draft{Language: "en", Channel: "news/world", Headline: "Hydropower station opens",
				BodyHTML: "<p>The station opened.</p>"})
			found := func(q string) bool {
				p.searchUpToDate(t)
				r := get(t, p, "/en/search?q="+url.QueryEscape(q))
				return strings.Contains(r.body, href(articlePath(a)))
			}
			if !found("hydropower") {
				t.Fatal("published article not found")
			}
			a = n.step(t, a, news.TransitionUnpublish, "", time.Time{})
			if found("hydropower") {
				t.Error("unpublished article still found")
			}
			a = n.step(t, a, news.TransitionPublish, "", time.Time{})
			if !found("hydropower") {
				t.Error("republished article not found")
			}
			n.step(t, a, news.TransitionRetract, "Wrong station.", time.Time{})
			if found("hydropower") {
				t.Error("retracted article still found")
			}
		})
	}
}
