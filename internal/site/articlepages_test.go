package site_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/editorial"
	"newsdesk/internal/news"
	"newsdesk/internal/site"
	"newsdesk/internal/store/storetest"
)

// TestArticlePagesMatchHandler: every page ArticlePages renders in its
// batched walk (for the static export) is byte for byte the page a reader
// gets at the article's address: English and Chinese, with lead image,
// body image and downloads, tags, a correction, a retraction (still served,
// noindex). Embargoed, scheduled, unpublished and draft articles are left
// out, as the handler does not serve them, until they are visible. An
// address the handler would not answer with the page (here: a language the
// site dropped) comes with no body, for the caller to ask the handler. The
// walk covers exactly the articles Paths marks.
func TestArticlePagesMatchHandler(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			ctx := context.Background()
			n := p.newsroom(t)
			srv, err := site.New(site.Options{Store: p.store, Now: p.clock.Now, Log: slog.New(slog.DiscardHandler),
				BaseURL: "https://news.example.org"})
			if err != nil {
				t.Fatal(err)
			}
			served := func(path string) (int, string) {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("GET", path, nil)
				req.Host = "news.example.org"
				srv.ServeHTTP(rec, req)
				return rec.Code, rec.Body.String()
			}
			start := p.clock.Now()
			mediaEN, _, _ := p.mediaArticle(t, n, "en")
			mediaZH, _, _ := p.mediaArticle(t, n, "zh")
			corrected := n.publish(t, editorial.Draft{Language: "en", Channel: "news/world", Headline: "Grid operators sign accord",
				BodyHTML: "<p>The accord was signed on Monday.</p>", Tags: []string{"grid", "电网", "a/b"}})
			retracted := n.publish(t, editorial.Draft{Language: "zh", Channel: "news/china", Headline: "电网运营商签署协议",
				BodyHTML: "<p>协议于周一签署。</p>", Tags: []string{"电网"}})
			unpublished := n.publish(t, editorial.Draft{Language: "en", Channel: "news/world", Headline: "Withdrawn story", BodyHTML: "<p>Gone.</p>"})
			draft := n.create(t, editorial.Draft{Language: "en", Channel: "news/world", Headline: "Draft story", BodyHTML: "<p>Not yet.</p>"})
			p.importJSON(t, "news/world", fmt.Sprintf(`{"uri":"urn:test:ap:embargoed","language":"en","headlines":[{"role":"main","value":"Embargoed wind report"}],
				"subjects":[{"name":"wind"}],"bodies":[{"contenttype":"text/html","value":"<p>Held.</p>"}],"firstcreated":"%s","embargoed":"%s"}`,
				start.Add(-time.Hour).Format(time.RFC3339), start.Add(time.Hour).Format(time.RFC3339)))
			p.importJSON(t, "news/world", fmt.Sprintf(`{"uri":"urn:test:ap:future","language":"zh","headlines":[{"role":"main","value":"光伏报告"}],
				"bodies":[{"contenttype":"text/html","value":"<p>稍后。</p>"}],"firstcreated":"%s"}`, start.Add(2*time.Hour).Format(time.RFC3339)))
			p.clock.Set(start.Add(time.Minute * 30))
			n.step(t, corrected, news.TransitionCorrect, "The accord was signed on Tuesday, not <Monday>.", time.Time{})
			n.step(t, retracted, news.TransitionRetract, "该协议并未签署。", time.Time{})
			n.step(t, unpublished, news.TransitionUnpublish, "", time.Time{})
			loc, _ := time.LoadLocation("Asia/Shanghai")
			embargoedURL := "/en/news/world/" + start.Add(-time.Hour).In(loc).Format("2006/01/02") + "/embargoed-wind-report/"

			walk := func() map[string][]byte {
				t.Helper()
				pages := map[string][]byte{}
				err := srv.ArticlePages(ctx, func(path string, body []byte) error {
					if _, dup := pages[path]; dup {
						t.Errorf("%s: rendered twice", path)
					}
					pages[path] = body
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				var marked []string
				if err := srv.Paths(ctx, p.clock.Now(), func(tg site.Target) error {
					if tg.Article {
						marked = append(marked, tg.Path)
					}
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				if got := slices.Sorted(maps.Keys(pages)); !slices.Equal(got, slices.Sorted(slices.Values(marked))) {
					t.Errorf("ArticlePages walked %q, Paths marks %q", got, marked)
				}
				return pages
			}
			check := func(when string, want []string) {
				t.Helper()
				pages := walk()
				if got := slices.Sorted(maps.Keys(pages)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
					t.Errorf("%s: pages %q, want %q", when, got, want)
				}
				for path, body := range pages {
					if code, page := served(path); code != 200 || page != string(body) {
						t.Errorf("%s: %s: ArticlePages differs from the handler's %d page", when, path, code)
					}
				}
			}
			visible := []string{seedEN, articlePath(mediaEN), articlePath(mediaZH), articlePath(corrected), articlePath(retracted)}
			zhSeed := ""
			for path := range walk() {
				if strings.HasPrefix(path, "/zh/news/china/government-dynamic/") {
					zhSeed = path
				}
			}
			visible = append(visible, zhSeed)
			check("now", visible)

			// The articles come last in Paths, so a caller rendering them with
			// ArticlePages ends the walk at the first.
			var all, skipped []site.Target
			srv.Paths(ctx, p.clock.Now(), func(tg site.Target) error { all = append(all, tg); return nil })
			err = srv.Paths(ctx, p.clock.Now(), func(tg site.Target) error {
				skipped = append(skipped, tg)
				if tg.Article {
					return site.SkipArticles
				}
				return nil
			})
			others := func(list []site.Target) []string {
				var out []string
				for _, tg := range list {
					if !tg.Article {
						out = append(out, tg.Path)
					}
				}
				slices.Sort(out)
				return out
			}
			if n := len(all) - len(visible) + 1; err != nil || len(skipped) != n || !skipped[n-1].Article ||
				!slices.Equal(others(skipped), others(all)) {
				t.Errorf("Paths skipping articles: %v, %d targets of %d, want all but the articles and one", err, len(skipped), len(all))
			}
			for _, path := range []string{articlePath(unpublished), articlePath(draft), embargoedURL} {
				if code, _ := served(path); code != 404 {
					t.Errorf("%s: the handler answers %d, want 404 (not visible)", path, code)
				}
			}
			if _, page := served(articlePath(retracted)); !strings.Contains(page, `<meta name="robots" content="noindex">`) {
				t.Errorf("the retracted article's page is not noindex")
			}
			if _, page := served(articlePath(corrected)); !strings.Contains(page, "not &lt;Monday&gt;.") || !strings.Contains(page, `rel="tag">电网</a>`) {
				t.Errorf("the corrected article's page lacks its correction or tags")
			}

			p.clock.Set(start.Add(3 * time.Hour)) // embargo lifted, scheduled story out
			future := "/zh/news/world/" + start.Add(2*time.Hour).In(loc).Format("2006/01/02") + "/光伏报告/"
			check("later", append(visible, embargoedURL, future))

			// The site stops publishing in Chinese: its articles answer 404.
			if _, err := p.store.SetSetting(ctx, "languages", []string{"en"}); err != nil {
				t.Fatal(err)
			}
			for path, body := range walk() {
				code, page := served(path)
				switch {
				case strings.HasPrefix(path, "/zh/"):
					if body != nil || code != 404 {
						t.Errorf("%s: body %v and the handler's %d; want none and 404", path, body != nil, code)
					}
				case body == nil || code != 200 || page != string(body):
					t.Errorf("%s: ArticlePages differs from the handler's %d page", path, code)
				}
			}
		})
	}
}
