package search

import (
	"context"
	"errors"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// snippetRunes is the length of a result's snippet.
const snippetRunes = 180

// Found is one result a reader may see: the article as the database has it
// now, with its headline and a snippet cut around the matches.
type Found struct {
	Article  news.Article
	Score    float64
	Headline []Fragment
	Snippet  []Fragment
}

// Page is one page of results readers may see.
type Page struct {
	Total     int
	Found     []Found
	Channels  []FacetCount
	Languages []FacetCount
}

// Visible runs a public search and loads each hit from the store, dropping
// any the database does not show readers at r.Now (an article unpublished a
// moment ago, before the indexer caught up): the index finds, the database
// decides. The site's search page and the API both come through here.
func Visible(ctx context.Context, x *Index, st *store.Store, r Request) (Page, error) {
	res, err := x.Public(ctx, r)
	if err != nil {
		return Page{}, err
	}
	p := Page{Total: res.Total, Channels: res.Channels, Languages: res.Languages}
	for _, h := range res.Hits {
		a, err := st.ArticleByID(ctx, h.ID)
		if errors.Is(err, news.ErrNotFound) {
			p.Total--
			continue
		}
		if err != nil {
			return Page{}, err
		}
		if !a.VisibleAt(r.Now) || a.Status == news.StatusRetracted {
			p.Total--
			continue
		}
		p.Found = append(p.Found, FoundIn(a, h))
	}
	p.Total = max(p.Total, len(p.Found))
	return p, nil
}

// FoundIn cuts the headline and snippet of a hit from the article's text
// (the newsroom search loads articles itself and uses it too).
func FoundIn(a news.Article, h Hit) Found {
	t := TextOf(a)
	f := Found{Article: a, Score: h.Score, Headline: Highlight(t.Headline, h.Headline)}
	switch {
	case len(h.Body) > 0 && len(h.Summary) == 0:
		f.Snippet = Snippet(t.Body, h.Body, snippetRunes)
	case len(h.Summary) > 0 || t.Body == "":
		f.Snippet = Snippet(t.Summary, h.Summary, snippetRunes)
	default:
		f.Snippet = Snippet(t.Body, nil, snippetRunes)
	}
	return f
}
