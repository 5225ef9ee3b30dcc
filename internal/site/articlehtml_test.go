package site

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/news"
)

// The tests here hold the template path articleHTML and fillHead
// replaced: article.html's content block and layout.html's title,
// description, robots and canonical tags as they were written in the
// templates. Whole article pages rendered both ways must match byte for
// byte, for hostile text in every field and every branch of the block.

// oracleHead is layout.html's head as it was, where {{.Head}}{{.Styles}}
// {{.CanonicalLink}} now stands.
const oracleHead = `<title>{{if .Title}}{{.Title}} - {{end}}{{.SiteName}}</title>
{{with .Description}}<meta name="description" content="{{.}}">
{{end}}{{with .Robots}}<meta name="robots" content="{{.}}">
{{end}}{{.Styles}}{{with .Canonical}}<link rel="canonical" href="{{.}}">
{{end}}`

// oracleArticle is article.html as it was: the content block, in which the
// renderer's tag links stood at {{.TagLinks}}, and the tag link.
const oracleArticle = `{{define "content"}}{{with .Article}}<article class="story">
{{with .Retraction}}<div class="retraction" role="note">
<p><strong>{{$.L.retracted}}{{$.L.open}}<time datetime="{{.ISO}}">{{.Date}}</time>{{$.L.close}}</strong>{{.Note}}</p>
<p>{{$.L.retracted_text}}</p>
</div>
{{end}}<h1>{{.Headline}}</h1>
<p class="meta"><span class="release">{{$.L.release}}<time datetime="{{.ISO}}">{{.Release}}</time></span>{{with .Updated}} <span class="updated">{{$.L.updated}}<time datetime="{{$.Article.UpdatedISO}}">{{.}}</time></span>{{end}}{{with .Source}} <span class="source">{{$.L.source}}{{.}}</span>{{end}}</p>
{{with .Summary}}<p class="summary">{{.}}</p>
{{end}}{{with .Lead}}<figure class="lead">
<img src="{{.Src}}"{{with .Srcset}} srcset="{{.}}" sizes="{{$.Article.Lead.Sizes}}"{{end}} width="{{.Width}}" height="{{.Height}}" alt="{{.Alt}}">
{{if or .Caption .Credit}}<figcaption>{{.Caption}}{{with .Credit}} <span class="credit">{{.}}</span>{{end}}</figcaption>
{{end}}</figure>
{{end}}<div class="body">
{{.Body}}
</div>
{{with .Downloads}}<section class="downloads" aria-labelledby="downloads-h">
<h2 id="downloads-h">{{$.L.downloads}}</h2>
<ul>
{{range .}}<li><a href="{{.URL}}" download>{{.Name}}</a> <span class="filetype">({{.Type}}, {{.Size}})</span></li>
{{end}}</ul>
</section>
{{end}}{{with .Corrections}}<section class="corrections" aria-label="{{$.L.corrections}}">
<ul>
{{range .}}<li><strong>{{$.L.correction}}{{$.L.open}}<time datetime="{{.ISO}}">{{.Date}}</time>{{$.L.close}}</strong>{{.Note}}</li>
{{end}}</ul>
</section>
{{end}}{{with .Byline}}<p class="byline">{{.}}</p>
{{end}}{{if .Tags}}<p class="tags">{{$.L.tags}}{{.TagLinks}}</p>
{{end}}{{with .Editor}}<p class="editor">{{$.L.editor}}{{.}}</p>
{{end}}</article>
{{end}}{{end}}

{{define "taglink"}}<a href="{{.URL}}" rel="tag">{{.Name}}</a>{{end}}`

// oracleTexts are layout.html with oracleHead in place of what replaced
// it, and oracleArticle: the template path of an article page.
func oracleTexts(t testing.TB) (layout, article string) {
	t.Helper()
	b, err := fs.ReadFile(embedded, "templates/layout.html")
	if err != nil {
		t.Fatal(err)
	}
	const now = "{{.Head}}{{.Styles}}{{.CanonicalLink}}"
	if bytes.Count(b, []byte(now)) != 1 {
		t.Fatalf("layout.html does not have %s once", now)
	}
	return strings.Replace(string(b), now, oracleHead, 1), oracleArticle
}

// oracleArticleTemplate parses the template path of an article page.
func oracleArticleTemplate(t testing.TB, s *Server) *template.Template {
	t.Helper()
	layout, article := oracleTexts(t)
	tm, err := template.New("layout.html").Funcs(template.FuncMap{"asset": s.assets.URL}).Parse(layout)
	if err != nil {
		t.Fatal(err)
	}
	if tm, err = tm.New("article.html").Parse(article); err != nil {
		t.Fatal(err)
	}
	return tm
}

// oracleFixture renders article pages through the renderer and through
// old, a template text they replaced (the oracle), in the site's zone.
type oracleFixture struct {
	s   *Server
	old *template.Template
	loc *time.Location
}

func newOracleFixture(t testing.TB, oracle func(testing.TB, *Server) *template.Template) oracleFixture {
	t.Helper()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return oracleFixture{s: s, old: oracle(t, s), loc: loc}
}

// contentFixture holds the article content block to the old article.html.
type contentFixture struct{ oracleFixture }

func newContentFixture(t testing.TB) *contentFixture {
	return &contentFixture{newOracleFixture(t, oracleArticleTemplate)}
}

// check fails t when p's page differs between the renderer and the
// template path.
func (fx *contentFixture) check(t testing.TB, what string, p *pageData) {
	t.Helper()
	body, err := fx.s.render.render("article", p)
	if err != nil {
		t.Fatal(err)
	}
	// The renderer has set p's chunks (Styles... TagLinks), which the
	// template path inserts as it did.
	var want bytes.Buffer
	if err := fx.old.ExecuteTemplate(&want, "layout", p); err != nil {
		t.Fatal(err)
	}
	if got := string(body); got != want.String() {
		g, w := around(got, want.String())
		t.Fatalf("%s: page differs from the template path's\n got: %s\nwant: %s", what, g, w)
	}
}

// contentBranches is how many ways contentCase builds a page.
const contentBranches = 8

// contentCase is the page of an article with text s in every field,
// built as the handler builds it (publishedPage) or as the preview does
// (articlePage), then with s in the view's fields articles cannot set
// directly (image and download URLs, times, labels); branch (modulo
// contentBranches) picks which parts the article has.
func (fx *contentFixture) contentCase(branch int, s string) *pageData {
	rel := time.Date(2022, 9, 16, 17, 51, 59, 0, time.UTC).Add(time.Duration(branch) * time.Hour)
	a := news.Article{ID: int64(branch + 1), Language: "en", ChannelPath: "news/world", Slug: "s" + s,
		Headline: s, Summary: s + " summary", Byline: s, Source: s + "+src", Editor: s, Tags: []string{s, "a+b & <c>", "电网"},
		Status: news.StatusPublished, ReleaseAt: rel, VersionCreated: rel, UpdatedAt: rel.Add(3 * time.Hour),
		LeadCaption: s, LeadCredit: s, BodyHTML: "<p>body " + template.HTMLEscapeString(s) + "</p>",
		Corrections:    []news.Correction{{At: rel.Add(time.Hour), Note: s}, {At: rel.Add(2 * time.Hour), Note: "<" + s + ">"}},
		RetractionNote: s}
	site := news.Site{Name: news.Localized{"en": s + " & Co", "zh": s}, Languages: []string{"en", "zh"}, DefaultLanguage: "en",
		TimeZone: "Asia/Shanghai", LogoURL: "https://cdn.example.org/" + s}
	lead := &news.Media{ID: 9, Kind: news.MediaImage, Hash: "ab" + s, Ext: "jpg", Width: 1200, Height: 800, Alt: s,
		Caption: "own " + s, Credit: "own credit " + s, Variants: []news.Variant{{Width: 320}, {Width: 640}}}
	doc := news.Media{ID: 10, Kind: news.MediaDocument, Hash: s, Ext: "pdf", Filename: s + ".pdf", Bytes: 1234567}
	am := articleMedia{lead: lead, attachments: []news.Media{doc, {Kind: news.MediaDocument, Ext: s, Filename: s, Bytes: 12}}}
	preview := false
	var fix func(p *pageData)
	switch branch % contentBranches {
	case 0: // everything: retracted, updated, srcset, caption and credit, downloads, corrections
		a.Status, a.RetractedAt = news.StatusRetracted, rel.Add(5*time.Hour)
	case 1: // nothing optional, in Chinese: no update, source, summary, lead, downloads, corrections, byline, tags, editor
		a.Language, a.Summary, a.Source, a.Byline, a.Editor, a.Tags, a.Corrections = "zh", "", "", "", "", nil, nil
		a.UpdatedAt = rel
		am = articleMedia{}
	case 2: // lead without srcset, its own caption, no credit; no source
		a.Source, a.LeadCaption, a.LeadCredit = "", "", ""
		lead.Variants, lead.Credit = nil, ""
	case 3: // credit only; the view's values hostile, URLs and all
		a.LeadCaption = ""
		lead.Caption = ""
		fix = func(p *pageData) {
			av := p.Article
			av.Release, av.ISO, av.Updated, av.UpdatedISO = s, s, s, s
			av.Lead.Src, av.Lead.Srcset, av.Lead.Sizes = s, s, s
			av.Lead.Width, av.Lead.Height = -1, 1<<40
			av.Downloads[0].URL, av.Downloads[0].Type, av.Downloads[0].Size = s, s, s
			av.Corrections[0].ISO, av.Corrections[0].Date = s, s
		}
	case 4: // unsafe URLs, hostile labels, a preview
		preview = true
		fix = func(p *pageData) {
			av := p.Article
			av.Lead.Src, av.Lead.Srcset = "javascript:"+s, "/a.jpg 1x, javascript:"+s+" 2x,"+s
			av.Downloads[0].URL = "JavaScript:alert(1)//" + s
			av.Retraction = &dated{Date: s, ISO: s, Note: s}
			l := map[string]string{}
			for k := range p.L {
				l[k] = s + k
			}
			p.L = l
		}
	case 5: // no lead caption nor credit at all; an image that is a document; no tags
		a.LeadCaption, a.LeadCredit, a.Tags = "", "", nil
		lead.Caption, lead.Credit = "", ""
		fix = func(p *pageData) { p.Canonical, p.Description, p.Title = s, s, s }
	case 6: // a lead that is no image: no figure; no downloads; empty title
		lead.Kind = news.MediaDocument
		am.attachments = nil
		a.Headline = ""
		preview = true
	case 7: // the view's strings all s, labels missing
		fix = func(p *pageData) {
			av := p.Article
			av.Lead.Srcset, av.Lead.Caption, av.Lead.Credit, av.Lead.Alt = " "+s+"  640w , "+s+" 1.5x,,", s, s, s
			av.Downloads = append(av.Downloads, downloadView{Name: s, URL: "/media/" + s, Type: s, Size: s})
			p.L = map[string]string{}
			p.Robots, p.Canonical = s, "/"+s
		}
	}
	f := frame{site: site, loc: fx.loc, tree: news.NewChannelTree([]news.Channel{
		{ID: 1, Slug: "news", Path: "news", Name: news.Localized{"en": s}},
		{ID: 2, ParentID: 1, Slug: "world", Path: "news/world", Name: news.Localized{"en": s, "zh": "世界"}},
	})}
	var p *pageData
	if preview {
		p = articlePage(f, a, am)
		p.Robots = "noindex"
	} else {
		var err error
		if p, err = fx.s.publishedPage(f, a, am, "https://news.example.org"); err != nil {
			panic(err)
		}
	}
	if fix != nil {
		fix(p)
	}
	return p
}

// srcsetTexts are srcset values for the srcset filter's branches:
// candidates safe and not, descriptors plain and not, spaces and commas
// anywhere.
var srcsetTexts = []string{
	"/a.jpg 1x, /b.jpg 2x", " /a.jpg  640w , /b.jpg 1.5x", ",,", ",", " , ", "/a.jpg", "/a b.jpg 1x", "/a.jpg\t640w\n,\f/b.jpg\r2x",
	"javascript:alert(1) 1x", "/a.jpg 1x, javascript:x 2x", "http://x/a.jpg 1x,HTTPS://y/b+c&d.jpg 2x", "data:image/png;base64,AAAA 1x",
	"/a%20b%zz.jpg 1x", "/媒体.jpg 1x", "/a.jpg 1x\x00", "/a.jpg \xff", "/a.jpg 1x,/b.jpg 2x\u2028", "/a.jpg 1x 2x", "/a.jpg (1x)",
}

// TestArticleHTMLMatchesTemplate: article pages with the content block
// and head written in Go are byte for byte the pages the templates
// rendered, for hostile text in every field (the named edge cases, every
// line of testdata/hostile, srcset values) and every branch of the block.
func TestArticleHTMLMatchesTemplate(t *testing.T) {
	fx := newContentFixture(t)
	texts := append(append(append([]string{}, hostileTexts(t)...), hostileStrings...), srcsetTexts...)
	seen := make([]bool, contentBranches)
	for i, s := range texts {
		for _, branch := range []int{i, i + 3, i + 5} {
			seen[branch%contentBranches] = true
			fx.check(t, fmt.Sprintf("text %d %q branch %d", i, s, branch%contentBranches), fx.contentCase(branch, s))
		}
	}
	for b, ok := range seen {
		if !ok {
			t.Errorf("branch %d not taken", b)
		}
	}
}

// TestArticleHTMLBranches: the cases take the branches they are named
// for, so TestArticleHTMLMatchesTemplate compares every part of the block.
func TestArticleHTMLBranches(t *testing.T) {
	fx := newContentFixture(t)
	has := map[string]bool{}
	for b := range contentBranches {
		p := fx.contentCase(b, "x")
		if _, err := fx.s.render.render("article", p); err != nil {
			t.Fatal(err)
		}
		for _, part := range []string{`class="retraction"`, `class="updated"`, `class="source"`, `class="summary"`,
			`<figure`, ` srcset="`, `<figcaption>`, `class="credit"`, `x</figcaption>`, `class="downloads"`,
			`class="corrections"`, `class="byline"`, `class="tags"`, `class="editor"`, `#ZgotmplZ`, `lang="zh-Hans"`,
			`<meta name="robots"`, `<meta name="description"`, `<link rel="canonical"`} {
			if strings.Contains(string(p.Article.HTML)+string(p.Head)+string(p.CanonicalLink)+p.HTMLLang, part) ||
				part == `lang="zh-Hans"` && p.HTMLLang == "zh-Hans" {
				has[part] = true
			}
		}
		if !strings.Contains(string(p.Article.HTML), "<figcaption>") && p.Article.Lead != nil {
			has["figure without caption"] = true
		}
		if p.Article.Lead != nil && p.Article.Lead.Srcset == "" {
			has["figure without srcset"] = true
		}
		if len(p.Article.Tags) == 0 {
			has["no tags"] = true
		}
	}
	for _, part := range []string{`class="retraction"`, `class="updated"`, `class="source"`, `class="summary"`, `<figure`,
		` srcset="`, `<figcaption>`, `class="credit"`, `x</figcaption>`, `class="downloads"`, `class="corrections"`,
		`class="byline"`, `class="tags"`, `class="editor"`, `#ZgotmplZ`, `lang="zh-Hans"`, `<meta name="robots"`,
		`<meta name="description"`, `<link rel="canonical"`, "figure without caption", "figure without srcset", "no tags"} {
		if !has[part] {
			t.Errorf("no case renders %s", part)
		}
	}
}

// TestSrcsetAttr: appendSrcsetAttr writes what html/template writes for a
// string as a srcset value.
func TestSrcsetAttr(t *testing.T) {
	tm := template.Must(template.New("").Parse(`<img srcset="{{.}}">`))
	for _, s := range append(append(append([]string{}, srcsetTexts...), hostileStrings...), hostileTexts(t)...) {
		checkSrcset(t, tm, s)
	}
}

func checkSrcset(t testing.TB, tm *template.Template, s string) {
	t.Helper()
	var want bytes.Buffer
	if err := tm.Execute(&want, s); err != nil {
		t.Fatal(err)
	}
	if got := `<img srcset="` + string(appendSrcsetAttr(nil, s)) + `">`; got != want.String() {
		t.Errorf("srcset %q: got %q, want %q", s, got, want.String())
	}
}

// FuzzArticleHTML is TestArticleHTMLMatchesTemplate over any text:
// go test -run '^$' -fuzz FuzzArticleHTML ./internal/site/
func FuzzArticleHTML(f *testing.F) {
	for i, s := range append([]string{"", "a+b", "<script>\x00</script>", "\u2028\xff", `"'&<>`, "中文", "javascript:x"}, srcsetTexts...) {
		f.Add(i, s, s, s, s, s)
	}
	fx := newContentFixture(f)
	srcset := template.Must(template.New("").Parse(`<img srcset="{{.}}">`))
	f.Fuzz(func(t *testing.T, branch int, text, headline, url, srcsetText, note string) {
		checkSrcset(t, srcset, srcsetText)
		p := fx.contentCase(branch&0xffff, text)
		av := p.Article
		av.Headline, p.Title = headline, headline
		if av.Lead != nil {
			av.Lead.Src, av.Lead.Srcset, av.Lead.Alt = url, srcsetText, note
		}
		if len(av.Downloads) > 0 {
			av.Downloads[0].URL, av.Downloads[0].Name = url, note
		}
		if len(av.Corrections) > 0 {
			av.Corrections[0].Note = note
		}
		if p.Canonical != "" {
			p.Canonical = url
		}
		fx.check(t, "fuzz", p)
	})
}
