package search_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"newsdesk/internal/search"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in, want string // want is Query.String()
	}{
		{"", ""},
		{"   ", ""},
		{"Energy", "energy"},
		{"wind  power", "wind power"},
		{`"wind power" grid`, `"wind power" grid`},
		{`-coal wind`, "wind -coal"},
		{`wind -"coal power"`, `wind -"coal power"`},
		{`"single"`, "single"},
		{`“风电 装机”`, `"风电 装机"`},
		{`「能源局」`, `"能源局"`},
		{"能源", "能源"},
		{"ＧＤＰ　增长", "gdp 增长"}, // full-width letters and ideographic space
		{"*", ""},
		{"* + - && || !", ""},
		{`""`, ""},
		{`"unterminated phrase`, `"unterminated phrase"`},
		{"-", ""},
		{"-only", " -only"},
		{"a\x00b\x1fc", "a b c"},
		{"bad\xffutf8", "bad utf8"},
		{"lone \xed\xa0\x80 surrogate", "lone surrogate"},
		{"covid-19", "covid-19"},
		{"(wind)", "wind"},
		{"wind\"power", "wind power"},
	}
	for _, c := range cases {
		got := search.Parse(c.in).String()
		if strings.TrimSpace(got) != strings.TrimSpace(c.want) {
			t.Errorf("Parse(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if q := search.Parse("-only"); !q.Empty() {
		t.Errorf("a query of exclusions only must be empty: %+v", q)
	}
}

func TestParseBounds(t *testing.T) {
	long := strings.Repeat("word ", 5000) // 25 kB
	q := search.Parse(long)
	if n := len(q.Must) + len(q.Not); n > 12 {
		t.Errorf("%d clauses kept from a 25 kB query", n)
	}
	one := search.Parse(strings.Repeat("能", 10000))
	if len(one.Must) != 1 || utf8.RuneCountInString(one.Must[0].Text) > 64 {
		t.Errorf("a 10,000-character word: %d clauses, first %d characters", len(one.Must), utf8.RuneCountInString(one.Must[0].Text))
	}
}

// FuzzParseQuery: any input parses without panic into a bounded query of
// valid, printable text.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"", "wind power", `"wind power" -coal`, "能源 风电", "ｉＰｈｏｎｅ", "*", `"`, `-"`, "--x", "\xff\xfe",
		"\xed\xa0\x80", "a\x00b", strings.Repeat("x", 2000), `“a” 「b」 『c』 ＂d＂`, "-\"\" - * ?"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := search.Parse(s)
		if n := len(q.Must) + len(q.Not); n > 12 {
			t.Fatalf("%d clauses", n)
		}
		for _, c := range append(q.Must, q.Not...) {
			if c.Text == "" || !utf8.ValidString(c.Text) || utf8.RuneCountInString(c.Text) > 64 {
				t.Fatalf("bad clause %q", c.Text)
			}
			for _, r := range c.Text {
				if r < 0x20 || r == 0x7f || r == utf8.RuneError {
					t.Fatalf("clause %q holds %U", c.Text, r)
				}
			}
		}
		if len(q.String()) > 12*(64*4+3) {
			t.Fatalf("normal form of %d bytes", len(q.String()))
		}
	})
}

func TestSnippet(t *testing.T) {
	text := "国家能源局发布数据，风电装机容量同比增长。"
	i := strings.Index(text, "能源")
	frags := search.Snippet(text, []search.Span{{i, i + len("能源")}}, 100)
	if got := search.FragmentsHTML(frags); got != "国家<mark>能源</mark>局发布数据，风电装机容量同比增长。" {
		t.Errorf("snippet = %s", got)
	}
	// Offsets inside a character (a stale index) are ignored, never cut
	// a character in half.
	frags = search.Snippet(text, []search.Span{{i + 1, i + 4}}, 5)
	if got := search.FragmentsText(frags); !utf8.ValidString(got) || got != "国家能源局…" {
		t.Errorf("snippet = %q", got)
	}
	// Markup in the text is escaped.
	html := search.FragmentsHTML(search.Snippet("<script>x</script> wind", []search.Span{{19, 23}}, 100))
	if html != "&lt;script&gt;x&lt;/script&gt; <mark>wind</mark>" {
		t.Errorf("html = %s", html)
	}
	// A long text is cut around the match with ellipses.
	long := strings.Repeat("a ", 200) + "wind" + strings.Repeat(" b", 200)
	at := strings.Index(long, "wind")
	got := search.FragmentsHTML(search.Snippet(long, []search.Span{{at, at + 4}}, 100))
	if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") || !strings.Contains(got, "<mark>wind</mark>") {
		t.Errorf("long snippet = %s", got)
	}
}
