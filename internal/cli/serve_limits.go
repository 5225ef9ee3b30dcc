package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"newsdesk/internal/config"
	"newsdesk/internal/ratelimit"
	"newsdesk/internal/site"
	"newsdesk/internal/store"
	"newsdesk/internal/web"
)

// publicBodyLimit bounds request bodies on the portal, which reads none.
const publicBodyLimit = 64 << 10

// withLimits puts the per-client rate limits in front of search and the
// API, and a body size limit in front of the portal. It returns the
// wrapped surfaces and the function that stops the limiters' syncing.
func withLimits(ctx context.Context, cfg config.Config, s *store.Store, log *slog.Logger, portal, apiHandler http.Handler) (http.Handler, http.Handler, func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	client := func(r *http.Request) string { return web.ClientIP(r, cfg.TrustedProxies()) }
	limit := func(name string, perMinute int, applies func(*http.Request) bool, deny func(http.ResponseWriter, *http.Request, time.Duration), h http.Handler) http.Handler {
		if perMinute == 0 {
			return h
		}
		l := ratelimit.New(s, name, int64(perMinute), time.Minute, time.Now, log)
		wg.Go(func() { l.Run(ctx, time.Second) })
		return l.Middleware(applies, client, deny, h)
	}
	portal = limit("search", cfg.SearchRate, func(r *http.Request) bool { return site.RouteOf(r) == "search" }, denySearch, portal)
	apiHandler = limit("api", cfg.APIRate, nil, denyAPI, apiHandler)
	inner := portal
	portal = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, publicBodyLimit)
		inner.ServeHTTP(w, r)
	})
	return portal, apiHandler, func() { cancel(); wg.Wait() }
}

// denySearch answers a reader who searched too often, in the page's
// language.
func denySearch(w http.ResponseWriter, r *http.Request, retry time.Duration) {
	secs := int(retry.Round(time.Second) / time.Second)
	msg := fmt.Sprintf("Too many searches from your address. Please try again in %d seconds.", max(secs, 1))
	if strings.HasPrefix(r.URL.Path, "/zh/") {
		msg = fmt.Sprintf("您的搜索过于频繁，请 %d 秒后再试。", max(secs, 1))
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusTooManyRequests)
	fmt.Fprintln(w, msg)
}

// denyAPI answers an API client over its limit with a problem document.
func denyAPI(w http.ResponseWriter, r *http.Request, retry time.Duration) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusTooManyRequests)
	fmt.Fprintf(w, `{"type":"about:blank","title":"Too Many Requests","status":429,"detail":"rate limit reached: retry after %d seconds"}`+"\n",
		max(int(retry.Round(time.Second)/time.Second), 1))
}
