// Package markup makes article HTML safe to show and derives plain text from
// it. Body HTML arrives from imports, feeds and editors, none of which can be
// trusted; everything that reaches a reader's browser as markup passes through
// a Sanitizer first, and everything shown as text (excerpts, meta descriptions,
// search snippets) comes from PlainText or Excerpt.
package markup

import (
	"regexp"
	"strings"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/microcosm-cc/bluemonday"
)

// Sanitizer cleans article body HTML down to the small set of tags and
// attributes Newsdesk publishes, so that copy from any source can be shown to
// readers without letting it run script, restyle the page or load content
// through dangerous URLs. Build it once with NewSanitizer and share it: it is
// safe for concurrent use.
type Sanitizer struct {
	policy *bluemonday.Policy
}

// Attribute value patterns: table spans and image sizes are small numbers, so
// nothing else can ride in on them.
var (
	integer         = regexp.MustCompile(`^[0-9]{1,4}$`)
	numberOrPercent = regexp.MustCompile(`^[0-9]{1,5}%?$`)
)

// NewSanitizer builds the article body policy. Building it is comparatively
// expensive, which is why callers keep one Sanitizer rather than one per call.
func NewSanitizer() *Sanitizer {
	p := bluemonday.NewPolicy()

	p.AllowElements(
		"p", "br", "hr",
		"h1", "h2", "h3", "h4", "h5", "h6",
		"strong", "b", "em", "i", "u", "s", "sub", "sup",
		"blockquote", "ul", "ol", "li",
		"figure", "figcaption",
		"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
		"pre", "code",
		// Word and WPS paste wraps text in div and span; keeping them (without
		// attributes) keeps the breaks between blocks.
		"div", "span", "q", "cite", "abbr", "small", "mark", "del", "ins",
	)

	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)

	p.AllowAttrs("href").OnElements("a")
	p.RequireNoFollowOnFullyQualifiedLinks(true)
	p.RequireNoReferrerOnFullyQualifiedLinks(true)

	p.AllowAttrs("src", "alt").OnElements("img")
	p.AllowAttrs("width", "height").Matching(numberOrPercent).OnElements("img")

	p.AllowAttrs("colspan", "rowspan").Matching(integer).OnElements("th", "td")

	// Content of these is never text a reader should see, even when the tag
	// itself is dropped.
	p.SkipElementsContent("script", "style", "template", "textarea", "select", "svg", "math")

	return &Sanitizer{policy: p}
}

// Sanitize returns html reduced to the tags and attributes allowed in an
// article body, with top-level headings demoted to h2 because the page
// template owns the single h1 (the headline). Its output is stable: cleaning
// it again returns it unchanged.
func (s *Sanitizer) Sanitize(html string) string {
	out := s.policy.Sanitize(html)
	// The policy allows h1 only with no attributes and escapes every "<" in
	// text and attribute values, so these strings can only be h1 tags.
	if strings.Contains(out, "<h1>") || strings.Contains(out, "</h1>") {
		out = strings.NewReplacer("<h1>", "<h2>", "</h1>", "</h2>").Replace(out)
	}
	return balance(out)
}

// balance re-serialises sanitized HTML as a parsed fragment, so every
// element it opens is closed inside it and a stray end tag (a "</div>") can
// never close the page's own markup around the article body.
func balance(fragment string) string {
	if !strings.Contains(fragment, "<") {
		return fragment
	}
	ctx := &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := xhtml.ParseFragment(strings.NewReader(fragment), ctx)
	if err != nil {
		return xhtml.EscapeString(fragment)
	}
	var b strings.Builder
	for _, n := range nodes {
		if err := xhtml.Render(&b, n); err != nil {
			return xhtml.EscapeString(fragment)
		}
	}
	// Render writes void elements XHTML-style (<br/>); text and attribute
	// values have every ">" escaped, so "/>" can only end such a tag.
	return strings.ReplaceAll(b.String(), "/>", ">")
}
