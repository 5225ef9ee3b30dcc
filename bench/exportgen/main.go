// Command exportgen prepares the static-export benchmark
// (bench/export-vs-hugo.sh): it fills a Newsdesk database with N generated
// articles over the seed site's channel tree and writes the same articles as
// a Hugo site with templates equivalent to the portal's (article pages,
// channel listings of 20 a page, tag pages, the home page), so both tools
// build the same content in the same run.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"newsdesk/internal/editorial"
	"newsdesk/internal/markup"
	"newsdesk/internal/news"
	"newsdesk/internal/sitefile"
	"newsdesk/internal/store"
)

func main() {
	db := flag.String("db", "", "Newsdesk database URL (sqlite:PATH or postgres://...)")
	hugoDir := flag.String("hugo", "", "folder for the Hugo site (none when empty)")
	pathsFile := flag.String("paths", "", "write every article's public path to `FILE`, one a line")
	n := flag.Int("n", 10000, "articles")
	siteFile := flag.String("site", "testdata/seed/seed-site.json", "site file to apply first")
	edit := flag.Int("edit", -1, "instead of generating, edit generated article `N` (its headline), as an editor would")
	flag.Parse()
	if *edit >= 0 {
		if err := editOne(*db, *edit); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *db == "" {
		log.Fatal("usage: exportgen -db URL [-hugo DIR] [-paths FILE] [-n N]")
	}
	ctx := context.Background()
	s, err := store.Open(ctx, *db)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	data, err := os.ReadFile(*siteFile)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := sitefile.Apply(ctx, s, markup.NewSanitizer(), data); err != nil {
		log.Fatal(err)
	}
	site, err := s.Site(ctx)
	if err != nil {
		log.Fatal(err)
	}
	tree, err := s.Channels(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if *hugoDir != "" {
		if err := writeHugoSkeleton(*hugoDir, tree); err != nil {
			log.Fatal(err)
		}
	}
	var paths *os.File
	if *pathsFile != "" {
		if paths, err = os.Create(*pathsFile); err != nil {
			log.Fatal(err)
		}
		defer paths.Close()
	}
	loc := site.Location()
	channels := tree.All()
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	tags := []string{"grid", "solar", "wind", "hydro", "coal", "policy", "trade", "storage"}
	const batch = 500
	for done := 0; done < *n; done += batch {
		err := s.InTx(ctx, func(tx *store.Tx) error {
			for i := done; i < done+batch && i < *n; i++ {
				c := channels[i%len(channels)]
				at := start.Add(time.Duration(i) * 17 * time.Minute)
				a := news.Article{
					URI: fmt.Sprintf("urn:bench:%d", i), Language: "en", ChannelID: c.ID, ChannelPath: c.Path,
					Headline: fmt.Sprintf("Transmission line progress report %d", i), Slug: fmt.Sprintf("transmission-line-progress-report-%d", i),
					Summary: "Crews work in shifts through the week.", BodyHTML: body(i), Source: "Xinhua", Editor: "Leon",
					Tags: []string{tags[i%len(tags)], tags[(i/8)%len(tags)]}, Status: news.StatusPublished,
					ReleaseAt: at, VersionCreated: at, CreatedAt: at, UpdatedAt: at,
				}
				if _, err := tx.SaveArticle(ctx, a); err != nil {
					return err
				}
				if *hugoDir != "" {
					if err := writeHugoArticle(*hugoDir, a, loc); err != nil {
						return err
					}
				}
				if paths != nil {
					fmt.Fprintln(paths, a.Path(loc))
				}
			}
			return nil
		})
		if err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("exportgen: %d articles in %s\n", *n, *db)
}

func body(i int) string {
	var b strings.Builder
	for p := range 8 {
		fmt.Fprintf(&b, "<p>The grid operator reported steady progress on line %d, section %d, with crews working in shifts through the week and inspections planned before the summer peak.</p>", i, p)
	}
	return b.String()
}

func writeHugoArticle(dir string, a news.Article, loc *time.Location) error {
	name := filepath.Join(dir, "content", "en", filepath.FromSlash(a.ChannelPath), a.Slug+".md")
	fm := fmt.Sprintf("---\ntitle: %q\ndate: %s\nurl: %q\nsummary: %q\nsource: %q\neditor: %q\ntags: [%q, %q]\n---\n%s\n",
		a.Headline, a.ReleaseAt.In(loc).Format(time.RFC3339), a.Path(loc), a.Summary, a.Source, a.Editor, a.Tags[0], a.Tags[1], a.BodyHTML)
	return os.WriteFile(name, []byte(fm), 0o644)
}

// writeHugoSkeleton writes the Hugo configuration, one section per channel
// and templates that produce the portal's pages.
func writeHugoSkeleton(dir string, tree *news.ChannelTree) error {
	files := map[string]string{
		"config.toml": `baseURL = "http://127.0.0.1:18080/"
languageCode = "en"
title = "Energy Administration"
paginate = 20
disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]
[taxonomies]
  tag = "tags"
`,
		"layouts/_default/baseof.html": `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} - {{ .Site.Title }}</title><link rel="stylesheet" href="/static/site.css"></head>
<body><header><p class="site-name"><a href="/en/">{{ .Site.Title }}</a></p>
<nav><ul>{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><p><a href="/en/about-us/">About us</a> | <a href="/en/contact-us/">Contact us</a> | <a href="/en/legal-notice/">Legal notice</a></p>
<p>Sponsored by the Energy Administration. Operated by its information centre.</p><p>Registration number:11044902</p></footer></body></html>
`,
		"layouts/_default/single.html": `{{ define "main" }}<nav class="breadcrumb"><a href="/en/">Home</a>{{ range .Ancestors.Reverse }}{{ if not .IsHome }} &gt; <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}{{ end }}</nav>
<article><h1>{{ .Title }}</h1><p class="meta">Release Date:<time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2006-01-02 15:04:05" }}</time> Source:{{ .Params.source }}</p>
<div class="body">{{ .Content }}</div><p class="editor">Editor: {{ .Params.editor }}</p>
{{ with .Params.tags }}<p class="tags">Tags: {{ range $i, $t := . }}{{ if $i }}, {{ end }}<a href="/tags/{{ $t | urlize }}/" rel="tag">{{ $t }}</a>{{ end }}</p>{{ end }}</article>{{ end }}
`,
		"layouts/_default/list.html": `{{ define "main" }}<h1>{{ .Title }}</h1><ul class="list">{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2006-01-02" }}</time><p>{{ .Summary }}</p></li>{{ end }}</ul>
<nav class="pager">{{ with .Paginator.Prev }}<a href="{{ .URL }}" rel="prev">Previous</a>{{ end }} Page {{ .Paginator.PageNumber }} of {{ .Paginator.TotalPages }} {{ with .Paginator.Next }}<a href="{{ .URL }}" rel="next">Next</a>{{ end }}</nav>{{ end }}
`,
		"layouts/index.html": `{{ define "main" }}<h2>Latest</h2><ul>{{ range first 6 .Site.RegularPages.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ range .Site.Sections }}<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2><ul>{{ range first 5 .RegularPagesRecursive.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}{{ end }}
`,
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return err
		}
	}
	for _, c := range tree.All() {
		d := filepath.Join(dir, "content", "en", filepath.FromSlash(c.Path))
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		idx := fmt.Sprintf("---\ntitle: %q\nurl: %q\n---\n", c.Name["en"], "/en/"+c.Path+"/")
		if err := os.WriteFile(filepath.Join(d, "_index.md"), []byte(idx), 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "content", "en", "_index.md"), []byte("---\ntitle: \"English\"\nurl: \"/en/\"\n---\n"), 0o644)
}

// editOne changes the headline of generated article n through the
// editorial service, as the newsroom would, so the change log says so.
func editOne(db string, n int) error {
	ctx := context.Background()
	s, err := store.Open(ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	a, err := s.ArticleByURI(ctx, fmt.Sprintf("urn:bench:%d", n))
	if err != nil {
		return err
	}
	chief := news.User{Email: fmt.Sprintf("bench-%d@example.org", time.Now().UnixNano()), Name: "Bench", Status: news.UserActive,
		Grants: []news.Grant{{Role: news.RoleChiefEditor}}}
	if chief.ID, err = s.CreateUser(ctx, chief, time.Now()); err != nil {
		return err
	}
	ed := &editorial.Service{Store: s, Sanitizer: markup.NewSanitizer(), Now: time.Now, Log: slog.New(slog.DiscardHandler)}
	_, err = ed.Save(ctx, chief, "", a.ID, a.Version, editorial.Draft{Language: a.Language, Channel: a.ChannelPath,
		Headline: a.Headline + " (updated)", Summary: a.Summary, BodyHTML: a.BodyHTML, Source: a.Source, Editor: a.Editor, Tags: a.Tags}, false)
	return err
}
