package site_test

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/store/storetest"
)

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

type response struct {
	status int
	header http.Header
	body   string
}

func get(t *testing.T, p *portal, path string, headers ...string) response {
	t.Helper()
	req, err := http.NewRequest("GET", p.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, string(b)}
}

func TestPublicPages(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			zhURL := firstArticleLink(t, get(t, p, "/zh/").body)
			cases := []struct {
				name     string
				path     string
				headers  []string
				status   int
				location string
				contains []string
				absent   []string
			}{
				{name: "root default language", path: "/", status: 302, location: "/en/"},
				{name: "root prefers Chinese", path: "/", headers: []string{"Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5"}, status: 302, location: "/zh/"},
				{name: "root unknown language falls back", path: "/", headers: []string{"Accept-Language", "fr-FR"}, status: 302, location: "/en/"},
				{name: "language without slash", path: "/zh", status: 301, location: "/zh/"},
				{name: "unknown language", path: "/fr/", status: 404},
				{name: "English home", path: "/en/", status: 200, contains: []string{`<html lang="en">`, "Xi meets with Belarusian President Lukashenko", `href="/en/news/"`, "Registration number:11044902"}, absent: []string{"习近平"}},
				{name: "Chinese home", path: "/zh/", status: 200, contains: []string{`<html lang="zh-Hans">`, "习近平会见白俄罗斯总统卢卡申科", "首页", "备案号：11044902", "主办单位：国家能源局"}, absent: []string{"Belarusian President"}},
				{name: "channel listing", path: "/en/news/china/government-dynamic/", status: 200, contains: []string{"<h1>Government Dynamic</h1>", seedEN, `aria-label="Breadcrumb"`}},
				{name: "parent channel lists subtree", path: "/en/news/", status: 200, contains: []string{seedEN, `href="/en/news/china/"`}},
				{name: "empty channel", path: "/en/policies/", status: 200, contains: []string{"No articles have been published here yet."}},
				{name: "channel without slash", path: "/en/news/china", status: 301, location: "/en/news/china/"},
				{name: "listing page out of range", path: "/en/news/?page=2", status: 404},
				{name: "listing page garbage", path: "/en/news/?page=abc", status: 404},
				{name: "listing page zero", path: "/en/news/?page=0", status: 404},
				{name: "unknown channel", path: "/en/news/nope/", status: 404, contains: []string{"Page not found", `<html lang="en">`}},
				{name: "Chinese 404", path: "/zh/nope/", status: 404, contains: []string{"页面不存在", `<html lang="zh-Hans">`}},
				{name: "404 outside languages", path: "/nope", status: 404, contains: []string{"Page not found"}},
				{name: "English article", path: seedEN, status: 200, contains: []string{
					"<h1>Xi meets with Belarusian President Lukashenko</h1>",
					`Release Date:<time datetime="2022-09-16T17:51:59&#43;08:00">2022-09-16 17:51:59</time>`,
					"Source:Xinhua", "Editor: Leon",
					`<a href="/en/">Home</a> &gt; <a href="/en/news/">NEWS</a> &gt; <a href="/en/news/china/">China</a> &gt; <a href="/en/news/china/government-dynamic/">Government Dynamic</a> &gt;`,
					"<p>Ding Xuexiang, Yang Jiechi, Wang Yi, He Lifeng and other officials attended the meeting.</p>",
					`<a href="/en/about-us/">About us</a> | <a href="/en/contact-us/">Contact us</a> | <a href="/en/legal-notice/">Legal notice</a>`,
					"Sponsored by National Energy Administration", "Operated by China Information Corporation",
					"Registration number:11044902", "It&#39;s recommended to use the Chrome,Firefox,IE9 and above browsers to get a better view.",
					`<link rel="canonical" href="` + seedEN + `">`,
				}},
				{name: "Chinese article", path: zhURL, status: 200, contains: []string{
					"<h1>习近平会见白俄罗斯总统卢卡申科</h1>", "发布时间：", "2022-09-16 17:51:59", "来源：新华社", "责任编辑：李明",
					`<a href="/zh/">首页</a> &gt; <a href="/zh/news/">新闻</a> &gt; <a href="/zh/news/china/">国内</a> &gt; <a href="/zh/news/china/government-dynamic/">政务动态</a>`,
					"关于我们", "联系我们", "法律声明", "运行维护：中国信息公司", "建议使用Chrome、Firefox、IE9及以上版本浏览器浏览本网站。",
				}},
				{name: "article with wrong date", path: strings.Replace(seedEN, "/16/", "/17/", 1), status: 301, location: seedEN},
				{name: "article in wrong language", path: strings.Replace(seedEN, "/en/", "/zh/", 1), status: 404},
				{name: "footer page", path: "/en/about-us/", status: 200, contains: []string{"<h1>About us</h1>", "publishes news and policy"}},
				{name: "Chinese footer page", path: "/zh/legal-notice/", status: 200, contains: []string{"<h1>法律声明</h1>", "转载请注明出处。"}},
				{name: "reserved segment", path: "/en/admin/", status: 404},
				{name: "reserved name is not slash-redirected", path: "/en/tags", status: 404},
				{name: "search page", path: "/en/search?q=xi", status: 200, contains: []string{"<mark>Xi</mark>", `value="xi"`}},
				{name: "file name is not slash-redirected", path: "/en/feed.xml/", status: 404},
				{name: "language feed", path: "/en/feed.xml", status: 200, contains: []string{"<rss"}},
				{name: "feed of an unknown channel", path: "/en/no-such-channel/atom.xml", status: 404},
				{name: "file-like name is not slash-redirected", path: "/en/news/data.csv", status: 404},
				{name: "healthz", path: "/healthz", status: 200, contains: []string{"ok"}},
				{name: "readyz", path: "/readyz", status: 200, contains: []string{"ready"}},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					r := get(t, p, c.path, c.headers...)
					if r.status != c.status {
						t.Fatalf("GET %s: status %d, want %d\n%s", c.path, r.status, c.status, r.body)
					}
					if c.location != "" && r.header.Get("Location") != c.location {
						t.Errorf("GET %s: Location %q, want %q", c.path, r.header.Get("Location"), c.location)
					}
					for _, s := range c.contains {
						if !strings.Contains(r.body, s) {
							t.Errorf("GET %s: body lacks %q", c.path, s)
						}
					}
					for _, s := range c.absent {
						if strings.Contains(r.body, s) {
							t.Errorf("GET %s: body has %q", c.path, s)
						}
					}
					if c.path != "/healthz" && c.path != "/readyz" {
						for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
							if r.header.Get(h) == "" {
								t.Errorf("GET %s: no %s header", c.path, h)
							}
						}
						if csp := r.header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
							t.Errorf("GET %s: CSP %q", c.path, csp)
						}
					}
				})
			}
			if v := get(t, p, "/").header.Get("Vary"); v != "Accept-Language" {
				t.Errorf("root Vary = %q", v)
			}
		})
	}
}

var articleLink = regexp.MustCompile(`href="(/[a-z]{2}/[^"]+/\d{4}/\d{2}/\d{2}/[^"]+/)"`)

func firstArticleLink(t *testing.T, body string) string {
	t.Helper()
	m := articleLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no article link in page")
	}
	return m[1]
}

func TestConditionalRequests(t *testing.T) {
	p := newPortal(t, "sqlite")
	first := get(t, p, seedEN)
	etag := first.header.Get("ETag")
	if cc := first.header.Get("Cache-Control"); cc != "public, no-cache" {
		t.Errorf("article Cache-Control %q, want public, no-cache (revalidated, so releases show at once)", cc)
	}
	if etag == "" || first.header.Get("Last-Modified") == "" {
		t.Fatalf("article lacks ETag or Last-Modified: %v", first.header)
	}
	if r := get(t, p, seedEN, "If-None-Match", etag); r.status != http.StatusNotModified || r.body != "" {
		t.Errorf("If-None-Match: status %d with %d bytes, want 304 and none", r.status, len(r.body))
	}
	if r := get(t, p, seedEN, "If-Modified-Since", first.header.Get("Last-Modified")); r.status != http.StatusNotModified {
		t.Errorf("If-Modified-Since: status %d, want 304", r.status)
	}
	css := regexp.MustCompile(`href="(/static/site\.[0-9a-f]+\.css)"`).FindStringSubmatch(first.body)
	if css == nil {
		t.Fatal("no hashed stylesheet link")
	}
	r := get(t, p, css[1])
	if r.status != 200 || !strings.Contains(r.header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(r.header.Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet: %d %v", r.status, r.header)
	}
	if !strings.Contains(r.body, `"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC"`) {
		t.Error("stylesheet lacks the Chinese-first font stack")
	}
	if r := get(t, p, "/static/site.0000000000.css"); r.status != 404 {
		t.Errorf("unknown asset: status %d", r.status)
	}
}

// TestVisibility walks every reader surface of this issue (home, listing,
// article) for an embargoed and a future article, before and after its time.
func TestVisibility(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			now := p.clock.Now()
			embargo := now.Add(time.Hour)
			p.importJSON(t, "news/world", fmt.Sprintf(`{"uri":"urn:test:embargoed","language":"en","headlines":[{"role":"main","value":"Embargoed wind report"}],
				"bodies":[{"contenttype":"text/html","value":"<p>Held.</p>"}],"firstcreated":"%s","embargoed":"%s"}`,
				now.Add(-time.Hour).Format(time.RFC3339), embargo.Format(time.RFC3339)))
			p.importJSON(t, "news/world", fmt.Sprintf(`{"uri":"urn:test:future","language":"en","headlines":[{"role":"main","value":"Scheduled solar report"}],
				"bodies":[{"contenttype":"text/html","value":"<p>Later.</p>"}],"firstcreated":"%s"}`, embargo.Add(time.Minute).Format(time.RFC3339)))
			loc, _ := time.LoadLocation("Asia/Shanghai")
			embargoedURL := "/en/news/world/" + now.Add(-time.Hour).In(loc).Format("2006/01/02") + "/embargoed-wind-report/"
			futureURL := "/en/news/world/" + embargo.Add(time.Minute).In(loc).Format("2006/01/02") + "/scheduled-solar-report/"
			surfaces := []string{"/en/", "/en/news/", "/en/news/world/"}

			check := func(when string, wantEmbargoed, wantFuture bool) {
				t.Helper()
				for _, s := range surfaces {
					body := get(t, p, s).body
					if got := strings.Contains(body, "Embargoed wind report"); got != wantEmbargoed {
						t.Errorf("%s: %s shows embargoed article = %v, want %v", when, s, got, wantEmbargoed)
					}
					if got := strings.Contains(body, "Scheduled solar report"); got != wantFuture {
						t.Errorf("%s: %s shows future article = %v, want %v", when, s, got, wantFuture)
					}
				}
				for url, want := range map[string]bool{embargoedURL: wantEmbargoed, futureURL: wantFuture} {
					status := get(t, p, url).status
					if (status == 200) != want {
						t.Errorf("%s: GET %s = %d, want visible=%v", when, url, status, want)
					}
				}
			}
			check("before embargo", false, false)
			p.clock.Set(embargo.Add(-time.Second))
			check("a second before embargo", false, false)
			p.clock.Set(embargo)
			check("at embargo", true, false)
			p.clock.Set(embargo.Add(time.Minute))
			check("at release of the future article", true, true)
		})
	}
}

func TestMovedArticleRedirects(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			doc := `{"uri":"urn:test:moving","language":"en","versioncreated":"%s","headlines":[{"role":"main","value":"Grid upgrade finished"}],
				"bodies":[{"contenttype":"text/html","value":"<p>Done.</p>"}],"firstcreated":"%s"}`
			p.importJSON(t, "news/world", fmt.Sprintf(doc, "2026-01-01T10:00:00+08:00", "2026-01-01T10:00:00+08:00"))
			first := "/en/news/world/2026/01/01/grid-upgrade-finished/"
			if r := get(t, p, first); r.status != 200 {
				t.Fatalf("GET %s: %d", first, r.status)
			}
			// Moved to another channel and another day: both old URLs lead to the new one.
			p.importJSON(t, "news/china/industry", fmt.Sprintf(doc, "2026-01-02T10:00:00+08:00", "2026-01-02T10:00:00+08:00"))
			second := "/en/news/china/industry/2026/01/02/grid-upgrade-finished/"
			p.importJSON(t, "policies", fmt.Sprintf(doc, "2026-01-03T10:00:00+08:00", "2026-01-02T10:00:00+08:00"))
			third := "/en/policies/2026/01/02/grid-upgrade-finished/"
			for _, old := range []string{first, second} {
				r := get(t, p, old)
				if r.status != 301 || r.header.Get("Location") != third {
					t.Errorf("GET %s: %d → %q, want 301 → %s", old, r.status, r.header.Get("Location"), third)
				}
			}
			if r := get(t, p, third); r.status != 200 {
				t.Errorf("GET %s: %d", third, r.status)
			}
		})
	}
}

func TestListingPagination(t *testing.T) {
	p := newPortal(t, "sqlite")
	for i := 0; i < 25; i++ {
		p.importJSON(t, "news/china/industry", fmt.Sprintf(`{"uri":"urn:test:page:%d","language":"en","headlines":[{"role":"main","value":"Industry item %02d"}],
			"bodies":[{"contenttype":"text/html","value":"<p>Text.</p>"}],"firstcreated":"2026-03-%02dT08:00:00+08:00"}`, i, i, i+1))
	}
	page1 := get(t, p, "/en/news/china/industry/")
	if n := strings.Count(page1.body, "Industry item "); n != 20 {
		t.Errorf("page 1 lists %d articles, want 20", n)
	}
	if !strings.Contains(page1.body, "Industry item 24") || strings.Contains(page1.body, "Industry item 04") {
		t.Error("page 1 is not newest first")
	}
	if !strings.Contains(page1.body, `href="/en/news/china/industry/?page=2" rel="next"`) || !strings.Contains(page1.body, "Page 1 of 2") {
		t.Error("page 1 lacks the link to page 2")
	}
	page2 := get(t, p, "/en/news/china/industry/?page=2")
	if n := strings.Count(page2.body, "Industry item "); n != 5 || !strings.Contains(page2.body, "Industry item 00") {
		t.Errorf("page 2 lists %d articles, want the 5 oldest", n)
	}
	if !strings.Contains(page2.body, `rel="prev"`) {
		t.Error("page 2 lacks a link back")
	}
	if r := get(t, p, "/en/news/china/industry/?page=3"); r.status != 404 {
		t.Errorf("page 3: %d, want 404", r.status)
	}
}

// TestServerErrorPage: when the database fails, readers get a real 500 page
// in their language, framed by the last site settings seen.
func TestServerErrorPage(t *testing.T) {
	p := newPortal(t, "sqlite")
	if r := get(t, p, "/zh/"); r.status != 200 {
		t.Fatalf("warm-up: %d", r.status)
	}
	p.store.Close()
	r := get(t, p, "/zh/news/")
	if r.status != 500 {
		t.Fatalf("status %d, want 500", r.status)
	}
	for _, want := range []string{"出错了", "页面暂时无法显示", `<html lang="zh-Hans">`, "备案号：11044902"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("500 page lacks %q", want)
		}
	}
	if r := get(t, p, "/readyz"); r.status != 503 {
		t.Errorf("readyz with the database closed: %d, want 503", r.status)
	}
}
