// Package ratelimit holds each client to a number of requests per window
// across every node: a node decides at once from what it knows (the
// site-wide count at its last sync plus what it has seen since) and adds
// its own counts to the database about once a second, so N nodes behind a
// load balancer hold a client to one limit, give or take a second's worth
// of requests, without a database write per request.
package ratelimit

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"newsdesk/internal/store"
)

// Limiter allows each key Limit requests per Window.
type Limiter struct {
	store  *store.Store
	name   string // prefixes keys in the shared table: "search", "api"
	limit  int64
	window time.Duration
	now    func() time.Time
	log    *slog.Logger

	mu   sync.Mutex
	keys map[string]*count
}

// count is one key's requests in its current window.
type count struct {
	window  time.Time
	global  int64 // site-wide total at the last sync, this node's included
	sending int64 // counted here, being added to the database
	local   int64 // counted here since the last sync
}

// New makes a limiter of limit requests per window for the keys of one
// kind (name). now is the clock.
func New(s *store.Store, name string, limit int64, window time.Duration, now func() time.Time, log *slog.Logger) *Limiter {
	return &Limiter{store: s, name: name, limit: limit, window: window, now: now, log: log, keys: map[string]*count{}}
}

// Allow counts one request for key and reports whether it is within the
// limit; when not, it says how long until the window ends.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	now := l.now()
	w := now.Truncate(l.window)
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.keys[key]
	if c == nil || !c.window.Equal(w) {
		c = &count{window: w}
		l.keys[key] = c
	}
	if c.global+c.sending+c.local >= l.limit {
		return false, w.Add(l.window).Sub(now)
	}
	c.local++
	return true, 0
}

// Sync adds this node's counts to the shared table and learns the
// site-wide totals; windows that have ended are forgotten here and, a few
// windows later, in the table.
func (l *Limiter) Sync(ctx context.Context) error {
	type send struct {
		key    string
		window time.Time
		n      int64
	}
	current := l.now().Truncate(l.window)
	var batch []send
	l.mu.Lock()
	for k, c := range l.keys {
		switch {
		case c.window.Before(current) && c.sending == 0:
			if c.local > 0 { // counted late in its window: still owed
				batch = append(batch, send{k, c.window, c.local})
			}
			delete(l.keys, k)
		case c.sending == 0:
			// Even with nothing new here, ask: other nodes may have counted.
			c.sending, c.local = c.local, 0
			batch = append(batch, send{k, c.window, c.sending})
		}
	}
	l.mu.Unlock()
	var firstErr error
	for _, b := range batch {
		total, err := l.store.AddRequests(ctx, l.name+":"+b.key, b.window, b.n)
		l.mu.Lock()
		if c := l.keys[b.key]; c != nil && c.window.Equal(b.window) {
			if err == nil {
				c.global = total // every node's, what was just sent included
			} else {
				c.local += c.sending // try again next time
			}
			c.sending = 0
		}
		l.mu.Unlock()
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if err := l.store.PruneRequests(ctx, current.Add(-3*l.window)); err != nil && firstErr == nil {
		firstErr = err
	}
	return firstErr
}

// Run syncs every interval until ctx ends.
func (l *Limiter) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := l.Sync(ctx); err != nil && ctx.Err() == nil {
				l.log.Warn("rate limit: sync", "limiter", l.name, "err", err)
			}
		}
	}
}

// Middleware refuses requests over the limit with 429 and Retry-After,
// answered by deny; applies reports which requests count (nil: all), and
// key names the client.
func (l *Limiter) Middleware(applies func(*http.Request) bool, key func(*http.Request) string, deny func(w http.ResponseWriter, r *http.Request, retryAfter time.Duration), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if applies == nil || applies(r) {
			if ok, retry := l.Allow(key(r)); !ok {
				secs := int((retry + time.Second - 1) / time.Second)
				w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
				deny(w, r, retry)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}
