package ratelimit_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"newsdesk/internal/ratelimit"
	"newsdesk/internal/store/storetest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }
func allowed(l *ratelimit.Limiter, key string, n int) (ok int) {
	for range n {
		if a, _ := l.Allow(key); a {
			ok++
		}
	}
	return ok
}

// TestLimitAcrossNodes: two limiters on one database (two nodes) hold a
// client to one limit once they have synced; clients and windows are
// counted apart.
func TestLimitAcrossNodes(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			ctx := context.Background()
			s := storetest.New(t, dialect)
			clk := &clock{t: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)}
			log := slog.New(slog.DiscardHandler)
			a := ratelimit.New(s, "search", 10, time.Minute, clk.Now, log)
			b := ratelimit.New(s, "search", 10, time.Minute, clk.Now, log)

			if got := allowed(a, "10.0.0.1", 6); got != 6 {
				t.Fatalf("node a allowed %d of 6", got)
			}
			if err := a.Sync(ctx); err != nil {
				t.Fatal(err)
			}
			// b has not synced: it knows nothing yet, and allows its own 10 at most.
			if got := allowed(b, "10.0.0.1", 3); got != 3 {
				t.Fatalf("node b allowed %d of 3", got)
			}
			if err := b.Sync(ctx); err != nil { // learns of a's 6: 9 in all
				t.Fatal(err)
			}
			if got := allowed(b, "10.0.0.1", 5); got != 1 {
				t.Errorf("node b, after syncing 9 of 10: allowed %d more, want 1", got)
			}
			if err := b.Sync(ctx); err != nil { // 10 in all now
				t.Fatal(err)
			}
			if err := a.Sync(ctx); err != nil { // a had nothing to add, and still learns the total
				t.Fatal(err)
			}
			if got := allowed(a, "10.0.0.1", 3); got != 0 {
				t.Errorf("node a after syncing the site-wide 10: allowed %d, want 0", got)
			}
			if ok, retry := a.Allow("10.0.0.1"); ok || retry <= 0 || retry > time.Minute {
				t.Errorf("refusal: ok %v, retry after %v", ok, retry)
			}
			if got := allowed(a, "10.0.0.2", 10); got != 10 {
				t.Errorf("another client: allowed %d of 10", got)
			}
			clk.Add(time.Minute)
			if got := allowed(b, "10.0.0.1", 10); got != 10 {
				t.Errorf("the next window: allowed %d of 10", got)
			}
			if err := b.Sync(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestMiddleware(t *testing.T) {
	s := storetest.New(t, "sqlite")
	clk := &clock{t: time.Date(2026, 11, 30, 12, 0, 30, 0, time.UTC)}
	l := ratelimit.New(s, "api", 2, time.Minute, clk.Now, slog.New(slog.DiscardHandler))
	h := l.Middleware(func(r *http.Request) bool { return r.URL.Path != "/free" },
		func(r *http.Request) string { return r.RemoteAddr },
		func(w http.ResponseWriter, r *http.Request, _ time.Duration) {
			http.Error(w, "slow down", http.StatusTooManyRequests)
		},
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	codes := []int{}
	for _, path := range []string{"/a", "/a", "/a", "/free"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		codes = append(codes, rec.Code)
		if rec.Code == 429 && rec.Header().Get("Retry-After") != "30" {
			t.Errorf("Retry-After %q, want 30", rec.Header().Get("Retry-After"))
		}
	}
	if want := []int{204, 204, 429, 204}; !equal(codes, want) {
		t.Errorf("codes %v, want %v", codes, want)
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
