package feed

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// This file keeps the encoding/xml sitemap writer that AppendSitemap and
// AppendSitemapIndex replaced, as the oracle they must match byte for
// byte, error for error.

type urlSet struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	NSNews  string       `xml:"xmlns:news,attr,omitempty"`
	URLs    []urlElement `xml:"url"`
}

type urlElement struct {
	Loc     string       `xml:"loc"`
	LastMod string       `xml:"lastmod,omitempty"`
	News    *newsElement `xml:"news:news,omitempty"`
}

type newsElement struct {
	Publication struct {
		Name     string `xml:"news:name"`
		Language string `xml:"news:language"`
	} `xml:"news:publication"`
	Date  string `xml:"news:publication_date"`
	Title string `xml:"news:title"`
}

type sitemapIndex struct {
	XMLName  xml.Name       `xml:"sitemapindex"`
	NS       string         `xml:"xmlns,attr"`
	Sitemaps []sitemapEntry `xml:"sitemap"`
}

type sitemapEntry struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

func w3cDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(sitemapDateFn)
}

// writeSitemapXML is WriteSitemap as it was, through encoding/xml.
func writeSitemapXML(w io.Writer, urls []SitemapURL) error {
	if len(urls) > SitemapMaxURLs {
		return fmt.Errorf("sitemap: %d URLs, more than the %d one file may hold", len(urls), SitemapMaxURLs)
	}
	set := urlSet{NS: NSSitemap, URLs: make([]urlElement, 0, len(urls))}
	for _, u := range urls {
		if len(u.Loc) > SitemapMaxURLLength {
			return fmt.Errorf("sitemap: URL of %d bytes, longer than %d: %.80s...", len(u.Loc), SitemapMaxURLLength, u.Loc)
		}
		e := urlElement{Loc: u.Loc, LastMod: w3cDate(u.LastModified)}
		if n := u.News; n != nil {
			set.NSNews = NSGoogleNews
			e.News = &newsElement{Date: w3cDate(n.Published), Title: n.Title}
			e.News.Publication.Name, e.News.Publication.Language = n.Publication, n.Language
		}
		set.URLs = append(set.URLs, e)
	}
	return writeLimitedXML(w, set, "sitemap")
}

// writeSitemapIndexXML is WriteSitemapIndex as it was.
func writeSitemapIndexXML(w io.Writer, refs []SitemapRef) error {
	if len(refs) > SitemapMaxURLs {
		return fmt.Errorf("sitemap index: %d sitemaps, more than %d", len(refs), SitemapMaxURLs)
	}
	idx := sitemapIndex{NS: NSSitemap, Sitemaps: make([]sitemapEntry, 0, len(refs))}
	for _, r := range refs {
		idx.Sitemaps = append(idx.Sitemaps, sitemapEntry{Loc: r.Loc, LastMod: w3cDate(r.LastModified)})
	}
	return writeLimitedXML(w, idx, "sitemap index")
}

func writeLimitedXML(w io.Writer, v any, what string) error {
	var b bytes.Buffer
	if err := writeXML(&b, v, what); err != nil {
		return err
	}
	if b.Len() > SitemapMaxBytes {
		return fmt.Errorf("%s: %d bytes, more than the %d allowed", what, b.Len(), SitemapMaxBytes)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// errText is an error's message, "" for none.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// sameSitemap fails t unless the hand-written and the encoding/xml
// writers give the same bytes (or the same error) for urls; it also
// checks that AppendSitemap leaves a non-empty dst's bytes in front. It
// returns the error both gave.
func sameSitemap(t testing.TB, name string, urls []SitemapURL) error {
	t.Helper()
	return sameOutput(t, name,
		func(w *bytes.Buffer) error { return writeSitemapXML(w, urls) },
		func(w *bytes.Buffer) error { return WriteSitemap(w, urls) },
		func(dst []byte) ([]byte, error) { return AppendSitemap(dst, urls) })
}

// sameIndex is sameSitemap for sitemap indexes.
func sameIndex(t testing.TB, name string, refs []SitemapRef) error {
	t.Helper()
	return sameOutput(t, name,
		func(w *bytes.Buffer) error { return writeSitemapIndexXML(w, refs) },
		func(w *bytes.Buffer) error { return WriteSitemapIndex(w, refs) },
		func(dst []byte) ([]byte, error) { return AppendSitemapIndex(dst, refs) })
}

// sameOutput holds a writer and its appender to the encoding/xml oracle.
func sameOutput(t testing.TB, name string, oracle, write func(*bytes.Buffer) error, appendTo func([]byte) ([]byte, error)) error {
	t.Helper()
	var want, got bytes.Buffer
	wantErr, gotErr := oracle(&want), write(&got)
	if errText(wantErr) != errText(gotErr) {
		t.Fatalf("%s: error %q, encoding/xml %q", name, errText(gotErr), errText(wantErr))
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Fatalf("%s: differs from encoding/xml at byte %d\n got: %q\nwant: %q", name, firstDiff(got.Bytes(), want.Bytes()), got.Bytes(), want.Bytes())
	}
	prefixed, err := appendTo([]byte("prefix"))
	if errText(err) != errText(wantErr) || string(prefixed) != "prefix"+want.String() {
		t.Fatalf("%s: appending after a prefix: %q, %v", name, prefixed, err)
	}
	return gotErr
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// hostileStrings is every line of every file under testdata/hostile, as
// it is (a trailing carriage return kept), in a stable order.
func hostileStrings(t testing.TB) []string {
	t.Helper()
	var lines []string
	err := filepath.WalkDir(filepath.Join("..", "..", "testdata", "hostile"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		lines = append(lines, strings.Split(string(data), "\n")...)
		return nil
	})
	if err != nil {
		t.Fatalf("read testdata/hostile: %v", err)
	}
	if len(lines) < 500 {
		t.Fatalf("only %d hostile lines: is testdata/hostile there?", len(lines))
	}
	return lines
}

// trickyStrings are the values escaping gets wrong most easily.
func trickyStrings() []string {
	var ascii, controls strings.Builder
	for c := range 128 {
		ascii.WriteByte(byte(c))
		if c < 0x20 || c == 0x7f {
			controls.WriteByte(byte(c))
		}
	}
	return []string{
		"", " ", "a", "\x00", "a\x00b", "\x01\x08\x0b\x0c\x1f", "\t", "\n", "\r", "\r\n", " \t\n\r ",
		ascii.String(), controls.String(), "\x7f",
		`"`, "'", "&", "<", ">", `<a href="x">'&amp;'</a>`, "&#34;", "&lt;", "]]>", "<![CDATA[x]]>", "]]]]><![CDATA[>",
		"\xff", "\xfe", "\xc3", "a\xc3(b", "\xc0\xaf", "\xe0\x80\xaf", "\xf8\x88\x80\x80\x80", "\x80", "abc\xe2\x82", "\xf0\x9f\x98",
		"\xed\xa0\x80", "\xed\xbf\xbf", "\xed\xa0\xbd\xed\xb8\x80", // surrogates, alone and paired (CESU-8)
		"\ud7ff", "\ue000", "\ufffd", "\ufffe", "\uffff", "\xef\xbf\xbe", "\U00010000", "\U0010ffff", "\xf4\x90\x80\x80",
		"\u0085", "\u2028", "\u2029", "\ufeff", "\u200b\u200e\u202e", "e\u0301", "😀👨‍👩‍👧", "新闻 中文", "عربى",
		strings.Repeat("a", SitemapMaxURLLength), strings.Repeat("&", SitemapMaxURLLength), strings.Repeat("é", SitemapMaxURLLength/2),
		strings.Repeat("x<\xff\u2028", 25_000), strings.Repeat("长", 40_000),
	}
}

// trickyTimes are zero and non-zero times in various zones.
func trickyTimes() []time.Time {
	at := time.Date(2026, 11, 29, 18, 4, 5, 123456789, time.UTC)
	var zero time.Time
	times := []time.Time{
		zero, zero.In(time.FixedZone("CST", 8*3600)), zero.In(time.FixedZone("", -3600)), time.Unix(0, 0).UTC(), time.Unix(0, 0),
		at, at.Local(), zero.Add(1), time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for _, off := range []int{8 * 3600, -3*3600 - 1800, 5*3600 + 2700, 3601, -59, 14 * 3600, -12 * 3600, 99*3600 + 3599} {
		times = append(times, at.In(time.FixedZone("Z", off)))
	}
	if ny, err := time.LoadLocation("America/New_York"); err == nil {
		times = append(times, at.In(ny), time.Date(2026, 3, 8, 2, 30, 0, 0, ny))
	}
	return times
}

// TestSitemapMatchesXML: for hostile and tricky text and times the
// hand-written writers give exactly encoding/xml's bytes and errors.
func TestSitemapMatchesXML(t *testing.T) {
	texts := append(trickyStrings(), hostileStrings(t)...)
	times := trickyTimes()
	var all []SitemapURL
	var refs []SitemapRef
	for i, s := range texts {
		mod, pub := times[i%len(times)], times[(i*7+3)%len(times)]
		loc := s
		if len(loc) > SitemapMaxURLLength {
			loc = loc[:SitemapMaxURLLength]
		}
		plain := SitemapURL{Loc: loc, LastModified: mod}
		withNews := SitemapURL{Loc: loc, LastModified: mod, News: &NewsEntry{Publication: s, Language: s, Published: pub, Title: s}}
		name := fmt.Sprintf("text %d %.40q", i, s)
		sameSitemap(t, name+" plain", []SitemapURL{plain})
		sameSitemap(t, name+" news", []SitemapURL{withNews})
		sameSitemap(t, name+" mixed", []SitemapURL{plain, withNews, plain})
		sameIndex(t, name, []SitemapRef{{Loc: s, LastModified: mod}, {Loc: s}})
		all = append(all, plain, withNews)
		refs = append(refs, SitemapRef{Loc: s, LastModified: pub})
	}
	sameSitemap(t, "every text", all)
	sameIndex(t, "every text", refs)

	for i, at := range times {
		for j, at2 := range times {
			name := fmt.Sprintf("times %d %d (%v, %v)", i, j, at, at2)
			sameSitemap(t, name, []SitemapURL{{Loc: "https://x.example/a/", LastModified: at,
				News: &NewsEntry{Publication: "X", Language: "en", Published: at2, Title: "T"}}})
			sameIndex(t, name, []SitemapRef{{Loc: "https://x.example/s.xml", LastModified: at}})
		}
	}

	sameSitemap(t, "nil", nil)
	sameSitemap(t, "empty", []SitemapURL{})
	sameIndex(t, "nil", nil)
	sameSitemap(t, "empty news", []SitemapURL{{News: &NewsEntry{}}})
	sameSitemap(t, "news last", []SitemapURL{{Loc: "a"}, {Loc: "b"}, {Loc: "c", News: &NewsEntry{Title: "t"}}})
	sameSitemap(t, "URL too long", []SitemapURL{{Loc: "ok"}, {Loc: strings.Repeat("\xff<", SitemapMaxURLLength)}, {Loc: strings.Repeat("b", SitemapMaxURLLength+1)}})
	sameSitemap(t, "URL one byte too long", []SitemapURL{{Loc: strings.Repeat("b", SitemapMaxURLLength+1)}})
	// The index does not limit its locs' length.
	sameIndex(t, "long index loc", []SitemapRef{{Loc: strings.Repeat("b", 3*SitemapMaxURLLength)}})
}

// TestSitemapLimitsMatchXML: past the limits both writers give the same
// errors (these are large, so not in -short runs).
func TestSitemapLimitsMatchXML(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 50 MB sitemaps")
	}
	one := SitemapURL{Loc: "https://news.example.org/en/news/2026/11/29/a/"}
	many := make([]SitemapURL, SitemapMaxURLs+1)
	for i := range many {
		many[i] = one
	}
	for _, c := range []struct {
		name, want string
		err        error
	}{
		{"50,001 URLs", "sitemap: 50001 URLs, more than the 50000", sameSitemap(t, "50,001 URLs", many)},
		{"50,000 URLs", "", sameSitemap(t, "50,000 URLs", many[:SitemapMaxURLs])},
		{"50,001 sitemaps", "sitemap index: 50001 sitemaps", sameIndex(t, "50,001 sitemaps", make([]SitemapRef, SitemapMaxURLs+1))},
		// Escaping takes a file that would fit over the limit: 50,000 locs
		// of 250 ampersands are 14 MB as given, 64 MB escaped.
		{"over 50 MB escaped", "sitemap: 64", sameSitemap(t, "over 50 MB escaped", slices.Repeat([]SitemapURL{{Loc: strings.Repeat("&", 250)}}, SitemapMaxURLs))},
		{"index over 50 MB", "sitemap index: 6", sameIndex(t, "index over 50 MB", slices.Repeat([]SitemapRef{{Loc: strings.Repeat("&", 250)}}, SitemapMaxURLs))},
	} {
		if got := errText(c.err); !strings.HasPrefix(got, c.want) || (c.want == "") != (got == "") {
			t.Errorf("%s: error %q, want one starting %q", c.name, got, c.want)
		}
	}
}

// FuzzSitemapMatchesXML: for any text and times, the hand-written
// writers give exactly encoding/xml's bytes.
func FuzzSitemapMatchesXML(f *testing.F) {
	for i, s := range trickyStrings() {
		if len(s) < 300 {
			f.Add(s, "Newsdesk", "zh-cn", s, int64(1796000000+i), int64(i), int32(8*3600), i%2 == 0, i%3 != 0)
		}
	}
	f.Add("https://x.example/a/", "A & B", "en", "\"quoted\" 'title'", int64(0), int64(0), int32(0), true, false)
	f.Fuzz(func(t *testing.T, loc, pub, lang, title string, sec, nsec int64, offset int32, hasNews, hasMod bool) {
		at := time.Unix(sec, nsec).In(time.FixedZone("", int(offset)))
		var mod time.Time
		if hasMod {
			mod = at
		}
		u := SitemapURL{Loc: loc, LastModified: mod}
		if hasNews {
			u.News = &NewsEntry{Publication: pub, Language: lang, Published: at, Title: title}
		}
		sameSitemap(t, "one", []SitemapURL{u})
		sameSitemap(t, "three", []SitemapURL{{Loc: title}, u, {Loc: pub, LastModified: at}})
		sameIndex(t, "index", []SitemapRef{{Loc: loc, LastModified: mod}, {Loc: title, LastModified: at}})
	})
}

// BenchmarkSitemap compares the encoding/xml writer ("xml") with the
// hand-written one ("append") on 10,000 entries as a monthly sitemap
// ("plain") and a Google News one ("news") holds them. The two run as
// sub-benchmarks of one function so that -count alternates them.
func BenchmarkSitemap(b *testing.B) {
	cst := time.FixedZone("CST", 8*3600)
	at := time.Date(2026, 11, 29, 18, 4, 5, 0, cst)
	plain := make([]SitemapURL, 10_000)
	withNews := make([]SitemapURL, len(plain))
	for i := range plain {
		plain[i] = SitemapURL{Loc: fmt.Sprintf("https://news.example.org/en/news/2026/11/%02d/a-story-about-something-%d/", i%30+1, i), LastModified: at.Add(time.Duration(i) * time.Minute)}
		withNews[i] = plain[i]
		withNews[i].News = &NewsEntry{Publication: "Newsdesk", Language: "en", Published: at, Title: fmt.Sprintf("Council votes on the \"new\" budget, part %d", i)}
	}
	for _, set := range []struct {
		name string
		urls []SitemapURL
	}{{"plain", plain}, {"news", withNews}} {
		b.Run(set.name+"/xml", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var buf bytes.Buffer
				if err := writeSitemapXML(&buf, set.urls); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(set.name+"/append", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := AppendSitemap(nil, set.urls); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
