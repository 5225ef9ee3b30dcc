package feed

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"
)

// TestSitemapLimits: the writer refuses what the protocol forbids rather
// than write a sitemap search engines drop.
func TestSitemapLimits(t *testing.T) {
	at := time.Date(2026, 11, 29, 18, 0, 0, 0, time.FixedZone("CST", 8*3600))
	full := make([]SitemapURL, SitemapMaxURLs)
	for i := range full {
		full[i] = SitemapURL{Loc: "https://news.example.org/en/news/2026/11/29/a/", LastModified: at}
	}
	if err := WriteSitemap(io.Discard, full); err != nil {
		t.Errorf("50,000 URLs: %v", err)
	}
	if err := WriteSitemap(io.Discard, append(full, full[0])); err == nil || !strings.Contains(err.Error(), "50001 URLs") {
		t.Errorf("50,001 URLs: %v", err)
	}
	long := SitemapURL{Loc: "https://news.example.org/" + strings.Repeat("a", SitemapMaxURLLength)}
	if err := WriteSitemap(io.Discard, []SitemapURL{long}); err == nil || !strings.Contains(err.Error(), "longer than 2048") {
		t.Errorf("a long URL: %v", err)
	}
	// 50,000 URLs of 1,100 bytes pass the count but not the size.
	big := make([]SitemapURL, SitemapMaxURLs)
	for i := range big {
		big[i] = SitemapURL{Loc: "https://news.example.org/" + strings.Repeat("b", 1100)}
	}
	if err := WriteSitemap(io.Discard, big); err == nil || !strings.Contains(err.Error(), "more than the 52428800 allowed") {
		t.Errorf("over 50 MB: %v", err)
	}
}

// TestSitemapNamespaces: a plain sitemap declares only the sitemap
// namespace; one with news entries declares Google's too; dates are W3C
// Datetimes with the offset given.
func TestSitemapNamespaces(t *testing.T) {
	at := time.Date(2026, 11, 29, 18, 0, 0, 0, time.FixedZone("CST", 8*3600))
	var plain, news bytes.Buffer
	if err := WriteSitemap(&plain, []SitemapURL{{Loc: "https://x.example/a/", LastModified: at}}); err != nil {
		t.Fatal(err)
	}
	if err := WriteSitemap(&news, []SitemapURL{{Loc: "https://x.example/a/", LastModified: at,
		News: &NewsEntry{Publication: "X", Language: "en", Published: at, Title: "A & B"}}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plain.String(), `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`) || strings.Contains(plain.String(), "xmlns:news") {
		t.Errorf("plain:\n%s", plain.String())
	}
	for _, want := range []string{`xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"`, "<lastmod>2026-11-29T18:00:00+08:00</lastmod>",
		"<news:publication_date>2026-11-29T18:00:00+08:00</news:publication_date>", "<news:title>A &amp; B</news:title>"} {
		if !strings.Contains(news.String(), want) {
			t.Errorf("news sitemap lacks %s:\n%s", want, news.String())
		}
	}
	var doc struct {
		XMLName xml.Name
		URL     []struct {
			News struct {
				Title string `xml:"title"`
			} `xml:"http://www.google.com/schemas/sitemap-news/0.9 news"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal(news.Bytes(), &doc); err != nil || doc.URL[0].News.Title != "A & B" {
		t.Errorf("the news sitemap does not read back: %v %+v", err, doc)
	}
}
