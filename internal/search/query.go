package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Bounds on what a reader's query may ask for. Longer input is cut, never
// refused, so any query gets a calm answer in bounded time.
const (
	// MaxQueryBytes is how much of the raw query is read.
	MaxQueryBytes = 1024
	// maxClauses is how many words and phrases count, exclusions included.
	maxClauses = 12
	// maxClauseRunes bounds one word or phrase.
	maxClauseRunes = 64
)

// Clause is one word or quoted phrase of a query, folded and lower-cased.
type Clause struct {
	Text string
	// Phrase is set for quoted text: its words must appear together, in
	// order.
	Phrase bool
}

// Query is a reader's query parsed: what must match and what must not.
// Operators are only quotes (phrases) and a leading minus (exclusion);
// everything else is words.
type Query struct {
	Must []Clause
	Not  []Clause
}

// Empty reports whether the query has nothing to look for. A query of
// exclusions only is empty too: it would list the whole site.
func (q Query) Empty() bool { return len(q.Must) == 0 }

// String is the query in its normal form, as a reader could type it again.
func (q Query) String() string {
	var parts []string
	add := func(c Clause, neg bool) {
		s := c.Text
		if c.Phrase {
			s = `"` + s + `"`
		}
		if neg {
			s = "-" + s
		}
		parts = append(parts, s)
	}
	for _, c := range q.Must {
		add(c, false)
	}
	for _, c := range q.Not {
		add(c, true)
	}
	return strings.Join(parts, " ")
}

// quotes open and close phrases: ASCII and the Chinese quotation marks.
var quotes = map[rune]rune{'"': '"', '“': '”', '”': '”', '「': '」', '『': '』', '＂': '＂'}

// Parse reads a reader's query. It never fails: invalid UTF-8 and control
// characters become spaces, input past MaxQueryBytes is ignored, words with
// no letter or digit (a lone *, +, &&) are dropped, and at most a dozen
// clauses are kept.
func Parse(raw string) Query {
	if len(raw) > MaxQueryBytes {
		raw = raw[:MaxQueryBytes]
	}
	raw = strings.ToValidUTF8(raw, " ")
	raw = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Cs, r) || !unicode.IsPrint(r) && !unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, raw)
	raw = strings.ToLower(Fold(raw))

	var q Query
	rs := []rune(raw)
	for i := 0; i < len(rs) && len(q.Must)+len(q.Not) < maxClauses; {
		r := rs[i]
		if unicode.IsSpace(r) {
			i++
			continue
		}
		neg := false
		if r == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) {
			neg = true
			i++
			r = rs[i]
		}
		var c Clause
		if closer, ok := quotes[r]; ok {
			j := i + 1
			for j < len(rs) && rs[j] != closer && rs[j] != '"' {
				j++
			}
			c = Clause{Text: cleanClause(rs[i+1 : j]), Phrase: true}
			i = j + 1
		} else {
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) {
				if _, ok := quotes[rs[j]]; ok && j > i {
					break
				}
				j++
			}
			c = Clause{Text: cleanClause(rs[i:j])}
			i = j
		}
		if c.Text == "" {
			continue
		}
		// A phrase of one word is that word.
		if c.Phrase && !strings.ContainsFunc(c.Text, unicode.IsSpace) && !hasHan(c.Text) {
			c.Phrase = false
		}
		if neg {
			q.Not = append(q.Not, c)
		} else {
			q.Must = append(q.Must, c)
		}
	}
	return q
}

// cleanClause trims a word or phrase to its letters and digits at both ends,
// collapses inner space and bounds its length; "" when nothing is left.
func cleanClause(rs []rune) string {
	if len(rs) > maxClauseRunes {
		rs = rs[:maxClauseRunes]
	}
	s := strings.Join(strings.Fields(string(rs)), " ")
	s = strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	return s
}

// hasHan reports whether s holds Chinese characters.
func hasHan(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
}
