package site_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
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

// purgeReceiver is a CDN's purge endpoint: it checks the signature as a
// receiver would and keeps the events.
type purgeReceiver struct {
	secret string
	mu     sync.Mutex
	events []jobs.PurgeEvent
	bad    []string
}

func (pr *purgeReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	pr.mu.Lock()
	defer pr.mu.Unlock()
	var ts, v1 string
	for _, part := range strings.Split(r.Header.Get("Newsdesk-Signature"), ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			v1 = v
		}
	}
	mac := hmac.New(sha256.New, []byte(pr.secret))
	mac.Write([]byte(ts + "." + string(body)))
	if !hmac.Equal([]byte(v1), []byte(hex.EncodeToString(mac.Sum(nil)))) || r.Header.Get("Newsdesk-Event") != "cache.purge" {
		pr.bad = append(pr.bad, r.Header.Get("Newsdesk-Signature"))
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var ev jobs.PurgeEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		pr.bad = append(pr.bad, string(body))
	}
	pr.events = append(pr.events, ev)
	w.WriteHeader(http.StatusOK)
}

func (pr *purgeReceiver) take() []jobs.PurgeEvent {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	ev := pr.events
	pr.events = nil
	return ev
}

// TestPurgeWebhook: with a purge URL, a publication is followed by one
// signed request naming the article's page, its channel listings up the
// tree, its tag page (escaped), the home pages and feeds, and the sitemaps
// as a prefix, and no other channel; two nodes following the same change
// log send it once; a site-wide change asks for everything.
func TestPurgeWebhook(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			ctx := context.Background()
			pr := &purgeReceiver{secret: "purge-secret-for-tests"}
			srv := httptest.NewServer(pr)
			defer srv.Close()
			node := func() *jobs.Notifier {
				return &jobs.Notifier{Store: p.store, Now: p.clock.Now, Log: slog.New(slog.DiscardHandler), BaseURL: "https://news.example.org",
					Purge: &jobs.Purge{URL: srv.URL + "/purge", Secret: pr.secret, Paths: p.site.PurgePaths}}
			}
			a, b := node(), node()
			if _, err := a.RunOnce(ctx); err != nil { // the seed imports
				t.Fatal(err)
			}
			pr.take()

			r := p.importJSON(t, "news/world", `{"uri":"urn:test:purge:1","language":"en","headlines":[{"role":"main","value":"Purged story"}],
				"subjects":[{"name":"电网"}],"bodies":[{"contenttype":"text/html","value":"<p>Text.</p>"}],"firstcreated":"2026-11-29T08:00:00+08:00"}`)
			var wg sync.WaitGroup
			for _, n := range []*jobs.Notifier{a, b} {
				wg.Go(func() {
					if _, err := n.RunOnce(ctx); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			events := pr.take()
			if len(pr.bad) > 0 || len(events) != 1 {
				t.Fatalf("%d purge requests (bad: %q), want one from two nodes", len(events), pr.bad)
			}
			ev := events[0]
			base := "https://news.example.org"
			for _, want := range []string{
				base + r.Article.Path(time.FixedZone("CST", 8*3600)),
				base + "/en/news/world/", base + "/en/news/", base + "/en/", base + "/",
				base + "/en/news/world/feed.xml", base + "/en/atom.xml", base + "/en/news/feed.json",
				base + "/en/tags/" + url.PathEscape("电网") + "/",
				base + "/en/corrections/",
			} {
				if !slices.Contains(ev.URLs, want) {
					t.Errorf("purge lacks %s; has %q", want, ev.URLs)
				}
			}
			for _, u := range ev.URLs {
				if strings.Contains(u, "/policies/") || strings.Contains(u, "/china/") || strings.HasPrefix(u, base+"/zh/") {
					t.Errorf("purge names %s, which the story is not on", u)
				}
			}
			if !slices.Contains(ev.Prefixes, base+"/sitemap") || ev.All {
				t.Errorf("prefixes %q, all %v; want the sitemaps as a prefix", ev.Prefixes, ev.All)
			}

			// A site-wide change (a channel renamed) purges everything.
			if err := p.store.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.AppendChange(ctx, store.Change{At: p.clock.Now(), Kind: news.ChangeSite, Details: map[string]string{"what": "channel news"}})
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if _, err := b.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			if events := pr.take(); len(events) != 1 || !events[0].All || len(events[0].URLs) != 0 {
				t.Errorf("site-wide change: %+v, want one purge of everything", events)
			}
		})
	}
}
