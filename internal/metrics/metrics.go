// Package metrics is what operators watch: request counts and latencies by
// surface and route, page-cache hits and render times, how late the publish
// clock runs and how far the change-log followers lag, exposed in the
// Prometheus text format on a listen address of its own (--metrics-addr),
// never on the public one.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds one process's collectors in its own registry.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	render   prometheus.Histogram
	publish  prometheus.Histogram
}

// New makes the collectors, with the Go runtime's and the process's own.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "newsdesk_http_requests_total", Help: "HTTP requests answered, by surface, route and status code.",
	}, []string{"surface", "route", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "newsdesk_http_request_duration_seconds", Help: "Time to answer an HTTP request, by surface and route.",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"surface", "route"})
	m.render = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "newsdesk_page_render_seconds", Help: "Time to render a public page on a page-cache miss.",
		Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5},
	})
	m.publish = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name: "newsdesk_publish_delay_seconds", Help: "Time from an article's due time to its publication by the publish clock.",
		Buckets: []float64{.01, .05, .1, .25, .5, 1, 2, 5, 10, 30, 60, 300, 3600},
	})
	m.reg.MustRegister(m.requests, m.latency, m.render, m.publish,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// ObserveRender records one page rendering (a cache miss).
func (m *Metrics) ObserveRender(d time.Duration) { m.render.Observe(d.Seconds()) }

// ObservePublish records how late the publish clock published an article.
func (m *Metrics) ObservePublish(delay time.Duration) { m.publish.Observe(max(delay, 0).Seconds()) }

// CounterFunc exposes a monotonic count read at scrape time (cache hits).
func (m *Metrics) CounterFunc(name, help string, fn func() float64) {
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, fn))
}

// GaugeFunc exposes a value read at scrape time (cache size, lags).
func (m *Metrics) GaugeFunc(name, help string, fn func() float64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, fn))
}

// Middleware counts and times the requests of one surface ("site",
// "admin", "api"); route names the kind of page a request is for, from a
// short fixed list so the series stay few.
func (m *Metrics) Middleware(surface string, route func(*http.Request) string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		name := route(r)
		m.requests.WithLabelValues(surface, name, strconv.Itoa(rec.status)).Inc()
		m.latency.WithLabelValues(surface, name).Observe(time.Since(start).Seconds())
	})
}

// statusWriter remembers the status code a handler sent.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wrote {
		s.status, s.wrote = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.wrote = true
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
