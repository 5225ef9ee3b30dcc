package search

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
)

// TestReleaseFilter checks that the release filter written as month and
// day terms with exact ranges at the edges finds exactly the articles a
// plain comparison of release times does, at month, day and nanosecond
// edges, with open bounds and bounds outside the indexed months.
func TestReleaseFilter(t *testing.T) {
	idx, err := newIndex(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	shanghai := time.FixedZone("CST", 8*3600)
	var releases []time.Time
	for _, base := range []time.Time{
		utc(2023, 12, 31, 23, 59), utc(2024, 1, 1, 0, 0), utc(2024, 1, 15, 12, 0), utc(2024, 1, 31, 23, 0),
		utc(2024, 2, 1, 0, 0), utc(2024, 2, 29, 16, 0), utc(2024, 3, 1, 0, 0), utc(2024, 6, 30, 0, 0),
		utc(2024, 7, 1, 0, 0), utc(2024, 12, 31, 23, 59), utc(2025, 1, 1, 0, 0),
	} {
		releases = append(releases, base.Add(-time.Nanosecond), base, base.Add(time.Nanosecond))
	}
	b := idx.NewBatch()
	for i, r := range releases {
		if err := b.Index(strconv.Itoa(i), document{Lang: "en", Release: r}.fields()); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Index("norelease", document{Lang: "en"}.fields()); err != nil {
		t.Fatal(err)
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	span, err := releaseSpanOf(idx)
	if err != nil {
		t.Fatal(err)
	}
	if !span.ok || !span.first.Equal(utc(2023, 12, 1, 0, 0)) || !span.end.Equal(utc(2025, 2, 1, 0, 0)) || !span.years {
		t.Fatalf("release span %+v, want 2023-12 to 2025-01 with year terms", span)
	}
	cases := []struct {
		name     string
		from, to time.Time
	}{
		{"whole months", utc(2024, 1, 1, 0, 0), utc(2024, 7, 1, 0, 0).Add(-time.Nanosecond)},
		{"a whole year", utc(2024, 1, 1, 0, 0), utc(2025, 1, 1, 0, 0).Add(-time.Nanosecond)},
		{"a year and its edges", utc(2023, 12, 31, 23, 59), utc(2025, 1, 1, 0, 0)},
		{"the benchmark's range", utc(2024, 1, 1, 0, 0), utc(2024, 6, 30, 0, 0)},
		{"partial days and months", utc(2024, 1, 15, 6, 0), utc(2024, 2, 29, 16, 0)},
		{"one instant", utc(2024, 2, 1, 0, 0), utc(2024, 2, 1, 0, 0)},
		{"within a day", utc(2024, 1, 15, 11, 0), utc(2024, 1, 15, 13, 0)},
		{"local days", time.Date(2024, 1, 1, 0, 0, 0, 0, shanghai), time.Date(2024, 3, 1, 0, 0, 0, 0, shanghai).Add(-time.Nanosecond)},
		{"open start", time.Time{}, utc(2024, 2, 1, 0, 0)},
		{"open end", utc(2024, 6, 30, 0, 0), time.Time{}},
		{"before the first month", utc(1990, 5, 5, 0, 0), utc(2024, 1, 1, 0, 0)},
		{"past the last month", utc(2024, 12, 31, 23, 59), utc(2100, 1, 1, 0, 0)},
		{"outside on both sides", utc(1900, 1, 1, 0, 0), utc(9999, 12, 31, 0, 0)},
		{"entirely before", utc(2000, 1, 1, 0, 0), utc(2001, 1, 1, 0, 0)},
		{"entirely after", utc(2030, 1, 1, 0, 0), time.Time{}},
		{"past what the index can hold", utc(2300, 1, 1, 0, 0), utc(9999, 1, 1, 0, 0)},
		{"before what the index can hold", utc(1000, 1, 1, 0, 0), utc(1500, 1, 1, 0, 0)},
		{"reversed", utc(2024, 6, 1, 0, 0), utc(2024, 1, 1, 0, 0)},
	}
	// An index built before the year keyword (here: the span says so) must
	// give the same answers from months alone.
	noYears := span
	noYears.years = false
	for _, sp := range []releaseSpan{span, noYears} {
		for _, c := range cases {
			span := sp
			t.Run(fmt.Sprintf("%s/years=%v", c.name, span.years), func(t *testing.T) {
				var want []string
				for i, r := range releases {
					if (c.from.IsZero() || !r.Before(c.from)) && (c.to.IsZero() || !r.After(c.to)) {
						want = append(want, strconv.Itoa(i))
					}
				}
				req := bleve.NewSearchRequestOptions(releaseFilter(c.from, c.to, span), 1000, 0, false)
				out, err := idx.Search(req)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, h := range out.Hits {
					got = append(got, h.ID)
				}
				sort.Strings(got)
				sort.Strings(want)
				if len(got) != len(want) || len(got) > 0 && !equalStrings(got, want) {
					t.Errorf("[%v, %v]: found %v, want %v", c.from, c.to, got, want)
				}
			})
		}
	}
}

func equalStrings(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestFutureVisible checks that the visibility exclusion lists exactly the
// articles visible after now, at nanosecond edges, and none when there are
// none.
func TestFutureVisible(t *testing.T) {
	idx, err := newIndex(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	times := []time.Time{now.AddDate(-3, 0, 0), now.Add(-time.Nanosecond), now, now.Add(time.Nanosecond), now.Add(time.Hour), now.AddDate(100, 0, 0)}
	b := idx.NewBatch()
	for k, v := range times {
		if err := b.Index(strconv.Itoa(k), document{Lang: "en", Release: v, VisibleFrom: v}.fields()); err != nil {
			t.Fatal(err)
		}
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{now.AddDate(-10, 0, 0), now.Add(-time.Nanosecond), now, now.Add(time.Hour), now.AddDate(200, 0, 0)} {
		var want []string
		for k, v := range times {
			if v.After(at) {
				want = append(want, strconv.Itoa(k))
			}
		}
		out, err := idx.Search(bleve.NewSearchRequestOptions(futureVisible{now: at}, 100, 0, false))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range out.Hits {
			got = append(got, h.ID)
		}
		sort.Strings(got)
		sort.Strings(want)
		if len(got) != len(want) || !equalStrings(got, want) {
			t.Errorf("visible after %v: found %v, want %v", at, got, want)
		}
	}
}

// TestReleaseSpanWithoutYears: an index holding documents from before the
// year keyword does not match whole years by their term (it would miss
// those documents) until every document has one.
func TestReleaseSpanWithoutYears(t *testing.T) {
	idx, err := newIndex(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	r := time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)
	old := document{Lang: "en", Release: r}.fields()
	delete(old, "year")
	if err := idx.Index("old", old); err != nil {
		t.Fatal(err)
	}
	if err := idx.Index("new", document{Lang: "en", Release: r}.fields()); err != nil {
		t.Fatal(err)
	}
	span, err := releaseSpanOf(idx)
	if err != nil || !span.ok || span.years {
		t.Fatalf("span %+v, %v: want no year terms while a document lacks one", span, err)
	}
	if err := idx.Delete("old"); err != nil {
		t.Fatal(err)
	}
	if span, err = releaseSpanOf(idx); err != nil || !span.years {
		t.Fatalf("span %+v, %v: want year terms once every document has one", span, err)
	}
}
