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

	"newsdesk/internal/accounts"
	"newsdesk/internal/api"
	"newsdesk/internal/auth"
	"newsdesk/internal/editorial"
	"newsdesk/internal/ingest"
	"newsdesk/internal/jobs"
	"newsdesk/internal/markup"
	"newsdesk/internal/media"
	"newsdesk/internal/pagecache"
	"newsdesk/internal/search"
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
	site     *site.Server
	store    *store.Store
	clock    *clock
	importer *ingest.Importer
	// indexer feeds the portal's search index; pages that search call
	// searchUpToDate first, as a node's indexer would have by then.
	indexer *search.Indexer
	// api is the JSON API over the same database and index, for the rows
	// of the visibility table that read it.
	api *httptest.Server
}

// searchUpToDate brings the search index to where a running node's would
// be at the portal's time: the publish clock logs the articles that fell
// due, and the indexer applies the change log.
func (p *portal) searchUpToDate(t testing.TB) {
	t.Helper()
	clk := &jobs.PublishClock{Store: p.store, Now: p.clock.Now, Log: slog.New(slog.DiscardHandler)}
	if _, err := clk.RunOnce(context.Background()); err != nil {
		t.Fatalf("publish clock: %v", err)
	}
	if _, err := p.indexer.CatchUp(context.Background()); err != nil {
		t.Fatalf("search index catch-up: %v", err)
	}
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
	idx, err := search.Open(filepath.Join(t.TempDir(), "index"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idx.Close() })
	srv, err := site.New(site.Options{Store: s, Now: clk.Now, Log: slog.New(slog.DiscardHandler), Search: idx, Cache: cache})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.KeepCacheCurrent(ctx, time.Second))
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	discard := slog.New(slog.DiscardHandler)
	apiSrv := httptest.NewServer(api.New(&accounts.Service{Store: s, Hasher: auth.NewHasher(auth.TestParams), Now: clk.Now, Log: discard},
		&editorial.Service{Store: s, Sanitizer: san, Now: clk.Now, Log: discard}, discard, media.New(s, t.TempDir(), discard), api.WithSearch(idx)))
	t.Cleanup(apiSrv.Close)
	p := &portal{srv: ts, site: srv, store: s, clock: clk, importer: im, indexer: &search.Indexer{Store: s, Index: idx}, api: apiSrv}
	p.searchUpToDate(t)
	return p
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
