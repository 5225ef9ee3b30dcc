package admin

import (
	"net/http"
	"sort"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

type recentItem struct {
	Release, Lang, Channel, Headline, URL string
	at                                    time.Time
}

// dashItem is an article on the dashboard, linked to its edit page.
type dashItem struct {
	ID                            int64
	Headline, Lang, Channel, When string
}

// dashQueue is one of the dashboard's lists of articles; When names its
// time column.
type dashQueue struct {
	L     map[string]string
	When  string
	Items []dashItem
}

// dashboardData is what dashboard.html shows.
type dashboardData struct {
	Recent                   []recentItem
	Drafts, Review, Schedule *dashQueue
}

// dashboardLimit is how many articles each dashboard list shows.
const dashboardLimit = 15

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := userOf(r)
	site, err := s.store.Site(ctx)
	if err != nil {
		return err
	}
	loc := site.Location()
	d := &dashboardData{}
	for _, lang := range site.Languages {
		list, _, err := s.store.VisibleArticles(ctx, store.ArticleQuery{Language: lang, Limit: 10, Now: s.now(), NoTotal: true})
		if err != nil {
			return err
		}
		for _, a := range list {
			d.Recent = append(d.Recent, recentItem{Release: a.ReleaseAt.In(loc).Format("2006-01-02 15:04"), Lang: a.Language,
				Channel: a.ChannelPath, Headline: a.Headline, URL: a.Path(loc), at: a.ReleaseAt})
		}
	}
	sort.Slice(d.Recent, func(i, j int) bool { return d.Recent[i].at.After(d.Recent[j].at) })
	if len(d.Recent) > 15 {
		d.Recent = d.Recent[:15]
	}

	// The newsroom's queues: the user's own drafts, what waits for their
	// approval, and what is set to go out.
	p := s.newPage(r, "dashboard")
	queue := func(q store.NewsroomQuery, may func(news.Article) bool, when func(news.Article) time.Time, label string) (*dashQueue, error) {
		q.Limit = 200
		list, _, err := s.store.NewsroomArticles(ctx, q)
		if err != nil {
			return nil, err
		}
		out := &dashQueue{L: p.L, When: p.L[label]}
		for _, a := range list {
			if len(out.Items) == dashboardLimit {
				break
			}
			if may(a) {
				out.Items = append(out.Items, dashItem{ID: a.ID, Headline: a.Headline, Lang: a.Language, Channel: a.ChannelPath, When: localTime(when(a), loc)})
			}
		}
		return out, nil
	}
	updated := func(a news.Article) time.Time { return a.UpdatedAt }
	if d.Drafts, err = queue(store.NewsroomQuery{Status: news.StatusDraft, AuthorID: u.ID},
		func(a news.Article) bool { return u.May(news.ActionEditArticle, articleTarget(a)) }, updated, "updated"); err != nil {
		return err
	}
	if d.Review, err = queue(store.NewsroomQuery{Status: news.StatusInReview},
		func(a news.Article) bool { return u.May(news.ActionApprove, articleTarget(a)) }, updated, "updated"); err != nil {
		return err
	}
	if d.Schedule, err = queue(store.NewsroomQuery{Status: news.StatusScheduled},
		func(a news.Article) bool { return u.May(news.ActionEditArticle, articleTarget(a)) }, news.Article.VisibleFrom, "release_at"); err != nil {
		return err
	}
	// Same-format local times sort as text: soonest release first.
	sort.SliceStable(d.Schedule.Items, func(i, j int) bool { return d.Schedule.Items[i].When < d.Schedule.Items[j].When })

	p.Data = d
	return s.show(w, http.StatusOK, "dashboard", p)
}
