package cli_test

import (
	"bytes"
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
