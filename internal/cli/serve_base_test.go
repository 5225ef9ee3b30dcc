package cli

import "testing"

// TestPublicBase: the base URL of public links comes from
// NEWSDESK_BASE_URL, else from the listening address, never unspecified.
func TestPublicBase(t *testing.T) {
	for _, tc := range []struct{ configured, addr, want string }{
		{"https://news.example.org/", "127.0.0.1:8080", "https://news.example.org"},
		{"https://news.example.org", ":8080", "https://news.example.org"},
		{"", "127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"", ":8080", "http://localhost:8080"},
		{"", "0.0.0.0:80", "http://localhost:80"},
		{"", "[::]:8080", "http://localhost:8080"},
		{"", "[::1]:8080", "http://[::1]:8080"},
		{"", "news.internal:8080", "http://news.internal:8080"},
	} {
		if got := publicBase(tc.configured, tc.addr); got != tc.want {
			t.Errorf("publicBase(%q, %q) = %q, want %q", tc.configured, tc.addr, got, tc.want)
		}
	}
}
