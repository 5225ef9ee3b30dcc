package site

import (
	"bytes"
	"html/template"
	"strconv"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/news"
)

// The tests here hold the template path shareMeta and the tag link chunks
// replaced: the share tags as a list layout.html ranged over, escaping
// each value, the JSON-LD as a map html/template marshalled, and the tag
// links ranged over by article.html. Whole article pages rendered both
// ways must match byte for byte, for hostile text in every field.

// templateMetaTag is one <meta> of the template path: Open Graph tags
// use property, Twitter cards name.
type templateMetaTag struct {
	Property, Name, Content string
}

// templatePage is a page as the template path rendered it: the page, with
// the share tags as a list and the JSON-LD as a map.
type templatePage struct {
	*pageData
	Meta []templateMetaTag
	LD   any
}

// templateShareMeta is shareMeta as it was when the layout rendered the
// share tags and html/template marshalled the JSON-LD.
func (s *Server) templateShareMeta(base string, p *pageData, f frame, a news.Article, lead *news.Media) templatePage {
	tp := templatePage{pageData: p}
	loc := f.loc
	def := f.site.DefaultLanguage
	url := base + escapePath(a.Path(loc))
	siteName := p.SiteName
	logo := s.logoURL(f.site, base)
	published, modified := a.ReleaseAt.In(loc).Format(time.RFC3339), modifiedAt(a).In(loc).Format(time.RFC3339)
	description := a.Summary
	if description == "" {
		description = p.Description
	}
	section := ""
	if c, ok := f.tree.ByPath(a.ChannelPath); ok {
		section = c.Name.In(a.Language, def)
	}

	publisher := map[string]any{"@type": "Organization", "name": siteName, "url": base + "/" + a.Language + "/"}
	if logo != "" {
		publisher["logo"] = map[string]any{"@type": "ImageObject", "url": logo}
	}
	ld := map[string]any{
		"@context":            "https://schema.org",
		"@type":               "NewsArticle",
		"mainEntityOfPage":    map[string]any{"@type": "WebPage", "@id": url},
		"url":                 url,
		"headline":            a.Headline,
		"datePublished":       published,
		"dateModified":        modified,
		"inLanguage":          p.HTMLLang,
		"publisher":           publisher,
		"isAccessibleForFree": true,
	}
	if description != "" {
		ld["description"] = description
	}
	switch {
	case a.Byline != "":
		ld["author"] = []any{map[string]any{"@type": "Person", "name": a.Byline}}
	case a.Source != "":
		ld["author"] = []any{map[string]any{"@type": "Organization", "name": a.Source}}
	default:
		ld["author"] = []any{map[string]any{"@type": "Organization", "name": siteName, "url": base + "/" + a.Language + "/"}}
	}
	if a.Source != "" {
		ld["sourceOrganization"] = map[string]any{"@type": "Organization", "name": a.Source}
	}
	if a.Editor != "" {
		ld["editor"] = map[string]any{"@type": "Person", "name": a.Editor}
	}
	if section != "" {
		ld["articleSection"] = section
	}
	if len(a.Tags) > 0 {
		ld["keywords"] = a.Tags
	}
	var corrections []any
	for _, c := range a.Corrections {
		corrections = append(corrections, map[string]any{"@type": "CorrectionComment", "text": c.Note,
			"datePublished": c.At.In(loc).Format(time.RFC3339)})
	}
	if len(corrections) > 0 {
		ld["correction"] = corrections
	}
	if a.Status == news.StatusRetracted {
		ld["creativeWorkStatus"] = "Retracted"
	}
	image := logo
	card := "summary"
	if lead != nil && lead.Kind == news.MediaImage {
		image, card = base+lead.URL(), "summary_large_image"
		ld["image"] = []any{map[string]any{"@type": "ImageObject", "url": image, "width": lead.Width, "height": lead.Height}}
	}
	tp.LD = ld

	og := func(property, content string) {
		if content != "" {
			tp.Meta = append(tp.Meta, templateMetaTag{Property: property, Content: content})
		}
	}
	og("og:type", "article")
	og("og:title", a.Headline)
	og("og:description", description)
	og("og:url", url)
	og("og:site_name", siteName)
	og("og:locale", ogLocales[a.Language])
	og("og:image", image)
	if lead != nil && lead.Kind == news.MediaImage {
		og("og:image:width", strconv.Itoa(lead.Width))
		og("og:image:height", strconv.Itoa(lead.Height))
		og("og:image:alt", lead.Alt)
	}
	og("article:published_time", published)
	og("article:modified_time", modified)
	og("article:section", section)
	for _, t := range a.Tags {
		og("article:tag", t)
	}
	tp.Meta = append(tp.Meta, templateMetaTag{Name: "twitter:card", Content: card},
		templateMetaTag{Name: "twitter:title", Content: a.Headline})
	if description != "" {
		tp.Meta = append(tp.Meta, templateMetaTag{Name: "twitter:description", Content: description})
	}
	return tp
}

// templateMetaAction is how layout.html rendered the share tags itself.
const templateMetaAction = `{{range .Meta}}{{if .Property}}<meta property="{{.Property}}" content="{{.Content}}">{{else}}<meta name="{{.Name}}" content="{{.Content}}">{{end}}
{{end}}`

// templateTagsAction is how article.html rendered the tag links itself.
const templateTagsAction = `{{range $i, $t := .Tags}}{{if $i}}, {{end}}<a href="{{$t.URL}}" rel="tag">{{$t.Name}}</a>{{end}}`

// templatePathArticle parses the article page's templates as they were
// when the layout rendered the share tags and article.html the tag links:
// the template path of articlehtml_test.go (oracleTexts), with
// templateMetaAction in place of {{.MetaTags}} and templateTagsAction in
// place of {{.TagLinks}}.
func templatePathArticle(t testing.TB, s *Server) *template.Template {
	t.Helper()
	layout, article := oracleTexts(t)
	if strings.Count(layout, "{{.MetaTags}}") != 1 {
		t.Fatal("layout.html does not insert {{.MetaTags}} once")
	}
	text := strings.Replace(layout, "{{.MetaTags}}", templateMetaAction, 1)
	tm, err := template.New("layout.html").Funcs(template.FuncMap{"asset": s.assets.URL}).Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(article, "{{.TagLinks}}") != 1 {
		t.Fatal("article.html does not insert {{.TagLinks}} once")
	}
	text = strings.Replace(article, "{{.TagLinks}}", templateTagsAction, 1)
	if tm, err = tm.New("article.html").Parse(text); err != nil {
		t.Fatal(err)
	}
	return tm
}

// shareCase is what an article page is built from, hostile text anywhere.
type shareCase struct {
	base    string
	site    news.Site
	channel string // the name of the article's channel
	article news.Article
	lead    *news.Media
}

// shareFixture holds share tags and JSON-LD to the template path.
type shareFixture struct{ oracleFixture }

func newShareFixture(t testing.TB) *shareFixture {
	return &shareFixture{newOracleFixture(t, templatePathArticle)}
}

// pages renders c's article page through the renderer (shareMeta and
// the tag link chunks) and through the template path.
func (fx *shareFixture) pages(t testing.TB, c shareCase) (got, want string) {
	t.Helper()
	a := c.article
	f := frame{site: c.site, loc: fx.loc, tree: news.NewChannelTree([]news.Channel{
		{ID: 1, Slug: "news", Path: "news", Name: news.Localized{"en": c.channel}},
		{ID: 2, ParentID: 1, Slug: "world", Path: "news/world", Name: news.Localized{"en": c.channel, "zh": "世界"}},
	})}
	am := articleMedia{lead: c.lead}
	p, err := fx.s.publishedPage(f, a, am, c.base)
	if err != nil {
		t.Fatal(err)
	}
	body, err := fx.s.render.render("article", p)
	if err != nil {
		t.Fatal(err)
	}

	op := articlePage(f, a, am)
	op.Canonical = a.Path(f.loc)
	if a.Status == news.StatusRetracted {
		op.Robots = "noindex"
	}
	// The layout's chunks are not what changed: the same for both.
	op.Styles, op.HeadLinks, op.Masthead, op.Breadcrumb, op.SiteFooter = p.Styles, p.HeadLinks, p.Masthead, p.Breadcrumb, p.SiteFooter
	var buf bytes.Buffer
	if err := fx.old.ExecuteTemplate(&buf, "layout", fx.s.templateShareMeta(c.base, op, f, a, c.lead)); err != nil {
		t.Fatal(err)
	}
	return string(body), buf.String()
}

// check fails t when c's page differs between the two paths.
func (fx *shareFixture) check(t testing.TB, c shareCase) {
	t.Helper()
	got, want := fx.pages(t, c)
	if got != want {
		g, w := around(got, want)
		t.Fatalf("page differs from the template path's\n got: %s\nwant: %s", g, w)
	}
}

// around is where got and want first differ, quoted, for failure
// messages.
func around(got, want string) (string, string) {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(i-300, 0)
	return strconv.Quote(got[from:min(i+300, len(got))]), strconv.Quote(want[from:min(i+300, len(want))])
}

// hostileCase is an article (and its site) with text t in every field a
// reader can set, varied by i so that each branch of shareMeta (author,
// lead image, logo, retraction, description) is taken.
func (fx *shareFixture) hostileCase(i int, t string) shareCase {
	rel := time.Date(2022, 9, 16, 17, 51, 59, 0, time.UTC).Add(time.Duration(i) * time.Hour)
	a := news.Article{ID: int64(i + 1), Language: "en", ChannelPath: "news/world", Slug: "s" + strconv.Itoa(i) + t,
		Headline: t, Summary: t, Byline: t, Source: t + "+src", Editor: t, Tags: []string{t, "a+b & <c>", t + "\u2028"},
		Status: news.StatusPublished, ReleaseAt: rel, VersionCreated: rel, UpdatedAt: rel.Add(3 * time.Hour),
		LeadCaption: t, LeadCredit: t, BodyHTML: "<p>body</p>"}
	site := news.Site{Name: news.Localized{"en": t + " & Co"}, Languages: []string{"en", "zh"}, DefaultLanguage: "en",
		TimeZone: "Asia/Shanghai", LogoURL: "https://cdn.example.org/" + t}
	c := shareCase{base: "https://news.example.org", site: site, channel: t, article: a}
	switch i % 7 {
	case 1:
		c.article.Byline = ""
		c.article.Summary = ""
		c.site.LogoURL = ""
		c.lead = &news.Media{Kind: news.MediaImage, Hash: "ab" + t, Ext: "jpg", Width: 1200, Height: 800, Alt: t}
	case 2:
		c.article.Byline, c.article.Source = "", ""
		c.article.Tags = nil
		c.site.LogoURL = "/" + t
		c.article.Corrections = []news.Correction{{At: rel.Add(time.Hour), Note: t}, {At: rel.Add(2 * time.Hour), Note: "<" + t + ">"}}
	case 3:
		c.article.Status, c.article.RetractedAt, c.article.RetractionNote = news.StatusRetracted, rel.Add(5*time.Hour), t
		c.article.Editor = ""
		c.base = "http://127.0.0.1:18080"
		c.lead = &news.Media{Kind: news.MediaDocument, Hash: t, Ext: "pdf"}
	case 4:
		c.article.Language = "zh"
		c.article.Headline = ""
		c.site.Name = nil
		c.channel = ""
	case 5:
		c.base = "https://x" + t
		c.article.Summary, c.article.Source = "", ""
		c.lead = &news.Media{Kind: news.MediaImage, Hash: "cd", Ext: "png", Width: 0, Height: -1}
	case 6:
		c.article.Corrections = []news.Correction{{At: rel, Note: ""}}
		c.article.LastEditorID = 7
	}
	return c
}

// hostileTexts are the edge cases named outright, then every payload of
// testdata/hostile/xss and testdata/hostile/blns.
func hostileTexts(t testing.TB) []string {
	t.Helper()
	texts := []string{
		"", "plain", `"double" 'single'`, "<script>alert(1)</script>", "</script><script>x</script>", "</SCRIPT >",
		"<!-- <script>", "]]>", "a\u2028b\u2029c", "nul\x00byte", "\x00", "invalid \xff\xfe utf-8 \xc3", "\xe2\x80",
		"1+1=2", "&amp; & &#43;", "\\u003c", `\"`, "\b\f\n\r\t\x01\x1f\x7f", "\u00a0\ufeff\ufdd0\uffff", "中文标题", "😀 emoji",
		"javascript:alert(1)", "{{.}}", "</title><meta http-equiv=refresh content=0>", "\u0085 NEL",
	}
	lines, _ := hostileLines(t)
	texts = append(texts, lines...)
	if len(texts) < 1000 {
		t.Fatalf("only %d hostile texts: is testdata/hostile complete?", len(texts))
	}
	return texts
}

// TestShareMetaMatchesTemplatePath: an article page with the share tags
// and JSON-LD rendered by shareMeta is byte for byte the page the layout
// rendered from the tag list and map, for hostile text in every field.
func TestShareMetaMatchesTemplatePath(t *testing.T) {
	fx := newShareFixture(t)
	for i, text := range hostileTexts(t) {
		c := fx.hostileCase(i, text)
		got, want := fx.pages(t, c)
		if got != want {
			g, w := around(got, want)
			t.Errorf("text %d %q: page differs from the template path's\n got: %s\nwant: %s", i, text, g, w)
		}
	}
}

// TestShareMetaAllKeys: with every optional key of the JSON-LD present,
// the struct's keys come in the order the map's were written.
func TestShareMetaAllKeys(t *testing.T) {
	fx := newShareFixture(t)
	c := fx.hostileCase(0, "x")
	rel := c.article.ReleaseAt
	c.article.Status = news.StatusRetracted
	c.article.Corrections = []news.Correction{{At: rel.Add(time.Hour), Note: "fixed"}}
	c.lead = &news.Media{Kind: news.MediaImage, Hash: "ab", Ext: "jpg", Width: 1200, Height: 800, Alt: "alt"}
	got, want := fx.pages(t, c)
	if got != want {
		g, w := around(got, want)
		t.Fatalf("page differs from the template path's\n got: %s\nwant: %s", g, w)
	}
	for _, key := range []string{"articleSection", "correction", "creativeWorkStatus", "description", "editor", "image",
		"keywords", "sourceOrganization", `"logo"`} {
		if !strings.Contains(got, key) {
			t.Errorf("JSON-LD lacks %s", key)
		}
	}
}

// TestAppendEscaped: appendEscaped writes what html/template writes for a
// string in every context the Go writers use it in: quoted attributes of
// plain or unknown type, HTML text and RCDATA (<title>).
func TestAppendEscaped(t *testing.T) {
	tm := template.Must(template.New("").Parse(`<title>{{.}}</title><meta property="{{.}}" name="{{.}}" content="{{.}}" alt="{{.}}"><time datetime="{{.}}">{{.}}</time><img sizes="{{.}}">`))
	for _, s := range append(append([]string{}, hostileTexts(t)...), hostileStrings...) {
		var want bytes.Buffer
		if err := tm.Execute(&want, s); err != nil {
			t.Fatal(err)
		}
		e := string(appendEscaped(nil, s))
		got := `<title>` + e + `</title><meta property="` + e + `" name="` + e + `" content="` + e + `" alt="` + e +
			`"><time datetime="` + e + `">` + e + `</time><img sizes="` + e + `">`
		if got != want.String() {
			t.Errorf("%q: got %q, want %q", s, got, want.String())
		}
	}
}

// FuzzShareMetaMatchesTemplatePath is TestShareMetaMatchesTemplatePath
// over any text: go test -fuzz FuzzShareMetaMatchesTemplatePath ./internal/site/
func FuzzShareMetaMatchesTemplatePath(f *testing.F) {
	for i, s := range []string{"", "a+b", "<script>\x00</script>", "\u2028\xff", `"'&<>`, "中文", "\\u003c"} {
		f.Add(i, s, s, s, s, s, s)
	}
	fx := newShareFixture(f)
	f.Fuzz(func(t *testing.T, i int, headline, summary, name, tag, note, site string) {
		c := fx.hostileCase(i&0xffff, name)
		c.article.Headline, c.article.Summary = headline, summary
		c.article.Tags = append(c.article.Tags, tag)
		if len(c.article.Corrections) > 0 {
			c.article.Corrections[0].Note = note
		}
		if c.lead != nil {
			c.lead.Alt = note
		}
		c.site.Name = news.Localized{"en": site, "zh": site}
		fx.check(t, c)
	})
}

// BenchmarkArticleHead renders an article page of the static export's
// kind (two tags, a summary, source and editor, no lead image) with the
// share tags and JSON-LD from shareMeta, the tag links from chunks and
// the content block and head tags from articlehtml.go ("prerendered")
// and, as the baseline, through the template path of all of them
// ("template").
func BenchmarkArticleHead(b *testing.B) {
	fx := newShareFixture(b)
	c := fx.hostileCase(0, "Transmission line progress report")
	c.article.Summary, c.article.Byline, c.article.Source, c.article.Editor = "Crews work in shifts through the week.", "", "Xinhua", "Leon"
	c.article.Tags = []string{"coal", "solar"}
	c.site.LogoURL = ""
	f := frame{site: c.site, loc: fx.loc, tree: news.NewChannelTree([]news.Channel{
		{ID: 1, Slug: "news", Path: "news", Name: news.Localized{"en": "NEWS"}},
		{ID: 2, ParentID: 1, Slug: "world", Path: "news/world", Name: news.Localized{"en": "World"}},
	}), chunks: newLayoutChunks()}
	a, am := c.article, articleMedia{}
	b.Run("prerendered", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p, err := fx.s.publishedPage(f, a, am, c.base)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := fx.s.render.render("article", p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("template", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p := articlePage(f, a, am)
			p.Canonical = a.Path(f.loc)
			if err := fx.s.render.fillChunks(fx.old, p); err != nil {
				b.Fatal(err)
			}
			var buf bytes.Buffer
			if err := fx.old.ExecuteTemplate(&buf, "layout", fx.s.templateShareMeta(c.base, p, f, a, c.lead)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
