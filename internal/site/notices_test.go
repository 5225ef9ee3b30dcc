package site_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/editorial"
	"newsdesk/internal/news"
	"newsdesk/internal/store/storetest"
)

// TestArticleNotices: an article updated after its release says when; a
// corrected one lists its dated corrections below the body; a retracted one
// keeps its URL and body under a dated retraction notice, out of listings
// and search engines. In both languages' house style.
func TestArticleNotices(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			n := p.newsroom(t)
			start := p.clock.Now() // 2026-11-29 12:00 UTC, 20:00 in Shanghai
			en := n.publish(t, editorial.Draft{Language: "en", Channel: "news/world", Headline: "Grid operators sign accord",
				BodyHTML: "<p>The accord was signed on Monday.</p>", Tags: []string{"grid", "电网", "a/b"}})
			zh := n.publish(t, editorial.Draft{Language: "zh", Channel: "news/world", Headline: "电网运营商签署协议",
				BodyHTML: "<p>协议于周一签署。</p>", Tags: []string{"电网"}})
			enURL, zhURL := articlePath(en), articlePath(zh)
			fresh := map[string]string{enURL: get(t, p, enURL).body, zhURL: get(t, p, zhURL).body}

			p.clock.Set(start.Add(2 * time.Hour))
			n.step(t, en, news.TransitionCorrect, "The accord was signed on Tuesday, not <Monday>.", time.Time{})
			n.step(t, zh, news.TransitionCorrect, "协议签署日期应为周二。", time.Time{})
			corrected := map[string]string{enURL: get(t, p, enURL).body, zhURL: get(t, p, zhURL).body}

			p.clock.Set(start.Add(3 * time.Hour))
			n.step(t, en, news.TransitionRetract, "The agreement was never signed.", time.Time{})
			n.step(t, zh, news.TransitionRetract, "该协议并未签署。", time.Time{})
			retracted := map[string]string{enURL: get(t, p, enURL).body, zhURL: get(t, p, zhURL).body}

			cases := []struct {
				name     string
				body     string
				contains []string
				absent   []string
			}{
				{"seed article: imported, never updated", get(t, p, seedEN).body, nil, []string{"Updated:", `name="robots"`, "Correction ("}},
				{"fresh English", fresh[enURL], []string{
					`<p class="tags">Tags: <a href="/en/tags/a%2Fb/" rel="tag">a/b</a>, <a href="/en/tags/grid/" rel="tag">grid</a>`,
					`<a href="/en/tags/%E7%94%B5%E7%BD%91/" rel="tag">电网</a>`,
					`<a href="/en/tags/a%2Fb/" rel="tag">a/b</a>`,
				}, []string{"Updated:", "Correction (", "Retracted (", `name="robots"`}},
				{"fresh Chinese", fresh[zhURL], []string{`<p class="tags">标签：<a href="/zh/tags/%E7%94%B5%E7%BD%91/" rel="tag">电网</a></p>`}, []string{"更新时间：", "更正（"}},
				{"corrected English", corrected[enURL], []string{
					`<span class="updated">Updated:<time datetime="2026-11-29T22:00:00&#43;08:00">2026-11-29 22:00:00</time></span>`,
					`<li><strong>Correction (<time datetime="2026-11-29T22:00:00&#43;08:00">2026-11-29 22:00</time>): </strong>The accord was signed on Tuesday, not &lt;Monday&gt;.</li>`,
				}, []string{"Retracted (", `name="robots"`}},
				{"corrected Chinese", corrected[zhURL], []string{
					`更新时间：<time datetime="2026-11-29T22:00:00&#43;08:00">2026-11-29 22:00:00</time>`,
					`<strong>更正（<time datetime="2026-11-29T22:00:00&#43;08:00">2026-11-29 22:00</time>）：</strong>协议签署日期应为周二。`,
				}, nil},
				{"retracted English", retracted[enURL], []string{
					`<meta name="robots" content="noindex">`,
					`<div class="retraction" role="note">
<p><strong>Retracted (<time datetime="2026-11-29T23:00:00&#43;08:00">2026-11-29 23:00</time>): </strong>The agreement was never signed.</p>`,
					"This article has been retracted.",
					"<p>The accord was signed on Monday.</p>",
					"Correction (",
					"Updated:<time datetime=\"2026-11-29T23:00:00&#43;08:00\">",
				}, nil},
				{"retracted Chinese", retracted[zhURL], []string{
					`<meta name="robots" content="noindex">`,
					`<strong>撤稿（<time datetime="2026-11-29T23:00:00&#43;08:00">2026-11-29 23:00</time>）：</strong>该协议并未签署。`,
					"本文已撤稿", "<p>协议于周一签署。</p>",
				}, nil},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					for _, s := range c.contains {
						if !strings.Contains(c.body, s) {
							t.Errorf("page lacks %q", s)
						}
					}
					for _, s := range c.absent {
						if strings.Contains(c.body, s) {
							t.Errorf("page has %q", s)
						}
					}
				})
			}
			// The notice stands above the headline; corrections follow the body.
			body := retracted[enURL]
			if !(strings.Index(body, `class="retraction"`) < strings.Index(body, "<h1>") &&
				strings.Index(body, `<div class="body">`) < strings.Index(body, `class="corrections"`)) {
				t.Error("retraction notice not above the headline, or corrections not below the body")
			}
			// Retracted: still at its URL, gone from listings and tag pages.
			for _, path := range []string{"/en/", "/en/news/world/", "/en/tags/grid/"} {
				if r := get(t, p, path); strings.Contains(r.body, enURL) {
					t.Errorf("%s still lists the retracted article (status %d)", path, r.status)
				}
			}
		})
	}
}

// TestCorrectionsPage: each language's corrections and retractions, newest
// first, dated in the site's zone, linked, 20 a page.
func TestCorrectionsPage(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			if r := get(t, p, "/zh/corrections/"); r.status != 200 || !strings.Contains(r.body, "暂无更正或撤稿。") || !strings.Contains(r.body, "<h1>更正与撤稿</h1>") {
				t.Fatalf("empty Chinese corrections page: %d\n%s", r.status, r.body)
			}
			n := p.newsroom(t)
			start := p.clock.Now()
			var urls []string
			for i := range 22 {
				a := n.publish(t, editorial.Draft{Language: "en", Channel: "news/china/industry",
					Headline: fmt.Sprintf("Plant output report %02d", i), BodyHTML: "<p>Output.</p>"})
				p.clock.Set(start.Add(time.Duration(i+1) * time.Minute))
				n.step(t, a, news.TransitionCorrect, fmt.Sprintf("Figure %02d fixed.", i), time.Time{})
				urls = append(urls, articlePath(a))
			}
			retracted := n.publish(t, editorial.Draft{Language: "en", Channel: "news/world", Headline: "Disputed survey", BodyHTML: "<p>Survey.</p>"})
			p.clock.Set(start.Add(time.Hour))
			n.step(t, retracted, news.TransitionRetract, "The survey did not take place.", time.Time{})
			gone := n.publish(t, editorial.Draft{Language: "en", Channel: "news/world", Headline: "Withdrawn note", BodyHTML: "<p>Note.</p>"})
			gone = n.step(t, gone, news.TransitionCorrect, "Unseen correction.", time.Time{})
			n.step(t, gone, news.TransitionUnpublish, "", time.Time{})
			zh := n.publish(t, editorial.Draft{Language: "zh", Channel: "news/world", Headline: "调查报告", BodyHTML: "<p>调查。</p>"})
			n.step(t, zh, news.TransitionCorrect, "数据已更正。", time.Time{})

			page1 := get(t, p, "/en/corrections/")
			cases := []struct {
				name, path string
				status     int
				location   string
				contains   []string
				absent     []string
				notices    int
			}{
				{name: "first page", path: "/en/corrections/", status: 200, notices: 20, contains: []string{
					"<h1>Corrections and retractions</h1>",
					`<li class="retracted"><a href="` + articlePath(retracted) + `">Disputed survey</a>
<p><strong>Retracted (<time datetime="2026-11-29T21:00:00&#43;08:00">2026-11-29 21:00</time>): </strong>The survey did not take place.</p></li>`,
					`<a href="` + urls[21] + `">Plant output report 21</a>
<p><strong>Correction (<time datetime="2026-11-29T20:22:00&#43;08:00">2026-11-29 20:22</time>): </strong>Figure 21 fixed.</p>`,
					`<a href="/en/corrections/?page=2" rel="next">`, "Page 1 of 2",
					`<link rel="canonical" href="/en/corrections/">`,
				}, absent: []string{"Unseen correction.", "Figure 02 fixed.", "数据已更正"}},
				{name: "second page", path: "/en/corrections/?page=2", status: 200, notices: 3,
					contains: []string{"Figure 02 fixed.", "Figure 00 fixed.", `rel="prev"`, `<link rel="canonical" href="/en/corrections/?page=2">`}},
				{name: "past the last page", path: "/en/corrections/?page=3", status: 404},
				{name: "page garbage", path: "/en/corrections/?page=x", status: 404},
				{name: "Chinese", path: "/zh/corrections/", status: 200, notices: 1,
					contains: []string{"<strong>更正（", "）：</strong>数据已更正。", href(articlePath(zh))}, absent: []string{"Figure"}},
				{name: "without slash", path: "/en/corrections", status: 301, location: "/en/corrections/"},
				{name: "below it", path: "/en/corrections/2026/", status: 404},
				{name: "footer links it", path: "/en/about-us/", status: 200, contains: []string{`<a href="/en/corrections/">Corrections</a>`}},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					r := get(t, p, c.path)
					if r.status != c.status {
						t.Fatalf("GET %s: status %d, want %d", c.path, r.status, c.status)
					}
					if c.location != "" && r.header.Get("Location") != c.location {
						t.Errorf("Location %q, want %q", r.header.Get("Location"), c.location)
					}
					for _, s := range c.contains {
						if !strings.Contains(r.body, s) {
							t.Errorf("GET %s lacks %q", c.path, s)
						}
					}
					for _, s := range c.absent {
						if strings.Contains(r.body, s) {
							t.Errorf("GET %s has %q", c.path, s)
						}
					}
					if c.notices == 0 {
						return
					}
					if got := listItems(r.body) - listItems(channelMenu(r.body)); got != c.notices {
						t.Errorf("GET %s lists %d notices, want %d", c.path, got, c.notices)
					}
				})
			}
			// Newest first.
			if i, j := strings.Index(page1.body, "Figure 21"), strings.Index(page1.body, "Figure 20"); !(strings.Index(page1.body, "Disputed survey") < i && i < j) {
				t.Error("corrections page is not newest first")
			}
		})
	}
}

func listItems(html string) int {
	return strings.Count(html, "<li>") + strings.Count(html, "<li ")
}

// channelMenu is the channel navigation of the page frame, whose list items
// are not the page's own.
func channelMenu(body string) string {
	nav := body[strings.Index(body, `<nav class="channels"`):]
	return nav[:strings.Index(nav, "</nav>")]
}
