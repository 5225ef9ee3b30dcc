package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"newsdesk/internal/metrics"
	"newsdesk/internal/search"
	"newsdesk/internal/site"
	"newsdesk/internal/store"
)

// surfaceName labels a surface's requests in the metrics.
func surfaceName(prefix string) string {
	switch prefix {
	case "/admin/":
		return "admin"
	case "/api/":
		return "api"
	case "/media/":
		return "media"
	}
	return "site"
}

// routeOf names a request's route for the metrics: the portal classifies
// its own pages; the newsroom and the API are one route each, which keeps
// the series few (their request counts are small).
func routeOf(prefix string) func(*http.Request) string {
	if prefix == "/" {
		return site.RouteOf
	}
	name := surfaceName(prefix)
	return func(*http.Request) string { return name }
}

// serveMetrics registers what is read at scrape time and serves /metrics on
// its own address, away from readers. It returns the function that stops it.
func serveMetrics(ctx context.Context, addr string, m *metrics.Metrics, s *store.Store, portal *site.Server, index *search.Index, log *slog.Logger) (stop func(), err error) {
	m.GaugeFunc("newsdesk_search_index_lag_changes", "Change-log entries this node's search index has not applied yet (-1: not built).", func() float64 {
		seq, built, err := index.Seq()
		last, lerr := s.LastChange(ctx)
		if err != nil || lerr != nil || !built {
			return -1
		}
		return float64(max(last-seq, 0))
	})
	if c := portal.Cache(); c != nil {
		st := c.Stats()
		for name, v := range map[string]interface{ Load() int64 }{"hits": &st.Hits, "misses": &st.Misses, "stale": &st.Stale,
			"bypass": &st.Bypass, "evictions": &st.Evictions} {
			m.CounterFunc("newsdesk_page_cache_"+name+"_total", "Page-cache answers and evictions: "+name+".",
				func() float64 { return float64(v.Load()) })
		}
		m.GaugeFunc("newsdesk_page_cache_bytes", "Bytes the page cache holds, all encodings.", func() float64 {
			_, b := c.Len()
			return float64(b)
		})
		m.GaugeFunc("newsdesk_page_cache_entries", "Responses the page cache holds.", func() float64 {
			n, _ := c.Len()
			return float64(n)
		})
		m.GaugeFunc("newsdesk_page_cache_lag_changes", "Change-log entries the page cache has not applied yet.", func() float64 {
			last, err := s.LastChange(ctx)
			if err != nil {
				return -1
			}
			return float64(max(last-portal.Followed(), 0))
		})
	}
	m.GaugeFunc("newsdesk_publish_overdue_seconds", "How long the oldest scheduled article has been due without being published (0: none).", func() float64 {
		next, err := s.NextScheduled(ctx)
		if err != nil || next.IsZero() {
			return 0
		}
		return max(time.Since(next).Seconds(), 0)
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: listen on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	// Profiles for the operator, on the same private address.
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second}
	log.Info("metrics", "url", "http://"+ln.Addr().String()+"/metrics")
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "err", err)
		}
	}()
	return func() {
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}, nil
}
