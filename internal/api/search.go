package api

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"newsdesk/internal/news"
	"newsdesk/internal/search"
)

// Option configures the API beyond its required parts.
type Option func(*Server)

// WithSearch serves /api/v1/search from the node's search index. Without
// it the route answers 503.
func WithSearch(x *search.Index) Option {
	return func(s *Server) { s.search = x }
}

// searchResults is the answer of GET /api/v1/search.
type searchResults struct {
	Query     string         `json:"query" doc:"the query as understood: words, \"phrases\" and -exclusions, folded to lower case"`
	Total     int            `json:"total" doc:"how many visible articles match, over all pages"`
	Page      int            `json:"page"`
	PerPage   int            `json:"per_page"`
	Results   []searchResult `json:"results"`
	Channels  []facetCount   `json:"channels" doc:"how many results each channel (and its subtree) holds"`
	Languages []facetCount   `json:"languages" doc:"how many results each language holds"`
}

// searchResult is one article found; only articles readers may see now.
type searchResult struct {
	ID           int64     `json:"id"`
	Language     string    `json:"language"`
	Channel      string    `json:"channel"`
	Headline     string    `json:"headline"`
	HeadlineHTML string    `json:"headline_html" doc:"the headline, HTML-escaped, matched words in <mark>"`
	Snippet      string    `json:"snippet" doc:"plain text around the matches"`
	SnippetHTML  string    `json:"snippet_html" doc:"the snippet, HTML-escaped, matched words in <mark>"`
	URL          string    `json:"url" doc:"the article's path on the public site"`
	ReleaseAt    time.Time `json:"release_at" format:"date-time"`
	Source       string    `json:"source"`
	Score        float64   `json:"score" doc:"relevance; higher is better"`
}

type facetCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// searchParams are the query parameters of the search route, shared with
// the site's search page.
var searchParams = []param{
	{"q", "string", "the words to find; \"quoted phrase\", -word to exclude; at most 1024 bytes are read"},
	{"language", "string", "en or zh; any (the default) for every language"},
	{"channel", "string", "only this channel path and below"},
	{"from", "string", "released on or after this day (YYYY-MM-DD, the site's time zone)"},
	{"to", "string", "released on or before this day (YYYY-MM-DD, the site's time zone)"},
	{"tag", "string", "only articles carrying this tag (repeat for several, all required)"},
	{"source", "string", "only articles credited to this source (e.g. Xinhua), case-insensitive"},
	{"sort", "string", "relevance (the default, with a boost for recent articles) or newest"},
	{"page", "integer", "page number, from 1 (default 1)"},
	{"per_page", "integer", "results per page, 1 to 50 (default 20)"},
}

var errNoSearch = errors.New("search is not available on this server")

// searchArticles is GET /api/v1/search: public, like the site's search page,
// and like it limited to articles readers may see now.
func (s *Server) searchArticles(w http.ResponseWriter, r *http.Request, _ caller) error {
	if s.search == nil {
		writeProblem(w, http.StatusServiceUnavailable, "Service Unavailable", errNoSearch.Error())
		return nil
	}
	ctx := r.Context()
	site, err := s.ed.Store.Site(ctx)
	if err != nil {
		return err
	}
	tree, err := s.ed.Store.Channels(ctx)
	if err != nil {
		return err
	}
	req, page, perPage, err := searchRequest(r.URL.Query(), site, tree, s.ed.Now())
	if err != nil {
		return err
	}
	res := searchResults{Query: req.Query.String(), Page: page, PerPage: perPage, Results: []searchResult{},
		Channels: []facetCount{}, Languages: []facetCount{}}
	if !req.Query.Empty() {
		found, err := search.Visible(ctx, s.search, s.ed.Store, req)
		if err != nil {
			return err
		}
		res.Total = found.Total
		loc := site.Location()
		for _, f := range found.Found {
			a := f.Article
			res.Results = append(res.Results, searchResult{ID: a.ID, Language: a.Language, Channel: a.ChannelPath,
				Headline: a.Headline, HeadlineHTML: search.FragmentsHTML(f.Headline),
				Snippet: search.FragmentsText(f.Snippet), SnippetHTML: search.FragmentsHTML(f.Snippet),
				URL: a.Path(loc), ReleaseAt: a.ReleaseAt, Source: a.Source, Score: f.Score})
		}
		for _, c := range found.Channels {
			res.Channels = append(res.Channels, facetCount(c))
		}
		for _, l := range found.Languages {
			res.Languages = append(res.Languages, facetCount(l))
		}
	}
	return writeJSON(w, http.StatusOK, res)
}

// searchRequest validates the search parameters: unlike the site, which
// leaves out what it cannot read, the API answers 422 naming the parameter.
func searchRequest(v url.Values, site news.Site, tree *news.ChannelTree, now time.Time) (search.Request, int, int, error) {
	bad := &news.ValidationError{}
	req := search.Request{Query: search.Parse(v.Get("q")), Now: now, Channel: strings.Trim(v.Get("channel"), "/"), Facets: true}
	if _, ok := tree.ByPath(req.Channel); req.Channel != "" && !ok {
		bad.Add("channel", "there is no channel %q", req.Channel)
	}
	switch l := v.Get("language"); {
	case l == "" || l == "any":
	case site.HasLanguage(l):
		req.Language = l
	default:
		bad.Add("language", "unknown language %q (use %s or any)", l, strings.Join(site.Languages, ", "))
	}
	loc := site.Location()
	for _, d := range []struct {
		name string
		to   *time.Time
		end  bool
	}{{"from", &req.From, false}, {"to", &req.To, true}} {
		s := v.Get(d.name)
		if s == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", s, loc)
		if err != nil {
			bad.Add(d.name, "%q is not a date (YYYY-MM-DD)", s)
			continue
		}
		if d.end {
			t = t.AddDate(0, 0, 1).Add(-time.Nanosecond)
		}
		*d.to = t
	}
	if !req.From.IsZero() && !req.To.IsZero() && req.From.After(req.To) {
		bad.Add("from", "is after to")
	}
	for _, tag := range v["tag"] {
		if tag = strings.TrimSpace(tag); tag != "" {
			req.Tags = append(req.Tags, tag)
		}
	}
	req.Source = strings.TrimSpace(v.Get("source"))
	switch srt := v.Get("sort"); srt {
	case "", search.SortRelevance:
	case search.SortNewest:
		req.Sort = search.SortNewest
	default:
		bad.Add("sort", "unknown order %q (relevance or newest)", srt)
	}
	number := func(name string, def, lo, hi int) int {
		s := v.Get(name)
		if s == "" {
			return def
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < lo || n > hi {
			bad.Add(name, "must be a whole number from %d to %d", lo, hi)
			return def
		}
		return n
	}
	perPage := number("per_page", 20, 1, 50)
	page := number("page", 1, 1, search.MaxResultWindow)
	if (page-1)*perPage+perPage > search.MaxResultWindow {
		bad.Add("page", "results past the first %d are not served; narrow the query", search.MaxResultWindow)
	}
	req.Offset, req.Limit = (page-1)*perPage, perPage
	return req, page, perPage, bad.Err()
}

// newsroomResults is the answer of GET /api/v1/articles/search.
type newsroomResults struct {
	Query   string        `json:"query"`
	Total   int           `json:"total" doc:"how many articles the caller may edit match, over all pages"`
	Page    int           `json:"page"`
	PerPage int           `json:"per_page"`
	Results []newsroomHit `json:"results"`
}

// newsroomHit is one article found by the newsroom search, in any status.
type newsroomHit struct {
	Article      articleJSON `json:"article"`
	HeadlineHTML string      `json:"headline_html" doc:"the headline, HTML-escaped, matched words in <mark>"`
	SnippetHTML  string      `json:"snippet_html" doc:"text around the matches, HTML-escaped, matched words in <mark>"`
	Score        float64     `json:"score"`
}

// searchNewsroom is GET /api/v1/articles/search: every status, limited to
// the articles the caller may edit, with status filters.
func (s *Server) searchNewsroom(w http.ResponseWriter, r *http.Request, c caller) error {
	if s.search == nil {
		writeProblem(w, http.StatusServiceUnavailable, "Service Unavailable", errNoSearch.Error())
		return nil
	}
	ctx := r.Context()
	site, err := s.ed.Store.Site(ctx)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	tree, err := s.ed.Store.Channels(ctx)
	if err != nil {
		return err
	}
	req, page, perPage, err := searchRequest(v, site, tree, s.ed.Now())
	bad, _ := err.(*news.ValidationError)
	if err != nil && bad == nil {
		return err
	}
	if bad == nil {
		bad = &news.ValidationError{}
	}
	for _, raw := range v["status"] {
		for _, st := range strings.Split(raw, ",") {
			if st = strings.TrimSpace(st); st == "" {
				continue
			}
			if !news.Status(st).Valid() {
				bad.Add("status", "unknown status %q", st)
				continue
			}
			req.Statuses = append(req.Statuses, news.Status(st))
		}
	}
	if err := bad.Err(); err != nil {
		return err
	}
	res := newsroomResults{Query: req.Query.String(), Page: page, PerPage: perPage, Results: []newsroomHit{}}
	reaches := news.EditReach(c.user, req.Channel)
	if req.Query.Empty() || len(reaches) == 0 {
		return writeJSON(w, http.StatusOK, res)
	}
	for _, re := range reaches {
		req.Reach = append(req.Reach, search.Reach{Channel: re.Channel, AuthorID: re.AuthorID})
	}
	found, err := s.search.Newsroom(ctx, req)
	if err != nil {
		return err
	}
	vw, err := s.viewer(ctx)
	if err != nil {
		return err
	}
	res.Total = found.Total
	for _, h := range found.Hits {
		a, err := s.ed.Store.ArticleByID(ctx, h.ID)
		if errors.Is(err, news.ErrNotFound) || err == nil && !mayEdit(c.user, a) {
			res.Total--
			continue
		}
		if err != nil {
			return err
		}
		f := search.FoundIn(a, h)
		res.Results = append(res.Results, newsroomHit{Article: vw.article(a, false),
			HeadlineHTML: search.FragmentsHTML(f.Headline), SnippetHTML: search.FragmentsHTML(f.Snippet), Score: h.Score})
	}
	res.Total = max(res.Total, len(res.Results))
	return writeJSON(w, http.StatusOK, res)
}
