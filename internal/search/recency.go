package search

import (
	"context"
	"math"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	blevesearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// recencyBand matches articles released in the n days (or months) up to
// now: one disjunction of day or month keyword terms.
//
// Scored as a plain disjunction of terms, every match of the text query
// would advance and score each of the band's terms (12 months, 31 days),
// which cost more than the text query itself. A band is instead matched
// as one union of the terms' postings, without scoring (Bleve merges them
// into one bitmap), and every article in it scores what a plain
// disjunction gives an article matching one of its n terms: idf² · queryNorm
// · 1/n (TF-IDF of a one-term keyword field, times the disjunction's
// coordination factor), with the idf of the band's mean document frequency.
// The terms of a band are equally common (days of news, months of news),
// so this is the score the terms gave, for a fraction of the cost.
type recencyBand struct {
	terms []string
	field string
}

// recency is the band of the n days (or months, per layout) up to now,
// stepping back by years, months, days.
func recency(now time.Time, n int, field, layout string, years, months, days int) query.Query {
	b := &recencyBand{field: field}
	t := now.UTC()
	for range n {
		b.terms = append(b.terms, t.Format(layout))
		t = t.AddDate(-years, -months, -days)
	}
	return b
}

// Searcher implements query.Query.
func (b *recencyBand) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options blevesearch.SearcherOptions) (blevesearch.Searcher, error) {
	qs := make([]query.Query, len(b.terms))
	for k, t := range b.terms {
		qs[k] = term(b.field, t)
	}
	union, err := bleve.NewDisjunctionQuery(qs...).Searcher(ctx, i, m, blevesearch.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, err
	}
	total, err := i.DocCount()
	if err != nil {
		union.Close()
		return nil, err
	}
	// The union does not count its matches: the terms' frequencies come
	// from the dictionary.
	var df uint64
	for _, t := range b.terms {
		r, err := i.TermFieldReader(ctx, []byte(t), b.field, false, false, false)
		if err != nil {
			union.Close()
			return nil, err
		}
		df += r.Count()
		r.Close()
	}
	n := float64(len(b.terms))
	idf := 1 + math.Log(float64(total)/(float64(df)/n+1))
	s := &bandSearcher{Searcher: union, idf: idf, n: n}
	// Alone, a disjunction normalises its terms by its own weight; inside
	// a larger query the query's norm replaces it (SetQueryNorm).
	s.norm = 1 / math.Sqrt(s.Weight())
	return s, nil
}

// bandSearcher gives every match of an unscored union the band's score.
type bandSearcher struct {
	blevesearch.Searcher
	idf, n, norm float64
}

// Weight is the plain disjunction's: the sum of its terms' squared idf.
func (s *bandSearcher) Weight() float64 { return s.n * s.idf * s.idf }

// SetQueryNorm keeps the query's norm for the score.
func (s *bandSearcher) SetQueryNorm(qn float64) { s.norm = qn }

func (s *bandSearcher) score(d *blevesearch.DocumentMatch) *blevesearch.DocumentMatch {
	if d != nil {
		d.Score = s.idf * s.idf * s.norm / s.n
	}
	return d
}

// Next implements search.Searcher.
func (s *bandSearcher) Next(ctx *blevesearch.SearchContext) (*blevesearch.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	return s.score(d), err
}

// Advance implements search.Searcher.
func (s *bandSearcher) Advance(ctx *blevesearch.SearchContext, id index.IndexInternalID) (*blevesearch.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	return s.score(d), err
}
