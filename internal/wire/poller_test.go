package wire_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"newsdesk/internal/ingest"
	"newsdesk/internal/markup"
	"newsdesk/internal/news"
	"newsdesk/internal/sitefile"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
	"newsdesk/internal/wire"
)

var ctx = context.Background()

const gd = "news/china/government-dynamic"

// agency serves a feed whose body and status the test changes, with an
// ETag so conditional GETs can be answered.
type agency struct {
	mu       sync.Mutex
	body     string
	status   int
	requests atomic.Int32
	cond     atomic.Int32 // conditional requests seen
}

func (a *agency) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.requests.Add(1)
	a.mu.Lock()
	body, status := a.body, a.status
	a.mu.Unlock()
	if status != 0 {
		http.Error(w, "down", status)
		return
	}
	etag := fmt.Sprintf(`"%x"`, len(body)*7919+strings.Count(body, "<item>"))
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") != "" {
		a.cond.Add(1)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	io.WriteString(w, body)
}

func (a *agency) set(body string, status int) {
	a.mu.Lock()
	a.body, a.status = body, status
	a.mu.Unlock()
}

func feed(items ...string) string {
	var b strings.Builder
	b.WriteString(`<rss version="2.0"><channel><title>Agency</title><link>https://agency.example/</link>`)
	for _, it := range items {
		fmt.Fprintf(&b, `<item><guid>%s</guid><title>Story %s</title><description>Body of %s</description><pubDate>Mon, 30 Nov 2026 08:00:00 +0800</pubDate></item>`, it, it, it)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

type fixture struct {
	s     *store.Store
	p     *wire.Poller
	now   *time.Time
	id    int64
	srv   *httptest.Server
	wires *agency
}

func setup(t *testing.T, s *store.Store, autoPublish bool) *fixture {
	t.Helper()
	data, err := os.ReadFile("../../testdata/seed/seed-site.json")
	if err != nil {
		t.Fatal(err)
	}
	san := markup.NewSanitizer()
	if _, err := sitefile.Apply(ctx, s, san, data); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
	f := &fixture{s: s, now: &now, wires: &agency{body: feed("1", "2")}}
	f.srv = httptest.NewServer(f.wires)
	t.Cleanup(f.srv.Close)
	clock := func() time.Time { return *f.now }
	f.p = &wire.Poller{Store: s, Importer: &ingest.Importer{Store: s, Sanitizer: san, Now: clock}, Now: clock,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	// The test server listens on 127.0.0.1, which needs the allow-list.
	if _, err := s.SetFetchAllowList(ctx, []string{"127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	ch, err := s.ChannelByPath(ctx, gd)
	if err != nil {
		t.Fatal(err)
	}
	f.id, err = s.SaveWireSource(ctx, news.WireSource{Name: "Agency", URL: f.srv.URL + "/feed.xml", Format: "rss", ChannelID: ch.ID,
		Language: "en", Credit: "Agency", Poll: 10 * time.Minute, AutoPublish: autoPublish, Enabled: true}, now)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) source(t *testing.T) news.WireSource {
	t.Helper()
	w, err := f.s.WireSource(ctx, f.id)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestPollLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s, false)
		start := *f.now
		res, err := f.p.RunOnce(ctx)
		if err != nil || len(res) != 1 || res[0].Err != nil || res[0].Summary.Counts[ingest.Created] != 2 {
			t.Fatalf("first poll: %+v, %v", res, err)
		}
		w := f.source(t)
		if w.ItemsCount != 2 || !w.LastSuccessAt.Equal(start) || !w.NextPollAt.Equal(start.Add(10*time.Minute)) || w.ETag == "" || !w.Healthy() {
			t.Errorf("health after the first poll: %+v", w)
		}
		a, err := s.ArticleByURI(ctx, "https://agency.example/#1")
		if err != nil || a.Status != news.StatusInReview || a.Source != "Agency" {
			t.Errorf("landed article: %+v, %v", a, err)
		}

		// Not due yet: nothing happens.
		*f.now = start.Add(time.Minute)
		if res, err := f.p.RunOnce(ctx); err != nil || len(res) != 0 || f.wires.requests.Load() != 1 {
			t.Errorf("early poll: %+v, %v, %d requests", res, err, f.wires.requests.Load())
		}
		// Poll now: a conditional GET, answered 304.
		r, err := f.p.PollNow(ctx, f.id)
		if err != nil || !r.NotModified || f.wires.cond.Load() != 1 {
			t.Errorf("poll now: %+v, %v", r, err)
		}
		// A new item and a changed one.
		f.wires.set(strings.Replace(feed("1", "2", "3"), "Body of 1", "Body of 1, corrected", 1), 0)
		*f.now = start.Add(11 * time.Minute)
		res, _ = f.p.RunOnce(ctx)
		if len(res) != 1 || res[0].Summary.Counts[ingest.Created] != 1 || res[0].Summary.Counts[ingest.Updated] != 1 || res[0].Summary.Counts[ingest.Unchanged] != 1 {
			t.Fatalf("third poll: %+v", res)
		}
		if n, _ := s.CountArticles(ctx); n != 3 {
			t.Errorf("%d articles, want 3", n)
		}
		if w := f.source(t); w.ItemsCount != 3 {
			t.Errorf("items count %d, want 3", w.ItemsCount)
		}

		// The server fails: the source backs off, doubling each time.
		f.wires.set("", http.StatusInternalServerError)
		for i, wantWait := range []time.Duration{10 * time.Minute, 20 * time.Minute, 40 * time.Minute} {
			*f.now = f.source(t).NextPollAt
			res, _ := f.p.RunOnce(ctx)
			if len(res) != 1 || res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "500") {
				t.Fatalf("failing poll %d: %+v", i, res)
			}
			w := f.source(t)
			if w.ErrorCount != i+1 || !strings.Contains(w.LastError, "500 Internal Server Error") || !w.LastErrorAt.Equal(*f.now) ||
				!w.NextPollAt.Equal(f.now.Add(wantWait)) || w.Healthy() {
				t.Errorf("after failure %d: errors %d, last %q, next in %v", i+1, w.ErrorCount, w.LastError, w.NextPollAt.Sub(*f.now))
			}
		}
		// It recovers: healthy again, back on its interval.
		f.wires.set(feed("1", "2", "3"), 0)
		*f.now = f.source(t).NextPollAt
		res, _ = f.p.RunOnce(ctx)
		if w := f.source(t); len(res) != 1 || res[0].Err != nil || w.ErrorCount != 0 || !w.NextPollAt.Equal(f.now.Add(10*time.Minute)) {
			t.Errorf("recovery: %+v; source %+v", res, w)
		}
	})
}

func TestPollRefusesPrivateAddressesUnlessAllowed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s, true)
		if _, err := s.SetFetchAllowList(ctx, nil); err != nil {
			t.Fatal(err)
		}
		res, _ := f.p.RunOnce(ctx)
		if len(res) != 1 || res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "address refused") || f.wires.requests.Load() != 0 {
			t.Fatalf("unlisted local source: %+v, %d requests", res, f.wires.requests.Load())
		}
		if n, _ := s.CountArticles(ctx); n != 0 {
			t.Errorf("%d articles from a refused source", n)
		}
		s.SetFetchAllowList(ctx, []string{"127.0.0.1"})
		r, err := f.p.PollNow(ctx, f.id)
		if err != nil || r.Err != nil || r.Summary.Counts[ingest.Created] != 2 {
			t.Fatalf("allowed: %+v, %v", r, err)
		}
		a, _ := s.ArticleByURI(ctx, "https://agency.example/#2")
		if a.Status != news.StatusPublished {
			t.Errorf("auto-publish source landed %q", a.Status)
		}
	})
}

// TestOneNodePollsASource: pollers racing for the same due source make one
// request between them, and a held source refuses "poll now".
func TestOneNodePollsASource(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s, false)
		var wg sync.WaitGroup
		polled := atomic.Int32{}
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res, err := f.p.RunOnce(ctx)
				if err != nil {
					t.Error(err)
				}
				polled.Add(int32(len(res)))
			}()
		}
		wg.Wait()
		if polled.Load() != 1 || f.wires.requests.Load() != 1 {
			t.Errorf("%d polls, %d requests; want 1 and 1", polled.Load(), f.wires.requests.Load())
		}
		// Another node holds the lease: poll now says so and does nothing.
		if ok, err := s.ClaimWireSource(ctx, f.id, *f.now, time.Minute, false); !ok || err != nil {
			t.Fatalf("claim: %v %v", ok, err)
		}
		if _, err := f.p.PollNow(ctx, f.id); !errors.Is(err, wire.ErrBusy) {
			t.Errorf("poll now on a held source: %v", err)
		}
		// The lease runs out: the source can be polled again.
		*f.now = f.now.Add(2 * time.Minute)
		if _, err := f.p.PollNow(ctx, f.id); err != nil {
			t.Errorf("poll now after the lease: %v", err)
		}
		if _, err := f.p.PollNow(ctx, 999); !errors.Is(err, news.ErrNotFound) {
			t.Errorf("poll now of a missing source: %v", err)
		}
	})
}

// TestPollHonoursTheHTTPCharset: a Chinese agency serving GBK, saying so
// only in its Content-Type, lands readable headlines.
func TestPollHonoursTheHTTPCharset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		f := setup(t, s, false)
		gbk := "<rss version=\"2.0\"><channel><title>x</title><link>https://gbk.example/</link><item><guid>g1</guid><title>\xd0\xc2\xce\xc5</title><description>\xd0\xc2\xce\xc5</description></item></channel></rss>"
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/xml; charset=GBK")
			io.WriteString(w, gbk)
		}))
		defer srv.Close()
		ch, _ := s.ChannelByPath(ctx, gd)
		id, err := s.SaveWireSource(ctx, news.WireSource{Name: "GBK", URL: srv.URL, Format: "rss", ChannelID: ch.ID, Language: "zh",
			Poll: 10 * time.Minute, Enabled: true}, *f.now)
		if err != nil {
			t.Fatal(err)
		}
		if r, err := f.p.PollNow(ctx, id); err != nil || r.Err != nil {
			t.Fatalf("poll: %+v, %v", r, err)
		}
		a, err := s.ArticleByURI(ctx, "https://gbk.example/#g1")
		if err != nil || a.Headline != "新闻" || a.Language != "zh" {
			t.Errorf("article %+v, %v", a, err)
		}
	})
}
