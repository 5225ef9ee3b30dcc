package feed

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestDecodeCharset(t *testing.T) {
	gbk := []byte("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss version=\"2.0\"><channel><title>\xd0\xc2\xce\xc5</title><item><title>\xd0\xc2\xce\xc5</title><description>x</description></item></channel></rss>")
	tests := []struct {
		name, contentType string
		in                []byte
		title, err        string
	}{
		{"gbk header overrides the declaration", "application/rss+xml; charset=GBK", gbk, "新闻", ""},
		{"gb2312", "text/xml; charset=gb2312", gbk, "新闻", ""},
		{"no charset: the declaration", "application/rss+xml", []byte("<?xml version=\"1.0\" encoding=\"iso-8859-1\"?><rss version=\"2.0\"><channel><title>\xa3</title></channel></rss>"), "£", ""},
		{"utf-8 header", "text/xml; charset=utf-8", []byte(`<rss version="2.0"><channel><title>新闻</title></channel></rss>`), "新闻", ""},
		{"unknown charset", "text/xml; charset=klingon", gbk, "", `charset "klingon"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := DecodeCharset(tt.in, tt.contentType)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			f, err := ParseFeed(data, WireAuto)
			if err != nil || f.Title != tt.title {
				t.Errorf("title %q, %v; want %q", f.Title, err, tt.title)
			}
		})
	}
}

// TestFeedparserHTTPEncodings runs feedparser's encoding cases with the
// Content-Type their test server sends: every well-formed one parses, with
// no replacement characters in its items.
func TestFeedparserHTTPEncodings(t *testing.T) {
	header := regexp.MustCompile(`(?m)^Header:\s*Content-type:\s*(.+?)\s*$`)
	files, _ := filepath.Glob(filepath.Join(sharedFeeds, "feedparser/tests/encoding/*.xml"))
	checked := 0
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		m := header.FindSubmatch(data)
		f := feedparserExpect(data)
		if m == nil || len(f) < 3 || f[1] != "not" || f[2] != "bozo" {
			continue
		}
		decoded, err := DecodeCharset(data, string(m[1]))
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		feed, err := parseWithin(t, p, decoded, 20*time.Second)
		if err != nil {
			t.Errorf("%s (%s): %v", filepath.Base(p), m[1], err)
			continue
		}
		for _, it := range feed.Items {
			if strings.ContainsRune(it.Title+it.BodyHTML+it.Summary, '\uFFFD') {
				t.Errorf("%s (%s): mis-decoded text %q", filepath.Base(p), m[1], it.Title+it.BodyHTML)
			}
		}
		checked++
	}
	if checked < 25 {
		t.Errorf("only %d encoding cases checked", checked)
	}
}
