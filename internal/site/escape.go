package site

// appendEscaped appends s to b as html/template writes a string in HTML
// text, RCDATA (<title>) or a quoted attribute value whose type is plain
// text or unknown to it (content, name, property, alt, title, datetime,
// sizes...): its htmlEscaper, rcdataEscaper and attrEscaper share one
// table, which replaces NUL with U+FFFD and writes ", &, ', +, < and > as
// &#34; &amp; &#39; &#43; &lt; &gt;, and passes every other byte through,
// invalid UTF-8 included. html/template decodes runes, but every rune it
// replaces is ASCII and no ASCII byte is part of another rune, so working
// on bytes gives its bytes. The parts of pages written in Go (listing
// rows, the article's content block, head and share tags) use it so a
// page is byte for byte what the template made of the same values.
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
// appendEscaped.
var htmlEscapes = [256]string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}
