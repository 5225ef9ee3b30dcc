package jobs_test

// The publish clock against real databases, both kinds: many items due at
// once, two clocks racing, a crash between claim and commit, catch-up after
// downtime, and (as a benchmark) the delay from due to the change log.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"newsdesk/internal/jobs"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// schedClock is a settable test clock.
type schedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *schedClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *schedClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

var schedT0 = time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)

// scheduleArticles stores one scheduled article per due time, as the
// workflow leaves them, and returns their ids in the same order.
func scheduleArticles(t testing.TB, s *store.Store, due []time.Time) []int64 {
	t.Helper()
	ctx := context.Background()
	ids := make([]int64, len(due))
	err := s.InTx(ctx, func(tx *store.Tx) error {
		ch, err := tx.ChannelByPath(ctx, "news")
		if errors.Is(err, news.ErrNotFound) {
			ch, err = tx.CreateChannel(ctx, news.Channel{Slug: "news", Name: news.Localized{"en": "News"}})
		}
		if err != nil {
			return err
		}
		n, err := tx.CountArticles(ctx)
		if err != nil {
			return err
		}
		for i, d := range due {
			a := news.Article{Language: "en", ChannelID: ch.ID, Headline: fmt.Sprintf("Item %d", n+i), Slug: fmt.Sprintf("item-%d", n+i),
				Status: news.StatusScheduled, ReleaseAt: d, CreatedAt: schedT0.Add(-time.Hour), UpdatedAt: schedT0.Add(-time.Hour), Version: 2}
			if ids[i], err = tx.SaveArticle(ctx, a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// publishRows counts each article's 'publish' change log rows.
func publishRows(t testing.TB, s *store.Store) map[int64]int {
	t.Helper()
	rows, err := s.DB().QueryContext(context.Background(), `SELECT article_id, COUNT(*) FROM change_log WHERE kind = 'publish' GROUP BY article_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		out[id] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// assertPublishedOnce checks that each of ids is published with exactly one
// 'publish' row in the change log, and that nothing else was published.
func assertPublishedOnce(t testing.TB, s *store.Store, ids []int64) {
	t.Helper()
	rows := publishRows(t, s)
	bad := 0
	for _, id := range ids {
		if rows[id] != 1 {
			if bad++; bad <= 5 {
				t.Errorf("article %d: %d 'publish' rows in the change log, want 1", id, rows[id])
			}
		}
	}
	if len(rows) != len(ids) {
		t.Errorf("%d articles have 'publish' rows, want %d", len(rows), len(ids))
	}
	var published int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM articles WHERE status = 'published'`).Scan(&published); err != nil {
		t.Fatal(err)
	}
	if published != len(ids) {
		t.Errorf("%d articles have status published, want %d", published, len(ids))
	}
	if bad > 5 {
		t.Errorf("... and %d more", bad-5)
	}
}

func dbClock(s *store.Store, now func() time.Time, log *slog.Logger) *jobs.PublishClock {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &jobs.PublishClock{Store: s, Now: now, Log: log}
}

func TestPublishClockThousandDueInOneSecond(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		due := make([]time.Time, 1000)
		for i := range due {
			due[i] = schedT0.Add(time.Duration(i) * time.Millisecond / 2) // all within 08:00:00
		}
		ids := scheduleArticles(t, s, due)
		clk := &schedClock{t: schedT0.Add(-time.Millisecond)}
		c := dbClock(s, clk.Now, nil)

		if res, err := c.RunOnce(ctx); err != nil || res.Published != 0 {
			t.Fatalf("a millisecond early: %+v, %v; want nothing published", res, err)
		}
		clk.Set(schedT0.Add(time.Second))
		start := time.Now()
		res, err := c.RunOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("one pass published %d in %v", res.Published, time.Since(start).Round(time.Millisecond))
		if res.Published != 1000 || res.Late != 0 || res.MaxDelay > time.Second {
			t.Errorf("first pass: %+v, want 1000 published, none late, within 1 s", res)
		}
		if res, err := c.RunOnce(ctx); err != nil || res.Published != 0 {
			t.Errorf("second pass: %+v, %v; want nothing left to do", res, err)
		}
		assertPublishedOnce(t, s, ids)
	})
}

// TestPublishClockTwoNodesRace runs two clocks, each on its own connection
// pool to the same database, as two nodes would.
func TestPublishClockTwoNodesRace(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			url := storetest.URL(t, dialect)
			var nodes []*store.Store
			for range 2 {
				s, err := store.Open(ctx, url)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				nodes = append(nodes, s)
			}
			if _, err := nodes[0].Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			due := make([]time.Time, 500)
			for i := range due {
				due[i] = schedT0.Add(time.Duration(i) * time.Millisecond)
			}
			ids := scheduleArticles(t, nodes[0], due)
			now := func() time.Time { return schedT0.Add(time.Second) }

			var (
				wg      sync.WaitGroup
				results [2]jobs.Result
				errs    [2]error
			)
			start := make(chan struct{})
			for i, s := range nodes {
				wg.Go(func() {
					<-start
					results[i], errs[i] = dbClock(s, now, nil).RunOnce(ctx)
				})
			}
			close(start)
			wg.Wait()
			if err := errors.Join(errs[:]...); err != nil {
				t.Fatal(err)
			}
			if got := results[0].Published + results[1].Published; got != len(ids) {
				t.Errorf("the nodes published %d + %d, want %d in all", results[0].Published, results[1].Published, len(ids))
			}
			t.Logf("node 1 published %d, node 2 published %d", results[0].Published, results[1].Published)
			assertPublishedOnce(t, nodes[1], ids)
		})
	}
}

// TestPublishClockCrashBetweenClaimAndCommit: a publication that claimed its
// article but never committed leaves it scheduled, and the next pass
// publishes it once.
func TestPublishClockCrashBetweenClaimAndCommit(t *testing.T) {
	crashes := []struct {
		name  string
		crash func(t *testing.T, s *store.Store, id int64, now time.Time) error
	}{
		{"rolled back", func(t *testing.T, s *store.Store, id int64, now time.Time) error {
			return s.InTx(context.Background(), func(tx *store.Tx) error {
				if ok, err := tx.MarkPublished(context.Background(), id, now); !ok || err != nil {
					t.Fatalf("claim: %v %v", ok, err)
				}
				return errors.New("crash before the change log")
			})
		}},
		{"context cancelled mid-transaction", func(t *testing.T, s *store.Store, id int64, now time.Time) error {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			return s.InTx(ctx, func(tx *store.Tx) error {
				if ok, err := tx.MarkPublished(ctx, id, now); !ok || err != nil {
					t.Fatalf("claim: %v %v", ok, err)
				}
				cancel()
				_, err := tx.AppendChange(ctx, store.Change{At: now, ArticleID: id, Kind: news.ChangePublish})
				return err
			})
		}},
		{"connection killed mid-transaction", func(t *testing.T, s *store.Store, id int64, now time.Time) error {
			if s.Dialect() != "postgres" {
				t.Skip("SQLite has no server connection to kill; a dead process's transaction is rolled back as above")
			}
			ctx := context.Background()
			return s.InTx(ctx, func(tx *store.Tx) error {
				if ok, err := tx.MarkPublished(ctx, id, now); !ok || err != nil {
					t.Fatalf("claim: %v %v", ok, err)
				}
				// The server ends the backend holding the claim, as when a
				// node dies: its transaction never commits.
				var n int
				err := s.DB().QueryRowContext(ctx, `SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
					WHERE datname = current_database() AND state = 'idle in transaction' AND pid <> pg_backend_pid()`).Scan(&n)
				if err != nil || n != 1 {
					t.Fatalf("terminate the claiming backend: %d backends, %v", n, err)
				}
				return nil // Commit now fails: the connection is gone.
			})
		}},
	}
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			s := storetest.New(t, dialect)
			for _, c := range crashes {
				t.Run(c.name, func(t *testing.T) {
					ctx := context.Background()
					base := schedT0.Add(time.Duration(len(publishRows(t, s))) * time.Hour) // each case its own hour
					ids := scheduleArticles(t, s, []time.Time{base})
					id, now := ids[0], base.Add(100*time.Millisecond)
					if err := c.crash(t, s, id, now); err == nil {
						t.Fatal("the crashed transaction committed")
					}
					a, err := s.ArticleByID(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					if a.Status != news.StatusScheduled || publishRows(t, s)[id] != 0 {
						t.Fatalf("after the crash: status %s, %d publish rows; want still scheduled, none", a.Status, publishRows(t, s)[id])
					}
					res, err := dbClock(s, func() time.Time { return now }, nil).RunOnce(ctx)
					if err != nil || res.Published != 1 {
						t.Fatalf("the pass after the crash: %+v, %v; want 1 published", res, err)
					}
					if a, _ := s.ArticleByID(ctx, id); a.Status != news.StatusPublished || publishRows(t, s)[id] != 1 {
						t.Errorf("after the pass: status %s, %d publish rows; want published, 1", a.Status, publishRows(t, s)[id])
					}
				})
			}
		})
	}
}

// TestPublishClockCatchUp: what fell due while no node ran goes out at the
// next pass, logged late when older than jobs.Late; the rest waits.
func TestPublishClockCatchUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := schedT0
		due := []time.Time{
			now.Add(-6 * time.Hour),           // late
			now.Add(-jobs.Late - time.Second), // late
			now.Add(-jobs.Late + time.Second), // on time
			now,                               // on time
			now.Add(time.Millisecond),         // not yet
			now.Add(time.Hour),                // not yet
		}
		ids := scheduleArticles(t, s, due)
		var logs bytes.Buffer
		c := dbClock(s, func() time.Time { return now }, slog.New(slog.NewTextHandler(&logs, nil)))
		res, err := c.RunOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.Published != 4 || res.Late != 2 || res.MaxDelay != 6*time.Hour {
			t.Errorf("catch-up pass: %+v, want 4 published, 2 late, max delay 6h", res)
		}
		if n := strings.Count(logs.String(), "msg=\"published late\""); n != 2 {
			t.Errorf("%d 'published late' log lines, want 2:\n%s", n, logs.String())
		}
		changes, err := s.Changes(ctx, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		var late []int64
		for _, ch := range changes {
			if ch.Details["late_by"] != "" {
				late = append(late, ch.ArticleID)
			}
		}
		if !slices.Equal(late, ids[:2]) {
			t.Errorf("change log marks %v late, want %v", late, ids[:2])
		}
		for i, id := range ids {
			a, err := s.ArticleByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if want := i < 4; (a.Status == news.StatusPublished) != want {
				t.Errorf("item %d (due %s): status %s", i, due[i].Format(time.RFC3339Nano), a.Status)
			}
		}
	})
}

// BenchmarkPublishClockDelay measures, with the real clock, how long after
// its due time each of 1,000 scheduled articles (due over about 2 s) is
// published: by the change log's own time (change_log.at − due) and by when
// a reader of the log first sees the committed row (polled every 5 ms).
// Run it with bench/publish-clock.sh; it is not a test because its figures
// depend on the machine.
func BenchmarkPublishClockDelay(b *testing.B) {
	for _, dialect := range storetest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			var logged, seen []time.Duration
			for range b.N {
				l, s := publishClockDelays(b, dialect, 1000, 2*time.Second)
				logged, seen = append(logged, l...), append(seen, s...)
			}
			for _, m := range []struct {
				name string
				d    []time.Duration
			}{{"logged", logged}, {"seen", seen}} {
				slices.Sort(m.d)
				b.ReportMetric(asMillis(delayPercentile(m.d, 50)), m.name+"-p50-ms")
				b.ReportMetric(asMillis(delayPercentile(m.d, 99)), m.name+"-p99-ms")
				b.ReportMetric(asMillis(m.d[len(m.d)-1]), m.name+"-max-ms")
			}
			b.ReportMetric(0, "ns/op") // one op is seconds of waiting; the delays are the result
		})
	}
}

func asMillis(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// delayPercentile is the nearest-rank percentile of sorted durations.
func delayPercentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p+99)/100 - 1
	return sorted[max(i, 0)]
}

// publishClockDelays schedules n articles due evenly over spread, starting
// once they are stored, runs PublishClock.Run until all are published, and
// returns each one's delay as the change log records it and as a reader of
// the log sees it.
func publishClockDelays(b *testing.B, dialect string, n int, spread time.Duration) (logged, seen []time.Duration) {
	b.StopTimer()
	ctx := context.Background()
	s := storetest.New(b, dialect)
	// Storing 1,000 articles takes a while on PostgreSQL; the first falls
	// due after that, so the clock starts with nothing overdue.
	const setup = 4 * time.Second
	first := time.Now().Add(setup)
	due := make([]time.Time, n)
	for i := range due {
		due[i] = first.Add(spread * time.Duration(i) / time.Duration(n))
	}
	ids := scheduleArticles(b, s, due)
	if time.Now().After(first) {
		b.Fatalf("storing %d articles took longer than %v", n, setup)
	}
	dueOf := make(map[int64]time.Time, n)
	for i, id := range ids {
		dueOf[id] = due[i].UTC().Truncate(time.Microsecond)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	b.StartTimer()
	go func() {
		defer close(done)
		dbClock(s, time.Now, nil).Run(runCtx)
	}()
	defer func() { stop(); <-done }()
	var after int64
	deadline := time.Now().Add(setup + spread + 30*time.Second)
	for len(seen) < n {
		if time.Now().After(deadline) {
			b.Fatalf("only %d of %d published in time", len(seen), n)
		}
		changes, err := s.Changes(ctx, after, 0)
		if err != nil {
			b.Fatal(err)
		}
		at := time.Now()
		for _, c := range changes {
			after = c.Seq
			d, ok := dueOf[c.ArticleID]
			if c.Kind != news.ChangePublish || !ok {
				continue
			}
			if c.At.Before(d) {
				b.Fatalf("article %d published at %s, before its time %s", c.ArticleID, c.At, d)
			}
			logged = append(logged, c.At.Sub(d))
			seen = append(seen, at.Sub(d))
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.StopTimer()
	return logged, seen
}

// TestNextScheduled: the clock sleeps until the next article is due, so
// that time must come back on both databases (SQLite once returned an
// error here, and the clock then slept a whole poll interval).
func TestNextScheduled(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if next, err := s.NextScheduled(ctx); err != nil || !next.IsZero() {
			t.Fatalf("nothing scheduled: %v, %v; want the zero time", next, err)
		}
		scheduleArticles(t, s, []time.Time{schedT0.Add(time.Hour), schedT0.Add(1500 * time.Millisecond), schedT0.Add(2 * time.Hour)})
		if next, err := s.NextScheduled(ctx); err != nil || !next.Equal(schedT0.Add(1500*time.Millisecond)) {
			t.Errorf("next scheduled: %v, %v; want %v", next, err, schedT0.Add(1500*time.Millisecond))
		}
	})
}
