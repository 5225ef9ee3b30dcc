package site

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"newsdesk/internal/news"
)

// langNames are languages named in themselves, for the language switch.
var langNames = map[string]string{"en": "English", "zh": "中文"}

// htmlLangs are the BCP 47 tags for <html lang>: "zh-Hans" tells browsers and
// screen readers which Chinese script and fonts to use.
var htmlLangs = map[string]string{"en": "en", "zh": "zh-Hans"}

// releaseLayout is how release times read on the page: to the second, in the
// site's zone, without the zone (the seed page's form).
const releaseLayout = "2006-01-02 15:04:05"

type link struct {
	Name   string
	URL    string
	Active bool
}

type alternate struct {
	Lang, Name, URL string
}

// pageData is what layout.html and every page template read.
type pageData struct {
	Lang, HTMLLang string
	Site           news.Site
	SiteName       string
	Sponsor        string
	Operator       string
	BrowserNote    string
	L              map[string]string
	Title          string
	Description    string
	Canonical      string
	// Robots, when set, is the content of <meta name="robots">.
	Robots string
	// Head is the head's title, description and robots tags, and
	// CanonicalLink its canonical link, both written from the fields
	// above by the renderer (fillHead in articlehtml.go).
	Head, CanonicalLink template.HTML

	Alternates []alternate
	// Feeds are the feeds covering the page, advertised in its head.
	Feeds []feedLink
	// MetaTags are the Open Graph and Twitter card <meta> tags, escaped
	// already; LD is the JSON-LD structured data (an article's
	// NewsArticle), marshalled already, "" for none. shareMeta renders
	// both.
	MetaTags   template.HTML
	LD         template.JS
	Nav        []link
	HomeActive bool
	Crumbs     []link
	Footer     []link

	// Styles, HeadLinks, Masthead, Breadcrumb and SiteFooter are the
	// layout's templates of those names rendered for this page, set by the
	// renderer: from the frame's chunks, so what they show (names, labels,
	// Alternates, Feeds, Nav, Footer, Crumbs) must be only what newPage
	// sets from the frame, language and channel shown, plus HomeActive
	// and the Crumbs setCrumbs sets.
	Styles, HeadLinks, Masthead, Breadcrumb, SiteFooter template.HTML
	// chunks are the frame's; activePath is newPage's; navActive is the
	// index of the active Nav entry, -1 for none; crumbsPath is the
	// channel setCrumbs set Crumbs for.
	chunks     *layoutChunks
	activePath string
	navActive  int
	crumbsPath string

	Home    *homeView
	Listing *listingView
	Article *articleView
	Page    *pageView
	Error   *errorView
	Notices *noticesView
	Search  *searchView
}

type articleItem struct {
	Headline, URL, Summary, Date, ISO string
	// Pinned marks a lead story editors pinned at the top of the list.
	Pinned bool
}

type homeView struct {
	Leads    []articleItem
	Sections []section
}

type section struct {
	Name, URL string
	Items     []articleItem
}

// pager is where a page stands among the pages of a paginated list.
type pager struct {
	Page, Pages      int
	PageOf           string
	URL              string // this page's canonical URL
	PrevURL, NextURL string
}

type listingView struct {
	Name     string
	Children []link
	// Rows are the page's articles, each a <li> and a newline, escaped
	// already (rows.go: listingRows, listingIndex).
	Rows template.HTML
	pager
}

type articleView struct {
	Headline, Summary, Byline, Source, Editor string
	Release, ISO                              string
	// Updated is set when the article changed after its release.
	Updated, UpdatedISO string
	Body                template.HTML
	// Tags link to the pages of the article's tags; TagLinks are those
	// links rendered (taglink in article.html), set by the renderer.
	Tags        []link
	TagLinks    template.HTML
	Corrections []dated
	// Retraction is set on a retracted article.
	Retraction *dated
	// Lead is the lead image; Downloads the documents listed under the body.
	Lead      *figureView
	Downloads []downloadView
	// HTML is the whole content block (articleHTML in articlehtml.go),
	// set by the renderer once TagLinks are.
	HTML template.HTML
}

// dated is a dated note: a correction or a retraction.
type dated struct {
	Date, ISO, Note string
}

type noticesView struct {
	Title   string
	Notices []notice
	pager
}

// notice is one line of the corrections page.
type notice struct {
	Retraction      bool
	Headline, URL   string
	Date, ISO, Note string
}

type pageView struct {
	Title string
	Body  template.HTML
}

type errorView struct {
	Heading, Text string
}

// newPage fills what every page shows: names, navigation, footer, language
// switch. activePath is the channel path being shown, for highlighting.
func newPage(f frame, lang, activePath string) *pageData {
	def := f.site.DefaultLanguage
	p := &pageData{
		Lang:        lang,
		HTMLLang:    htmlLangs[lang],
		Site:        f.site,
		SiteName:    f.site.Name.In(lang, def),
		Sponsor:     f.site.Sponsor.In(lang, def),
		Operator:    f.site.Operator.In(lang, def),
		BrowserNote: f.site.BrowserNote.In(lang, def),
		L:           labels[lang],
		chunks:      f.chunks,
		activePath:  activePath,
		navActive:   -1,
	}
	if p.HTMLLang == "" {
		p.HTMLLang = lang
	}
	if p.L == nil {
		p.L = labels["en"]
	}
	if p.SiteName == "" {
		p.SiteName = "Newsdesk"
	}
	top := strings.SplitN(activePath, "/", 2)[0]
	for i, c := range f.tree.Children(0) {
		if c.Path == top {
			p.navActive = i
		}
		p.Nav = append(p.Nav, link{Name: c.Name.In(lang, def), URL: channelURL(lang, c.Path), Active: c.Path == top})
	}
	pages := map[string]news.Page{}
	for _, pg := range f.pages {
		pages[pg.Slug] = pg
	}
	for _, slug := range f.site.FooterPages {
		if pg, ok := pages[slug]; ok {
			p.Footer = append(p.Footer, link{Name: pg.Title.In(lang, def), URL: "/" + lang + "/" + slug + "/"})
		}
	}
	p.Feeds = feedLinks(f, lang, activePath)
	p.Footer = append(p.Footer, link{Name: label(lang, "corrections_link"), URL: "/" + lang + "/corrections/"})
	for _, other := range f.site.Languages {
		if other != lang {
			p.Alternates = append(p.Alternates, alternate{Lang: other, Name: langNames[other], URL: "/" + other + "/"})
		}
	}
	return p
}

// setCrumbs sets the breadcrumb trail to the channel at path.
func (p *pageData) setCrumbs(f frame, path string) {
	p.Crumbs, p.crumbsPath = crumbs(f, p.Lang, path), path
}

// crumbs is the breadcrumb trail of a channel, from the top level down.
func crumbs(f frame, lang, path string) []link {
	var out []link
	for _, c := range f.tree.Ancestry(path) {
		out = append(out, link{Name: c.Name.In(lang, f.site.DefaultLanguage), URL: channelURL(lang, c.Path)})
	}
	return out
}

func channelURL(lang, path string) string { return "/" + lang + "/" + path + "/" }

func item(a news.Article, loc *time.Location) articleItem {
	t := a.ReleaseAt.In(loc)
	return articleItem{
		Headline: a.Headline,
		URL:      a.Path(loc),
		Summary:  a.Summary,
		Date:     t.Format("2006-01-02"),
		ISO:      t.Format(time.RFC3339),
	}
}

// pinnedItems is items of pinned lead stories, marked as such.
func pinnedItems(list []news.Article, loc *time.Location) []articleItem {
	out := items(list, loc)
	for i := range out {
		out[i].Pinned = true
	}
	return out
}

func items(list []news.Article, loc *time.Location) []articleItem {
	out := make([]articleItem, len(list))
	for i, a := range list {
		out[i] = item(a, loc)
	}
	return out
}

func pageOf(lang string, page, pages int) string {
	return fmt.Sprintf(label(lang, "page_of"), page, pages)
}
