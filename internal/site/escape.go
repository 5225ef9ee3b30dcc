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
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(repl)
		last = i + 1
	}
	b.WriteString(s[last:])
}
