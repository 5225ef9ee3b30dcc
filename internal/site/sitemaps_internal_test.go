package site

import (
	"net/url"
	"strings"
	"testing"
)

// escapePathSplit is escapePath without its shortcut for paths that need
// no escaping: every segment through url.PathEscape.
func escapePathSplit(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// TestEscapePathShortcut: escapePath gives what escaping every segment
// gives, for article paths and hostile text alike.
func TestEscapePathShortcut(t *testing.T) {
	lines, _ := hostileLines(t)
	var ascii strings.Builder
	for c := range 256 {
		ascii.WriteByte(byte(c))
	}
	paths := append([]string{"", "/", "//", "/en/news/2026/11/29/a-b_c.d~e/", "/zh/新闻/2026/11/29/中文/", "/en/a b/", "/en/a%2F/", "/en/a?b/", "/en/a;b,c/",
		"/en/a+b:c@d=e&f$g/", "/en/\xff/", ascii.String()}, lines...)
	for c := range 256 {
		paths = append(paths, "/en/x"+string(rune(c))+"y/", "/en/x"+string([]byte{byte(c)})+"y/")
	}
	for _, p := range paths {
		if got, want := escapePath(p), escapePathSplit(p); got != want {
			t.Errorf("escapePath(%q) = %q, want %q", p, got, want)
		}
	}
}

// BenchmarkEscapePath compares escapePath with and without its shortcut
// on an article path that needs no escaping and on one that does.
func BenchmarkEscapePath(b *testing.B) {
	for _, c := range []struct{ name, path string }{
		{"ascii", "/en/news/2026/11/29/a-story-about-something/"},
		{"chinese", "/zh/news/2026/11/29/市议会通过预算/"},
	} {
		p := c.path
		b.Run(c.name+"/split", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				escapePathSplit(p)
			}
		})
		b.Run(c.name+"/shortcut", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				escapePath(p)
			}
		})
	}
}
