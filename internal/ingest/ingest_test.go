package ingest_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"newsdesk/internal/ingest"
	"newsdesk/internal/markup"
	"newsdesk/internal/news"
	"newsdesk/internal/sitefile"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

const (
	seedDir   = "../../testdata/seed"
	feedNinjs = "../feed/testdata/ninjs"
	gd        = "news/china/government-dynamic"
	seedURI   = "urn:newsdesk:seed:xi-lukashenko-2022-09-16"
	seedSlug  = "xi-meets-with-belarusian-president-lukashenko"
	seedPath  = "/en/news/china/government-dynamic/2022/09/16/" + seedSlug + "/"
)

var (
	ctx = context.Background()
	san = markup.NewSanitizer()
	// clock is the importer's now: long after the seed's release.
	clock = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
)

func read(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// setup gives a store with the seed site applied and an importer on it.
func setup(t testing.TB, s *store.Store) *ingest.Importer {
	t.Helper()
	if _, err := sitefile.Apply(ctx, s, san, read(t, filepath.Join(seedDir, "seed-site.json"))); err != nil {
		t.Fatalf("site apply: %v", err)
	}
	return &ingest.Importer{Store: s, Sanitizer: san, Now: func() time.Time { return clock }}
}

// seedEN returns the English seed document, changed by edit.
func seedEN(t *testing.T, edit func(doc map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(read(t, filepath.Join(seedDir, "seed-article.ninjs.json")), &doc); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(doc)
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func setHeadline(doc map[string]any, h string) {
	doc["headlines"] = []any{map[string]any{"role": "main", "value": h}}
}

func mustImport(t *testing.T, im *ingest.Importer, name string, data []byte, channel string, want ingest.Outcome) ingest.ItemResult {
	t.Helper()
	r := im.Ninjs(ctx, name, data, channel)
	if r.Err != nil || r.Outcome != want {
		t.Fatalf("import %s: outcome %q, err %v; want %q", name, r.Outcome, r.Err, want)
	}
	return r
}

func byURI(t *testing.T, s *store.Store, uri string) news.Article {
	t.Helper()
	a, err := s.ArticleByURI(ctx, uri)
	if err != nil {
		t.Fatalf("ArticleByURI(%s): %v", uri, err)
	}
	return a
}

func TestImportSeedArticles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		wantRelease := time.Date(2022, 9, 16, 9, 51, 59, 0, time.UTC)
		tests := []struct {
			file                                   string
			uri, lang, headline, slug, src, editor string
			bodyStart                              string
		}{
			{"seed-article.ninjs.json", seedURI, "en", "Xi meets with Belarusian President Lukashenko", seedSlug, "Xinhua", "Leon",
				"<p>Chinese President Xi Jinping on Thursday afternoon met with"},
			{"seed-article-zh.ninjs.json", seedURI + ":zh", "zh", "习近平会见白俄罗斯总统卢卡申科", "习近平会见白俄罗斯总统卢卡申科", "新华社", "李明",
				"<p>9月15日下午，国家主席习近平在撒马尔罕会见白俄罗斯总统卢卡申科。</p>"},
		}
		for _, tt := range tests {
			mustImport(t, im, tt.file, read(t, filepath.Join(seedDir, tt.file)), gd, ingest.Created)
			a := byURI(t, s, tt.uri)
			checks := []struct{ field, got, want string }{
				{"language", a.Language, tt.lang},
				{"headline", a.Headline, tt.headline},
				{"slug", a.Slug, tt.slug},
				{"source", a.Source, tt.src},
				{"editor", a.Editor, tt.editor},
				{"channel", a.ChannelPath, gd},
				{"status", string(a.Status), string(news.StatusPublished)},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s: %s = %q, want %q", tt.file, c.field, c.got, c.want)
				}
			}
			if !a.ReleaseAt.Equal(wantRelease) || a.ReleaseAt.Location() != time.UTC {
				t.Errorf("%s: release = %v, want %v", tt.file, a.ReleaseAt, wantRelease)
			}
			if !a.VersionCreated.Equal(wantRelease) || !a.EmbargoUntil.IsZero() {
				t.Errorf("%s: version %v, embargo %v", tt.file, a.VersionCreated, a.EmbargoUntil)
			}
			if !a.CreatedAt.Equal(clock) || !a.UpdatedAt.Equal(clock) {
				t.Errorf("%s: created %v, updated %v; want %v", tt.file, a.CreatedAt, a.UpdatedAt, clock)
			}
			if !strings.HasPrefix(a.BodyHTML, tt.bodyStart) {
				t.Errorf("%s: body starts %.80q", tt.file, a.BodyHTML)
			}
			if _, err := s.VisibleArticle(ctx, tt.lang, gd, tt.slug, clock); err != nil {
				t.Errorf("%s: not visible: %v", tt.file, err)
			}
		}
		en := byURI(t, s, seedURI)
		site, _ := s.Site(ctx)
		if got := en.Path(site.Location()); got != seedPath {
			t.Errorf("path = %q, want %q", got, seedPath)
		}
	})
}

func TestReimport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		first := mustImport(t, im, "seed", seedEN(t, nil), gd, ingest.Created)
		orig := byURI(t, s, seedURI)

		// The same file again, even without --channel: nothing to do.
		im.Now = func() time.Time { return clock.Add(time.Hour) }
		for _, channel := range []string{gd, ""} {
			r := mustImport(t, im, "seed", seedEN(t, nil), channel, ingest.Unchanged)
			if r.Article.ID != first.Article.ID {
				t.Errorf("unchanged import names id %d, want %d", r.Article.ID, first.Article.ID)
			}
		}
		if a := byURI(t, s, seedURI); !a.UpdatedAt.Equal(orig.UpdatedAt) {
			t.Errorf("unchanged import touched updated_at: %v → %v", orig.UpdatedAt, a.UpdatedAt)
		}

		// A newer version with a new headline updates in place; the slug stays.
		newer := seedEN(t, func(doc map[string]any) {
			doc["versioncreated"] = "2022-09-16T19:00:00+08:00"
			setHeadline(doc, "Xi and Lukashenko upgrade ties")
		})
		mustImport(t, im, "newer", newer, "", ingest.Updated)
		a := byURI(t, s, seedURI)
		if a.ID != orig.ID || a.Slug != seedSlug || a.Headline != "Xi and Lukashenko upgrade ties" || a.ChannelPath != gd {
			t.Errorf("after newer version: id %d slug %q headline %q channel %s", a.ID, a.Slug, a.Headline, a.ChannelPath)
		}
		if !a.CreatedAt.Equal(orig.CreatedAt) || !a.UpdatedAt.Equal(clock.Add(time.Hour)) {
			t.Errorf("created %v updated %v", a.CreatedAt, a.UpdatedAt)
		}
		if n, _ := s.CountArticles(ctx); n != 1 {
			t.Errorf("%d articles, want 1", n)
		}

		// An older version changes nothing.
		older := seedEN(t, func(doc map[string]any) {
			doc["versioncreated"] = "2022-09-16T18:00:00+08:00"
			setHeadline(doc, "Old headline")
		})
		r := mustImport(t, im, "older", older, gd, ingest.Older)
		if r.Article.Headline != "Xi and Lukashenko upgrade ties" {
			t.Errorf("older result carries %q", r.Article.Headline)
		}
		if b := byURI(t, s, seedURI); b.Headline != a.Headline || !b.UpdatedAt.Equal(a.UpdatedAt) {
			t.Errorf("older version changed the article: %q", b.Headline)
		}
	})
}

func TestReimportToAnotherChannelLeavesRedirect(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		mustImport(t, im, "seed", seedEN(t, nil), gd, ingest.Created)
		orig := byURI(t, s, seedURI)
		r := mustImport(t, im, "seed", seedEN(t, nil), "news/world", ingest.Updated)
		a := byURI(t, s, seedURI)
		newPath := "/en/news/world/2022/09/16/" + seedSlug + "/"
		site, _ := s.Site(ctx)
		if a.ID != orig.ID || a.ChannelPath != "news/world" || a.Path(site.Location()) != newPath || r.Article.Path(site.Location()) != newPath {
			t.Errorf("moved article: id %d channel %s path %s", a.ID, a.ChannelPath, a.Path(site.Location()))
		}
		to, err := s.Redirect(ctx, seedPath)
		if err != nil || to != newPath {
			t.Errorf("Redirect(%s) = %q, %v; want %s", seedPath, to, err, newPath)
		}
		if _, err := s.VisibleArticle(ctx, "en", gd, seedSlug, clock); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("still visible in the old channel: %v", err)
		}
		if _, err := s.VisibleArticle(ctx, "en", "news/world", seedSlug, clock); err != nil {
			t.Errorf("not visible in the new channel: %v", err)
		}

		// Moving back removes the redirect out of the path that holds it again.
		mustImport(t, im, "seed", seedEN(t, nil), gd, ingest.Updated)
		if _, err := s.Redirect(ctx, seedPath); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("redirect out of the restored path remains: %v", err)
		}
		if to, err := s.Redirect(ctx, newPath); err != nil || to != seedPath {
			t.Errorf("Redirect(%s) = %q, %v; want %s", newPath, to, err, seedPath)
		}
	})
}

func TestImportVisibility(t *testing.T) {
	tests := []struct {
		name       string
		edit       func(doc map[string]any)
		status     news.Status
		visibleAt  time.Time // zero: never
		invisibles []time.Time
	}{
		{"embargoed", func(doc map[string]any) { doc["embargoed"] = "2027-01-01T08:00:00+08:00" },
			news.StatusScheduled, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), []time.Time{clock, time.Date(2026, 12, 31, 23, 59, 59, 0, time.UTC)}},
		{"future firstpublished wins over firstcreated", func(doc map[string]any) { doc["firstpublished"] = "2027-02-01T00:00:00Z" },
			news.StatusScheduled, time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC), []time.Time{clock}},
		{"withheld", func(doc map[string]any) { doc["pubstatus"] = "withheld" }, news.StatusWithheld, time.Time{}, []time.Time{clock, clock.AddDate(10, 0, 0)}},
		{"canceled", func(doc map[string]any) { doc["pubstatus"] = "canceled" }, news.StatusCanceled, time.Time{}, []time.Time{clock, clock.AddDate(10, 0, 0)}},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				uri := seedURI + ":" + string(rune('a'+i))
				data := seedEN(t, func(doc map[string]any) {
					doc["uri"] = uri
					tt.edit(doc)
				})
				r := mustImport(t, im, tt.name, data, gd, ingest.Created)
				a := byURI(t, s, uri)
				if a.Status != tt.status {
					t.Errorf("status = %q, want %q", a.Status, tt.status)
				}
				for _, now := range tt.invisibles {
					if _, err := s.VisibleArticle(ctx, "en", gd, r.Article.Slug, now); !errors.Is(err, news.ErrNotFound) {
						t.Errorf("visible at %v: %v", now, err)
					}
					list, _, err := s.VisibleArticles(ctx, store.ArticleQuery{Language: "en", Now: now, Limit: 100})
					if err != nil {
						t.Fatal(err)
					}
					for _, l := range list {
						if l.ID == a.ID {
							t.Errorf("listed at %v", now)
						}
					}
				}
				if !tt.visibleAt.IsZero() {
					if _, err := s.VisibleArticle(ctx, "en", gd, r.Article.Slug, tt.visibleAt); err != nil {
						t.Errorf("not visible at %v: %v", tt.visibleAt, err)
					}
				}
			})
		}
	})
}

func TestWithdrawnAfterPublishing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		mustImport(t, im, "seed", seedEN(t, nil), gd, ingest.Created)
		if _, err := s.VisibleArticle(ctx, "en", gd, seedSlug, clock); err != nil {
			t.Fatalf("not visible: %v", err)
		}
		kill := seedEN(t, func(doc map[string]any) {
			doc["versioncreated"] = "2022-09-17T10:00:00+08:00"
			doc["pubstatus"] = "canceled"
		})
		mustImport(t, im, "kill", kill, "", ingest.Updated)
		if _, err := s.VisibleArticle(ctx, "en", gd, seedSlug, clock); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("canceled article still visible: %v", err)
		}
	})
}

func TestRunWithABadFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		dir := t.TempDir()
		write := func(name string, data []byte) string {
			p := filepath.Join(dir, name)
			if err := os.WriteFile(p, data, 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		}
		files := []string{
			write("1-en.json", read(t, filepath.Join(seedDir, "seed-article.ninjs.json"))),
			write("2-bad.json", read(t, filepath.Join(feedNinjs, "bad-missing-headline.json"))),
			write("3-zh.json", read(t, filepath.Join(seedDir, "seed-article-zh.ninjs.json"))),
			write("4-malformed.json", []byte("{\n  \"uri\": \"urn:x\",\n  \"language\" \"en\"\n}")),
			filepath.Join(dir, "5-missing.json"),
		}
		var results []ingest.ItemResult
		sum := im.Run(ctx, files, gd, func(r ingest.ItemResult) { results = append(results, r) })
		if sum.Total != 5 || sum.Counts[ingest.Created] != 2 || sum.Failed() != 3 {
			t.Errorf("summary = %+v", sum)
		}
		want := "import: 5 files: 2 created, 0 updated, 0 unchanged, 0 older ignored, 3 failed"
		if sum.String() != want {
			t.Errorf("summary = %q, want %q", sum, want)
		}
		if len(results) != 5 {
			t.Fatalf("%d results reported, want 5", len(results))
		}
		outcomes := []ingest.Outcome{ingest.Created, ingest.Failed, ingest.Created, ingest.Failed, ingest.Failed}
		for i, r := range results {
			if r.Path != files[i] || r.Outcome != outcomes[i] {
				t.Errorf("result %d = %s %q, want %s %q", i, r.Path, r.Outcome, files[i], outcomes[i])
			}
		}
		var v *news.ValidationError
		if !errors.As(results[1].Err, &v) || len(v.Fields) != 1 || v.Fields[0].Path != "headlines" {
			t.Errorf("bad file error = %v, want one error at headlines", results[1].Err)
		}
		if !errors.As(results[3].Err, &v) || !strings.Contains(v.Error(), "line 3") {
			t.Errorf("malformed file error = %v, want its line", results[3].Err)
		}
		if !errors.Is(results[4].Err, os.ErrNotExist) {
			t.Errorf("missing file error = %v", results[4].Err)
		}
		if n, _ := s.CountArticles(ctx); n != 2 {
			t.Errorf("%d articles stored, want 2", n)
		}

		// The folder form finds the same files (without the missing one), in name order.
		found, err := ingest.NinjsFiles([]string{dir})
		if err != nil || len(found) != 4 || found[0] != files[0] || found[3] != files[3] {
			t.Errorf("NinjsFiles = %v, %v", found, err)
		}
		sum = im.Run(ctx, found, "", nil)
		if sum.Counts[ingest.Unchanged] != 2 || sum.Failed() != 2 {
			t.Errorf("second run = %v", sum)
		}
	})
}

func TestImportSanitizesHostileBodies(t *testing.T) {
	var payloads []string
	for _, f := range []string{"RSNAKE_XSS.txt", "XSS_Polyglots.txt", "xss_payloads_quick.txt", "0xcela_event_handlers.txt"} {
		payloads = append(payloads, string(read(t, filepath.Join("../../testdata/hostile/xss/payloadsallthethings", f))))
	}
	bodies := []string{
		`<p>Safe text.</p><script>alert(1)</script><img src="x.png" onerror="alert(2)"><a href="javascript:alert(3)">link</a><a href="https://example.com/x">safe link</a>`,
		`<p onclick="x()">Click</p><a href=" JaVaScRiPt:alert(4)">sneaky</a><iframe src="https://evil.example/"></iframe>`,
		strings.Join(payloads, "\n"),
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		for i, body := range bodies {
			uri := "urn:test:hostile:" + string(rune('a'+i))
			data := seedEN(t, func(doc map[string]any) {
				doc["uri"] = uri
				doc["bodies"] = []any{map[string]any{"role": "main", "contenttype": "text/html", "value": body}}
				doc["descriptions"] = []any{map[string]any{"role": "summary", "contenttype": "text/html", "value": `<b>Sum</b><script>alert(5)</script>`}}
			})
			mustImport(t, im, uri, data, gd, ingest.Created)
			a := byURI(t, s, uri)
			checkSafe(t, uri, a.BodyHTML)
			if a.Summary != "Sum" {
				t.Errorf("%s: summary = %q, want plain %q", uri, a.Summary, "Sum")
			}
		}
		a := byURI(t, s, "urn:test:hostile:a")
		// The javascript: link loses its href (and so its tag) but keeps its
		// text; a web link stays, marked nofollow.
		if !strings.Contains(a.BodyHTML, "<p>Safe text.</p>") || !strings.Contains(a.BodyHTML, "link") ||
			!strings.Contains(a.BodyHTML, `<a href="https://example.com/x" rel="nofollow noreferrer">safe link</a>`) {
			t.Errorf("safe content lost: %s", a.BodyHTML)
		}
	})
}

// checkSafe parses body as a browser would and fails on anything that can
// run script or load foreign content.
func checkSafe(t *testing.T, name, body string) {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(body), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatal(err)
	}
	forbidden := map[string]bool{"script": true, "iframe": true, "object": true, "embed": true, "svg": true, "math": true,
		"style": true, "link": true, "meta": true, "form": true, "input": true, "base": true, "frame": true, "frameset": true}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if forbidden[n.Data] {
				t.Errorf("%s: stored body has <%s>", name, n.Data)
			}
			for _, at := range n.Attr {
				key := strings.ToLower(at.Key)
				val := strings.ToLower(strings.Join(strings.Fields(at.Val), ""))
				if strings.HasPrefix(key, "on") || key == "style" || key == "srcdoc" || key == "formaction" {
					t.Errorf("%s: stored body has attribute %s=%q on <%s>", name, at.Key, at.Val, n.Data)
				}
				if (key == "href" || key == "src" || key == "action") &&
					(strings.HasPrefix(val, "javascript:") || strings.HasPrefix(val, "vbscript:") || strings.HasPrefix(val, "data:")) {
					t.Errorf("%s: stored body has %s=%q", name, at.Key, at.Val)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
}

func TestImportRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := &ingest.Importer{Store: s, Sanitizer: san, Now: func() time.Time { return clock }}
		seed := seedEN(t, nil)

		// Before site apply.
		r := im.Ninjs(ctx, "seed", seed, gd)
		if r.Outcome != ingest.Failed || r.Err == nil || !strings.Contains(r.Err.Error(), "site apply") {
			t.Errorf("no site: %q, %v; want a failure naming `site apply`", r.Outcome, r.Err)
		}

		// A site in English only.
		if _, err := sitefile.Apply(ctx, s, san, []byte(`{"languages": ["en"], "time_zone": "Asia/Shanghai",
			"channels": [{"slug": "news", "children": [{"slug": "china", "children": [{"slug": "government-dynamic"}]}]}]}`)); err != nil {
			t.Fatal(err)
		}
		zh := read(t, filepath.Join(seedDir, "seed-article-zh.ninjs.json"))
		r = im.Ninjs(ctx, "zh", zh, gd)
		var v *news.ValidationError
		if r.Outcome != ingest.Failed || !errors.As(r.Err, &v) || v.Fields[0].Path != "language" || !strings.Contains(v.Error(), `"zh"`) {
			t.Errorf("zh on an English site: %q, %v; want a language error", r.Outcome, r.Err)
		}

		// A new article needs a channel, and the channel must exist.
		r = im.Ninjs(ctx, "seed", seed, "")
		if r.Outcome != ingest.Failed || r.Err == nil || !strings.Contains(r.Err.Error(), "--channel") {
			t.Errorf("no channel: %q, %v", r.Outcome, r.Err)
		}
		r = im.Ninjs(ctx, "seed", seed, "news/nope")
		if r.Outcome != ingest.Failed || !errors.Is(r.Err, news.ErrNotFound) || !strings.Contains(r.Err.Error(), "news/nope") {
			t.Errorf("unknown channel: %q, %v", r.Outcome, r.Err)
		}
		if n, _ := s.CountArticles(ctx); n != 0 {
			t.Errorf("%d articles stored after refusals, want 0", n)
		}
		mustImport(t, im, "seed", seed, gd, ingest.Created)
	})
}

func TestSlugCollisionsAndFallbacks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		mustImport(t, im, "seed", seedEN(t, nil), gd, ingest.Created)
		// Another story with the same headline gets a numbered slug.
		twin := seedEN(t, func(doc map[string]any) { doc["uri"] = "urn:test:twin" })
		r := mustImport(t, im, "twin", twin, gd, ingest.Created)
		if r.Article.Slug != seedSlug+"-2" {
			t.Errorf("twin slug = %q, want %s-2", r.Article.Slug, seedSlug)
		}
		// A headline with nothing sluggable falls back to "article".
		bare := seedEN(t, func(doc map[string]any) {
			doc["uri"] = "urn:test:bare"
			setHeadline(doc, "!!!")
		})
		if r := mustImport(t, im, "bare", bare, gd, ingest.Created); r.Article.Slug != "article" {
			t.Errorf("bare slug = %q, want article", r.Article.Slug)
		}
		// A very long Chinese headline still gives a valid slug.
		long := seedEN(t, func(doc map[string]any) {
			doc["uri"] = "urn:test:long"
			setHeadline(doc, strings.Repeat("国家能源局发布新闻", 20))
		})
		if r := mustImport(t, im, "long", long, gd, ingest.Created); !news.ValidSlug(r.Article.Slug) {
			t.Errorf("long slug %q is not valid", r.Article.Slug)
		}
	})
}
