package cli_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/editorial"
	"newsdesk/internal/markup"
	"newsdesk/internal/media"
	"newsdesk/internal/news"
)

// TestExportStatic drives `export static` as an operator would: a full
// export, then an incremental one after an import, then bad input.
func TestExportStatic(t *testing.T) {
	each(t, func(t *testing.T, db string) {
		ready(t, db)
		run(t, nil, "import", "ninjs", seedFile("seed-article.ninjs.json"), "--channel", gd, "--db", db).expect(t, 0, nil, nil)
		dir := filepath.Join(t.TempDir(), "public")
		run(t, nil, "export", "static", dir, "--base-url", "https://news.example.org/", "--db", db).
			expect(t, 0, []string{"export static (full): ", " written to " + dir}, nil)
		article := filepath.Join(dir, "en", "news", "china", "government-dynamic", "2022", "09", "16", "xi-meets-with-belarusian-president-lukashenko", "index.html")
		for _, f := range []string{article, article + ".gz", article + ".br", filepath.Join(dir, "en", "index.html")} {
			if _, err := os.Stat(f); err != nil {
				t.Errorf("after export: %v", err)
			}
		}
		// Feeds, sitemaps and robots.txt are exported, naming the public site.
		for f, want := range map[string]string{
			filepath.Join(dir, "en", "atom.xml"):          `<link rel="self" type="application/atom+xml" href="https://news.example.org/en/atom.xml">`,
			filepath.Join(dir, "sitemap.xml"):             "<loc>https://news.example.org/sitemaps/2022-09.xml</loc>",
			filepath.Join(dir, "sitemaps", "2022-09.xml"): "<loc>https://news.example.org/en/news/china/government-dynamic/2022/09/16/",
			filepath.Join(dir, "robots.txt"):              "Sitemap: https://news.example.org/sitemap.xml",
		} {
			if b, err := os.ReadFile(f); err != nil || !strings.Contains(string(b), want) {
				t.Errorf("%s lacks %s (%v)", f, want, err)
			}
		}
		zh := filepath.Join(dir, "zh", "news", "china", "government-dynamic", "2022", "09", "16")
		if _, err := os.Stat(zh); !os.IsNotExist(err) {
			t.Errorf("the Chinese article is not imported yet, but its folder exists: %v", err)
		}
		run(t, nil, "import", "ninjs", seedFile("seed-article-zh.ninjs.json"), "--channel", gd, "--db", db).expect(t, 0, nil, nil)
		r := run(t, nil, "export", "static", dir, "--incremental", "--base-url", "https://news.example.org/", "--db", db)
		r.expect(t, 0, []string{"export static (incremental): "}, nil)
		if entries, err := os.ReadDir(zh); err != nil || len(entries) != 1 {
			t.Errorf("after the incremental export, the Chinese article: %v %v", entries, err)
		}
		if strings.Contains(r.stdout, "(full)") {
			t.Errorf("an incremental export with nothing site-wide changed ran in full: %s", r.stdout)
		}
		// Another base URL cannot be patched in: the whole site is written again.
		run(t, nil, "export", "static", dir, "--incremental", "--base-url", "https://www.example.org/", "--db", db).
			expect(t, 0, []string{"export static (full): "}, nil)
		run(t, nil, "export", "static", dir, "--base-url", "ftp://x", "--db", db).expect(t, 2, nil, []string{"--base-url"})
		run(t, nil, "export", "static", "--db", db).expect(t, 2, nil, []string{"give one DIR"})
		run(t, nil, "export", "pdf", dir, "--db", db).expect(t, 2, nil, []string{"export static DIR"})
		mine := t.TempDir()
		os.WriteFile(filepath.Join(mine, "index.html"), []byte("hand made"), 0o644)
		run(t, nil, "export", "static", mine, "--db", db).expect(t, 1, nil, []string{"holds files"})
	})
}

// TestExportMedia: the export copies the media files visible articles show
// (with their variants), and not those of an article still in draft.
func TestExportMedia(t *testing.T) {
	each(t, func(t *testing.T, db string) {
		ready(t, db)
		s := open(t, db)
		mediaDir := t.TempDir()
		lib := media.New(s, mediaDir, slog.New(slog.DiscardHandler))
		chief := news.User{Email: "chief@example.org", Name: "Chief", Status: news.UserActive, Grants: []news.Grant{{Role: news.RoleChiefEditor}}}
		var err error
		if chief.ID, err = s.CreateUser(ctx, chief, time.Now()); err != nil {
			t.Fatal(err)
		}
		ed := &editorial.Service{Store: s, Sanitizer: markup.NewSanitizer(), Now: time.Now, Log: slog.New(slog.DiscardHandler)}
		article := func(file, headline string, publish bool) news.Media {
			data, err := os.ReadFile(filepath.Join("..", "media", "testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			m, _, err := lib.Add(ctx, chief, "", media.Upload{Filename: file, Body: bytes.NewReader(data), Alt: "Described"})
			if err != nil {
				t.Fatal(err)
			}
			a, err := ed.Create(ctx, chief, "", editorial.Draft{Language: "en", Channel: "news/world", Headline: headline,
				BodyHTML: "<p>Text.</p>", Media: &editorial.DraftMedia{LeadID: m.ID}})
			if err != nil {
				t.Fatal(err)
			}
			if publish {
				if _, err := ed.Transition(ctx, chief, "", a.ID, news.Step{Transition: news.TransitionPublish}); err != nil {
					t.Fatal(err)
				}
			}
			return m
		}
		shown := article("wide.png", "A wide view", true)
		hidden := article("photo-gps.jpg", "Not yet", false)
		dir := filepath.Join(t.TempDir(), "public")
		run(t, nil, "export", "static", dir, "--media", mediaDir, "--base-url", "https://news.example.org/", "--db", db).expect(t, 0, nil, nil)
		for _, u := range append([]string{shown.URL()}, shown.VariantURL(shown.Variants[0].Width)) {
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(u))); err != nil {
				t.Errorf("visible article's file %s not exported: %v", u, err)
			}
		}
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(hidden.URL()))); !os.IsNotExist(err) {
			t.Errorf("a draft's file was exported: %v", err)
		}
	})
}

// TestIncrementalExportOfAnEdit: editing an article that moves nothing
// rewrites the one page of each listing it sits on, not the listing's
// other pages.
func TestIncrementalExportOfAnEdit(t *testing.T) {
	each(t, func(t *testing.T, db string) {
		ready(t, db)
		s := open(t, db)
		chief := news.User{Email: "chief@example.org", Name: "Chief", Status: news.UserActive, Grants: []news.Grant{{Role: news.RoleChiefEditor}}}
		var err error
		if chief.ID, err = s.CreateUser(ctx, chief, time.Now()); err != nil {
			t.Fatal(err)
		}
		clock := time.Now().Add(-time.Hour)
		ed := &editorial.Service{Store: s, Sanitizer: markup.NewSanitizer(), Now: func() time.Time { return clock }, Log: slog.New(slog.DiscardHandler)}
		var oldest news.Article
		for i := range 45 {
			clock = clock.Add(time.Second)
			a, err := ed.Create(ctx, chief, "", editorial.Draft{Language: "en", Channel: "news/world", Headline: fmt.Sprintf("World story %d", i),
				BodyHTML: "<p>Text.</p>", Tags: []string{"world"}})
			if err != nil {
				t.Fatal(err)
			}
			if a, err = ed.Transition(ctx, chief, "", a.ID, news.Step{Transition: news.TransitionPublish}); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				oldest = a
			}
		}
		dir := filepath.Join(t.TempDir(), "public")
		run(t, nil, "export", "static", dir, "--base-url", "https://news.example.org/", "--db", db).expect(t, 0, nil, nil)
		listing := filepath.Join(dir, "en", "news", "world")
		files := map[string]string{
			"page 1":        filepath.Join(listing, "index.html"),
			"page 2":        filepath.Join(listing, "page", "2", "index.html"),
			"page 3":        filepath.Join(listing, "page", "3", "index.html"),
			"tag 3":         filepath.Join(dir, "en", "tags", "world", "page", "3", "index.html"),
			"tag 1":         filepath.Join(dir, "en", "tags", "world", "index.html"),
			"month sitemap": filepath.Join(dir, "sitemaps", oldest.ReleaseAt.UTC().Format("2006-01")+".xml"),
			"other listing": filepath.Join(dir, "en", "news", "china", "index.html"),
		}
		past := time.Now().Add(-time.Hour)
		for name, f := range files {
			if err := os.Chtimes(f, past, past); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		clock = time.Now()
		if _, err := ed.Save(ctx, chief, "", oldest.ID, oldest.Version, editorial.Draft{Language: "en", Channel: "news/world",
			Headline: "World story 0, revised", BodyHTML: "<p>Text.</p>", Tags: []string{"world"}}, false); err != nil {
			t.Fatal(err)
		}
		r := run(t, nil, "export", "static", dir, "--incremental", "--base-url", "https://news.example.org/", "--db", db)
		r.expect(t, 0, []string{"(incremental)"}, nil)
		for name, want := range map[string]bool{"page 1": false, "page 2": false, "page 3": true, "tag 3": true, "tag 1": false,
			"month sitemap": true, "other listing": false} {
			info, err := os.Stat(files[name])
			if err != nil {
				t.Fatal(err)
			}
			if got := info.ModTime().After(past.Add(time.Minute)); got != want {
				t.Errorf("%s rewritten = %v, want %v", name, got, want)
			}
		}
		if body, _ := os.ReadFile(files["page 3"]); !strings.Contains(string(body), "World story 0, revised") {
			t.Error("page 3 does not show the new headline")
		}
	})
}
