package main

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestMetrics: with --metrics-addr, /metrics on that address counts
// requests by surface and route, cache hits and renderings, and the publish
// clock's state; the public address does not serve it.
func TestMetrics(t *testing.T) {
	t.Parallel()
	s := startServe(t, t.TempDir(), "--demo", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0")
	s.ready(t)
	var metricsURL string
	re := regexp.MustCompile(`msg=metrics url=(\S+)`)
	for deadline := time.Now().Add(10 * time.Second); metricsURL == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := re.FindStringSubmatch(s.stderr.String()); m != nil {
			metricsURL = m[1]
		}
	}
	if metricsURL == "" {
		t.Fatalf("no metrics address logged:\n%s", s.stderr)
	}
	_, home := get(t, s.url+"en/")
	article := regexp.MustCompile(`href="/(en/[a-z0-9/-]+/\d{4}/\d{2}/\d{2}/[^"/]+/)"`).FindStringSubmatch(home)
	if article == nil {
		t.Fatalf("no article linked from the home page")
	}
	for range 3 {
		if code, _ := get(t, s.url+article[1]); code != 200 {
			t.Fatalf("GET /%s: %d", article[1], code)
		}
	}
	if code, _ := get(t, s.url+"metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics on the public address: %d, want 404", code)
	}
	code, body := get(t, metricsURL)
	if code != 200 {
		t.Fatalf("GET %s: %d", metricsURL, code)
	}
	for _, want := range []string{
		`newsdesk_http_requests_total{code="200",route="article",surface="site"} 3`,
		`newsdesk_http_requests_total{code="200",route="home",surface="site"} 1`,
		`newsdesk_http_request_duration_seconds_count{route="article",surface="site"} 3`,
		`newsdesk_page_cache_hits_total 2`,
		`newsdesk_page_render_seconds_count`,
		`newsdesk_page_cache_lag_changes 0`,
		`newsdesk_search_index_lag_changes`,
		`newsdesk_publish_overdue_seconds 0`,
		`newsdesk_publish_delay_seconds_count`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", body)
	}
	s.stop(t)
}
