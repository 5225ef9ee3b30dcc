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
		pages, err := s.Pages(ctx)
		if err != nil {
			log.Fatal(err)
		}
		if err := writeHugoSkeleton(*hugoDir, site, tree, pages); err != nil {
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
	// Stored HTML goes in as an .html content file, as Newsdesk stores it:
	// Hugo copies it without a Markdown pass (the fair comparison; a .md
	// file would also need goldmark's unsafe mode to keep the body).
	name := filepath.Join(dir, "content", filepath.FromSlash(a.ChannelPath), a.Slug+".html")
	fm := fmt.Sprintf("---\ntitle: %q\ndate: %s\nlastmod: %s\nurl: %q\nsummary: %q\nsource: %q\neditor: %q\ntags: [%q, %q]\n---\n%s\n",
		a.Headline, a.ReleaseAt.In(loc).Format(time.RFC3339), a.UpdatedAt.In(loc).Format(time.RFC3339), a.Path(loc), a.Summary, a.Source, a.Editor, a.Tags[0], a.Tags[1], a.BodyHTML)
	return os.WriteFile(name, []byte(fm), 0o644)
}

// writeHugoSkeleton writes the Hugo configuration, one section per channel,
// the footer pages, and templates that produce what the portal's export
// does for the English edition: the same page markup (head with canonical,
// feed links, Open Graph, JSON-LD; masthead, channel navigation,
// breadcrumb, footer), channel listings of the whole subtree 20 a page,
// tag pages, the home page with its channel boxes, RSS, Atom and JSON
// feeds of the 50 newest for the site and every channel, and a sitemap.
func writeHugoSkeleton(dir string, site news.Site, tree *news.ChannelTree, pages []news.Page) error {
	name := site.Name.In("en", site.DefaultLanguage)
	files := map[string]string{
		"config.toml": fmt.Sprintf(`baseURL = "http://127.0.0.1:18080/"
languageCode = "en"
title = %q
timeZone = %q
paginate = 20
disableKinds = ["taxonomy", "robotsTXT", "404"]
ignoreErrors = ["error-disable-taxonomy"]
[params]
  sponsor = %q
  operator = %q
  registration = %q
  browsernote = %q
[taxonomies]
  tag = "tags"
[permalinks]
  tags = "/en/tags/:slug/"
[services.rss]
  limit = 50
[mediaTypes."application/atom+xml"]
  suffixes = ["xml"]
[mediaTypes."application/feed+json"]
  suffixes = ["json"]
[outputFormats.RSS]
  baseName = "feed"
[outputFormats.Atom]
  mediaType = "application/atom+xml"
  baseName = "atom"
[outputFormats.JSONFeed]
  mediaType = "application/feed+json"
  baseName = "feed"
  isPlainText = true
[outputs]
  home = ["HTML", "RSS", "Atom", "JSONFeed"]
  section = ["HTML", "RSS", "Atom", "JSONFeed"]
  term = ["HTML"]
`, name, site.TimeZone, site.Sponsor.In("en", site.DefaultLanguage), site.Operator.In("en", site.DefaultLanguage),
			site.RegistrationNumber, site.BrowserNote.In("en", site.DefaultLanguage)),
		"layouts/_default/baseof.html": `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} - {{ .Site.Title }}</title>
{{ with .Params.summary }}<meta name="description" content="{{ . }}">
{{ end }}<link rel="stylesheet" href="/static/site.css">
<link rel="stylesheet" href="/static/print.css" media="print">
<link rel="canonical" href="{{ .RelPermalink }}">
<link rel="alternate" hreflang="zh" href="/zh/">
{{ with .CurrentSection }}{{ if not .IsHome }}<link rel="alternate" type="application/rss+xml" title="{{ $.Site.Title }} - {{ .Title }} (RSS)" href="{{ .RelPermalink }}feed.xml">
<link rel="alternate" type="application/atom+xml" title="{{ $.Site.Title }} - {{ .Title }} (Atom)" href="{{ .RelPermalink }}atom.xml">
<link rel="alternate" type="application/feed+json" title="{{ $.Site.Title }} - {{ .Title }} (JSON Feed)" href="{{ .RelPermalink }}feed.json">
{{ end }}{{ end }}<link rel="alternate" type="application/rss+xml" title="{{ .Site.Title }} (RSS)" href="/en/feed.xml">
<link rel="alternate" type="application/atom+xml" title="{{ .Site.Title }} (Atom)" href="/en/atom.xml">
<link rel="alternate" type="application/feed+json" title="{{ .Site.Title }} (JSON Feed)" href="/en/feed.json">
{{ block "meta" . }}{{ end }}<link rel="search" type="application/opensearchdescription+xml" href="/en/opensearch.xml" title="{{ .Site.Title }}">
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<header class="masthead">
<div class="wrap">
<p class="sitename"><a href="/en/">{{ .Site.Title }}</a></p>
<form class="sitesearch" action="/en/search" method="get" role="search" aria-label="Search the site">
<label for="site-q" class="visually-hidden">Search the site</label>
<input type="search" id="site-q" name="q" maxlength="500">
<button type="submit">Search</button>
</form>
<p class="langswitch"><a href="/zh/" hreflang="zh" lang="zh">中文</a></p>
</div>
<nav class="channels" aria-label="Channels">
<ul class="wrap">
<li><a href="/en/"{{ if .IsHome }} class="active"{{ end }}>Home</a></li>
{{ range .Site.Sections }}<li><a href="{{ .RelPermalink }}"{{ if eq $.Section .Section }} class="active"{{ end }}>{{ .Title }}</a></li>
{{ end }}</ul>
</nav>
</header>
<div class="wrap">
{{ if not .IsHome }}<nav class="breadcrumb" aria-label="Breadcrumb">
<a href="/en/">Home</a> &gt; {{ range .Ancestors.Reverse }}{{ if not .IsHome }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> &gt; {{ end }}{{ end }}{{ if not .IsPage }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> &gt; {{ end }}
</nav>
{{ end }}<main id="content">
{{ block "main" . }}{{ end }}
</main>
</div>
<footer class="sitefooter">
<div class="wrap">
<p class="footerlinks"><a href="/en/about-us/">About us</a> | <a href="/en/contact-us/">Contact us</a> | <a href="/en/legal-notice/">Legal notice</a> | <a href="/en/corrections/">Corrections</a></p>
<p class="org"><span class="sponsor">{{ .Site.Params.sponsor }}</span> <span class="gap"></span> <span class="operator">{{ .Site.Params.operator }}</span></p>
<p class="registration">Registration number:{{ .Site.Params.registration }}</p>
<p class="browsernote">{{ .Site.Params.browsernote }}</p>
</div>
</footer>
</body>
</html>
`,
		"layouts/_default/single.html": `{{ define "meta" }}<meta property="og:type" content="article">
<meta property="og:title" content="{{ .Title }}">
<meta property="og:description" content="{{ .Params.summary }}">
<meta property="og:url" content="{{ .Permalink }}">
<meta property="og:site_name" content="{{ .Site.Title }}">
<meta property="og:locale" content="en_US">
<meta property="og:image" content="{{ .Site.BaseURL }}static/logo.png">
<meta property="article:published_time" content="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">
<meta property="article:modified_time" content="{{ .Lastmod.Format "2006-01-02T15:04:05-07:00" }}">
<meta property="article:section" content="{{ .CurrentSection.Title }}">
{{ range .Params.tags }}<meta property="article:tag" content="{{ . }}">
{{ end }}<meta name="twitter:card" content="summary">
<meta name="twitter:title" content="{{ .Title }}">
<meta name="twitter:description" content="{{ .Params.summary }}">
{{ $org := dict "@type" "Organization" "name" .Params.source }}{{ $ld := dict "@context" "https://schema.org" "@type" "NewsArticle" "articleSection" .CurrentSection.Title "author" (slice $org) "dateModified" (.Lastmod.Format "2006-01-02T15:04:05-07:00") "datePublished" (.Date.Format "2006-01-02T15:04:05-07:00") "description" .Params.summary "editor" (dict "@type" "Person" "name" .Params.editor) "headline" .Title "inLanguage" "en" "isAccessibleForFree" true "keywords" .Params.tags "mainEntityOfPage" (dict "@id" .Permalink "@type" "WebPage") "publisher" (dict "@type" "Organization" "logo" (dict "@type" "ImageObject" "url" (print .Site.BaseURL "static/logo.png")) "name" .Site.Title "url" (print .Site.BaseURL "en/")) "sourceOrganization" $org "url" .Permalink }}<script type="application/ld+json">{{ $ld | jsonify | safeJS }}</script>
{{ end }}{{ define "main" }}<article class="story">
<h1>{{ .Title }}</h1>
<p class="meta"><span class="release">Release Date:<time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2006-01-02 15:04:05" }}</time></span> <span class="source">Source:{{ .Params.source }}</span></p>
<p class="summary">{{ .Params.summary }}</p>
<div class="body">
{{ .Content }}
</div>
{{ with .Params.tags }}<p class="tags">Tags: {{ range $i, $t := . }}{{ if $i }}, {{ end }}<a href="/en/tags/{{ $t | urlize }}/" rel="tag">{{ $t }}</a>{{ end }}</p>
{{ end }}<p class="editor">Editor: {{ .Params.editor }}</p>
</article>
{{ end }}
`,
		"layouts/_default/page.html": `{{ define "main" }}<article class="page">
<h1>{{ .Title }}</h1>
<div class="body">
{{ .Content }}
</div>
</article>
{{ end }}
`,
		"layouts/_default/list.html": `{{ define "main" }}<section class="listing">
<h1>{{ .Title }}</h1>
{{ with .Sections }}<ul class="subchannels">
{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ end }}{{ $pages := .RegularPagesRecursive }}{{ if eq .Kind "term" }}{{ $pages = .Pages }}{{ end }}{{ $pag := .Paginate $pages.ByDate.Reverse }}<ul class="headlines">
{{ range $pag.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2006-01-02" }}</time><p>{{ .Params.summary }}</p></li>
{{ end }}</ul>
{{ if gt $pag.TotalPages 1 }}<nav class="pagination" aria-label="Pages">
{{ with $pag.Prev }}<a href="{{ .URL }}" rel="prev">Previous page</a>
{{ end }}<span>Page {{ $pag.PageNumber }} of {{ $pag.TotalPages }}</span>
{{ with $pag.Next }}<a href="{{ .URL }}" rel="next">Next page</a>
{{ end }}</nav>
{{ end }}</section>
{{ end }}
`,
		"layouts/index.html": `{{ define "main" }}<h1 class="visually-hidden">{{ .Site.Title }}</h1>
<section class="leads">
<h2>Latest news</h2>
<ul class="headlines">
{{ range first 6 .Site.RegularPages.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2006-01-02" }}</time><p>{{ .Params.summary }}</p></li>
{{ end }}</ul>
</section>
{{ range .Site.Sections }}<section class="channelbox">
<h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<ul class="headlines compact">
{{ range first 6 .RegularPagesRecursive.ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "2006-01-02" }}</time></li>
{{ end }}</ul>
<p class="more"><a href="{{ .RelPermalink }}">More &gt;</a></p>
</section>
{{ end }}{{ end }}
`,
		"layouts/_default/list.rss.xml": `{{ $pages := .RegularPagesRecursive }}{{ if .IsHome }}{{ $pages = .Site.RegularPages }}{{ end }}{{ $title := .Site.Title }}{{ if not .IsHome }}{{ $title = print .Site.Title " - " .Title }}{{ end }}{{ printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" | safeHTML }}
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>{{ $title }}</title>
    <link>{{ .Permalink }}</link>
    <description>{{ .Title }}</description>
    <language>en</language>{{ with $pages.ByDate.Reverse }}
    <lastBuildDate>{{ (index . 0).Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</lastBuildDate>{{ end }}
    <generator>Hugo</generator>
    <atom:link rel="self" type="application/rss+xml" href="{{ .Permalink }}feed.xml"></atom:link>
    <image>
      <url>{{ .Site.BaseURL }}static/logo.png</url>
      <title>{{ $title }}</title>
      <link>{{ .Permalink }}</link>
    </image>{{ range first 50 $pages.ByDate.Reverse }}
    <item>
      <title>{{ .Title }}</title>
      <link>{{ .Permalink }}</link>
      <description>{{ .Params.summary }}</description>
      <dc:creator>{{ .Params.source }}</dc:creator>{{ range .Params.tags }}
      <category>{{ . }}</category>{{ end }}
      <guid isPermaLink="false">{{ .Permalink }}</guid>
      <pubDate>{{ .Date.Format "Mon, 02 Jan 2006 15:04:05 -0700" | safeHTML }}</pubDate>
    </item>{{ end }}
  </channel>
</rss>
`,
		"layouts/_default/list.atom.xml": `{{ $pages := .RegularPagesRecursive }}{{ if .IsHome }}{{ $pages = .Site.RegularPages }}{{ end }}{{ $title := .Site.Title }}{{ if not .IsHome }}{{ $title = print .Site.Title " - " .Title }}{{ end }}{{ printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>" | safeHTML }}
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <title>{{ $title }}</title>
  <id>{{ .Permalink }}</id>
  <link rel="alternate" href="{{ .Permalink }}"></link>
  <link rel="self" href="{{ .Permalink }}atom.xml"></link>{{ with $pages.ByDate.Reverse }}
  <updated>{{ (index . 0).Lastmod.Format "2006-01-02T15:04:05-07:00" | safeHTML }}</updated>{{ end }}
  <generator>Hugo</generator>
  <logo>{{ .Site.BaseURL }}static/logo.png</logo>{{ range first 50 $pages.ByDate.Reverse }}
  <entry>
    <title>{{ .Title }}</title>
    <id>{{ .Permalink }}</id>
    <link rel="alternate" href="{{ .Permalink }}"></link>
    <published>{{ .Date.Format "2006-01-02T15:04:05-07:00" | safeHTML }}</published>
    <updated>{{ .Lastmod.Format "2006-01-02T15:04:05-07:00" | safeHTML }}</updated>
    <author><name>{{ .Params.source }}</name></author>{{ range .Params.tags }}
    <category term="{{ . }}"></category>{{ end }}
    <summary type="text">{{ .Params.summary }}</summary>
  </entry>{{ end }}
</feed>
`,
		"layouts/_default/list.jsonfeed.json": `{{ $pages := .RegularPagesRecursive }}{{ if .IsHome }}{{ $pages = .Site.RegularPages }}{{ end }}{{ $title := .Site.Title }}{{ if not .IsHome }}{{ $title = print .Site.Title " - " .Title }}{{ end }}{{ $items := slice }}{{ range first 50 $pages.ByDate.Reverse }}{{ $items = $items | append (dict "id" .Permalink "url" .Permalink "title" .Title "summary" .Params.summary "date_published" (.Date.Format "2006-01-02T15:04:05-07:00") "date_modified" (.Lastmod.Format "2006-01-02T15:04:05-07:00") "authors" (slice (dict "name" .Params.source)) "tags" .Params.tags "language" "en") }}{{ end }}{{ dict "version" "https://jsonfeed.org/version/1.1" "title" $title "home_page_url" .Permalink "feed_url" (print .Permalink "feed.json") "icon" (print .Site.BaseURL "static/logo.png") "language" "en" "items" $items | jsonify (dict "indent" "  ") }}
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
		d := filepath.Join(dir, "content", filepath.FromSlash(c.Path))
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		idx := fmt.Sprintf("---\ntitle: %q\nurl: %q\n---\n", c.Name["en"], "/en/"+c.Path+"/")
		if err := os.WriteFile(filepath.Join(d, "_index.md"), []byte(idx), 0o644); err != nil {
			return err
		}
	}
	for _, pg := range pages {
		fm := fmt.Sprintf("---\ntitle: %q\nurl: %q\nlayout: page\n_build:\n  list: never\n---\n%s\n", pg.Title.In("en", site.DefaultLanguage), "/en/"+pg.Slug+"/", pg.Body.In("en", site.DefaultLanguage))
		if err := os.WriteFile(filepath.Join(dir, "content", pg.Slug+".html"), []byte(fm), 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "content", "_index.md"), []byte("---\ntitle: \"Home\"\nurl: \"/en/\"\n---\n"), 0o644)
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
