package search

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	blevesearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"newsdesk/internal/news"
)

// Sort orders.
const (
	// SortRelevance ranks by how well an article matches, with a boost for
	// recent articles.
	SortRelevance = "relevance"
	// SortNewest lists the newest release first.
	SortNewest = "newest"
)

// MaxResultWindow bounds how deep pagination goes (offset + limit): deep
// pages cost more than they are worth.
const MaxResultWindow = 1000

// Request is one search: the parsed query and its filters.
type Request struct {
	Query Query
	// Language, when set, limits results to articles in that language.
	Language string
	// Channel, when set, limits results to that channel and its subtree.
	Channel string
	// From and To, when not zero, bound the release time (inclusive).
	From, To time.Time
	// Tags, when set, must all be carried; Source, when set, must match.
	Tags   []string
	Source string
	// Statuses limits a newsroom search; the public search ignores it.
	Statuses []news.Status
	// Reach, when set, limits a newsroom search to where the searcher may
	// edit: articles matching any one reach. The public search ignores it.
	Reach []Reach
	Sort  string
	// Facets asks for the channel and language counts of all results
	// (Result.Channels, Result.Languages); they cost time, so only callers
	// that show them ask.
	Facets bool
	Offset int
	Limit  int
	// Now is the clock: the public search shows what is visible at Now, and
	// the recency boost counts from it.
	Now time.Time
}

// Span is a matched range of bytes in one of an article's folded texts
// (see TextOf).
type Span struct{ Start, End int }

// Hit is one matching article.
type Hit struct {
	ID    int64
	Score float64
	// Headline, Summary and Body are the matched ranges in each text, in
	// order, for highlighting.
	Headline, Summary, Body []Span
}

// Reach is one part of the newsroom a searcher may edit: a channel subtree
// ("" for all) and, when AuthorID is set, only that author's articles.
type Reach struct {
	Channel  string
	AuthorID int64
}

// FacetCount is how many results one filter value would keep.
type FacetCount struct {
	Value string
	Count int
}

// Result is one page of results, with the total and the facets of all of
// them.
type Result struct {
	Total     int
	Hits      []Hit
	Channels  []FacetCount
	Languages []FacetCount
	Took      time.Duration
}

// Public searches what readers may see at r.Now: only published or
// scheduled articles that are not retracted and whose visible_from has
// passed. There is no way to widen it; the newsroom uses Newsroom.
func (x *Index) Public(ctx context.Context, r Request) (Result, error) {
	now := r.Now
	if now.IsZero() {
		now = time.Now()
	}
	// visible_from <= now, written as "not after now": every public
	// document has a visible_from, and the few in the future are far
	// cheaper to list than the many in the past (see futureVisible).
	r.Statuses, r.Reach = nil, nil
	return x.search(ctx, r, []query.Query{term("public", "yes")}, futureVisible{now: now})
}

// Newsroom searches articles in every status, filtered by r.Statuses when
// set. It is for signed-in staff only.
func (x *Index) Newsroom(ctx context.Context, r Request) (Result, error) {
	var filters []query.Query
	if len(r.Statuses) > 0 {
		var any []query.Query
		for _, s := range r.Statuses {
			any = append(any, term("status", string(s)))
		}
		filters = append(filters, bleve.NewDisjunctionQuery(any...))
	}
	if len(r.Reach) > 0 {
		var any []query.Query
		for _, re := range r.Reach {
			var parts []query.Query
			if re.Channel != "" {
				parts = append(parts, term("channel", re.Channel))
			}
			if re.AuthorID != 0 {
				parts = append(parts, term("author", strconv.FormatInt(re.AuthorID, 10)))
			}
			if len(parts) == 0 {
				any = nil // one reach covers everything
				break
			}
			any = append(any, bleve.NewConjunctionQuery(parts...))
		}
		if len(any) > 0 {
			filters = append(filters, bleve.NewDisjunctionQuery(any...))
		}
	}
	return x.search(ctx, r, filters)
}

func term(field, value string) query.Query {
	q := bleve.NewTermQuery(value)
	q.SetField(field)
	return q
}

// search runs a request; filters must hold and excludes must not, neither
// scoring.
func (x *Index) search(ctx context.Context, r Request, filters []query.Query, excludes ...query.Query) (Result, error) {
	if r.Limit <= 0 || r.Limit > 100 {
		r.Limit = 20
	}
	if r.Offset < 0 {
		r.Offset = 0
	}
	if r.Offset+r.Limit > MaxResultWindow {
		return Result{}, fmt.Errorf("search: results past %d are not served: %w", MaxResultWindow, ErrTooDeep)
	}
	if r.Now.IsZero() {
		r.Now = time.Now()
	}
	var res Result
	err := x.with(func(idx bleve.Index) error {
		var span releaseSpan
		if !r.From.IsZero() || !r.To.IsZero() {
			var err error
			if span, err = releaseSpanOf(idx); err != nil {
				return fmt.Errorf("search: release months: %w", err)
			}
		}
		q, ok := buildQuery(idx.Mapping(), r, span, filters, excludes)
		if !ok {
			return nil // nothing searchable in the query: no results
		}
		// Two passes: rank without match locations (reading term vectors
		// for every match is the costly part), then fetch the locations of
		// the page's hits only.
		req := bleve.NewSearchRequestOptions(q, r.Limit, r.Offset, false)
		if r.Sort == SortNewest {
			req.SortBy([]string{"-release", "-_score", "_id"})
		}
		if r.Facets {
			req.AddFacet("channel", bleve.NewFacetRequest("channel", 50))
			req.AddFacet("lang", bleve.NewFacetRequest("lang", 10))
		}
		out, err := idx.SearchInContext(ctx, req)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		res.Total, res.Took = int(out.Total), out.Took
		locations := map[string]blevesearch.FieldTermLocationMap{}
		if len(out.Hits) > 0 {
			ids := make([]string, len(out.Hits))
			for i, h := range out.Hits {
				ids[i] = h.ID
			}
			lreq := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(bleve.NewDocIDQuery(ids), q), len(ids), 0, false)
			lreq.IncludeLocations = true
			lout, err := idx.SearchInContext(ctx, lreq)
			if err != nil {
				return fmt.Errorf("search: %w", err)
			}
			for _, h := range lout.Hits {
				locations[h.ID] = h.Locations
			}
		}
		for _, h := range out.Hits {
			id, err := strconv.ParseInt(h.ID, 10, 64)
			if err != nil {
				continue
			}
			hit := Hit{ID: id, Score: h.Score}
			for field, terms := range locations[h.ID] {
				part, _, _ := strings.Cut(field, "_")
				var spans []Span
				for _, locs := range terms {
					for _, l := range locs {
						spans = append(spans, Span{int(l.Start), int(l.End)})
					}
				}
				switch part {
				case fieldHeadline:
					hit.Headline = append(hit.Headline, spans...)
				case fieldSummary:
					hit.Summary = append(hit.Summary, spans...)
				case fieldBody:
					hit.Body = append(hit.Body, spans...)
				}
			}
			hit.Headline, hit.Summary, hit.Body = mergeSpans(hit.Headline), mergeSpans(hit.Summary), mergeSpans(hit.Body)
			res.Hits = append(res.Hits, hit)
		}
		res.Channels = facetCounts(out.Facets["channel"])
		res.Languages = facetCounts(out.Facets["lang"])
		return nil
	})
	return res, err
}

// ErrTooDeep is returned for pages past MaxResultWindow.
var ErrTooDeep = fmt.Errorf("page too deep")

func facetCounts(f *blevesearch.FacetResult) []FacetCount {
	if f == nil || f.Terms == nil {
		return nil
	}
	var out []FacetCount
	for _, t := range f.Terms.Terms() {
		out = append(out, FacetCount{Value: t.Term, Count: t.Count})
	}
	return out
}

// mergeSpans sorts spans and joins overlapping ones (the bigrams of a
// Chinese word overlap by a character).
func mergeSpans(s []Span) []Span {
	if len(s) < 2 {
		return s
	}
	sort.Slice(s, func(i, j int) bool { return s[i].Start < s[j].Start })
	out := s[:1]
	for _, sp := range s[1:] {
		last := &out[len(out)-1]
		if sp.Start <= last.End {
			last.End = max(last.End, sp.End)
			continue
		}
		out = append(out, sp)
	}
	return out
}

// buildQuery turns a request into a Bleve query. ok is false when the
// query holds nothing any field can match (only stop words, say). span is
// the indexed release months, for a release filter (see releaseFilter).
func buildQuery(m mapping.IndexMapping, r Request, span releaseSpan, filters, excludes []query.Query) (query.Query, bool) {
	var must []query.Query
	for _, c := range r.Query.Must {
		if q := clauseQuery(m, c, r.Language); q != nil {
			must = append(must, q)
		}
	}
	if len(must) == 0 {
		return nil, false
	}
	b := bleve.NewBooleanQuery()
	b.AddMust(must...)
	for _, c := range r.Query.Not {
		if q := clauseQuery(m, c, r.Language); q != nil {
			b.AddMustNot(q)
		}
	}
	if len(excludes) > 0 {
		b.AddMustNot(excludes...)
	}
	if r.Language != "" {
		filters = append(filters, term("lang", r.Language))
	}
	if r.Channel != "" {
		filters = append(filters, term("channel", r.Channel))
	}
	for _, t := range r.Tags {
		filters = append(filters, term("tags", strings.ToLower(Fold(t))))
	}
	if r.Source != "" {
		filters = append(filters, term("source", strings.ToLower(strings.TrimSpace(r.Source))))
	}
	if !r.From.IsZero() || !r.To.IsZero() {
		filters = append(filters, releaseFilter(r.From, r.To, span))
	}
	if len(filters) > 0 {
		// Filters must hold but do not score.
		var f query.Query = bleve.NewConjunctionQuery(filters...)
		if len(filters) == 1 {
			f = filters[0]
		}
		b.AddFilter(f)
	}
	if r.Sort != SortNewest {
		// The recency boost: a match released in the last week, month or
		// year scores a little more, so of two equal matches the newer
		// ranks first while a much better old match still wins. Days and
		// months are keywords, so the boost is a few term lookups rather
		// than ranges over every release time, and each band is one
		// unscored union (see recencyBand).
		b.AddShould(recency(r.Now, 8, "day", dayLayout, 0, 0, 1),
			recency(r.Now, 31, "day", dayLayout, 0, 0, 1),
			recency(r.Now, 12, "month", monthLayout, 0, 1, 0))
	}
	return b, true
}

// clauseQuery matches one word or phrase in any language's text fields
// (only lang's when a language filter is set: the others' hold no article
// the filter keeps, and searching them costs half the query), weighted by
// field. Fields whose analyzer leaves nothing of the clause (an English
// stop word, say) are skipped; nil when no field can match.
func clauseQuery(m mapping.IndexMapping, c Clause, lang string) query.Query {
	if en := m.AnalyzerNamed(languageAnalyzers["en"]); en != nil && !hasHan(c.Text) && tokenCount(en, c.Text) == 0 {
		// An English stop word ("the") is no requirement in any language.
		return nil
	}
	var any []query.Query
	langs := indexLanguages
	if slices.Contains(indexLanguages, lang) {
		langs = []string{lang}
	}
	for _, l := range langs {
		an := m.AnalyzerNamed(languageAnalyzers[l])
		if an == nil {
			continue
		}
		n := tokenCount(an, c.Text)
		if n == 0 {
			continue
		}
		for _, f := range textFields {
			field := fieldName(f.name, l)
			var q query.Query
			if n == 1 {
				mq := bleve.NewMatchQuery(c.Text)
				mq.SetField(field)
				mq.Analyzer = languageAnalyzers[l]
				mq.SetBoost(f.boost)
				q = mq
			} else {
				// Several tokens (a phrase, or a Chinese word of three or
				// more characters, whose bigrams must be adjacent): they
				// must stand together.
				pq := bleve.NewMatchPhraseQuery(c.Text)
				pq.SetField(field)
				pq.Analyzer = languageAnalyzers[l]
				pq.SetBoost(f.boost)
				q = pq
			}
			any = append(any, q)
		}
	}
	if len(any) == 0 {
		return nil
	}
	return bleve.NewDisjunctionQuery(any...)
}

func tokenCount(an analysis.Analyzer, s string) int {
	return len(an.Analyze([]byte(s)))
}
