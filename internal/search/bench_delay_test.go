package search_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"newsdesk/internal/jobs"
	"newsdesk/internal/search"
	"newsdesk/internal/store/storetest"
)

// BenchmarkSearchVisibleDelay measures, with the real clock and a running
// indexer and publish clock (as in serve), how long after its release time
// an embargoed article is first found by the public search. Target: under
// one second.
func BenchmarkSearchVisibleDelay(b *testing.B) {
	for _, dialect := range storetest.Dialects {
		b.Run(dialect, func(b *testing.B) {
			for range b.N {
				f := newFixture(b, dialect)
				f.now = time.Now().UTC()
				ctx, cancel := context.WithCancel(context.Background())
				f.indexer.Interval = 250 * time.Millisecond
				done := make(chan struct{}, 2)
				go func() { f.indexer.Run(ctx); done <- struct{}{} }()
				go func() {
					(&jobs.PublishClock{Store: f.store, Now: time.Now, Log: slog.New(slog.DiscardHandler)}).Run(ctx)
					done <- struct{}{}
				}()
				const n = 20
				base := time.Now().Add(2 * time.Second)
				due := make([]time.Time, n)
				for i := range n {
					due[i] = base.Add(time.Duration(i) * 100 * time.Millisecond).UTC().Truncate(time.Second)
					d := corpusDoc{Key: fmt.Sprintf("delay%d", i), Lang: "en", Headline: fmt.Sprintf("Probe zq%dx reservoir", i),
						Paragraphs: []string{"Levels."}, Released: time.Now().Add(-time.Hour)}
					f.importDoc(b, d, fmt.Sprintf("urn:delay:%d", i), fmt.Sprintf(`"embargoed":%q`, due[i].Format(time.RFC3339)))
				}
				var delays []time.Duration
				for i := range n {
					q := search.Parse(fmt.Sprintf("zq%dx", i))
					for {
						now := time.Now()
						res, err := f.index.Public(ctx, search.Request{Query: q, Now: now})
						if err != nil {
							b.Fatal(err)
						}
						if res.Total > 0 {
							if now.Before(due[i]) {
								b.Fatalf("article %d found %v before its time", i, due[i].Sub(now))
							}
							delays = append(delays, now.Sub(due[i]))
							break
						}
						if now.After(due[i].Add(10 * time.Second)) {
							b.Fatalf("article %d not found 10 s after its time", i)
						}
						time.Sleep(5 * time.Millisecond)
					}
				}
				cancel()
				<-done
				<-done
				slices.Sort(delays)
				b.Logf("%s: %d embargoed articles: found after their time p50 %v, max %v", dialect, n,
					delays[n/2].Round(time.Millisecond), delays[n-1].Round(time.Millisecond))
				b.ReportMetric(float64(delays[n-1].Milliseconds()), "max-ms")
			}
		})
	}
}
