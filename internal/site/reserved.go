package site

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"newsdesk/internal/feed"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// maxTagBytes bounds the tag a URL may ask for; no stored tag is longer.
const maxTagBytes = 200

// reserved routes the portal's own pages under /{lang}/ (first is one of
// news.ReservedSlugs): the corrections page, tag listings and shared
// previews. Search, feeds and the newsroom have their own routes when built;
// everything else under a reserved name is not found.
func (s *Server) reserved(w http.ResponseWriter, r *http.Request, f frame, lang, first string) error {
	// The rest of the path stays escaped until it is split, so a tag
	// holding a slash (%2F) is still one segment.
	tail, ok := strings.CutPrefix(r.URL.EscapedPath(), "/"+lang+"/"+first)
	if !ok {
		return news.ErrNotFound
	}
	switch first {
	case "search":
		switch tail {
		case "":
			return s.searchPage(w, r, f, lang)
		case "/":
			// /en/search/?q=x is a slip for /en/search?q=x.
			u := "/" + lang + "/search"
			if r.URL.RawQuery != "" {
				u += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, u, http.StatusMovedPermanently)
			return nil
		}
	case "corrections":
		switch tail {
		case "/":
			return s.corrections(w, r, f, lang)
		case "":
			return addSlash(w, r)
		}
	case "tags":
		tag, slash, ok := segment(tail)
		switch {
		case !ok || len(tag) > maxTagBytes:
		case !slash:
			return addSlash(w, r)
		default:
			return s.tagListing(w, r, f, lang, tag)
		}
	case feed.RSSName, feed.AtomName, feed.JSONFeedName:
		if tail == "" {
			return s.feed(w, r, f, lang, "", first)
		}
	case "preview":
		noStore(w) // whatever the answer, a token in the URL stays private
		token, slash, ok := segment(tail)
		switch {
		case !ok:
		case !slash:
			return addSlash(w, r)
		default:
			return s.sharedPreview(w, r, f, lang, token)
		}
	}
	return news.ErrNotFound
}

// segment reads "/{value}" or "/{value}/" (an escaped path tail) and returns
// the unescaped value and whether the canonical slash ends it.
func segment(tail string) (value string, slash, ok bool) {
	raw, found := strings.CutPrefix(tail, "/")
	if !found {
		return "", false, false
	}
	raw, slash = strings.CutSuffix(raw, "/")
	if raw == "" || strings.Contains(raw, "/") {
		return "", false, false
	}
	value, err := url.PathUnescape(raw)
	if err != nil || strings.TrimSpace(value) == "" {
		return "", false, false
	}
	return value, slash, true
}

// corrections lists the corrections and retractions of one language,
// newest first.
func (s *Server) corrections(w http.ResponseWriter, r *http.Request, f frame, lang string) error {
	page, err := pageNumber(r)
	if err != nil {
		return err
	}
	list, total, err := s.store.VisibleNotices(r.Context(), store.NoticeQuery{
		Language: lang, Limit: perPage, Offset: (page - 1) * perPage, Now: s.now()})
	if err != nil {
		return err
	}
	pg, err := paginate(lang, "/"+lang+"/corrections/", page, total)
	if err != nil {
		return err
	}
	loc := f.loc
	p := newPage(f, lang, "")
	p.Title = label(lang, "corrections_title")
	p.Description = label(lang, "corrections_intro")
	p.Canonical = pg.URL
	nv := &noticesView{Title: p.Title, pager: pg}
	for _, n := range list {
		d := datedNote(n.At, n.Note, loc)
		nv.Notices = append(nv.Notices, notice{Retraction: n.Kind == store.NoticeRetraction,
			Headline: n.Article.Headline, URL: n.Article.Path(loc), Date: d.Date, ISO: d.ISO, Note: d.Note})
	}
	p.Notices = nv
	var modified []news.Article
	for _, n := range list {
		modified = append(modified, n.Article)
	}
	return s.send(w, r, "corrections", p, newest(modified))
}

// tagListing lists the articles carrying a tag, newest first. A tag no
// visible article carries has no page.
func (s *Server) tagListing(w http.ResponseWriter, r *http.Request, f frame, lang, tag string) error {
	page, err := pageNumber(r)
	if err != nil {
		return err
	}
	list, total, err := s.store.VisibleTaggedArticles(r.Context(), store.TagQuery{
		Language: lang, Tag: tag, Limit: perPage, Offset: (page - 1) * perPage, Now: s.now()})
	if err != nil {
		return err
	}
	if total == 0 {
		return news.ErrNotFound
	}
	p, err := tagPage(f, lang, tag, page, total, listingRows(f.loc, nil, list))
	if err != nil {
		return err
	}
	return s.send(w, r, "listing", p, newest(list))
}

// tagPage builds page of a tag's listing, rows being those of that page's
// share of total (shared with ListingPages, as channelPage).
func tagPage(f frame, lang, tag string, page, total int, rows template.HTML) (*pageData, error) {
	pg, err := paginate(lang, tagURL(lang, tag), page, total)
	if err != nil {
		return nil, err
	}
	p := newPage(f, lang, "")
	p.Title = fmt.Sprintf(label(lang, "tag_title"), tag)
	p.Canonical = pg.URL
	p.Listing = &listingView{Name: p.Title, Rows: rows, pager: pg}
	return p, nil
}
