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

	"newsdesk/internal/news"
	"newsdesk/internal/web"
)

const perPage = 20

// root sends readers to the language edition their browser prefers.
func (s *Server) root(w http.ResponseWriter, r *http.Request) error {
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
	first, _, _ := strings.Cut(rest, "/")
	if news.IsReservedSlug(strings.TrimSuffix(first, "/")) {
		// Search, feeds and the newsroom have their own routes when built;
		// nothing under these names is a channel or a page.
		return news.ErrNotFound
	}
	if !strings.HasSuffix(rest, "/") {
		if strings.Contains(rest[strings.LastIndexByte(rest, '/')+1:], ".") {
			return news.ErrNotFound // a file name, never a channel or page
		}
		// Canonical URLs end in a slash; send the short form there.
		target := r.URL.Path + "/"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return nil
	}
	segs := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	for _, seg := range segs {
		if seg == "" {
			return news.ErrNotFound
		}
	}
	if n := len(segs); n >= 5 && len(segs[n-4]) == 4 && datePart.MatchString(segs[n-4]) &&
		len(segs[n-3]) == 2 && datePart.MatchString(segs[n-3]) && len(segs[n-2]) == 2 && datePart.MatchString(segs[n-2]) {
		return s.article(w, r, f, lang, strings.Join(segs[:n-4], "/"), segs[n-4:n-1], segs[n-1])
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
	loc := f.site.Location()
	leads, _, err := s.store.VisibleArticles(ctx, storeQuery(lang, "", 6, 0, now))
	if err != nil {
		return err
	}
	p := newPage(f, lang, "")
	p.HomeActive = true
	p.Description = p.SiteName
	hv := &homeView{Leads: items(leads, loc)}
	modified := newest(leads)
	for _, c := range f.tree.Children(0) {
		list, _, err := s.store.VisibleArticles(ctx, storeQuery(lang, c.Path, 6, 0, now))
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
	page := 1
	if raw, ok := r.URL.Query()["page"]; ok {
		n, err := strconv.Atoi(raw[0])
		if err != nil || n < 1 || len(raw) > 1 || n > 1_000_000 {
			return news.ErrNotFound
		}
		page = n
	}
	list, total, err := s.store.VisibleArticles(r.Context(), storeQuery(lang, c.Path, perPage, (page-1)*perPage, s.now()))
	if err != nil {
		return err
	}
	pages := (total + perPage - 1) / perPage
	if page > 1 && page > pages {
		return news.ErrNotFound
	}
	if pages == 0 {
		pages = 1
	}
	def := f.site.DefaultLanguage
	p := newPage(f, lang, c.Path)
	p.Title = c.Name.In(lang, def)
	p.Crumbs = crumbs(f, lang, c.Path)
	p.Canonical = channelURL(lang, c.Path)
	lv := &listingView{Name: p.Title, Items: items(list, f.site.Location()), Page: page, Pages: pages, PageOf: pageOf(lang, page, pages)}
	for _, child := range f.tree.Children(c.ID) {
		lv.Children = append(lv.Children, link{Name: child.Name.In(lang, def), URL: channelURL(lang, child.Path)})
	}
	if page > 1 {
		lv.PrevURL = pageURL(lang, c.Path, page-1)
	}
	if page < pages {
		lv.NextURL = pageURL(lang, c.Path, page+1)
	}
	if page > 1 {
		p.Canonical = pageURL(lang, c.Path, page)
	}
	p.Listing = lv
	return s.send(w, r, "listing", p, newest(list))
}

func pageURL(lang, path string, page int) string {
	if page <= 1 {
		return channelURL(lang, path)
	}
	return fmt.Sprintf("%s?page=%d", channelURL(lang, path), page)
}

func (s *Server) article(w http.ResponseWriter, r *http.Request, f frame, lang, channel string, date []string, slug string) error {
	a, err := s.store.VisibleArticle(r.Context(), lang, channel, slug, s.now())
	if err != nil {
		return err
	}
	loc := f.site.Location()
	canonical := a.Path(loc)
	if r.URL.Path != canonical {
		// Right article, wrong date in the URL: send readers to the one URL.
		http.Redirect(w, r, canonical, http.StatusMovedPermanently)
		return nil
	}
	release := a.ReleaseAt.In(loc)
	p := newPage(f, lang, a.ChannelPath)
	p.Title = a.Headline
	p.Description = a.Summary
	p.Crumbs = crumbs(f, lang, a.ChannelPath)
	p.Canonical = canonical
	p.Article = &articleView{
		Headline: a.Headline, Summary: a.Summary, Byline: a.Byline, Source: a.Source, Editor: a.Editor,
		Release: release.Format(releaseLayout), ISO: release.Format(time.RFC3339),
		// BodyHTML was sanitized when it was stored.
		Body: template.HTML(a.BodyHTML),
		Tags: a.Tags,
	}
	return s.send(w, r, "article", p, a.UpdatedAt)
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

func newest(list []news.Article) time.Time {
	var t time.Time
	for _, a := range list {
		if a.UpdatedAt.After(t) {
			t = a.UpdatedAt
		}
	}
	return t
}
