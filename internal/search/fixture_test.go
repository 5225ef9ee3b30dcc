package search_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/ingest"
	"newsdesk/internal/markup"
	"newsdesk/internal/search"
	"newsdesk/internal/sitefile"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

const (
	repoRoot   = "../.."
	sharedData = "../../testdata"
)

// corpusDoc is one real article of the shared test material.
type corpusDoc struct {
	Key, Lang, Headline, Summary string
	Paragraphs                   []string
	Released                     time.Time
}

// loadCorpus reads the English Wikinews (GUM) and Chinese Wikinews and
// Wikipedia (GCDT) articles under the shared test data.
func loadCorpus(t testing.TB) []corpusDoc {
	t.Helper()
	var out []corpusDoc
	read := func(path string, fn func(line []byte) corpusDoc) {
		f, err := os.Open(filepath.Join(sharedData, path))
		if err != nil {
			t.Skipf("!!! SKIPPING: shared test material missing: %v", err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 4<<20), 4<<20)
		for sc.Scan() {
			out = append(out, fn(sc.Bytes()))
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	date := func(s string) time.Time {
		d, err := time.Parse("2006-01-02", s)
		if err != nil {
			return time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		return d.Add(9 * time.Hour)
	}
	read("articles/en-wikinews-gum/articles.jsonl", func(line []byte) corpusDoc {
		var a struct {
			ID, Title, DateCreated string `json:"-"`
			Blocks                 []struct{ Type, Text string }
		}
		var meta struct {
			ID          string `json:"id"`
			Title       string `json:"title"`
			DateCreated string `json:"date_created"`
		}
		if err := json.Unmarshal(line, &a); err != nil {
			t.Fatal(err)
		}
		json.Unmarshal(line, &meta)
		d := corpusDoc{Key: meta.ID, Lang: "en", Headline: meta.Title, Released: date(meta.DateCreated)}
		for _, b := range a.Blocks {
			if b.Type == "head" {
				continue
			}
			d.Paragraphs = append(d.Paragraphs, b.Text)
		}
		return d
	})
	read("articles/zh-wikinews-gcdt/articles.jsonl", func(line []byte) corpusDoc {
		var a struct {
			ID          string   `json:"id"`
			Title       string   `json:"title"`
			DateCreated string   `json:"date_created"`
			Paragraphs  []string `json:"paragraphs"`
		}
		if err := json.Unmarshal(line, &a); err != nil {
			t.Fatal(err)
		}
		return corpusDoc{Key: a.ID, Lang: "zh", Headline: a.Title, Paragraphs: a.Paragraphs[1:], Released: date(a.DateCreated)}
	})
	return out
}

// channelFor files a corpus article in one of the seed site's channels.
func channelFor(d corpusDoc) string {
	switch {
	case strings.Contains(d.Key, "_news_"):
		return "news/world"
	case strings.Contains(d.Key, "_interview_"):
		return "news/china/industry"
	}
	return "policies"
}

// fixture is a database with the seed site, an importer and an index.
type fixture struct {
	store    *store.Store
	importer *ingest.Importer
	index    *search.Index
	indexer  *search.Indexer
	dir      string
	now      time.Time
}

func newFixture(t testing.TB, dialect string) *fixture {
	t.Helper()
	return setUp(t, storetest.New(t, dialect))
}

// newFixtureAt is newFixture over an existing migrated database.
func newFixtureAt(t testing.TB, url string) *fixture {
	t.Helper()
	s, err := store.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return setUp(t, s)
}

func setUp(t testing.TB, s *store.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	siteJSON, err := os.ReadFile(filepath.Join(repoRoot, "testdata/seed/seed-site.json"))
	if err != nil {
		t.Fatal(err)
	}
	san := markup.NewSanitizer()
	if _, err := sitefile.Apply(ctx, s, san, siteJSON); err != nil {
		t.Fatalf("site apply: %v", err)
	}
	f := &fixture{store: s, dir: filepath.Join(t.TempDir(), "index"), now: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	f.importer = &ingest.Importer{Store: s, Sanitizer: san, Now: func() time.Time { return f.now }}
	f.openIndex(t)
	return f
}

func (f *fixture) openIndex(t testing.TB) {
	t.Helper()
	idx, err := search.Open(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	f.index = idx
	f.indexer = &search.Indexer{Store: f.store, Index: idx}
}

// ninjs is a ninjs document for a corpus article.
func ninjs(d corpusDoc, uri string, extra string) string {
	var body strings.Builder
	for _, p := range d.Paragraphs {
		body.WriteString("<p>" + html.EscapeString(p) + "</p>")
	}
	summary := ""
	if len(d.Paragraphs) > 0 {
		summary = d.Paragraphs[0]
	}
	b, _ := json.Marshal(map[string]any{"uri": uri, "language": d.Lang,
		"headlines":    []map[string]string{{"role": "main", "value": d.Headline}},
		"descriptions": []map[string]string{{"role": "summary", "contenttype": "text/plain", "value": summary}},
		"bodies":       []map[string]string{{"contenttype": "text/html", "value": body.String()}},
		"firstcreated": d.Released.Format(time.RFC3339)})
	s := string(b)
	if extra != "" {
		s = strings.TrimSuffix(s, "}") + "," + extra + "}"
	}
	return s
}

// importDoc imports one article and returns its id.
func (f *fixture) importDoc(t testing.TB, d corpusDoc, uri, extra string) int64 {
	t.Helper()
	r := f.importer.Ninjs(context.Background(), d.Key, []byte(ninjs(d, uri, extra)), channelFor(d))
	if r.Err != nil {
		t.Fatalf("import %s: %v", d.Key, r.Err)
	}
	return r.Article.ID
}

// importCorpus imports every corpus article and returns their ids by key.
func (f *fixture) importCorpus(t testing.TB) map[string]int64 {
	t.Helper()
	ids := map[string]int64{}
	for _, d := range loadCorpus(t) {
		ids[d.Key] = f.importDoc(t, d, "urn:corpus:"+d.Key, "")
	}
	return ids
}

func (f *fixture) catchUp(t testing.TB) {
	t.Helper()
	if _, err := f.indexer.CatchUp(context.Background()); err != nil {
		t.Fatalf("catch up: %v", err)
	}
}

// find runs a public search for q and returns the hit ids in order.
func (f *fixture) find(t testing.TB, q string, mod func(*search.Request)) []int64 {
	t.Helper()
	r := search.Request{Query: search.Parse(q), Now: f.now, Limit: 10}
	if mod != nil {
		mod(&r)
	}
	res, err := f.index.Public(context.Background(), r)
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	var ids []int64
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func rank(ids []int64, want int64) int {
	for i, id := range ids {
		if id == want {
			return i + 1
		}
	}
	return 0
}

var _ = fmt.Sprint
