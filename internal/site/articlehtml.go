package site

import (
	"html/template"
	"strconv"
)

// An article page's content block and every page's title, description,
// robots and canonical tags are written here in Go rather than by
// article.html and layout.html: the template took some 35 actions an
// article page, each an escaper called through reflection, and the static
// export renders ten thousand of them. The bytes are html/template's for
// the template text articlehtml_test.go keeps (TestArticleHTMLMatchesTemplate
// and FuzzArticleHTML hold them to it): text and plain attribute values
// escaped as its htmlEscaper and attrEscaper do (appendEscaped), URL
// attributes filtered and normalised as urlFilter and urlNormalizer do
// (appendURLAttr), srcset as srcsetFilterAndEscaper does
// (appendSrcsetAttr), and the values html/template trusts (the sanitized
// body, the tag links it rendered) inserted as they are.

// articleHTML is the content block of a's page (<article class="story">
// and its newline), with the interface texts l: a's TagLinks must be set.
func articleHTML(a *articleView, l map[string]string) template.HTML {
	b := make([]byte, 0, 2048+len(a.Body)+len(a.TagLinks))
	b = append(b, "<article class=\"story\">\n"...)
	if r := a.Retraction; r != nil {
		b = append(b, "<div class=\"retraction\" role=\"note\">\n<p><strong>"...)
		b = appendDated(b, l, "retracted", *r)
		b = append(b, "</p>\n<p>"...)
		b = appendEscaped(b, l["retracted_text"])
		b = append(b, "</p>\n</div>\n"...)
	}
	b = append(b, "<h1>"...)
	b = appendEscaped(b, a.Headline)
	b = append(b, "</h1>\n<p class=\"meta\"><span class=\"release\">"...)
	b = appendEscaped(b, l["release"])
	b = appendTime(b, a.ISO, a.Release)
	b = append(b, "</span>"...)
	if a.Updated != "" {
		b = append(b, ` <span class="updated">`...)
		b = appendEscaped(b, l["updated"])
		b = appendTime(b, a.UpdatedISO, a.Updated)
		b = append(b, "</span>"...)
	}
	if a.Source != "" {
		b = append(b, ` <span class="source">`...)
		b = appendEscaped(b, l["source"])
		b = appendEscaped(b, a.Source)
		b = append(b, "</span>"...)
	}
	b = append(b, "</p>\n"...)
	if a.Summary != "" {
		b = append(b, `<p class="summary">`...)
		b = appendEscaped(b, a.Summary)
		b = append(b, "</p>\n"...)
	}
	if f := a.Lead; f != nil {
		b = appendFigure(b, f)
	}
	b = append(b, "<div class=\"body\">\n"...)
	// The body was sanitized when it was stored: html/template inserts
	// template.HTML in text as it is.
	b = append(b, a.Body...)
	b = append(b, "\n</div>\n"...)
	if len(a.Downloads) > 0 {
		b = append(b, "<section class=\"downloads\" aria-labelledby=\"downloads-h\">\n<h2 id=\"downloads-h\">"...)
		b = appendEscaped(b, l["downloads"])
		b = append(b, "</h2>\n<ul>\n"...)
		for _, d := range a.Downloads {
			b = append(b, `<li><a href="`...)
			b = appendURLAttr(b, d.URL)
			b = append(b, `" download>`...)
			b = appendEscaped(b, d.Name)
			b = append(b, `</a> <span class="filetype">(`...)
			b = appendEscaped(b, d.Type)
			b = append(b, ", "...)
			b = appendEscaped(b, d.Size)
			b = append(b, ")</span></li>\n"...)
		}
		b = append(b, "</ul>\n</section>\n"...)
	}
	if len(a.Corrections) > 0 {
		b = append(b, `<section class="corrections" aria-label="`...)
		b = appendEscaped(b, l["corrections"])
		b = append(b, "\">\n<ul>\n"...)
		for _, c := range a.Corrections {
			b = append(b, "<li><strong>"...)
			b = appendDated(b, l, "correction", c)
			b = append(b, "</li>\n"...)
		}
		b = append(b, "</ul>\n</section>\n"...)
	}
	if a.Byline != "" {
		b = append(b, `<p class="byline">`...)
		b = appendEscaped(b, a.Byline)
		b = append(b, "</p>\n"...)
	}
	if len(a.Tags) > 0 {
		b = append(b, `<p class="tags">`...)
		b = appendEscaped(b, l["tags"])
		// Rendered by html/template (taglink chunks).
		b = append(b, a.TagLinks...)
		b = append(b, "</p>\n"...)
	}
	if a.Editor != "" {
		b = append(b, `<p class="editor">`...)
		b = appendEscaped(b, l["editor"])
		b = appendEscaped(b, a.Editor)
		b = append(b, "</p>\n"...)
	}
	b = append(b, "</article>\n"...)
	// Every value above escaped as html/template would have, or trusted as
	// it trusts them.
	return template.HTML(b)
}

// appendTime appends <time datetime="iso">text</time>.
func appendTime(b []byte, iso, text string) []byte {
	b = append(b, `<time datetime="`...)
	b = appendEscaped(b, iso)
	b = append(b, `">`...)
	b = appendEscaped(b, text)
	return append(b, "</time>"...)
}

// appendDated appends a retraction's or correction's heading after its
// <strong>, the label named kind and its time in brackets, then its note.
func appendDated(b []byte, l map[string]string, kind string, d dated) []byte {
	b = appendEscaped(b, l[kind])
	b = appendEscaped(b, l["open"])
	b = appendTime(b, d.ISO, d.Date)
	b = appendEscaped(b, l["close"])
	b = append(b, "</strong>"...)
	return appendEscaped(b, d.Note)
}

// appendFigure appends the lead image's <figure> and its newline.
func appendFigure(b []byte, f *figureView) []byte {
	b = append(b, "<figure class=\"lead\">\n<img src=\""...)
	b = appendURLAttr(b, f.Src)
	b = append(b, '"')
	if f.Srcset != "" {
		b = append(b, ` srcset="`...)
		b = appendSrcsetAttr(b, f.Srcset)
		b = append(b, `" sizes="`...)
		b = appendEscaped(b, f.Sizes)
		b = append(b, '"')
	}
	b = append(b, ` width="`...)
	b = strconv.AppendInt(b, int64(f.Width), 10)
	b = append(b, `" height="`...)
	b = strconv.AppendInt(b, int64(f.Height), 10)
	b = append(b, `" alt="`...)
	b = appendEscaped(b, f.Alt)
	b = append(b, "\">\n"...)
	if f.Caption != "" || f.Credit != "" {
		b = append(b, "<figcaption>"...)
		b = appendEscaped(b, f.Caption)
		if f.Credit != "" {
			b = append(b, ` <span class="credit">`...)
			b = appendEscaped(b, f.Credit)
			b = append(b, "</span>"...)
		}
		b = append(b, "</figcaption>\n"...)
	}
	return append(b, "</figure>\n"...)
}

// appendSrcsetAttr appends s as html/template writes a plain string as a
// quoted srcset value: its srcsetFilterAndEscaper takes each
// comma-separated candidate, and keeps one whose URL is safe (isSafeURL)
// and whose descriptors are only HTML spaces and ASCII letters and digits,
// the URL normalised; any other candidate becomes #ZgotmplZ. Its
// attrEscaper then has only the '&' and '+' of the URLs to escape
// (appendNormalizedURL).
func appendSrcsetAttr(b []byte, s string) []byte {
	left := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != ',' {
			continue
		}
		b = appendSrcsetCandidate(b, s[left:i])
		if i < len(s) {
			b = append(b, ',')
		}
		left = i + 1
	}
	return b
}

// appendSrcsetCandidate appends one candidate of a srcset, as
// html/template's filterSrcsetElement writes it.
func appendSrcsetCandidate(b []byte, c string) []byte {
	start := 0
	for start < len(c) && isHTMLSpace(c[start]) {
		start++
	}
	end := len(c)
	for i := start; i < len(c); i++ {
		if isHTMLSpace(c[i]) {
			end = i
			break
		}
	}
	if url := c[start:end]; isSafeURL(url) && onlySpaceOrAlnum(c[end:]) {
		b = append(b, c[:start]...)
		b = appendNormalizedURL(b, url)
		return append(b, c[end:]...)
	}
	return append(b, "#ZgotmplZ"...)
}

// isHTMLSpace reports whether c is ASCII whitespace as HTML reads it.
func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// onlySpaceOrAlnum reports whether s is HTML spaces and ASCII letters and
// digits only.
func onlySpaceOrAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isHTMLSpace(c) && !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// appendHead appends the head's title, description and robots tags of p,
// each followed by a newline, as layout.html wrote them with
//
//	<title>{{if .Title}}{{.Title}} - {{end}}{{.SiteName}}</title>
//	{{with .Description}}<meta name="description" content="{{.}}">
//	{{end}}{{with .Robots}}<meta name="robots" content="{{.}}">
//	{{end}}
//
// (the title is RCDATA, escaped by the same table as text).
func appendHead(b []byte, p *pageData) []byte {
	b = append(b, "<title>"...)
	if p.Title != "" {
		b = appendEscaped(b, p.Title)
		b = append(b, " - "...)
	}
	b = appendEscaped(b, p.SiteName)
	b = append(b, "</title>\n"...)
	if p.Description != "" {
		b = append(b, `<meta name="description" content="`...)
		b = appendEscaped(b, p.Description)
		b = append(b, "\">\n"...)
	}
	if p.Robots != "" {
		b = append(b, `<meta name="robots" content="`...)
		b = appendEscaped(b, p.Robots)
		b = append(b, "\">\n"...)
	}
	return b
}

// appendCanonical appends p's canonical link and its newline, as
// layout.html wrote it with
//
//	{{with .Canonical}}<link rel="canonical" href="{{.}}">
//	{{end}}
func appendCanonical(b []byte, p *pageData) []byte {
	if p.Canonical == "" {
		return b
	}
	b = append(b, `<link rel="canonical" href="`...)
	b = appendURLAttr(b, p.Canonical)
	return append(b, "\">\n"...)
}

// fillHead sets p's Head and CanonicalLink.
func fillHead(p *pageData) {
	b := appendHead(make([]byte, 0, 256+len(p.Title)+len(p.Description)), p)
	// Escaped above as html/template would have.
	p.Head = template.HTML(b)
	p.CanonicalLink = template.HTML(appendCanonical(nil, p))
}
