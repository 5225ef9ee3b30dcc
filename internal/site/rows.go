package site

import (
	"html/template"
	"strings"
	"time"

	"newsdesk/internal/news"
)

// A listing's rows (<li> of ul.headlines in listing.html) are written here
// in Go rather than ranged over in the template: each row took six
// escaper calls through reflection, and the static export shows each
// article in four or five listings (its channel, the channels above, its
// tags), so it renders each row once (listingIndex) and copies it into
// every page it is on. The bytes are html/template's for the row
//
//	<li{{if .Pinned}} class="pinned"{{end}}><a href="{{.URL}}">{{.Headline}}</a> <time datetime="{{.ISO}}">{{.Date}}</time>{{with .Summary}}<p>{{.}}</p>{{end}}</li>
//
// followed by a newline (TestRowMatchesTemplate and FuzzRow hold them to
// it): text and quoted attribute values escaped as its htmlEscaper and
// attrEscaper do, the href filtered and normalised as its urlFilter and
// urlNormalizer do. The handler's listing pages are built with the same
// rows, so a page's bytes do not depend on who rendered it.

// listingRows are the rows of pinned (marked so) and then list.
func listingRows(loc *time.Location, pinned, list []news.Article) template.HTML {
	if len(pinned)+len(list) == 0 {
		return ""
	}
	b := make([]byte, 0, (len(pinned)+len(list))*320)
	for _, a := range pinned {
		b = appendArticleRow(b, a, true, loc)
	}
	for _, a := range list {
		b = appendArticleRow(b, a, false, loc)
	}
	// Escaped above, as html/template would have.
	return template.HTML(b)
}

// appendArticleRow appends a's row, as item shows it.
func appendArticleRow(b []byte, a news.Article, pinned bool, loc *time.Location) []byte {
	it := item(a, loc)
	it.Pinned = pinned
	return appendRow(b, it)
}

// appendRow appends the row of it, with its newline.
func appendRow(b []byte, it articleItem) []byte {
	if it.Pinned {
		b = append(b, `<li class="pinned"><a href="`...)
	} else {
		b = append(b, `<li><a href="`...)
	}
	b = appendURLAttr(b, it.URL)
	b = append(b, `">`...)
	b = appendEscaped(b, it.Headline)
	b = append(b, `</a> `...)
	b = appendTime(b, it.ISO, it.Date)
	if it.Summary != "" {
		b = append(b, `<p>`...)
		b = appendEscaped(b, it.Summary)
		b = append(b, `</p>`...)
	}
	return append(b, "</li>\n"...)
}

// urlKeeps marks the bytes html/template's urlNormalizer leaves as they
// are: RFC 3986's reserved and unreserved characters but the single quote
// and parentheses, and '%' (when it starts a valid escape).
var urlKeeps = func() (keep [256]bool) {
	for _, c := range []byte("!#$&*+,/:;=?@[]-._~%") {
		keep[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		keep[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		keep[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		keep[c] = true
	}
	return keep
}()

// appendURLAttr appends u as html/template writes a plain string at the
// start of a quoted URL attribute (href="{{.}}", src="{{.}}"): through
// urlFilter (a scheme other than http, https or mailto makes it
// #ZgotmplZ), then appendNormalizedURL.
func appendURLAttr(b []byte, u string) []byte {
	if !isSafeURL(u) {
		u = "#ZgotmplZ"
	}
	return appendNormalizedURL(b, u)
}

// isSafeURL is html/template's: u has no scheme, or http, https or mailto.
func isSafeURL(u string) bool {
	protocol, _, ok := strings.Cut(u, ":")
	return !ok || strings.Contains(protocol, "/") ||
		strings.EqualFold(protocol, "http") || strings.EqualFold(protocol, "https") || strings.EqualFold(protocol, "mailto")
}

// appendNormalizedURL appends u as html/template's urlNormalizer and then
// attrEscaper write it: bytes other than those urlKeeps marks
// percent-encoded, in lower-case hex, a valid %XX kept; of what the
// normaliser keeps, only '&' and '+' need the attribute escape.
func appendNormalizedURL(b []byte, u string) []byte {
	const hex = "0123456789abcdef"
	written := 0
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c == '&':
			b = append(append(b, u[written:i]...), "&amp;"...)
		case c == '+':
			b = append(append(b, u[written:i]...), "&#43;"...)
		case c == '%' && !(i+2 < len(u) && isHexDigit(u[i+1]) && isHexDigit(u[i+2])):
			b = append(append(b, u[written:i]...), "%25"...)
		case !urlKeeps[c]:
			b = append(append(b, u[written:i]...), '%', hex[c>>4], hex[c&15])
		default:
			continue
		}
		written = i + 1
	}
	return append(b, u[written:]...)
}

// isHexDigit is html/template's isHex.
func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
