package site

import (
	"context"
	"errors"
	"net/url"
	"path"
	"strings"

	"newsdesk/internal/news"
)

// articleBatch is how many articles ArticlePages loads at a time.
const articleBatch = 500

// ArticlePages renders the page of every article a reader may reach now
// (retracted ones included: their page stays up with the notice), through
// the same page builder as the handler, so each body is what a reader gets
// at the article's address. Articles, their tags, downloads and media are
// loaded a batch at a time: asking the handler costs a handful of queries
// a page.
//
// yield gets each page's address (as Paths gives it) and body. body is nil
// when the handler would answer that address with something else than the
// page built here (an address it routes elsewhere, a lead image gone from
// the library): the caller then asks the handler. Absolute links name
// Options.BaseURL, which must be set.
func (s *Server) ArticlePages(ctx context.Context, yield func(path string, body []byte) error) error {
	if s.base == "" {
		return errors.New("site: article pages need Options.BaseURL, which their absolute links name")
	}
	f, err := s.loadFrame(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	for after := int64(0); ; {
		batch, err := s.store.EveryVisibleArticleWhole(ctx, now, after, articleBatch)
		if err != nil {
			return err
		}
		lib, err := s.loadMediaOf(ctx, batch)
		if err != nil {
			return err
		}
		for _, a := range batch {
			after = a.ID
			p := a.Path(f.loc)
			var body []byte
			if am, err := lib.of(a); err == nil && routesToArticle(f, a, p) {
				pd, err := s.publishedPage(f, a, am, s.base)
				if err != nil {
					return err
				}
				if body, err = s.render.render("article", pd); err != nil {
					return err
				}
			}
			if err := yield(p, body); err != nil {
				return err
			}
		}
		if len(batch) < articleBatch {
			return nil
		}
	}
}

// routesToArticle reports whether a request for p reaches the article
// handler for a, as the router and dispatch read addresses: a clean path
// the request line keeps as it is, in a language of the site, outside the
// portal's reserved names, ending in a's channel, date and slug. The
// handler then finds a (language, channel and slug name one article) at
// its canonical address, and serves its page.
func routesToArticle(f frame, a news.Article, p string) bool {
	u, err := url.ParseRequestURI(p)
	if err != nil || u.Path != p || u.RawQuery != "" || u.Fragment != "" || path.Clean(p)+"/" != p {
		return false
	}
	lang, rest, ok := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	if !ok || lang != a.Language || !f.site.HasLanguage(lang) {
		return false
	}
	// Ending in a slash, rest is no feed nor file name (dispatch's checks
	// before it reads the page's segments).
	segs, ok := pageSegments(rest)
	if !ok {
		return false
	}
	channel, slug, ok := articleAddress(segs)
	return ok && channel == a.ChannelPath && slug == a.Slug
}
