package fetch_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/fetch"
)

// fakeDNS resolves the names the tests use without the network: an attacker
// controls what a name resolves to, so the tests do too.
func fakeDNS(ctx context.Context, host string) ([]netip.Addr, error) {
	names := map[string][]string{
		"loopback.test":    {"127.0.0.1"},
		"v6loop.test":      {"::1"},
		"metadata.test":    {"169.254.169.254"},
		"private.test":     {"10.1.2.3"},
		"mixed.test":       {"93.184.216.34", "192.168.1.1"},
		"public.test":      {"93.184.216.34"},
		"mapped.test":      {"::ffff:127.0.0.1"},
		"ec2v6.test":       {"fd00:ec2::254"},
		"cgnat.test":       {"100.64.0.1"},
		"multicast.test":   {"224.0.0.1"},
		"unspecified.test": {"0.0.0.0"},
	}
	var out []netip.Addr
	for _, s := range names[host] {
		out = append(out, netip.MustParseAddr(s))
	}
	if out == nil {
		return nil, fmt.Errorf("no such host %s", host)
	}
	return out, nil
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url     string
		allow   []string
		refused bool   // refused by the address policy
		errText string // any error containing this ("" and !refused: allowed)
	}{
		{url: "http://127.0.0.1/", refused: true},
		{url: "http://127.0.0.1:8080/feed", refused: true},
		{url: "http://localhost/", refused: true},
		{url: "http://loopback.test/", refused: true},
		{url: "http://LOOPBACK.test./", refused: true},
		{url: "http://[::1]/", refused: true},
		{url: "http://[0:0:0:0:0:0:0:1]/", refused: true},
		{url: "http://[::ffff:127.0.0.1]/", refused: true},
		{url: "http://[::ffff:7f00:1]/", refused: true},
		{url: "http://[64:ff9b::7f00:1]/", refused: true},
		{url: "http://[2002:7f00:1::]/", refused: true},
		{url: "http://[fe80::1%25eth0]/", refused: true},
		{url: "http://v6loop.test/", refused: true},
		{url: "http://mapped.test/", refused: true},
		{url: "http://169.254.169.254/latest/meta-data/", refused: true},
		{url: "http://metadata.test/", refused: true},
		{url: "http://[fd00:ec2::254]/", refused: true},
		{url: "http://ec2v6.test/", refused: true},
		{url: "http://10.0.0.1/", refused: true},
		{url: "http://172.16.5.4/", refused: true},
		{url: "http://192.168.0.10/", refused: true},
		{url: "http://private.test/", refused: true},
		{url: "http://cgnat.test/", refused: true},
		{url: "http://multicast.test/", refused: true},
		{url: "http://unspecified.test/", refused: true},
		{url: "http://0.0.0.0/", refused: true},
		{url: "http://[::]/", refused: true},
		{url: "http://mixed.test/", refused: true},
		// Other spellings of 127.0.0.1 and 169.254.169.254.
		{url: "http://2130706433/", refused: true},
		{url: "http://0177.0.0.1/", refused: true},
		{url: "http://0x7f.0.0.1/", refused: true},
		{url: "http://0x7f000001/", refused: true},
		{url: "http://127.1/", refused: true},
		{url: "http://0/", refused: true},
		{url: "http://2852039166/", refused: true},
		{url: "http://0251.0376.0251.0376/", refused: true},
		{url: "http://012.0.0.1/", refused: true}, // octal 012 = 10.0.0.1
		// Public addresses and names are fine.
		{url: "http://93.184.216.34/"},
		{url: "https://public.test/feed.xml"},
		{url: "http://[2001:4860:4860::8888]/"},
		// The allow-list: by host name, by address, by prefix.
		{url: "http://localhost:9/", allow: []string{"localhost"}},
		{url: "http://loopback.test/", allow: []string{"127.0.0.1"}},
		{url: "http://private.test/", allow: []string{"10.0.0.0/8"}},
		{url: "http://[::1]:80/", allow: []string{"[::1]"}},
		{url: "http://loopback.test/", allow: []string{"other.test"}, refused: true},
		{url: "http://metadata.test/", allow: []string{"127.0.0.1"}, refused: true},
		// Not URLs the fetcher takes.
		{url: "file:///etc/passwd", errText: "only http and https"},
		{url: "gopher://public.test/", errText: "only http and https"},
		{url: "http://user:secret@public.test/", errText: "passwords"},
		{url: "http:///nohost", errText: "no host"},
		{url: "http://nowhere.test/", errText: "no such host"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			f, err := fetch.New(fetch.Options{Allow: tt.allow, Lookup: lookupWithLocalhost})
			if err != nil {
				t.Fatal(err)
			}
			err = f.CheckURL(context.Background(), tt.url)
			switch {
			case tt.refused:
				if !errors.Is(err, fetch.ErrRefused) {
					t.Errorf("CheckURL = %v, want refused", err)
				} else if !strings.Contains(err.Error(), "administrator can allow") {
					t.Errorf("refusal %q does not say how to allow the host", err)
				}
			case tt.errText != "":
				if err == nil || !strings.Contains(err.Error(), tt.errText) || errors.Is(err, fetch.ErrRefused) {
					t.Errorf("CheckURL = %v, want an error with %q", err, tt.errText)
				}
			default:
				if err != nil {
					t.Errorf("CheckURL = %v, want allowed", err)
				}
			}
		})
	}
}

// lookupWithLocalhost is fakeDNS plus localhost, as /etc/hosts has it.
func lookupWithLocalhost(ctx context.Context, host string) ([]netip.Addr, error) {
	if host == "localhost" {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("::1")}, nil
	}
	return fakeDNS(ctx, host)
}

func TestParseIP(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" means not an address
	}{
		{"127.0.0.1", "127.0.0.1"},
		{"2130706433", "127.0.0.1"},
		{"017700000001", "127.0.0.1"},
		{"0x7F000001", "127.0.0.1"},
		{"0177.0.0.01", "127.0.0.1"},
		{"127.1", "127.0.0.1"},
		{"127.0.1", "127.0.0.1"},
		{"10.0x10000", "10.1.0.0"},
		{"::ffff:10.0.0.1", "10.0.0.1"},
		{"[::1]", "::1"},
		{"example.com", ""},
		{"1.2.3.4.5", ""},
		{"256.0.0.1", ""},
		{"127.0.0.256", ""},
		{"1_000", ""},
		{"08.0.0.1", ""}, // 8 is no octal digit
		{"0x", ""},
		{"4294967296", ""},
		{"", ""},
	}
	for _, tt := range tests {
		a, ok := fetch.ParseIP(tt.in)
		got := ""
		if ok {
			got = a.String()
		}
		if got != tt.want {
			t.Errorf("ParseIP(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseAllowList(t *testing.T) {
	got, err := fetch.ParseAllowList([]string{"Feeds.Example.com, 127.0.0.1\n10.0.0.0/8  [::1]", "feeds.example.com."})
	if err != nil || strings.Join(got, " ") != "feeds.example.com 127.0.0.1 10.0.0.0/8 ::1" {
		t.Errorf("ParseAllowList = %q, %v", got, err)
	}
	for _, bad := range []string{"http://x.example/", "a b/c", "-bad.example", "x..y"} {
		if _, err := fetch.ParseAllowList([]string{bad}); err == nil || !strings.Contains(err.Error(), "allow-list entry") {
			t.Errorf("ParseAllowList(%q) = %v, want an error naming the entry", bad, err)
		}
	}
}

// TestGetLocalServers fetches from httptest servers, which listen on
// 127.0.0.1 and so need the allow-list; redirects out of an allowed server
// to refused addresses are stopped before any connection is made.
func TestGetLocalServers(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/feed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 30 Nov 2026 01:00:00 GMT")
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, "<rss/>")
	})
	mux.HandleFunc("/since", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-Modified-Since") == "Mon, 30 Nov 2026 01:00:00 GMT" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Last-Modified", "Mon, 30 Nov 2026 01:00:00 GMT")
		fmt.Fprint(w, "body")
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		for range 64 {
			fmt.Fprint(w, strings.Repeat("x", 1024))
			w.(http.Flusher).Flush() // chunked: no Content-Length to refuse early
		}
	})
	mux.HandleFunc("/announced-big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		fmt.Fprint(w, strings.Repeat("x", 100000))
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "gone", http.StatusGone) })
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/to", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, r.URL.Query().Get("u"), http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	ctx := context.Background()

	// Without the allow-list entry the local server itself is refused.
	strict, err := fetch.New(fetch.Options{Lookup: lookupWithLocalhost})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := strict.Get(ctx, srv.URL+"/feed", fetch.Validators{}); !errors.Is(err, fetch.ErrRefused) {
		t.Errorf("unlisted local server: %v, want refused", err)
	}

	f, err := fetch.New(fetch.Options{Allow: []string{"127.0.0.1"}, MaxBytes: 32 << 10, MaxRedirects: 3, Lookup: lookupWithLocalhost})
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.Get(ctx, srv.URL+"/feed", fetch.Validators{})
	if err != nil || string(r.Body) != "<rss/>" || r.Validators.ETag != `"v1"` || r.NotModified || r.ContentType != "application/rss+xml" {
		t.Fatalf("first get: %+v, %v", r, err)
	}
	r, err = f.Get(ctx, srv.URL+"/feed", r.Validators)
	if err != nil || !r.NotModified || len(r.Body) != 0 || r.Validators.ETag != `"v1"` {
		t.Errorf("conditional get by ETag: %+v, %v", r, err)
	}
	r, err = f.Get(ctx, srv.URL+"/since", fetch.Validators{LastModified: "Mon, 30 Nov 2026 01:00:00 GMT"})
	if err != nil || !r.NotModified {
		t.Errorf("conditional get by date: %+v, %v", r, err)
	}

	errTests := []struct {
		path string
		is   error
		text string
	}{
		{"/big", fetch.ErrTooLarge, "over 32768 bytes"},
		{"/announced-big", fetch.ErrTooLarge, "100000 bytes announced"},
		{"/gone", nil, "410 Gone"},
		{"/loop", nil, "more than 3 redirects"},
		{"/to?u=http://127.0.0.2/", fetch.ErrRefused, "127.0.0.2"},
		{"/to?u=http://[::1]/", fetch.ErrRefused, "::1"},
		{"/to?u=http://169.254.169.254/latest/meta-data/", fetch.ErrRefused, "metadata"},
		{"/to?u=http://10.0.0.1/", fetch.ErrRefused, "private"},
		{"/to?u=http://2130706434/", fetch.ErrRefused, "loopback"}, // 127.0.0.2: only 127.0.0.1 is allowed
		{"/to?u=http://0177.0.0.2/", fetch.ErrRefused, "loopback"},
		{"/to?u=http://metadata.test/", fetch.ErrRefused, "metadata"},
		{"/to?u=file:///etc/passwd", nil, "only http and https"},
	}
	for _, tt := range errTests {
		_, err := f.Get(ctx, srv.URL+tt.path, fetch.Validators{})
		if err == nil || (tt.is != nil && !errors.Is(err, tt.is)) || !strings.Contains(err.Error(), tt.text) {
			t.Errorf("GET %s: %v; want %v with %q", tt.path, err, tt.is, tt.text)
		}
	}
	// A redirect within the allowed server is followed.
	r, err = f.Get(ctx, srv.URL+"/to?u=/feed", fetch.Validators{})
	if err != nil || string(r.Body) != "<rss/>" || r.URL != srv.URL+"/feed" {
		t.Errorf("redirect within the allowed host: %+v, %v", r, err)
	}
}

// TestTimeout: the total time cap ends a server that never answers.
func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	f, err := fetch.New(fetch.Options{Allow: []string{"127.0.0.1"}, Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Get(context.Background(), srv.URL, fetch.Validators{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("stalled server: %v, want a deadline error", err)
	}
}
