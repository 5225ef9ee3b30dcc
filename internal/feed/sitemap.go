package feed

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"time"
)

// Limits of the sitemaps protocol (sitemaps.org) for one file.
const (
	SitemapMaxURLs  = 50_000
	SitemapMaxBytes = 50 << 20 // uncompressed
	// SitemapMaxURLLength is the longest <loc> the protocol allows.
	SitemapMaxURLLength = 2048
)

// Namespaces of sitemaps.
const (
	NSSitemap     = "http://www.sitemaps.org/schemas/sitemap/0.9"
	NSGoogleNews  = "http://www.google.com/schemas/sitemap-news/0.9"
	sitemapDateFn = time.RFC3339 // a W3C Datetime with seconds and offset
)

// SitemapURL is one page in a sitemap.
type SitemapURL struct {
	Loc          string
	LastModified time.Time
	// News, when set, makes the entry a Google News one.
	News *NewsEntry
}

// NewsEntry is the Google News part of an entry.
type NewsEntry struct {
	Publication string
	Language    string // ISO 639: en, zh-cn ...
	Published   time.Time
	Title       string
}

// SitemapRef is one sitemap in a sitemap index.
type SitemapRef struct {
	Loc          string
	LastModified time.Time
}

type urlSet struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	NSNews  string       `xml:"xmlns:news,attr,omitempty"`
	URLs    []urlElement `xml:"url"`
}

type urlElement struct {
	Loc     string       `xml:"loc"`
	LastMod string       `xml:"lastmod,omitempty"`
	News    *newsElement `xml:"news:news,omitempty"`
}

type newsElement struct {
	Publication struct {
		Name     string `xml:"news:name"`
		Language string `xml:"news:language"`
	} `xml:"news:publication"`
	Date  string `xml:"news:publication_date"`
	Title string `xml:"news:title"`
}

type sitemapIndex struct {
	XMLName  xml.Name       `xml:"sitemapindex"`
	NS       string         `xml:"xmlns,attr"`
	Sitemaps []sitemapEntry `xml:"sitemap"`
}

type sitemapEntry struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

func w3cDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(sitemapDateFn)
}

// WriteSitemap writes a urlset. It refuses what the protocol forbids (more
// than SitemapMaxURLs entries, a loc longer than SitemapMaxURLLength, a file
// over SitemapMaxBytes) rather than write a sitemap search engines drop;
// callers split their lists so that this never happens.
func WriteSitemap(w io.Writer, urls []SitemapURL) error {
	if len(urls) > SitemapMaxURLs {
		return fmt.Errorf("sitemap: %d URLs, more than the %d one file may hold", len(urls), SitemapMaxURLs)
	}
	set := urlSet{NS: NSSitemap, URLs: make([]urlElement, 0, len(urls))}
	for _, u := range urls {
		if len(u.Loc) > SitemapMaxURLLength {
			return fmt.Errorf("sitemap: URL of %d bytes, longer than %d: %.80s...", len(u.Loc), SitemapMaxURLLength, u.Loc)
		}
		e := urlElement{Loc: u.Loc, LastMod: w3cDate(u.LastModified)}
		if n := u.News; n != nil {
			set.NSNews = NSGoogleNews
			e.News = &newsElement{Date: w3cDate(n.Published), Title: n.Title}
			e.News.Publication.Name, e.News.Publication.Language = n.Publication, n.Language
		}
		set.URLs = append(set.URLs, e)
	}
	return writeLimited(w, set, "sitemap")
}

// WriteSitemapIndex writes a sitemap index, with the same limits.
func WriteSitemapIndex(w io.Writer, refs []SitemapRef) error {
	if len(refs) > SitemapMaxURLs {
		return fmt.Errorf("sitemap index: %d sitemaps, more than %d", len(refs), SitemapMaxURLs)
	}
	idx := sitemapIndex{NS: NSSitemap, Sitemaps: make([]sitemapEntry, 0, len(refs))}
	for _, r := range refs {
		idx.Sitemaps = append(idx.Sitemaps, sitemapEntry{Loc: r.Loc, LastMod: w3cDate(r.LastModified)})
	}
	return writeLimited(w, idx, "sitemap index")
}

func writeLimited(w io.Writer, v any, what string) error {
	var b bytes.Buffer
	if err := writeXML(&b, v, what); err != nil {
		return err
	}
	if b.Len() > SitemapMaxBytes {
		return fmt.Errorf("%s: %d bytes, more than the %d allowed", what, b.Len(), SitemapMaxBytes)
	}
	_, err := w.Write(b.Bytes())
	return err
}
