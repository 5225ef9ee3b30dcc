package search

// The search benchmark (bench/search.sh): bilingual articles generated from
// the shared corpora, indexed with Bleve, queried by class, and the same
// queries through PostgreSQL full-text search (to_tsvector('simple', ...)
// with a GIN index) as the baseline. It runs only under -bench.

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"newsdesk/internal/news"
	"newsdesk/internal/store/storetest"
)

const benchData = "../../testdata"

// benchPools are sentences per language from the shared corpora.
type benchPools struct{ en, zh []string }

func loadBenchPools(b *testing.B) benchPools {
	var p benchPools
	lines := func(path string, fn func(string)) {
		f, err := os.Open(filepath.Join(benchData, path))
		if err != nil {
			b.Skipf("shared corpora missing: %v", err)
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 8<<20), 8<<20)
		for sc.Scan() {
			fn(sc.Text())
		}
	}
	lines("articles/en-wikinews-gum/articles.jsonl", func(l string) {
		var a struct {
			Blocks []struct{ Sentences []string }
		}
		json.Unmarshal([]byte(l), &a)
		for _, bl := range a.Blocks {
			p.en = append(p.en, bl.Sentences...)
		}
	})
	zhSentence := regexp.MustCompile(`[^。！？\n]+[。！？]?`)
	lines("articles/zh-wikinews-gcdt/articles.jsonl", func(l string) {
		var a struct{ Paragraphs []string }
		json.Unmarshal([]byte(l), &a)
		for _, para := range a.Paragraphs {
			p.zh = append(p.zh, zhSentence.FindAllString(para, -1)...)
		}
	})
	lines("articles/parallel-en-zh-pud/pud-en-zh.tsv", func(l string) {
		if f := strings.Split(l, "\t"); len(f) >= 4 && f[0] != "sent_id" {
			p.en = append(p.en, f[3])
		}
	})
	for _, name := range []string{"gsdsimp-dev.raw.txt", "gsdsimp-test.raw.txt"} {
		lines("segmentation-zh/ud-chinese-gsdsimp/"+name, func(l string) { p.zh = append(p.zh, l) })
	}
	return p
}

// goldWords are the most frequent words of n characters in the gold
// segmentation, all Chinese characters: real words a reader types.
func goldWords(b *testing.B, n, count int) []string {
	freq := map[string]int{}
	for _, name := range []string{"gsdsimp-dev.gold.txt", "gsdsimp-test.gold.txt"} {
		data, err := os.ReadFile(filepath.Join(benchData, "segmentation-zh/ud-chinese-gsdsimp", name))
		if err != nil {
			b.Skipf("gold segmentation missing: %v", err)
		}
		for _, w := range strings.Fields(string(data)) {
			if utf8.RuneCountInString(w) == n && !strings.ContainsFunc(w, func(r rune) bool { return !unicode.Is(unicode.Han, r) }) {
				freq[w]++
			}
		}
	}
	words := make([]string, 0, len(freq))
	for w := range freq {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		return freq[words[i]] > freq[words[j]] || freq[words[i]] == freq[words[j]] && words[i] < words[j]
	})
	// Skip the very commonest (function words like 一个); take the next.
	return words[5 : 5+count]
}

var benchChannels = []string{"news/china/government-dynamic", "news/china/industry", "news/world", "policies"}

func generate(p benchPools, n int) []news.Article {
	r := rand.New(rand.NewPCG(1, 2))
	pick := func(pool []string) string { return pool[r.IntN(len(pool))] }
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	span := int64(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC).Sub(start))
	out := make([]news.Article, n)
	for i := range out {
		lang, pool := "en", p.en
		if i%2 == 1 {
			lang, pool = "zh", p.zh
		}
		head := []rune(pick(pool))
		if len(head) > 60 {
			head = head[:60]
		}
		var body strings.Builder
		for range 4 + r.IntN(8) {
			body.WriteString("<p>" + htmlEscape(pick(pool)) + " " + htmlEscape(pick(pool)) + "</p>")
		}
		rel := start.Add(time.Duration(r.Int64N(span)))
		out[i] = news.Article{ID: int64(i + 1), Language: lang, ChannelPath: benchChannels[r.IntN(len(benchChannels))],
			Headline: string(head), Summary: pick(pool), BodyHTML: body.String(), Status: news.StatusPublished,
			ReleaseAt: rel, UpdatedAt: rel, Source: []string{"Xinhua", "Wikinews", ""}[r.IntN(3)]}
	}
	return out
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// benchQuery is one query of a class, with the filters it sets.
type benchQuery struct {
	class, text   string
	lang, channel string
	from, to      time.Time
	zhWord        string // for Chinese recall: the substring relevant articles contain
	phrase        bool
}

func benchQueries(b *testing.B) []benchQuery {
	var qs []benchQuery
	for _, w := range []string{"government", "minister", "police", "university", "president", "water", "election", "music", "children", "company"} {
		qs = append(qs, benchQuery{class: "single word (en)", text: w})
	}
	for _, w := range goldWords(b, 2, 10) {
		qs = append(qs, benchQuery{class: "two-character word (zh)", text: w, zhWord: w})
	}
	for _, w := range []string{`"united states"`, `"prime minister"`, `"the first time"`, `"human rights"`, `"new york"`} {
		qs = append(qs, benchQuery{class: "phrase", text: w, phrase: true})
	}
	for _, w := range goldWords(b, 4, 5) {
		qs = append(qs, benchQuery{class: "phrase", text: `"` + w + `"`, zhWord: w, phrase: true})
	}
	from, to := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	for _, w := range []string{"government", "police", "election", "music", "water"} {
		qs = append(qs, benchQuery{class: "filtered", text: w, lang: "en", channel: "news", from: from, to: to})
	}
	for _, w := range goldWords(b, 2, 5) {
		qs = append(qs, benchQuery{class: "filtered", text: w, lang: "zh", channel: "news/china", from: from, to: to, zhWord: w})
	}
	return qs
}

func dirSize(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

func peakRSS() string {
	data, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
		}
	}
	return "?"
}

func percentiles(d []time.Duration) (p50, p95, p99 time.Duration) {
	slices.Sort(d)
	at := func(p float64) time.Duration { return d[min(len(d)-1, int(p*float64(len(d))))] }
	return at(0.50), at(0.95), at(0.99)
}

// relevant lists the generated articles whose text holds s, for recall.
func relevant(arts []news.Article, q benchQuery) map[int64]bool {
	out := map[int64]bool{}
	for _, a := range arts {
		if q.lang != "" && a.Language != q.lang || q.channel != "" && !strings.HasPrefix(a.ChannelPath+"/", q.channel+"/") ||
			!q.from.IsZero() && a.ReleaseAt.Before(q.from) || !q.to.IsZero() && a.ReleaseAt.After(q.to) {
			continue
		}
		t := TextOf(a)
		if strings.Contains(t.Headline+" "+t.Summary+" "+t.Body, q.zhWord) {
			out[a.ID] = true
		}
	}
	return out
}

// recallAt is the share of the first k relevant articles a result holds.
func recallAt(got []int64, rel map[int64]bool, k int) float64 {
	if len(rel) == 0 {
		return 1
	}
	n := 0
	for _, id := range got[:min(len(got), k)] {
		if rel[id] {
			n++
		}
	}
	return float64(n) / float64(min(len(rel), k))
}

func BenchmarkSearchCorpus(b *testing.B) {
	n := 20000
	if s := os.Getenv("NEWSDESK_BENCH_ARTICLES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 100 {
			b.Fatalf("NEWSDESK_BENCH_ARTICLES=%q: want a number of articles, 100 or more", s)
		}
		n = v
	}
	reps := 20
	ctx := context.Background()
	pools := loadBenchPools(b)
	arts := generate(pools, n)
	queries := benchQueries(b)
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	for range b.N {
		// Bleve: build.
		dir := filepath.Join(b.TempDir(), "index")
		idx, err := newIndex(dir)
		if err != nil {
			b.Fatal(err)
		}
		x := &Index{dir: filepath.Dir(dir), idx: idx, gen: "index"}
		runtime.GC()
		t0 := time.Now()
		for i := 0; i < len(arts); i += 1000 {
			if err := applyTo(idx, update{put: arts[i:min(i+1000, len(arts))]}); err != nil {
				b.Fatal(err)
			}
		}
		build := time.Since(t0)
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		b.Logf("corpus: %d articles (%d en / %d zh sentences in the pools), %d queries × %d runs", n, len(pools.en), len(pools.zh), len(queries), reps)
		b.Logf("bleve build: %.1f s, %.0f articles/s; index %.1f MiB on disk; heap in use %.0f MiB, peak RSS %s",
			build.Seconds(), float64(n)/build.Seconds(), float64(dirSize(dir))/(1<<20), float64(ms.HeapInuse)/(1<<20), peakRSS())
		b.ReportMetric(float64(n)/build.Seconds(), "articles/s")

		bleveRun := func(q benchQuery, k int) ([]int64, int) {
			res, err := x.Public(ctx, Request{Query: Parse(q.text), Language: q.lang, Channel: q.channel, From: q.from, To: q.to, Now: now, Limit: k})
			if err != nil {
				b.Fatal(err)
			}
			ids := make([]int64, len(res.Hits))
			for i, h := range res.Hits {
				ids[i] = h.ID
			}
			return ids, res.Total
		}
		report(b, "bleve", queries, reps, arts, bleveRun)
		idx.Close()

		// PostgreSQL full-text search, the baseline (NEWSDESK_BENCH_BASELINE=off
		// leaves it out).
		if os.Getenv("NEWSDESK_BENCH_BASELINE") != "off" {
			pgBaseline(b, arts, queries, reps)
		}
	}
}

// report runs every query reps times and logs latency percentiles per
// class and Chinese recall@10 and @100.
func report(b *testing.B, engine string, queries []benchQuery, reps int, arts []news.Article, run func(q benchQuery, k int) ([]int64, int)) {
	lat := map[string][]time.Duration{}
	var classes []string
	var rec10, rec100 []float64
	for _, q := range queries {
		if _, ok := lat[q.class]; !ok {
			classes = append(classes, q.class)
		}
		for range reps {
			t := time.Now()
			run(q, 10)
			lat[q.class] = append(lat[q.class], time.Since(t))
		}
		if q.zhWord != "" {
			rel := relevant(arts, q)
			ids, _ := run(q, 100)
			rec10 = append(rec10, recallAt(ids, rel, 10))
			rec100 = append(rec100, recallAt(ids, rel, 100))
		}
	}
	for _, c := range classes {
		p50, p95, p99 := percentiles(lat[c])
		b.Logf("%-8s %-26s p50 %7.2f ms  p95 %7.2f ms  p99 %7.2f ms  (%d runs)", engine, c, ms(p50), ms(p95), ms(p99), len(lat[c]))
	}
	b.Logf("%-8s Chinese queries (%d): recall@10 %.3f, recall@100 %.3f", engine, len(rec10), mean(rec10), mean(rec100))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func mean(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func pgBaseline(b *testing.B, arts []news.Article, queries []benchQuery, reps int) {
	ctx := context.Background()
	url := storetest.URL(b, "postgres") // skips when PostgreSQL is unreachable
	db, err := sql.Open("pgx", url)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `CREATE TABLE bench_articles (id bigint PRIMARY KEY, language text NOT NULL, channel text NOT NULL,
		headline text NOT NULL, summary text NOT NULL, body text NOT NULL, release_at timestamptz NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	const per = 200
	for i := 0; i < len(arts); i += per {
		chunk := arts[i:min(i+per, len(arts))]
		var sb strings.Builder
		args := make([]any, 0, len(chunk)*7)
		sb.WriteString("INSERT INTO bench_articles VALUES ")
		for j, a := range chunk {
			if j > 0 {
				sb.WriteString(",")
			}
			k := j * 7
			fmt.Fprintf(&sb, "($%d,$%d,$%d,$%d,$%d,$%d,$%d)", k+1, k+2, k+3, k+4, k+5, k+6, k+7)
			t := TextOf(a)
			args = append(args, a.ID, a.Language, a.ChannelPath, t.Headline, t.Summary, t.Body, a.ReleaseAt)
		}
		if _, err := db.ExecContext(ctx, sb.String(), args...); err != nil {
			b.Fatal(err)
		}
	}
	load := time.Since(t0)
	t0 = time.Now()
	if _, err := db.ExecContext(ctx, `CREATE INDEX bench_fts ON bench_articles USING GIN (to_tsvector('simple', headline || ' ' || summary || ' ' || body))`); err != nil {
		b.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `ANALYZE bench_articles`); err != nil {
		b.Fatal(err)
	}
	gin := time.Since(t0)
	var size int64
	db.QueryRowContext(ctx, `SELECT pg_total_relation_size('bench_articles')`).Scan(&size)
	b.Logf("postgres load: %.1f s inserts + %.1f s GIN index, %.0f articles/s overall; table with indexes %.1f MiB",
		load.Seconds(), gin.Seconds(), float64(len(arts))/(load+gin).Seconds(), float64(size)/(1<<20))

	run := func(q benchQuery, k int) ([]int64, int) {
		text := strings.Trim(q.text, `"`)
		fn := "plainto_tsquery"
		if q.phrase {
			fn = "phraseto_tsquery"
		}
		where := []string{`to_tsvector('simple', headline || ' ' || summary || ' ' || body) @@ ` + fn + `('simple', $1)`}
		args := []any{text}
		if q.lang != "" {
			args = append(args, q.lang)
			where = append(where, fmt.Sprintf("language = $%d", len(args)))
		}
		if q.channel != "" {
			args = append(args, q.channel, q.channel+"/%")
			where = append(where, fmt.Sprintf("(channel = $%d OR channel LIKE $%d)", len(args)-1, len(args)))
		}
		if !q.from.IsZero() {
			args = append(args, q.from, q.to)
			where = append(where, fmt.Sprintf("release_at BETWEEN $%d AND $%d", len(args)-1, len(args)))
		}
		args = append(args, k)
		rows, err := db.QueryContext(ctx, `SELECT id FROM bench_articles WHERE `+strings.Join(where, " AND ")+
			fmt.Sprintf(` ORDER BY ts_rank(to_tsvector('simple', headline || ' ' || summary || ' ' || body), `+fn+`('simple', $1)) DESC LIMIT $%d`, len(args)), args...)
		if err != nil {
			b.Fatal(err)
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		return ids, len(ids)
	}
	report(b, "postgres", queries, reps, arts, run)
}
