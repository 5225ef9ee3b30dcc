package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestRateLimits: over --search-rate searches or --api-rate API requests a
// minute, a client gets 429 with Retry-After (a problem document from the
// API, a short page in the reader's language from search); other pages are
// not limited.
func TestRateLimits(t *testing.T) {
	t.Parallel()
	s := startServe(t, t.TempDir(), "--demo", "--addr", "127.0.0.1:0", "--search-rate", "2", "--api-rate", "3")
	s.ready(t)
	status := func(path string) (int, http.Header, string) {
		t.Helper()
		res, err := http.Get(s.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, string(b)
	}
	for i := range 3 {
		if code, _, _ := status("api/v1/openapi.json"); code != 200 {
			t.Fatalf("API request %d: %d, want 200", i+1, code)
		}
	}
	code, h, body := status("api/v1/openapi.json")
	if code != 429 || h.Get("Retry-After") == "" || h.Get("Content-Type") != "application/problem+json" || !strings.Contains(body, `"status":429`) {
		t.Errorf("4th API request: %d %q %q %s", code, h.Get("Retry-After"), h.Get("Content-Type"), body)
	}
	for i := range 2 {
		if code, _, _ := status("zh/search?q=能源"); code == 429 {
			t.Fatalf("search %d refused", i+1)
		}
	}
	code, h, body = status("zh/search?q=能源")
	if code != 429 || h.Get("Retry-After") == "" || !strings.Contains(body, "秒后再试") {
		t.Errorf("3rd search: %d %q %s", code, h.Get("Retry-After"), body)
	}
	for range 5 {
		if code, _, _ := status("zh/"); code != 200 {
			t.Errorf("home page limited: %d", code)
		}
	}
	s.stop(t)
}
