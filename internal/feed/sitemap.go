package feed

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"time"
	"unicode/utf8"
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

// WriteSitemap writes a urlset. It refuses what the protocol forbids (more
// than SitemapMaxURLs entries, a loc longer than SitemapMaxURLLength, a file
// over SitemapMaxBytes) rather than write a sitemap search engines drop;
// callers split their lists so that this never happens.
func WriteSitemap(w io.Writer, urls []SitemapURL) error {
	b, err := AppendSitemap(nil, urls)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// WriteSitemapIndex writes a sitemap index, with the same limits.
func WriteSitemapIndex(w io.Writer, refs []SitemapRef) error {
	b, err := AppendSitemapIndex(nil, refs)
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

// AppendSitemap appends the urlset WriteSitemap writes to dst and returns
// the extended slice; on error it returns dst as it was. It lets a caller
// that keeps the file (to serve it, to cache it) have it without a copy.
//
// The file is written by hand rather than by encoding/xml, whose
// reflection was most of a static export's sitemap cost; the output is
// byte for byte what encoding/xml's indented encoder writes for the same
// entries (sitemap_xml_test.go holds that encoder and compares the two).
func AppendSitemap(dst []byte, urls []SitemapURL) ([]byte, error) {
	if len(urls) > SitemapMaxURLs {
		return dst, fmt.Errorf("sitemap: %d URLs, more than the %d one file may hold", len(urls), SitemapMaxURLs)
	}
	// One pass for the limit on loc, whether the news namespace is needed
	// and how large the file will be (before escaping), so the buffer
	// grows once.
	size, withNews := len(xml.Header)+len(urlsetOpen)+len(urlsetNewsAttr)+len(urlsetClose)+1, false
	for _, u := range urls {
		if len(u.Loc) > SitemapMaxURLLength {
			return dst, fmt.Errorf("sitemap: URL of %d bytes, longer than %d: %.80s...", len(u.Loc), SitemapMaxURLLength, u.Loc)
		}
		size += len(urlOpen) + len(u.Loc) + len(lastmodTags) + dateLen + len(urlClose)
		if n := u.News; n != nil {
			withNews = true
			size += len(newsTags) + len(n.Publication) + len(n.Language) + dateLen + len(n.Title)
		}
	}
	size += size / 32 // room for escapes (&#34; &#39; &amp; in titles)
	start := len(dst)
	b := slices.Grow(dst, size)
	b = append(b, xml.Header...)
	b = append(b, urlsetOpen...)
	if withNews {
		b = append(b, urlsetNewsAttr...)
	}
	b = append(b, '>')
	for _, u := range urls {
		b = append(b, "\n  <url>"...)
		b = appendLocation(b, u.Loc, u.LastModified)
		if n := u.News; n != nil {
			b = append(b, "\n    <news:news>\n      <news:publication>\n        <news:name>"...)
			b = appendEscaped(b, n.Publication)
			b = append(b, "</news:name>\n        <news:language>"...)
			b = appendEscaped(b, n.Language)
			b = append(b, "</news:language>\n      </news:publication>\n      <news:publication_date>"...)
			if !n.Published.IsZero() {
				b = n.Published.AppendFormat(b, sitemapDateFn)
			}
			b = append(b, "</news:publication_date>\n      <news:title>"...)
			b = appendEscaped(b, n.Title)
			b = append(b, "</news:title>\n    </news:news>"...)
		}
		b = append(b, "\n  </url>"...)
	}
	return closeFile(dst, b, start, len(urls) > 0, "</urlset>\n", "sitemap")
}

// AppendSitemapIndex appends the sitemap index WriteSitemapIndex writes
// to dst, as AppendSitemap does for a urlset.
func AppendSitemapIndex(dst []byte, refs []SitemapRef) ([]byte, error) {
	if len(refs) > SitemapMaxURLs {
		return dst, fmt.Errorf("sitemap index: %d sitemaps, more than %d", len(refs), SitemapMaxURLs)
	}
	size := len(xml.Header) + len(indexOpen) + len(indexClose) + 1
	for _, r := range refs {
		size += len(sitemapOpen) + len(r.Loc) + len(lastmodTags) + dateLen + len(sitemapClose)
	}
	start := len(dst)
	b := slices.Grow(dst, size)
	b = append(b, xml.Header...)
	b = append(b, indexOpen...)
	for _, r := range refs {
		b = append(b, "\n  <sitemap>"...)
		b = appendLocation(b, r.Loc, r.LastModified)
		b = append(b, "\n  </sitemap>"...)
	}
	return closeFile(dst, b, start, len(refs) > 0, "</sitemapindex>\n", "sitemap index")
}

// closeFile ends a file appended to dst from start on (a newline after
// the last entry, if any, then the closing tag) and refuses it, giving
// dst back, when it outgrew SitemapMaxBytes.
func closeFile(dst, b []byte, start int, entries bool, closing, what string) ([]byte, error) {
	if entries {
		b = append(b, '\n')
	}
	b = append(b, closing...)
	if n := len(b) - start; n > SitemapMaxBytes {
		return dst, fmt.Errorf("%s: %d bytes, more than the %d allowed", what, n, SitemapMaxBytes)
	}
	return b, nil
}

// appendLocation appends an entry's <loc> and, unless modified is zero,
// its <lastmod>, as both kinds of file write them.
func appendLocation(b []byte, loc string, modified time.Time) []byte {
	b = append(b, "\n    <loc>"...)
	b = appendEscaped(b, loc)
	b = append(b, "</loc>"...)
	if !modified.IsZero() {
		// Dates need no escaping: sitemapDateFn writes digits and
		// - + : T Z only.
		b = append(b, "\n    <lastmod>"...)
		b = modified.AppendFormat(b, sitemapDateFn)
		b = append(b, "</lastmod>"...)
	}
	return b
}

// The fixed parts of the files, for the size estimates (the appenders
// spell them out where they write them, which reads more easily).
const (
	urlsetOpen     = `<urlset xmlns="` + NSSitemap + `"`
	urlsetNewsAttr = ` xmlns:news="` + NSGoogleNews + `"`
	urlsetClose    = "\n</urlset>\n"
	urlOpen        = "\n  <url>\n    <loc>"
	urlClose       = "</loc>\n  </url>"
	lastmodTags    = "\n    <lastmod></lastmod>"
	newsTags       = "\n    <news:news>\n      <news:publication>\n        <news:name></news:name>\n        <news:language></news:language>\n      </news:publication>\n      <news:publication_date></news:publication_date>\n      <news:title></news:title>\n    </news:news>"
	indexOpen      = `<sitemapindex xmlns="` + NSSitemap + `">`
	indexClose     = "\n</sitemapindex>\n"
	sitemapOpen    = "\n  <sitemap>\n    <loc>"
	sitemapClose   = "</loc>\n  </sitemap>"
	// dateLen is the length of a W3C Datetime with an offset, as
	// sitemapDateFn writes it: 2026-11-29T18:00:00+08:00.
	dateLen = len("2006-01-02T15:04:05-07:00")
)

// appendEscaped appends s escaped as encoding/xml escapes character data
// (xml.EscapeText): " ' & < > as &#34; &#39; &amp; &lt; &gt;, tab,
// newline and carriage return as &#x9; &#xA; &#xD;, and invalid UTF-8 and
// characters outside XML's Char production each replaced by U+FFFD. Runs
// needing none of this are copied whole.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		var esc string
		if c := s[i]; c < utf8.RuneSelf {
			i++
			switch c {
			case '"':
				esc = "&#34;"
			case '\'':
				esc = "&#39;"
			case '&':
				esc = "&amp;"
			case '<':
				esc = "&lt;"
			case '>':
				esc = "&gt;"
			case '\t':
				esc = "&#x9;"
			case '\n':
				esc = "&#xA;"
			case '\r':
				esc = "&#xD;"
			default:
				if c >= 0x20 { // DEL (0x7f) is a Char
					continue
				}
				esc = "\uFFFD"
			}
			b = append(b, s[last:i-1]...)
		} else {
			r, width := utf8.DecodeRuneInString(s[i:])
			i += width
			// A RuneError of width 1 is invalid UTF-8 (encoded surrogates
			// included); one of width 3 is a real U+FFFD, kept.
			if r != utf8.RuneError || width != 1 {
				if r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF {
					continue
				}
			}
			esc = "\uFFFD"
			b = append(b, s[last:i-width]...)
		}
		b = append(b, esc...)
		last = i
	}
	return append(b, s[last:]...)
}
