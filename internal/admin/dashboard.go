package admin

import (
	"net/http"
	"sort"
	"time"

	"newsdesk/internal/store"
)

type recentItem struct {
	Release, Lang, Channel, Headline, URL string
	at                                    time.Time
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	site, err := s.store.Site(ctx)
	if err != nil {
		return err
	}
	loc := site.Location()
	var items []recentItem
	for _, lang := range site.Languages {
		list, _, err := s.store.VisibleArticles(ctx, store.ArticleQuery{Language: lang, Limit: 10, Now: s.now()})
		if err != nil {
			return err
		}
		for _, a := range list {
			items = append(items, recentItem{Release: a.ReleaseAt.In(loc).Format("2006-01-02 15:04"), Lang: a.Language,
				Channel: a.ChannelPath, Headline: a.Headline, URL: a.Path(loc), at: a.ReleaseAt})
		}
	}
	sort.Slice(items, func(i, j int) bool { return items[i].at.After(items[j].at) })
	if len(items) > 15 {
		items = items[:15]
	}
	p := s.newPage(r, "dashboard")
	if len(items) > 0 {
		p.Data = items
	}
	return s.show(w, http.StatusOK, "dashboard", p)
}
