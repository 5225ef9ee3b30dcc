package search

import (
	"math"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// TestRecencyBand checks that a recency band, matched as one unscored
// union, finds the articles a plain disjunction of its day terms finds and
// scores them as it does when the days are equally common, alone and
// beside a text query.
func TestRecencyBand(t *testing.T) {
	idx, err := newIndex(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	b := idx.NewBatch()
	n := 0
	for day := range 60 {
		for k := range 3 {
			d := document{Lang: "en", Body: "wind power report " + strconv.Itoa(k), Release: now.AddDate(0, 0, -day)}
			if err := b.Index(strconv.Itoa(n), d.fields()); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	if err := idx.Batch(b); err != nil {
		t.Fatal(err)
	}
	plain := func(days int) query.Query {
		var qs []query.Query
		for d := range days {
			qs = append(qs, term("day", now.AddDate(0, 0, -d).Format(dayLayout)))
		}
		return bleve.NewDisjunctionQuery(qs...)
	}
	text := func() query.Query {
		q := bleve.NewMatchQuery("wind")
		q.SetField(fieldName(fieldBody, "en"))
		return q
	}
	for _, c := range []struct {
		name        string
		band, plain query.Query
	}{
		{"alone", recency(now, 8, "day", dayLayout, 0, 0, 1), plain(8)},
		{"with a text query",
			func() query.Query {
				q := bleve.NewBooleanQuery()
				q.AddMust(text())
				q.AddShould(recency(now, 31, "day", dayLayout, 0, 0, 1))
				return q
			}(),
			func() query.Query {
				q := bleve.NewBooleanQuery()
				q.AddMust(text())
				q.AddShould(plain(31))
				return q
			}()},
	} {
		t.Run(c.name, func(t *testing.T) {
			scores := func(q query.Query) map[string]float64 {
				out, err := idx.Search(bleve.NewSearchRequestOptions(q, 1000, 0, false))
				if err != nil {
					t.Fatal(err)
				}
				m := map[string]float64{}
				for _, h := range out.Hits {
					m[h.ID] = h.Score
				}
				return m
			}
			got, want := scores(c.band), scores(c.plain)
			if len(got) != len(want) || len(got) == 0 {
				t.Fatalf("band found %d articles, the plain disjunction %d", len(got), len(want))
			}
			for id, w := range want {
				if g, ok := got[id]; !ok || math.Abs(g-w) > 1e-9*math.Max(1, w) {
					t.Errorf("article %s: band score %v (found %v), plain %v", id, g, ok, w)
				}
			}
		})
	}
}
