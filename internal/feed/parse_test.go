package feed

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"newsdesk/internal/markup"
)

const sharedFeeds = "../../testdata/feeds"

// parseWithin parses data in a goroutine and fails the test if it takes
// longer than limit: no fixture may hang the parser. A panic is reported
// as the fixture's failure.
func parseWithin(t *testing.T, name string, data []byte, limit time.Duration) (IncomingFeed, error) {
	t.Helper()
	type result struct {
		f   IncomingFeed
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- result{err: fmt.Errorf("panic: %v", p)}
			}
		}()
		f, err := ParseFeed(data, WireAuto)
		done <- result{f, err}
	}()
	select {
	case r := <-done:
		if r.err != nil && strings.HasPrefix(r.err.Error(), "panic:") {
			t.Errorf("%s: %v", name, r.err)
		}
		return r.f, r.err
	case <-time.After(limit):
		t.Fatalf("%s: parsing did not finish within %v", name, limit)
		return IncomingFeed{}, nil
	}
}

// TestEveryFeedFixture sends every file of the shared feed corpora (gofeed,
// feedparser, feedvalidator) through the parser: none may panic or hang.
func TestEveryFeedFixture(t *testing.T) {
	if _, err := os.Stat(sharedFeeds); err != nil {
		t.Skipf("shared test data not found: %v", err)
	}
	n, parsed := 0, 0
	err := filepath.WalkDir(sharedFeeds, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch filepath.Ext(path) {
		case ".xml", ".json", ".rss", ".atom", ".rdf":
		default:
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		if _, err := parseWithin(t, path, data, 20*time.Second); err == nil {
			parsed++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 4000 || parsed < n/2 {
		t.Errorf("%d fixtures, %d parsed: the corpus is missing or the parser refuses most of it", n, parsed)
	}
	t.Logf("%d fixtures, %d parsed as feeds", n, parsed)
}

// TestGofeedTranslatorExpectations: gofeed's translator fixtures come with
// the universal feed they must give; our items must be what that expected
// feed maps to, field by field.
func TestGofeedTranslatorExpectations(t *testing.T) {
	dir := filepath.Join(sharedFeeds, "gofeed/testdata/translator")
	checked := 0
	for _, sub := range []string{"rss", "atom", "json"} {
		files, _ := filepath.Glob(filepath.Join(dir, sub, "*"))
		for _, in := range files {
			var want string
			switch {
			case sub == "json" && strings.HasSuffix(in, "_expected.json"):
				continue
			case sub == "json":
				want = strings.TrimSuffix(in, ".json") + "_expected.json"
			case strings.HasSuffix(in, ".xml"):
				want = strings.TrimSuffix(in, ".xml") + ".json"
			default:
				continue
			}
			wantData, err := os.ReadFile(want)
			if err != nil {
				continue
			}
			var expected gofeed.Feed
			if err := json.Unmarshal(wantData, &expected); err != nil {
				t.Errorf("%s: %v", want, err)
				continue
			}
			data, _ := os.ReadFile(in)
			got, err := parseWithin(t, in, data, 20*time.Second)
			if err != nil {
				t.Errorf("%s: %v", in, err)
				continue
			}
			if got.Title != markup.PlainText(expected.Title) || got.Language != knownLanguage(expected.Language) {
				t.Errorf("%s: feed title %q language %q; want %q %q", in, got.Title, got.Language, expected.Title, knownLanguage(expected.Language))
			}
			if len(got.Items) != len(expected.Items) {
				t.Errorf("%s: %d items, want %d", in, len(got.Items), len(expected.Items))
				continue
			}
			for i, it := range expected.Items {
				wantItem := incomingFromGofeed(it, knownLanguage(expected.Language))
				if !sameItem(got.Items[i], wantItem) {
					t.Errorf("%s: item %d\n got %+v\nwant %+v", in, i, got.Items[i], wantItem)
				}
			}
			checked++
		}
	}
	if checked < 90 {
		t.Errorf("only %d translator fixtures checked", checked)
	}
}

func sameItem(a, b IncomingItem) bool {
	ae, be := a.Err, b.Err
	a.Err, b.Err = nil, nil
	a.Published, b.Published = a.Published.UTC(), b.Published.UTC()
	a.Updated, b.Updated = a.Updated.UTC(), b.Updated.UTC()
	return reflect.DeepEqual(a, b) && (ae == nil) == (be == nil)
}

// TestGofeedParserExpectations: gofeed's RSS and Atom parser fixtures give
// the items each feed holds; we must find the same items with the same
// titles and identifiers.
func TestGofeedParserExpectations(t *testing.T) {
	dir := filepath.Join(sharedFeeds, "gofeed/testdata/parser")
	checked := 0
	for _, sub := range []string{"rss", "atom"} {
		files, _ := filepath.Glob(filepath.Join(dir, sub, "*.xml"))
		for _, in := range files {
			wantData, err := os.ReadFile(strings.TrimSuffix(in, ".xml") + ".json")
			if err != nil {
				continue
			}
			var expected struct {
				Items []struct {
					Title string `json:"title"`
					GUID  *struct {
						Value string `json:"value"`
					} `json:"guid"`
					Link string `json:"link"`
				} `json:"items"`
				Entries []struct {
					Title string `json:"title"`
					ID    string `json:"id"`
				} `json:"entries"`
			}
			if err := json.Unmarshal(wantData, &expected); err != nil {
				t.Errorf("%s: %v", in, err)
				continue
			}
			type want struct{ title, guid string }
			var wants []want
			for _, it := range expected.Items {
				w := want{title: markup.PlainText(it.Title)}
				if it.GUID != nil {
					w.guid = strings.TrimSpace(it.GUID.Value)
				}
				wants = append(wants, w)
			}
			for _, e := range expected.Entries {
				wants = append(wants, want{markup.PlainText(e.Title), strings.TrimSpace(e.ID)})
			}
			data, _ := os.ReadFile(in)
			got, err := parseWithin(t, in, data, 20*time.Second)
			if err != nil {
				t.Errorf("%s: %v", in, err)
				continue
			}
			if len(got.Items) != len(wants) {
				t.Errorf("%s: %d items, want %d", in, len(got.Items), len(wants))
				continue
			}
			for i, w := range wants {
				g := got.Items[i]
				if w.title != "" && g.Title != w.title {
					t.Errorf("%s: item %d title %q, want %q", in, i, g.Title, w.title)
				}
				if w.guid != "" && g.GUID != w.guid {
					t.Errorf("%s: item %d guid %q, want %q", in, i, g.GUID, w.guid)
				}
			}
			checked++
		}
	}
	if checked < 300 {
		t.Errorf("only %d parser fixtures checked", checked)
	}
}

func TestParseFeedShapes(t *testing.T) {
	rss := `<?xml version="1.0"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Wire &amp; Co</title><link>https://wire.example/</link><language>zh-CN</language>
<item><title>First &lt;b&gt;story&lt;/b&gt;</title><link>https://wire.example/1</link><guid isPermaLink="false">w-1</guid>
<description>Short summary</description><content:encoded><![CDATA[<p>Full <em>body</em></p>]]></content:encoded>
<pubDate>Wed, 16 Sep 2022 17:51:59 +0800</pubDate><author>desk@wire.example (Wire Desk)</author>
<category>Politics</category><category>Politics</category><category> Asia </category>
<media:thumbnail url="https://wire.example/1.jpg"/></item>
<item><link>https://wire.example/2</link><description>Plain text line one
line two</description><enclosure url="https://wire.example/2.png" type="image/png" length="1"/></item>
<item><description></description></item>
</channel></rss>`
	atom := `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>Atom wire</title><id>urn:feed</id><updated>2024-01-02T03:04:05Z</updated>
<entry><id>urn:a:1</id><title type="html">A &lt;i&gt;1&lt;/i&gt;</title><updated>2024-01-02T03:04:05Z</updated><published>2024-01-01T00:00:00+02:00</published>
<author><name>Ann</name></author><summary>Sum</summary><content type="html">&lt;p&gt;Body&lt;/p&gt;</content><link rel="alternate" href="https://a.example/1"/></entry></feed>`
	jf := `{"version":"https://jsonfeed.org/version/1.1","title":"J","language":"en-GB","items":[
{"id":"j1","title":"J one","content_html":"<p>Hi</p>","summary":"S","date_published":"2024-05-06T07:08:09Z","tags":["x"],"authors":[{"name":"Jo"}],"image":"https://j.example/i.jpg"},
{"id":"j2","content_text":"Just text."}]}`
	ninjsArray := `[{"uri":"urn:n:1","language":"en","type":"text","headline":"N one","body_html":"<p>N</p>","firstcreated":"2024-01-01T00:00:00Z","infosources":[{"name":"Wire","role":"source"}]},{"uri":"urn:n:2"}]`
	tests := []struct {
		name, data string
		format     WireFormat
		check      func(t *testing.T, f IncomingFeed)
	}{
		{"rss", rss, WireRSS, func(t *testing.T, f IncomingFeed) {
			if f.Format != WireRSS || f.Title != "Wire & Co" || f.Language != "zh" || len(f.Items) != 3 {
				t.Fatalf("feed %+v", f)
			}
			a, b, c := f.Items[0], f.Items[1], f.Items[2]
			wantA := IncomingItem{GUID: "w-1", Title: "First story", Summary: "Short summary", BodyHTML: "<p>Full <em>body</em></p>",
				Link: "https://wire.example/1", Published: time.Date(2022, 9, 16, 9, 51, 59, 0, time.UTC), Authors: []string{"Wire Desk"},
				Categories: []string{"Politics", "Asia"}, ImageURL: "https://wire.example/1.jpg", Language: "zh"}
			if !sameItem(a, wantA) || a.Err != nil {
				t.Errorf("item 1\n got %+v\nwant %+v", a, wantA)
			}
			if b.GUID != "https://wire.example/2" || b.Title != "Plain text line one line two" || b.BodyHTML != "<p>Plain text line one</p><p>line two</p>" || b.ImageURL != "https://wire.example/2.png" || b.Err != nil {
				t.Errorf("item 2 %+v", b)
			}
			if c.Err == nil || !strings.Contains(c.Err.Error(), "neither a title nor a body") {
				t.Errorf("item 3 err = %v", c.Err)
			}
		}},
		{"atom", atom, WireAuto, func(t *testing.T, f IncomingFeed) {
			if f.Format != WireAtom || f.Language != "en" || len(f.Items) != 1 {
				t.Fatalf("feed %+v", f)
			}
			a := f.Items[0]
			if a.GUID != "urn:a:1" || a.Title != "A 1" || a.Summary != "Sum" || a.BodyHTML != "<p>Body</p>" || a.Link != "https://a.example/1" ||
				!a.Published.Equal(time.Date(2023, 12, 31, 22, 0, 0, 0, time.UTC)) || !a.Updated.Equal(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)) ||
				strings.Join(a.Authors, ",") != "Ann" {
				t.Errorf("entry %+v", a)
			}
		}},
		{"json feed", jf, WireJSONFeed, func(t *testing.T, f IncomingFeed) {
			if f.Format != WireJSONFeed || f.Language != "en" || len(f.Items) != 2 {
				t.Fatalf("feed %+v", f)
			}
			a, b := f.Items[0], f.Items[1]
			if a.GUID != "j1" || a.BodyHTML != "<p>Hi</p>" || a.Summary != "S" || a.ImageURL != "https://j.example/i.jpg" || a.Categories[0] != "x" || a.Authors[0] != "Jo" {
				t.Errorf("item 1 %+v", a)
			}
			if b.GUID != "j2" || b.Title != "Just text." || b.BodyHTML != "<p>Just text.</p>" {
				t.Errorf("item 2 %+v", b)
			}
		}},
		{"ninjs array", ninjsArray, WireNinjs, func(t *testing.T, f IncomingFeed) {
			if f.Format != WireNinjs || len(f.Items) != 2 {
				t.Fatalf("feed %+v", f)
			}
			a, b := f.Items[0], f.Items[1]
			if a.GUID != "urn:n:1" || a.Title != "N one" || a.Ninjs == nil || a.Ninjs.Source != "Wire" || a.Err != nil {
				t.Errorf("item 1 %+v", a)
			}
			if b.Err == nil || !strings.Contains(b.Err.Error(), "[1]") {
				t.Errorf("item 2 err = %v", b.Err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFeed([]byte(tt.data), tt.format)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, f)
		})
	}
}

func TestParseFeedRefusals(t *testing.T) {
	tests := []struct {
		name, data string
		format     WireFormat
		want       string
	}{
		{"empty", "", WireAuto, "not a feed"},
		{"html page", "<!doctype html><html><body>hi</body></html>", WireAuto, "not a feed"},
		{"declared atom, got rss", `<rss version="2.0"><channel><title>x</title></channel></rss>`, WireAtom, "declared as atom but the document is rss"},
		{"unknown format", `<rss/>`, WireFormat("gopher"), "unknown feed format"},
		{"broken ninjs array", "[\n{\"uri\": 1,\n", WireNinjs, "line"},
		{"bad single ninjs", `{"uri":"x"}`, WireNinjs, "headlines"},
		{"broken xml", `<rss version="2.0"><channel><item><title>x</title>`, WireRSS, "rss feed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFeed([]byte(tt.data), tt.format)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseFeed = %v, want an error with %q", err, tt.want)
			}
		})
	}
	if _, err := ParseFeed(nil, WireAuto); errors.Is(err, nil) {
		t.Error("nil input parsed")
	}
}

// FuzzParseFeed: no input makes the parser panic, and every item it
// returns is usable or says why not.
func FuzzParseFeed(f *testing.F) {
	for _, pattern := range []string{
		"gofeed/testdata/parser/rss/*.xml", "gofeed/testdata/parser/atom/*.xml", "gofeed/testdata/parser/json/*.json",
		"gofeed/testdata/translator/json/*.json", "feedparser/tests/illformed/*.xml",
	} {
		files, _ := filepath.Glob(filepath.Join(sharedFeeds, pattern))
		for i, p := range files {
			if i%8 != 0 { // a sample keeps the seed run short
				continue
			}
			if data, err := os.ReadFile(p); err == nil {
				f.Add(data)
			}
		}
	}
	f.Add([]byte(`[{"uri":"urn:x","language":"en","headlines":[{"value":"h"}],"bodies":[{"value":"b"}],"firstcreated":"2024-01-01T00:00:00Z"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		feed, err := ParseFeed(data, WireAuto)
		if err != nil {
			return
		}
		for i, it := range feed.Items {
			if it.Err == nil && (it.GUID == "" || it.Title == "") {
				t.Errorf("item %d has no error but guid %q title %q", i, it.GUID, it.Title)
			}
		}
	})
}

// feedparserExpect is the Expect: line of a feedparser test file.
func feedparserExpect(data []byte) []string {
	s := string(data)
	i := strings.Index(s, "Expect:")
	if i < 0 {
		return nil
	}
	line := s[i:]
	if j := strings.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	return strings.Fields(line)
}

// TestFeedparserWellFormed: every feedparser case that expects a
// well-formed feed ("not bozo") parses, with the Content-Type charset its
// test server sends, but one in a format we do not take.
func TestFeedparserWellFormed(t *testing.T) {
	known := map[string]string{
		"cdf_item_abstract_xml_base.xml": "Microsoft CDF is not a wire format",
	}
	header := regexp.MustCompile(`(?m)^Header:\s*Content-type:\s*(.+?)\s*$`)
	n := 0
	err := filepath.WalkDir(filepath.Join(sharedFeeds, "feedparser/tests"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f := feedparserExpect(data)
		if len(f) < 3 || f[1] != "not" || f[2] != "bozo" {
			return nil
		}
		n++
		if m := header.FindSubmatch(data); m != nil {
			// What feedparser's test server says in Content-Type.
			if data, err = DecodeCharset(data, string(m[1])); err != nil {
				t.Errorf("%s: %v", p, err)
				return nil
			}
		}
		_, perr := parseWithin(t, p, data, 20*time.Second)
		if why, ok := known[filepath.Base(p)]; ok {
			if perr == nil {
				t.Errorf("%s parses now (%s): drop it from the known failures", p, why)
			}
			return nil
		}
		if perr != nil {
			t.Errorf("%s: %v", p, perr)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 1600 {
		t.Errorf("only %d well-formed feedparser cases found", n)
	}
}
