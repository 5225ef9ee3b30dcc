package site

import "strings"

// escapeAttr writes s to b as html/template writes a string in a quoted
// attribute value whose type is plain text or unknown to it (content,
// name, property, alt, title...): its attrEscaper, which replaces NUL
// with U+FFFD and writes ", &, ', +, < and > as &#34; &amp; &#39; &#43;
// &lt; &gt;, and passes every other byte through, invalid UTF-8 included.
// html/template decodes runes, but every rune it replaces is ASCII and no
// ASCII byte is part of another rune, so working on bytes gives its bytes.
// Go code that renders part of a page in advance (share tags) uses it so
// the page is byte for byte what the template made of the same values.
func escapeAttr(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		if r := htmlEscapes[s[i]]; r != "" {
			b.WriteString(s[last:i])
			b.WriteString(r)
			last = i + 1
		}
	}
	b.WriteString(s[last:])
}

// appendEscaped is escapeAttr appending to b; the same escaping serves
// HTML text (html/template's htmlEscaper uses the same table), so listing
// rows (rows.go) use it for both.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		if r := htmlEscapes[s[i]]; r != "" {
			b = append(b, s[last:i]...)
			b = append(b, r...)
			last = i + 1
		}
	}
	return append(b, s[last:]...)
}

// htmlEscapes is html/template's htmlReplacementTable by byte, for
// escapeAttr and appendEscaped.
var htmlEscapes = [256]string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}
