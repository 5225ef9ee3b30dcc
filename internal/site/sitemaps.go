package site

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"newsdesk/internal/feed"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/web"
)

// DefaultSitemapURLs is how many articles one monthly sitemap holds before
// the month is split into -2, -3, ... files. The protocol allows 50,000,
// but also 50 MB: with URLs of up to 2,048 bytes (which WriteSitemap
// enforces) 20,000 entries stay under that in the worst case.
const DefaultSitemapURLs = 20_000

// newsWindow is how far back the Google News sitemap reaches, and newsMax
// how many articles it may list (Google's rules).
const (
	newsWindow = 48 * time.Hour
	newsMax    = 1000
)

// newsSitemap is the Google News sitemap's file name under /sitemaps/.
const newsSitemap = "news.xml"

// googleNewsLanguages are Google News's language codes for ours.
var googleNewsLanguages = map[string]string{"en": "en", "zh": "zh-cn"}

// sitemapIndex serves /sitemap.xml: the Google News sitemap, then one
// sitemap per month with articles (more when a month is split), newest
// first.
func (s *Server) sitemapIndex(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	now := s.now()
	months, err := s.store.SitemapMonths(ctx, now)
	if err != nil {
		return err
	}
	base := s.baseURL(r)
	var modified time.Time
	refs := []feed.SitemapRef{{Loc: base + "/sitemaps/" + newsSitemap}}
	for _, m := range months {
		for part := 1; (part-1)*s.sitemapURLs < m.Articles; part++ {
			refs = append(refs, feed.SitemapRef{Loc: base + "/sitemaps/" + sitemapName(m.Year, m.Month, part), LastModified: m.LastModified})
		}
		if m.LastModified.After(modified) {
			modified = m.LastModified
		}
	}
	if len(months) > 0 {
		refs[0].LastModified = modified
	}
	body, err := feed.AppendSitemapIndex(nil, refs)
	if err != nil {
		return err
	}
	web.Send(w, r, "application/xml; charset=utf-8", body, modified)
	return nil
}

// sitemapName is the file of one part of a month: 2026-11.xml, then
// 2026-11-2.xml, ...
func sitemapName(year, month, part int) string {
	if part == 1 {
		return fmt.Sprintf("%04d-%02d.xml", year, month)
	}
	return fmt.Sprintf("%04d-%02d-%d.xml", year, month, part)
}

var sitemapFile = regexp.MustCompile(`^(\d{4})-(\d{2})(?:-([2-9]|[1-9]\d+))?\.xml$`)

// sitemap serves /sitemaps/{file}: a month's part, or the news sitemap.
func (s *Server) sitemap(w http.ResponseWriter, r *http.Request) error {
	file := r.PathValue("file")
	if file == newsSitemap {
		return s.newsSitemap(w, r)
	}
	m := sitemapFile.FindStringSubmatch(file)
	if m == nil {
		return news.ErrNotFound
	}
	year, _ := strconv.Atoi(m[1])
	month, _ := strconv.Atoi(m[2])
	part := 1
	if m[3] != "" {
		part, _ = strconv.Atoi(m[3])
	}
	if month < 1 || month > 12 || part > 1_000_000 {
		return news.ErrNotFound
	}
	f, err := s.loadFrame(r.Context())
	if err != nil {
		return err
	}
	list, err := s.store.SitemapArticles(r.Context(), year, month, (part-1)*s.sitemapURLs, s.sitemapURLs, s.now())
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return news.ErrNotFound
	}
	base, loc := s.baseURL(r), f.loc
	urls := make([]feed.SitemapURL, 0, len(list))
	var modified time.Time
	for _, a := range list {
		mod := modifiedAt(a)
		urls = append(urls, feed.SitemapURL{Loc: base + escapePath(a.Path(loc)), LastModified: mod.In(loc)})
		if mod.After(modified) {
			modified = mod
		}
	}
	return sendSitemap(w, r, urls, modified)
}

// newsSitemap lists the articles released in the last two days with their
// Google News publication, language and title.
func (s *Server) newsSitemap(w http.ResponseWriter, r *http.Request) error {
	ctx, now := r.Context(), s.now()
	f, err := s.loadFrame(ctx)
	if err != nil {
		return err
	}
	list, err := s.store.FeedArticles(ctx, store.FeedQuery{Since: now.Add(-newsWindow), Limit: newsMax, Now: now})
	if err != nil {
		return err
	}
	base, loc, def := s.baseURL(r), f.loc, f.site.DefaultLanguage
	urls := make([]feed.SitemapURL, 0, len(list))
	modified := newest(list)
	for _, a := range list {
		pub := f.site.Name.In(a.Language, def)
		if pub == "" {
			pub = "Newsdesk"
		}
		lang := googleNewsLanguages[a.Language]
		if lang == "" {
			lang = a.Language
		}
		urls = append(urls, feed.SitemapURL{Loc: base + escapePath(a.Path(loc)), LastModified: modifiedAt(a).In(loc),
			News: &feed.NewsEntry{Publication: pub, Language: lang, Published: a.ReleaseAt.In(loc), Title: a.Headline}})
	}
	return sendSitemap(w, r, urls, modified)
}

// sendSitemap sends a urlset, written straight into the body it serves
// (whole, for the size limit and the ETag).
func sendSitemap(w http.ResponseWriter, r *http.Request, urls []feed.SitemapURL, modified time.Time) error {
	body, err := feed.AppendSitemap(nil, urls)
	if err != nil {
		return err
	}
	web.Send(w, r, "application/xml; charset=utf-8", body, modified)
	return nil
}

// escapePath percent-encodes a path (Chinese slugs) as the sitemaps
// protocol asks: URLs in sitemaps are ASCII. Paths of letters, digits and
// - _ . ~ (which url.PathEscape keeps) are returned as they are, without
// splitting them.
func escapePath(p string) string {
	if pathUnreserved(p) {
		return p
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// pathUnreserved reports whether p is only unreserved characters (RFC
// 3986: letters, digits, - _ . ~) and slashes, which escapePath keeps.
func pathUnreserved(p string) bool {
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~', c == '/':
		default:
			return false
		}
	}
	return true
}

// robots serves /robots.txt: crawlers keep out of the newsroom, the API
// and preview links, and find the sitemap.
func (s *Server) robots(w http.ResponseWriter, r *http.Request) error {
	f, err := s.loadFrame(r.Context())
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString("User-agent: *\nDisallow: /admin/\nDisallow: /api/\n")
	for _, lang := range f.site.Languages {
		fmt.Fprintf(&b, "Disallow: /%s/preview/\n", lang)
	}
	fmt.Fprintf(&b, "\nSitemap: %s/sitemap.xml\n", s.baseURL(r))
	web.Send(w, r, "text/plain; charset=utf-8", []byte(b.String()), time.Time{})
	return nil
}
