package site

import (
	"html/template"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/news"
)

// rowTemplate is the listing row as listing.html ranged over it before
// rows were written in Go (home.html's leads still are): appendRow must
// write what html/template makes of it, byte for byte.
var rowTemplate = template.Must(template.New("row").Parse(
	`<li{{if .Pinned}} class="pinned"{{end}}><a href="{{.URL}}">{{.Headline}}</a> <time datetime="{{.ISO}}">{{.Date}}</time>{{with .Summary}}<p>{{.}}</p>{{end}}</li>` + "\n"))

// templateRow is it rendered by rowTemplate.
func templateRow(t testing.TB, it articleItem) string {
	var b strings.Builder
	if err := rowTemplate.Execute(&b, it); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// checkRow fails when appendRow and html/template write it differently.
func checkRow(t testing.TB, it articleItem) {
	t.Helper()
	want := templateRow(t, it)
	if got := string(appendRow(nil, it)); got != want {
		t.Errorf("row of %#v:\n got %q\nwant %q", it, got, want)
	}
}

// hostileStrings are what escaping must get right: the characters it
// replaces, bytes that are not UTF-8, runes some escapers treat apart,
// URLs with schemes safe and not, and percent signs that start an escape
// or do not.
var hostileStrings = []string{
	"", " ", "plain", "\x00", "a\x00b", `"`, "'", "&", "&amp;", "<", ">", "+", "`", "=",
	`<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, `' onmouseover='x`,
	"\xff", "\xc0\x80", "\xe4\xb8", "a\xffb\xfe", "\xef\xbf\xbd", "\ufffd", "\ufdd0", "\ufdef", "\ufff0", "\uffff", "\U0001F600",
	"新闻 电网 与 <标签>", "\u202e\u2066", "\t\n\r\f\v",
	"/en/news/2026/03/01/slug/", "/zh/新闻/2026/03/01/电网/", "/a b/?q=1&r=2+3#frag", "//evil.example/",
	"http://x.example/", "HTTPS://x.example/", "mailto:a@b", "MailTo:a@b", "javascript:alert(1)", "JavaScript:alert(1)",
	" javascript:x", "java\tscript:x", "data:text/html,<b>", "vbscript:x", ":x", "a:b", "/a:b", "a/b:c", "?a:b", "#a:b",
	"httpſ://x", "\u212Aelvin:x", "http:", "https", "%", "%4", "%41", "%zz", "%%41", "a%4", "a%41", "%4G", "100%",
	"!#$&*+,/:;=?@[]-._~", "()'\"<>\\^{|}", "2026-03-01T08:00:00+08:00", "2026-03-01",
}

// TestRowMatchesTemplate: rows written in Go are html/template's, for
// hostile strings in every field (the repository's XSS lists and Big List
// of Naughty Strings among them), pinned or not, and for rows made from
// articles as listings make them.
func TestRowMatchesTemplate(t *testing.T) {
	inputs := append(append([]string{}, hostileStrings...), hostileTexts(t)...)
	for i, s := range inputs {
		other := inputs[(i*7+3)%len(inputs)]
		for _, it := range []articleItem{
			{Headline: s, URL: s, Summary: s, ISO: s, Date: s},
			{Headline: other, URL: "/en/news/" + s + "/", Summary: s, ISO: other, Date: s, Pinned: true},
			{Headline: s, URL: other, ISO: "2026-03-01T08:00:00Z", Date: other},
		} {
			checkRow(t, it)
		}
	}
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		loc = time.FixedZone("CST", 8*3600)
	}
	for i, s := range inputs[:min(len(inputs), 200)] {
		a := news.Article{Language: "zh", ChannelPath: "news/电网", Slug: "s-" + s, Headline: s, Summary: s,
			ReleaseAt: time.Date(2026, 3, 1+i%28, i%24, i%60, 0, 0, time.UTC)}
		for _, pinned := range []bool{false, true} {
			it := item(a, loc)
			it.Pinned = pinned
			want := templateRow(t, it)
			if got := string(listingRows(loc, nil, []news.Article{a})); !pinned && got != want {
				t.Errorf("listingRows of %q:\n got %q\nwant %q", s, got, want)
			}
			if got := string(listingRows(loc, []news.Article{a}, nil)); pinned && got != want {
				t.Errorf("listingRows of pinned %q:\n got %q\nwant %q", s, got, want)
			}
		}
	}
}

// FuzzRow: appendRow writes what html/template writes, whatever the fields.
func FuzzRow(f *testing.F) {
	for i, s := range hostileStrings {
		f.Add(s, s, s, "2026-03-01T08:00:00+08:00", "2026-03-01", i%2 == 0)
		f.Add("Headline", s, "", s, s, false)
	}
	f.Fuzz(func(t *testing.T, headline, url, summary, iso, date string, pinned bool) {
		checkRow(t, articleItem{Headline: headline, URL: url, Summary: summary, ISO: iso, Date: date, Pinned: pinned})
	})
}

// TestEscapersDenseAlphabet: appendURLAttr, appendSrcsetAttr and
// appendEscaped write what html/template writes in an href, a srcset, a
// plain attribute, text and sizes, for short strings drawn from an
// alphabet dense in what their branches turn on (scheme letters and
// colons, slashes, percent signs and hex digits, commas and HTML spaces,
// descriptors, bytes not UTF-8, the characters escaped): combinations a
// fuzzer seeded with whole payloads reaches slowly. The draw is seeded, so
// a failure repeats.
func TestEscapersDenseAlphabet(t *testing.T) {
	tm := template.Must(template.New("").Parse(`<a href="{{.}}">|<img srcset="{{.}}">|<p title="{{.}}">{{.}}</p>|<img sizes="{{.}}">`))
	alphabet := []string{"j", "a", "v", "s", "c", "r", "i", "p", "t", "J", "S", "h", "m", "l", "o", ":", "/", "%", "4", "1", "f", "G",
		"&", "+", ",", " ", "\t", "\n", "\f", "\r", "\v", "\x00", "\xff", "\u2028", "\ufdd0", "'", `"`, "<", ">", "x", "w", "1x",
		"data:", "mailto:", "https:", "#", "?", "=", "(", ")", `\`, "é", "\u00a0"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 60000 {
		var sb strings.Builder
		for k := r.IntN(12); k >= 0; k-- {
			sb.WriteString(alphabet[r.IntN(len(alphabet))])
		}
		s := sb.String()
		var want strings.Builder
		if err := tm.Execute(&want, s); err != nil {
			t.Fatal(err)
		}
		e := string(appendEscaped(nil, s))
		got := `<a href="` + string(appendURLAttr(nil, s)) + `">|<img srcset="` + string(appendSrcsetAttr(nil, s)) +
			`">|<p title="` + e + `">` + e + `</p>|<img sizes="` + e + `">`
		if got != want.String() {
			t.Fatalf("%q:\n got %q\nwant %q", s, got, want.String())
		}
	}
}
