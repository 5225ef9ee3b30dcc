package search

import (
	"context"
	"math"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/numeric"
	blevesearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// maxReleaseTerms bounds how many month and day terms one release filter
// may be written as; past it (a range of centuries) the filter is one exact
// range.
const maxReleaseTerms = 1200

// earliestRelease and latestRelease are the release times an index can
// hold (int64 nanoseconds).
func earliestRelease() time.Time { return time.Unix(0, math.MinInt64).UTC() }
func latestRelease() time.Time   { return time.Unix(0, math.MaxInt64).UTC() }

// releaseSpan is the extent of the indexed release months: the first
// instant of the earliest month and of the month after the latest. ok is
// false when the index holds no release at all.
type releaseSpan struct {
	first, end time.Time
	ok         bool
	// years is true when every document with a month also has a year
	// keyword (an index built before the year keyword has none, until it
	// is rebuilt): only then may whole years be matched by their term.
	years bool
}

// releaseFilter matches articles released in [from, to] (inclusive; a zero
// bound is open). A date range over the release field ranges over every
// distinct release time in it, tens of thousands in a year or two of
// articles; written instead as whole months (the month keyword), whole
// days (the day keyword) at the two ends, and exact ranges only for the
// partial days at the edges, it is a few dozen term lookups. Beyond the
// indexed months (span) exact ranges keep the filter exact however new
// articles arrive: there they range over nothing, or the few articles that
// arrived since span was read.
func releaseFilter(from, to time.Time, span releaseSpan) query.Query {
	from, to = from.UTC(), to.UTC()
	// Release times are indexed as nanoseconds since 1970 (years 1678 to
	// 2261): a bound past either end is open, or leaves nothing.
	switch {
	case !from.IsZero() && from.After(latestRelease()), !to.IsZero() && to.Before(earliestRelease()):
		return bleve.NewMatchNoneQuery()
	}
	if from.Before(earliestRelease()) {
		from = time.Time{}
	}
	if to.After(latestRelease()) {
		to = time.Time{}
	}
	if !span.ok {
		return exactRelease(from, to, true)
	}
	// Work on [lo, hi): hi is one nanosecond past the inclusive to.
	var parts []query.Query
	lo, hi := from, time.Time{}
	if !to.IsZero() {
		hi = to.Add(time.Nanosecond)
	}
	if lo.IsZero() || lo.Before(span.first) {
		// Before the first indexed month: an exact range (empty at the
		// time span was read).
		end := span.first
		if !hi.IsZero() && hi.Before(end) {
			end = hi
		}
		if lo.IsZero() || lo.Before(end) {
			parts = append(parts, exactRelease(lo, end, false))
		}
		lo = span.first
	}
	if hi.IsZero() || hi.After(span.end) {
		start := span.end
		if lo.After(start) {
			start = lo
		}
		if hi.IsZero() || start.Before(hi) {
			parts = append(parts, exactRelease(start, hi, false))
		}
		hi = span.end
	}
	if lo.Before(hi) {
		terms, ok := releaseTerms(lo, hi, span.years)
		if !ok {
			return exactRelease(from, to, true)
		}
		parts = append(parts, terms...)
	}
	switch len(parts) {
	case 0:
		return bleve.NewMatchNoneQuery()
	case 1:
		return parts[0]
	}
	return bleve.NewDisjunctionQuery(parts...)
}

// releaseTerms covers [lo, hi) with year terms (when years), month terms,
// day terms and exact ranges for what is left of a day. ok is false when
// that takes more than maxReleaseTerms parts.
func releaseTerms(lo, hi time.Time, years bool) ([]query.Query, bool) {
	var parts []query.Query
	for c := lo; c.Before(hi); {
		if len(parts) >= maxReleaseTerms {
			return nil, false
		}
		day := time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, time.UTC)
		nextDay := day.AddDate(0, 0, 1)
		if nextYear := time.Date(c.Year()+1, 1, 1, 0, 0, 0, 0, time.UTC); years && c.Equal(day) && c.Month() == 1 && c.Day() == 1 && !nextYear.After(hi) {
			parts = append(parts, term("year", c.Format(yearLayout)))
			c = nextYear
			continue
		}
		if c.Equal(day) {
			nextMonth := time.Date(c.Year(), c.Month()+1, 1, 0, 0, 0, 0, time.UTC)
			if c.Day() == 1 && !nextMonth.After(hi) {
				parts = append(parts, term("month", c.Format(monthLayout)))
				c = nextMonth
				continue
			}
			if !nextDay.After(hi) {
				parts = append(parts, term("day", c.Format(dayLayout)))
				c = nextDay
				continue
			}
		}
		end := nextDay
		if hi.Before(end) {
			end = hi
		}
		parts = append(parts, exactRelease(c, end, false))
		c = end
	}
	return parts, true
}

// exactRelease is a date range on the release field from lo (inclusive) to
// hi (inclusive when toIncluded, else exclusive); zero bounds are open.
func exactRelease(lo, hi time.Time, toIncluded bool) query.Query {
	yes := true
	q := bleve.NewDateRangeInclusiveQuery(lo, hi, &yes, &toIncluded)
	q.SetField("release")
	return q
}

// releaseSpanOf reads the first and last indexed release months from the
// month keyword's dictionary (a few dozen terms).
func releaseSpanOf(idx bleve.Index) (releaseSpan, error) {
	d, err := idx.FieldDict("month")
	if err != nil {
		return releaseSpan{}, err
	}
	defer d.Close()
	var s releaseSpan
	var last time.Time
	var months uint64
	for {
		e, err := d.Next()
		if err != nil {
			return releaseSpan{}, err
		}
		if e == nil {
			break
		}
		months += e.Count
		m, err := time.Parse(monthLayout, e.Term)
		if err != nil {
			continue
		}
		if !s.ok || m.Before(s.first) {
			s.first = m
		}
		if !s.ok || m.After(last) {
			last = m
		}
		s.ok = true
	}
	if s.ok {
		s.end = last.AddDate(0, 1, 0)
		years, err := termCount(idx, "year")
		if err != nil {
			return releaseSpan{}, err
		}
		s.years = years == months
	}
	return s, nil
}

// termCount sums the document counts of a keyword field's terms.
func termCount(idx bleve.Index, field string) (uint64, error) {
	d, err := idx.FieldDict(field)
	if err != nil {
		return 0, err
	}
	defer d.Close()
	var n uint64
	for {
		e, err := d.Next()
		if err != nil {
			return 0, err
		}
		if e == nil {
			return n, nil
		}
		n += e.Count
	}
}

// maxFutureTerms bounds how many distinct future visible_from times the
// visibility exclusion lists one by one; past it, it is a date range.
const maxFutureTerms = 1024

// futureVisible matches articles whose visible_from is after now: the few
// scheduled ones. A date range from now to the end of time checks hundreds
// of candidate terms (every precision level) in every segment; this lists
// the exact visible_from values after now from the field's dictionary, in
// the same index snapshot the search reads, so an article indexed a moment
// ago is in both or in neither.
type futureVisible struct{ now time.Time }

// Searcher implements query.Query.
func (f futureVisible) Searcher(ctx context.Context, i index.IndexReader, m mapping.IndexMapping, options blevesearch.SearcherOptions) (blevesearch.Searcher, error) {
	rangeQuery := func() (blevesearch.Searcher, error) {
		no := false
		q := bleve.NewDateRangeInclusiveQuery(f.now.UTC(), time.Time{}, &no, &no)
		q.SetField("visible_from")
		return q.Searcher(ctx, i, m, options)
	}
	from := f.now.UnixNano()
	if from == math.MaxInt64 || f.now.After(latestRelease()) || f.now.Before(earliestRelease()) {
		return rangeQuery()
	}
	d, err := i.FieldDictRange("visible_from", numeric.MustNewPrefixCodedInt64(from+1, 0), numeric.MustNewPrefixCodedInt64(math.MaxInt64, 0))
	if err != nil {
		return nil, err
	}
	var terms [][]byte
	for {
		e, err := d.Next()
		if err != nil {
			d.Close()
			return nil, err
		}
		if e == nil {
			break
		}
		if len(terms) == maxFutureTerms {
			d.Close()
			return rangeQuery()
		}
		terms = append(terms, []byte(e.Term))
	}
	if err := d.Close(); err != nil {
		return nil, err
	}
	if len(terms) == 0 {
		return searcher.NewMatchNoneSearcher(i)
	}
	return searcher.NewMultiTermSearcherBytes(ctx, i, terms, "visible_from", 1, options, true)
}
