package site

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// ListingPages renders every page of the channel or tag listing at path
// (/{lang}/{channel}/ or /{lang}/tags/{tag}/, as Paths gives them) from one
// ordered query, through the same page builders as the handler, so each
// page's body is what a reader gets for path?query (query is "" for page
// 1, then "page=2" and on). Asking the handler page by page costs a query
// and a count over the whole listing a page: O(n²) over a listing, which
// is what made a full export slow. With Options.Snapshot, the listings of
// a language come from one reading of all its listed articles, each
// rendered once as a row (listingIndex), rather than from a query each.
// handled is false for any other address, or one the handler would not
// find (the export then asks the handler).
func (s *Server) ListingPages(ctx context.Context, path string, yield func(query string, body []byte) error) (handled bool, err error) {
	lang, rest, ok := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if !ok || !strings.HasSuffix(rest, "/") || rest == "/" {
		return false, nil
	}
	f, err := s.loadFrame(ctx)
	if err != nil {
		return false, err
	}
	if !f.site.HasLanguage(lang) {
		return false, nil
	}
	if raw, ok := strings.CutPrefix(rest, "tags/"); ok {
		raw = strings.TrimSuffix(raw, "/")
		tag, err := url.PathUnescape(raw)
		if err != nil || strings.Contains(raw, "/") || strings.TrimSpace(tag) == "" || len(tag) > maxTagBytes {
			return false, nil
		}
		if s.snapshot {
			x, done, err := s.listingIndexOf(ctx, f, lang)
			if err != nil {
				return false, err
			}
			list := x.tags[tag]
			if len(list) == 0 {
				return false, nil
			}
			defer done()
			return true, s.eachPage(len(list), func(page, from, to int) (*pageData, error) {
				return tagPage(f, lang, tag, page, len(list), x.pageRows(f.loc, nil, list[from:to]))
			}, yield)
		}
		list, total, err := s.store.VisibleTaggedArticles(ctx, store.TagQuery{Language: lang, Tag: tag, Now: s.now(), All: true, Brief: true})
		if err != nil || total == 0 {
			return false, err
		}
		return true, s.eachPage(total, func(page int, from, to int) (*pageData, error) {
			return tagPage(f, lang, tag, page, total, listingRows(f.loc, nil, list[from:to]))
		}, yield)
	}
	// As dispatch reads the address: an article's or a footer page's
	// comes before any channel's.
	segs, ok := pageSegments(rest)
	if !ok {
		return false, nil
	}
	if _, _, ok := articleAddress(segs); ok {
		return false, nil
	}
	if len(segs) == 1 {
		if _, err := s.store.PageBySlug(ctx, segs[0]); err == nil {
			return false, nil
		}
	}
	c, ok := f.tree.ByPath(strings.Join(segs, "/"))
	if !ok {
		return false, nil
	}
	scope := store.ChannelScope(c.Path)
	if s.snapshot {
		x, done, err := s.listingIndexOf(ctx, f, lang)
		if err != nil {
			return false, err
		}
		defer done()
		// The pinned stories as of the index's time: those among its
		// rows are the ones the handler's query leaves out.
		pinned, err := s.store.PinnedVisible(ctx, scope, lang, x.now, 0)
		if err != nil {
			return false, err
		}
		list := x.inChannel(c.Path, pinned)
		return true, s.eachPage(len(list), func(page, from, to int) (*pageData, error) {
			var head []news.Article
			if page == 1 {
				head = pinned
			}
			return channelPage(f, lang, c, page, len(list), x.pageRows(f.loc, head, list[from:to]))
		}, yield)
	}
	now := s.now()
	pinned, err := s.store.PinnedVisible(ctx, scope, lang, now, 0)
	if err != nil {
		return false, err
	}
	q := storeQuery(lang, c.Path, 0, 0, now)
	q.ExceptPinned = scope
	q.All = true
	q.Brief = true // item reads no more
	list, total, err := s.store.VisibleArticles(ctx, q)
	if err != nil {
		return false, err
	}
	return true, s.eachPage(total, func(page int, from, to int) (*pageData, error) {
		var head []news.Article
		if page == 1 {
			head = pinned
		}
		return channelPage(f, lang, c, page, total, listingRows(f.loc, head, list[from:to]))
	}, yield)
}

// eachPage renders the pages of a listing of total items (page 1 even when
// there are none), build making each page from its share [from:to).
func (s *Server) eachPage(total int, build func(page, from, to int) (*pageData, error), yield func(query string, body []byte) error) error {
	pages := max((total+perPage-1)/perPage, 1)
	for page := 1; page <= pages; page++ {
		from := (page - 1) * perPage
		p, err := build(page, from, min(from+perPage, total))
		if err != nil {
			return err
		}
		body, err := s.render.render("listing", p)
		if err != nil {
			return err
		}
		query := ""
		if page > 1 {
			query = fmt.Sprintf("page=%d", page)
		}
		if err := yield(query, body); err != nil {
			return err
		}
	}
	return nil
}
