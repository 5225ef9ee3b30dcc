package site

import (
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"newsdesk/internal/feed"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/web"
)

const perPage = 20

// homeLeads is how many stories the home page's Latest section holds,
// pinned ones included.
const homeLeads = 6

// root sends readers to the language edition their browser prefers. An
// imported site's old query URL (WordPress's /?p=ID) goes to its new home.
func (s *Server) root(w http.ResponseWriter, r *http.Request) error {
	if r.URL.RawQuery != "" {
		if to, err := s.store.Redirect(r.Context(), "/?"+r.URL.RawQuery); err == nil {
			http.Redirect(w, r, to, http.StatusMovedPermanently)
			return nil
		}
	}
	site, err := s.store.Site(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Vary", "Accept-Language")
	http.Redirect(w, r, "/"+negotiate(site, r.Header.Get("Accept-Language"))+"/", http.StatusFound)
	return nil
}

// negotiate picks the site language best matching an Accept-Language header,
// falling back to the default language.
func negotiate(site news.Site, accept string) string {
	def := site.DefaultLanguage
	if def == "" {
		def = "en"
	}
	if len(site.Languages) == 0 || accept == "" {
		return def
	}
	tags := []language.Tag{language.Make(def)}
	codes := []string{def}
	for _, l := range site.Languages {
		if l != def {
			tags = append(tags, language.Make(l))
			codes = append(codes, l)
		}
	}
	prefs, _, err := language.ParseAcceptLanguage(accept)
	if err != nil || len(prefs) == 0 {
		return def
	}
	_, idx, conf := language.NewMatcher(tags).Match(prefs...)
	if conf == language.No {
		return def
	}
	return codes[idx]
}

func (s *Server) langNoSlash(w http.ResponseWriter, r *http.Request) error {
	site, err := s.store.Site(r.Context())
	if err != nil {
		return err
	}
	if !site.HasLanguage(r.PathValue("lang")) {
		return news.ErrNotFound
	}
	http.Redirect(w, r, r.URL.Path+"/", http.StatusMovedPermanently)
	return nil
}

func (s *Server) unknown(w http.ResponseWriter, r *http.Request) error {
	return news.ErrNotFound
}

var datePart = regexp.MustCompile(`^\d{4}$|^\d{2}$`)

// dispatch routes /{lang}/{rest...}: the home, an article (the path ends in
// yyyy/mm/dd/slug/), a footer page, or a channel listing.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	lang, rest := r.PathValue("lang"), r.PathValue("rest")
	f, err := s.loadFrame(ctx)
	if err != nil {
		return err
	}
	if !f.site.HasLanguage(lang) {
		return news.ErrNotFound
	}
	if rest == "" {
		return s.home(w, r, f, lang)
	}
	if rest == openSearchName {
		return s.openSearch(w, r, f, lang)
	}
	first, _, _ := strings.Cut(rest, "/")
	if news.IsReservedSlug(first) {
		// The portal's own pages come before any channel or page lookup:
		// nothing under these names is a channel or a page.
		return s.reserved(w, r, f, lang, first)
	}
	if dir, name, ok := strings.Cut(rest, "/"+feed.RSSName); ok && name == "" {
		return s.channelFeed(w, r, f, lang, dir, feed.RSSName)
	}
	if dir, name, ok := strings.Cut(rest, "/"+feed.AtomName); ok && name == "" {
		return s.channelFeed(w, r, f, lang, dir, feed.AtomName)
	}
	if dir, name, ok := strings.Cut(rest, "/"+feed.JSONFeedName); ok && name == "" {
		return s.channelFeed(w, r, f, lang, dir, feed.JSONFeedName)
	}
	if !strings.HasSuffix(rest, "/") {
		if strings.Contains(rest[strings.LastIndexByte(rest, '/')+1:], ".") {
			return news.ErrNotFound // a file name, never a channel or page
		}
		return addSlash(w, r)
	}
	segs, ok := pageSegments(rest)
	if !ok {
		return news.ErrNotFound
	}
	if channel, slug, ok := articleAddress(segs); ok {
		return s.article(w, r, f, lang, channel, slug)
	}
	if len(segs) == 1 {
		if pg, err := s.store.PageBySlug(ctx, segs[0]); err == nil {
			return s.page(w, r, f, lang, pg)
		}
	}
	c, ok := f.tree.ByPath(strings.Join(segs, "/"))
	if !ok {
		return news.ErrNotFound
	}
	return s.listing(w, r, f, lang, c)
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, f frame, lang string) error {
	ctx := r.Context()
	now := s.now()
	loc := f.loc
	// Pinned lead stories come first, in the editors' order, then the
	// latest of the others up to the same number of leads.
	leads, err := s.store.PinnedVisible(ctx, store.HomeScope(lang), lang, now, homeLeads)
	if err != nil {
		return err
	}
	pinnedN := len(leads)
	if rest := homeLeads - len(leads); rest > 0 {
		q := storeQuery(lang, "", rest, 0, now)
		q.ExceptPinned = store.HomeScope(lang)
		q.NoTotal = true
		latest, _, err := s.store.VisibleArticles(ctx, q)
		if err != nil {
			return err
		}
		leads = append(leads, latest...)
	}
	p := newPage(f, lang, "")
	p.HomeActive = true
	p.Description = p.SiteName
	hv := &homeView{Leads: append(pinnedItems(leads[:pinnedN], loc), items(leads[pinnedN:], loc)...)}
	modified := newest(leads)
	for _, c := range f.tree.Children(0) {
		q := storeQuery(lang, c.Path, 6, 0, now)
		q.NoTotal = true
		list, _, err := s.store.VisibleArticles(ctx, q)
		if err != nil {
			return err
		}
		hv.Sections = append(hv.Sections, section{Name: c.Name.In(lang, f.site.DefaultLanguage), URL: channelURL(lang, c.Path), Items: items(list, loc)})
		if m := newest(list); m.After(modified) {
			modified = m
		}
	}
	p.Home = hv
	return s.send(w, r, "home", p, modified)
}

func (s *Server) listing(w http.ResponseWriter, r *http.Request, f frame, lang string, c news.Channel) error {
	page, err := pageNumber(r)
	if err != nil {
		return err
	}
	ctx, now := r.Context(), s.now()
	// The channel's pinned stories head page 1; the rest, paginated as
	// usual, leaves them out on every page.
	scope := store.ChannelScope(c.Path)
	var pinned []news.Article
	if page == 1 {
		if pinned, err = s.store.PinnedVisible(ctx, scope, lang, now, 0); err != nil {
			return err
		}
	}
	q := storeQuery(lang, c.Path, perPage, (page-1)*perPage, now)
	q.ExceptPinned = scope
	list, total, err := s.store.VisibleArticles(ctx, q)
	if err != nil {
		return err
	}
	p, err := channelPage(f, lang, c, page, total, listingRows(f.loc, pinned, list))
	if err != nil {
		return err
	}
	return s.send(w, r, "listing", p, newest(append(pinned, list...)))
}

// channelPage builds page of a channel's listing: rows are its articles'
// rows (listingRows: the pinned ones heading page 1, then that page's share
// of the total others). The handler and the static export's ListingPages
// both build pages here, from rows.go's rows, so their bytes agree.
func channelPage(f frame, lang string, c news.Channel, page, total int, rows template.HTML) (*pageData, error) {
	pg, err := paginate(lang, channelURL(lang, c.Path), page, total)
	if err != nil {
		return nil, err
	}
	def := f.site.DefaultLanguage
	p := newPage(f, lang, c.Path)
	p.Title = c.Name.In(lang, def)
	p.setCrumbs(f, c.Path)
	p.Canonical = pg.URL
	lv := &listingView{Name: p.Title, Rows: rows, pager: pg}
	for _, child := range f.tree.Children(c.ID) {
		lv.Children = append(lv.Children, link{Name: child.Name.In(lang, def), URL: channelURL(lang, child.Path)})
	}
	p.Listing = lv
	return p, nil
}

// pageNumber reads ?page=N of a paginated page: 1 when absent, not found
// when it is anything but one positive number.
func pageNumber(r *http.Request) (int, error) {
	raw, ok := r.URL.Query()["page"]
	if !ok {
		return 1, nil
	}
	n, err := strconv.Atoi(raw[0])
	if err != nil || n < 1 || len(raw) > 1 || n > 1_000_000 {
		return 0, news.ErrNotFound
	}
	return n, nil
}

// paginate places page among the pages of total items at base, or is not
// found past the last page (page 1 always exists, empty or not).
func paginate(lang, base string, page, total int) (pager, error) {
	pages := (total + perPage - 1) / perPage
	if page > 1 && page > pages {
		return pager{}, news.ErrNotFound
	}
	pages = max(pages, 1)
	pg := pager{Page: page, Pages: pages, PageOf: pageOf(lang, page, pages), URL: pageURL(base, page)}
	if page > 1 {
		pg.PrevURL = pageURL(base, page-1)
	}
	if page < pages {
		pg.NextURL = pageURL(base, page+1)
	}
	return pg, nil
}

// pageURL is page n of the paginated page at base.
func pageURL(base string, n int) string {
	if n <= 1 {
		return base
	}
	return fmt.Sprintf("%s?page=%d", base, n)
}

// addSlash sends a short URL to its canonical form, which ends in a slash.
func addSlash(w http.ResponseWriter, r *http.Request) error {
	target := r.URL.EscapedPath() + "/"
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, target, http.StatusMovedPermanently)
	return nil
}

// pageSegments reads rest, the address after /{lang}/, as dispatch reads
// an address of a page of its own (an article, a footer page or a channel
// listing): it ends in a slash, starts with no reserved name and has no
// empty segment. ok is false for any other address.
func pageSegments(rest string) (segs []string, ok bool) {
	body, slash := strings.CutSuffix(rest, "/")
	if !slash || body == "" {
		return nil, false
	}
	segs = strings.Split(body, "/")
	if news.IsReservedSlug(segs[0]) {
		return nil, false
	}
	for _, seg := range segs {
		if seg == "" {
			return nil, false
		}
	}
	return segs, true
}

// articleAddress reads the segments of an address after /{lang}/ (none
// empty) as an article's: its channel path, then yyyy/mm/dd and its slug.
// ok is false for any other address.
func articleAddress(segs []string) (channel, slug string, ok bool) {
	n := len(segs)
	if n >= 5 && len(segs[n-4]) == 4 && datePart.MatchString(segs[n-4]) &&
		len(segs[n-3]) == 2 && datePart.MatchString(segs[n-3]) && len(segs[n-2]) == 2 && datePart.MatchString(segs[n-2]) {
		return strings.Join(segs[:n-4], "/"), segs[n-1], true
	}
	return "", "", false
}

func (s *Server) article(w http.ResponseWriter, r *http.Request, f frame, lang, channel, slug string) error {
	a, err := s.store.VisibleArticle(r.Context(), lang, channel, slug, s.now())
	if err != nil {
		return err
	}
	if canonical := a.Path(f.loc); r.URL.Path != canonical {
		// Right article, wrong date in the URL: send readers to the one URL.
		http.Redirect(w, r, canonical, http.StatusMovedPermanently)
		return nil
	}
	am, err := s.loadArticleMedia(r.Context(), a)
	if err != nil {
		return err
	}
	p, err := s.publishedPage(f, a, am, s.baseURL(r))
	if err != nil {
		return err
	}
	return s.send(w, r, "article", p, a.UpdatedAt)
}

// publishedPage is the page of a published article at its own address:
// the reader's page (the handler's) and the static export's
// (ArticlePages) both come from here, so their bytes agree. base starts
// the absolute URLs of its structured data.
func (s *Server) publishedPage(f frame, a news.Article, am articleMedia, base string) (*pageData, error) {
	p := articlePage(f, a, am)
	p.Canonical = a.Path(f.loc)
	if err := s.shareMeta(base, p, f, a, am.lead); err != nil {
		return nil, err
	}
	if a.Status == news.StatusRetracted {
		// The record stays reachable, but search engines should drop it.
		p.Robots = "noindex"
	}
	return p, nil
}

func (s *Server) page(w http.ResponseWriter, r *http.Request, f frame, lang string, pg news.Page) error {
	p := newPage(f, lang, "")
	p.Title = pg.Title.In(lang, f.site.DefaultLanguage)
	p.Canonical = "/" + lang + "/" + pg.Slug + "/"
	// Page bodies were sanitized by site apply.
	p.Page = &pageView{Title: p.Title, Body: template.HTML(pg.Body.In(lang, f.site.DefaultLanguage))}
	return s.send(w, r, "page", p, time.Time{})
}

func (s *Server) send(w http.ResponseWriter, r *http.Request, name string, p *pageData, modified time.Time) error {
	body, err := s.render.render(name, p)
	if err != nil {
		return err
	}
	web.Send(w, r, "text/html; charset=utf-8", body, modified)
	return nil
}

// newest is when a list last changed for readers: an article in it was
// saved, or became visible (an embargo lifting changes the list too).
func newest(list []news.Article) time.Time {
	var t time.Time
	for _, a := range list {
		for _, at := range []time.Time{a.UpdatedAt, a.VisibleFrom()} {
			if at.After(t) {
				t = at
			}
		}
	}
	return t
}
