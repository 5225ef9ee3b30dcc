package search

import (
	"html"
	"strings"
	"unicode/utf8"
)

// Fragment is a piece of a snippet: matched text (Mark) or the text between.
// Text is plain; whoever writes it into HTML escapes it.
type Fragment struct {
	Text string
	Mark bool
}

// contextRunes is how much text a snippet shows before the first match.
const contextRunes = 40

// Snippet cuts up to maxRunes characters of text around the first match in
// spans, marking every match inside the window; without usable spans it is
// the start of the text. Spans that do not fall on character boundaries of
// text (the article changed since it was indexed) are ignored, so the
// result is always valid text, Chinese included.
func Snippet(text string, spans []Span, maxRunes int) []Fragment {
	spans = validSpans(text, spans)
	start := 0
	if len(spans) > 0 {
		start = spans[0].Start
		for n := 0; n < contextRunes && start > 0; n++ {
			_, size := utf8.DecodeLastRuneInString(text[:start])
			start -= size
		}
	}
	end := start
	for n := 0; n < maxRunes && end < len(text); n++ {
		_, size := utf8.DecodeRuneInString(text[end:])
		end += size
	}
	var out []Fragment
	if start > 0 {
		out = append(out, Fragment{Text: "…"})
	}
	pos := start
	for _, s := range spans {
		if s.End <= start || s.Start >= end {
			continue
		}
		s.Start, s.End = max(s.Start, start), min(s.End, end)
		if s.Start > pos {
			out = append(out, Fragment{Text: text[pos:s.Start]})
		}
		out = append(out, Fragment{Text: text[s.Start:s.End], Mark: true})
		pos = s.End
	}
	if pos < end {
		out = append(out, Fragment{Text: text[pos:end]})
	}
	if end < len(text) {
		out = append(out, Fragment{Text: "…"})
	}
	return merge(out)
}

// Highlight marks every match in a short text (a headline), whole.
func Highlight(text string, spans []Span) []Fragment {
	return Snippet(text, spans, utf8.RuneCountInString(text))
}

// merge joins neighbouring unmarked fragments.
func merge(fs []Fragment) []Fragment {
	var out []Fragment
	for _, f := range fs {
		if n := len(out); n > 0 && !f.Mark && !out[n-1].Mark {
			out[n-1].Text += f.Text
			continue
		}
		out = append(out, f)
	}
	return out
}

// validSpans keeps the spans that lie inside text on character boundaries,
// in order, without overlap.
func validSpans(text string, spans []Span) []Span {
	var out []Span
	last := 0
	for _, s := range mergeSpans(append([]Span(nil), spans...)) {
		if s.Start < last || s.End <= s.Start || s.End > len(text) ||
			!boundary(text, s.Start) || !boundary(text, s.End) {
			continue
		}
		out = append(out, s)
		last = s.End
	}
	return out
}

func boundary(s string, i int) bool {
	return i == len(s) || utf8.RuneStart(s[i])
}

// FragmentsHTML writes fragments as HTML: text escaped, matches in <mark>.
func FragmentsHTML(fs []Fragment) string {
	var b strings.Builder
	for _, f := range fs {
		if f.Mark {
			b.WriteString("<mark>" + html.EscapeString(f.Text) + "</mark>")
		} else {
			b.WriteString(html.EscapeString(f.Text))
		}
	}
	return b.String()
}

// FragmentsText is the fragments' plain text.
func FragmentsText(fs []Fragment) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Text)
	}
	return b.String()
}
