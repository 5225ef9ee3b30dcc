package markup

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Ellipsis ends an excerpt that was cut short, so readers can tell the text
// goes on.
const Ellipsis = "…"

// hiddenContent are the elements whose content is never text a reader sees.
var hiddenContent = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Template: true, atom.Noscript: true,
	atom.Textarea: true, atom.Title: true, atom.Head: true, atom.Iframe: true,
	atom.Object: true, atom.Svg: true, atom.Math: true, atom.Select: true,
	atom.Noembed: true, atom.Noframes: true,
}

// inline are the elements that do not separate words: text on both sides of
// them runs together. Every other tag is treated as a break, so that
// "<p>one</p><p>two</p>" reads "one two" rather than "onetwo".
var inline = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Bdi: true, atom.Bdo: true,
	atom.Cite: true, atom.Code: true, atom.Data: true, atom.Dfn: true, atom.Em: true,
	atom.Font: true, atom.I: true, atom.Kbd: true, atom.Mark: true, atom.Q: true,
	atom.Rp: true, atom.Rt: true, atom.Ruby: true, atom.S: true, atom.Samp: true,
	atom.Small: true, atom.Span: true, atom.Strike: true, atom.Strong: true,
	atom.Sub: true, atom.Sup: true, atom.Time: true, atom.Tt: true, atom.U: true,
	atom.Var: true, atom.Wbr: true, atom.Del: true, atom.Ins: true,
}

// PlainText returns the text a reader would see in html, with entities decoded
// and every run of whitespace (including the breaks between paragraphs)
// collapsed to one space. It is the source for excerpts, meta descriptions and
// search indexing, where markup is noise. It accepts any input, well-formed or
// not (invalid UTF-8 becomes U+FFFD), and never returns markup: the result must
// still be escaped when written into HTML.
func PlainText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if !strings.ContainsAny(s, "<&") {
		return strings.Join(strings.Fields(s), " ")
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	hidden := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			if hidden == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if hiddenContent[a] {
				hidden++
			} else if !inline[a] {
				b.WriteByte(' ')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if hiddenContent[a] {
				if hidden > 0 {
					hidden--
				}
			} else if !inline[a] {
				b.WriteByte(' ')
			}
		case html.SelfClosingTagToken:
			name, _ := z.TagName()
			if a := atom.Lookup(name); !inline[a] && !hiddenContent[a] {
				b.WriteByte(' ')
			}
		}
	}
}

// Excerpt returns at most maxRunes runes of the plain text of html, for teasers
// and meta descriptions. Text that fits is returned whole; longer text is cut
// at the last word break that keeps most of the budget, or between two
// characters of a script written without spaces (Chinese, Japanese), and ends
// with Ellipsis, which counts towards maxRunes. A maxRunes below 1 yields "".
func Excerpt(html string, maxRunes int) string {
	if maxRunes < 1 {
		return ""
	}
	text := PlainText(html)
	if utf8.RuneCountInString(text) <= maxRunes {
		return text
	}
	r := []rune(text)
	limit := maxRunes - 1 // leave room for the ellipsis
	cut := limit
	// Look back for a break, but not so far that the excerpt shrinks to
	// nothing on one very long word or URL.
	for i := limit; i > limit/2; i-- {
		if breakBetween(r[i-1], r[i]) {
			cut = i
			break
		}
	}
	// Never split a base character from the marks that follow it.
	for cut > 0 && unicode.Is(unicode.Mn, r[cut]) {
		cut--
	}
	head := strings.TrimRightFunc(string(r[:cut]), func(c rune) bool {
		return unicode.IsSpace(c) || strings.ContainsRune(",;:，；：、-–—", c)
	})
	return head + Ellipsis
}

// breakBetween reports whether text may be cut between a and b without
// splitting a word.
func breakBetween(a, b rune) bool {
	if unicode.IsSpace(a) || unicode.IsSpace(b) {
		return true
	}
	// Scripts without spaces may be cut between any two characters, but not
	// inside brackets or quotes that would be left open or closed alone. A cut
	// before other punctuation drops it in favour of the ellipsis.
	if unspaced(a) || unspaced(b) {
		return !unicode.In(b, unicode.Pe, unicode.Pf) && !unicode.In(a, unicode.Ps, unicode.Pi)
	}
	return false
}

// unspaced reports whether r belongs to a script written without spaces
// between words, or is punctuation of such a script.
func unspaced(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao, unicode.Khmer, unicode.Myanmar) ||
		(r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFF65)
}
