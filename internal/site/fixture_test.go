package site_test

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"newsdesk/internal/ingest"
	"newsdesk/internal/markup"
	"newsdesk/internal/pagecache"
	"newsdesk/internal/site"
	"newsdesk/internal/sitefile"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

// repoRoot is where the shared test material (testdata/seed) lives.
const repoRoot = "../.."

// seedEN and seedZH are the URLs of the two seed articles once imported.
const (
	seedChannel = "news/china/government-dynamic"
	seedEN      = "/en/news/china/government-dynamic/2022/09/16/xi-meets-with-belarusian-president-lukashenko/"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// portal is a running test portal over a fresh database holding the seed site
// and the two seed articles.
type portal struct {
	srv      *httptest.Server
	store    *store.Store
	clock    *clock
	importer *ingest.Importer
}

func newPortal(t testing.TB, dialect string) *portal {
	t.Helper()
	return newPortalWith(t, dialect, nil)
}

// newCachedPortal is a portal behind its page cache, kept current by
// FollowChanges as `newsdesk serve` does.
func newCachedPortal(t testing.TB, dialect string) *portal {
	t.Helper()
	return newPortalWith(t, dialect, &pagecache.Options{})
}

func newPortalWith(t testing.TB, dialect string, cache *pagecache.Options) *portal {
	t.Helper()
	ctx := context.Background()
	s := storetest.New(t, dialect)
	siteJSON, err := os.ReadFile(filepath.Join(repoRoot, "testdata/seed/seed-site.json"))
	if err != nil {
		t.Fatal(err)
	}
	san := markup.NewSanitizer()
	if _, err := sitefile.Apply(ctx, s, san, siteJSON); err != nil {
		t.Fatalf("site apply: %v", err)
	}
	clk := &clock{t: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
	im := &ingest.Importer{Store: s, Sanitizer: san, Now: clk.Now}
	for _, name := range []string{"seed-article.ninjs.json", "seed-article-zh.ninjs.json"} {
		data, err := os.ReadFile(filepath.Join(repoRoot, "testdata/seed", name))
		if err != nil {
			t.Fatal(err)
		}
		if r := im.Ninjs(ctx, name, data, seedChannel); r.Err != nil {
			t.Fatalf("import %s: %v", name, r.Err)
		}
	}
	srv, err := site.New(site.Options{Store: s, Now: clk.Now, Log: slog.New(slog.DiscardHandler), Cache: cache})
	if err != nil {
		t.Fatal(err)
	}
	if c := srv.Cache(); c != nil {
		ctx, cancel := context.WithCancel(ctx)
		wake := make(chan struct{}, 1)
		done := make(chan struct{}, 2)
		go func() {
			defer func() { done <- struct{}{} }()
			s.WatchChanges(ctx, func(bool) {
				select {
				case wake <- struct{}{}:
				default:
				}
			}, nil)
		}()
		go func() { defer func() { done <- struct{}{} }(); srv.FollowChanges(ctx, c, time.Second, wake) }()
		t.Cleanup(func() { cancel(); <-done; <-done })
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &portal{srv: ts, store: s, clock: clk, importer: im}
}

// importJSON imports one ninjs document given as a string.
func (p *portal) importJSON(t testing.TB, channel, doc string) ingest.ItemResult {
	t.Helper()
	r := p.importer.Ninjs(context.Background(), "test.json", []byte(doc), channel)
	if r.Err != nil {
		t.Fatalf("import: %v", r.Err)
	}
	return r
}
