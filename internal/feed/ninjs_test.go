package feed

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/news"
)

const (
	fixtures = "testdata/ninjs"
	seedDir  = "../../testdata/seed"
)

func read(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseNinjsValid(t *testing.T) {
	tests := []struct {
		file string
		want NinjsItem
	}{
		{filepath.Join(fixtures, "v2-full.json"), NinjsItem{
			URI:            "urn:newsdesk:test:v2-full",
			Language:       "en",
			Headline:       "National grid upgrade finished ahead of schedule",
			Summary:        "The upgrade adds 4 GW of capacity.",
			BodyHTML:       "<p>The upgrade adds 4 GW of capacity.</p><p>Work began in 2021.</p>",
			Byline:         "Jane Doe and John Roe",
			Source:         "Example News Agency, Reuters",
			Editor:         "Li Ming",
			Tags:           []string{"Energy", "power-grid"},
			FirstCreated:   mustTime("2023-05-04T08:00:00+02:00"),
			VersionCreated: mustTime("2023-05-04T09:30:15.25+02:00"),
			Embargoed:      mustTime("2023-05-04T12:00:00Z"),
			PubStatus:      "usable",
			Version:        "3",
		}},
		{filepath.Join(fixtures, "v2-minimal.json"), NinjsItem{
			URI:          "urn:newsdesk:test:v2-minimal",
			Language:     "zh",
			Headline:     "两国元首决定提升双边关系",
			BodyHTML:     "<p>第一段：两国元首决定将双边关系提升为全天候全面战略伙伴关系。</p><p>第二段 &lt;不是标签&gt; &amp; 符号。</p>",
			FirstCreated: mustTime("2022-09-16T17:51:00+08:00"),
		}},
		{filepath.Join(fixtures, "v2-picture.json"), NinjsItem{
			URI:            "urn:newsdesk:test:v2-picture",
			Language:       "zh",
			Headline:       "撒马尔罕会见现场",
			Summary:        "9月15日，国家主席习近平在撒马尔罕会见白俄罗斯总统卢卡申科。",
			FirstCreated:   mustTime("2022-09-16T09:51:59Z"),
			VersionCreated: mustTime("2022-09-17T09:00:00Z"),
			PubStatus:      "canceled",
		}},
		{filepath.Join(fixtures, "v1-full.json"), NinjsItem{
			URI:            "http://example.com/news/v1-full",
			Language:       "en",
			Headline:       "Ninjs 1.x story",
			Summary:        "A short summary in plain text.",
			BodyHTML:       "<p>Body <em>HTML</em>.</p>",
			Byline:         "By Jane Doe",
			Tags:           []string{"Politics", "04000000"},
			FirstCreated:   mustTime("2014-03-12T09:00:00Z"),
			VersionCreated: mustTime("2014-03-12T10:16:00Z"),
			FirstPublished: mustTime("2014-03-12T10:00:00-05:00"),
			Embargoed:      mustTime("2014-03-12T11:00:00.5-05:00"),
			PubStatus:      "withheld",
			Version:        "2",
		}},
		{filepath.Join(fixtures, "v1-text.json"), NinjsItem{
			URI:          "urn:newsdesk:test:v1-text",
			Language:     "en",
			Headline:     "Plain <text> & body",
			Summary:      "Only an HTML description.",
			BodyHTML:     "<p>First paragraph, line one<br>line two &lt;b&gt;not bold&lt;/b&gt;.</p><p>Second paragraph &amp; more.</p>",
			FirstCreated: mustTime("2014-03-12T09:00:00+08:00"),
			Version:      "7",
		}},
		{filepath.Join(seedDir, "seed-article.ninjs.json"), NinjsItem{
			URI:            "urn:newsdesk:seed:xi-lukashenko-2022-09-16",
			Language:       "en",
			Headline:       "Xi meets with Belarusian President Lukashenko",
			Source:         "Xinhua",
			Editor:         "Leon",
			FirstCreated:   mustTime("2022-09-16T17:51:59+08:00"),
			VersionCreated: mustTime("2022-09-16T17:51:59+08:00"),
			PubStatus:      "usable",
			Version:        "1",
		}},
		{filepath.Join(seedDir, "seed-article-zh.ninjs.json"), NinjsItem{
			URI:            "urn:newsdesk:seed:xi-lukashenko-2022-09-16:zh",
			Language:       "zh",
			Headline:       "习近平会见白俄罗斯总统卢卡申科",
			BodyHTML:       "<p>9月15日下午，国家主席习近平在撒马尔罕会见白俄罗斯总统卢卡申科。</p><p>两国元首决定将双边关系提升为全天候全面战略伙伴关系。</p><p>双方表示愿深化投资、经贸、科技、农业和电子商务等领域合作，共同建设绿色、智慧的中白工业园。</p><p>会见后，双方签署了科技、司法、农业和电子商务等领域的合作文件。</p>",
			Source:         "新华社",
			Editor:         "李明",
			FirstCreated:   mustTime("2022-09-16T17:51:59+08:00"),
			VersionCreated: mustTime("2022-09-16T17:51:59+08:00"),
			PubStatus:      "usable",
			Version:        "1",
		}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			got, err := ParseNinjs(read(t, tt.file))
			if err != nil {
				t.Fatalf("ParseNinjs: %v", err)
			}
			want := tt.want
			if strings.HasPrefix(filepath.Base(tt.file), "seed-article.") {
				// The English seed body is long; check its shape, not every word.
				if !strings.HasPrefix(got.BodyHTML, "<p>Chinese President Xi Jinping on Thursday afternoon") ||
					!strings.HasSuffix(got.BodyHTML, "attended the meeting.</p>") || strings.Count(got.BodyHTML, "<p>") != 15 {
					t.Errorf("BodyHTML = %.200q…", got.BodyHTML)
				}
				want.BodyHTML = got.BodyHTML
			}
			compareItems(t, got, want)
		})
	}
}

// compareItems compares field by field, times by instant, so a failure names
// the field.
func compareItems(t *testing.T, got, want NinjsItem) {
	t.Helper()
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := range gv.NumField() {
		name := gv.Type().Field(i).Name
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if gt, ok := g.(time.Time); ok {
			if !gt.Equal(w.(time.Time)) {
				t.Errorf("%s = %v, want %v", name, gt, w)
			}
			continue
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s = %#v, want %#v", name, g, w)
		}
	}
}

func TestNinjsArticle(t *testing.T) {
	it, err := ParseNinjs(read(t, filepath.Join(fixtures, "v1-full.json")))
	if err != nil {
		t.Fatal(err)
	}
	a := it.Article()
	want := news.Article{
		URI:            "http://example.com/news/v1-full",
		Language:       "en",
		Headline:       "Ninjs 1.x story",
		Summary:        "A short summary in plain text.",
		BodyHTML:       "<p>Body <em>HTML</em>.</p>",
		Byline:         "By Jane Doe",
		Tags:           []string{"Politics", "04000000"},
		Status:         news.StatusWithheld,
		ReleaseAt:      time.Date(2014, 3, 12, 15, 0, 0, 0, time.UTC),
		EmbargoUntil:   time.Date(2014, 3, 12, 16, 0, 0, 5e8, time.UTC),
		VersionCreated: time.Date(2014, 3, 12, 10, 16, 0, 0, time.UTC),
	}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("Article() =\n%+v\nwant\n%+v", a, want)
	}
	a.Tags[0] = "changed"
	if it.Tags[0] != "Politics" {
		t.Error("Article() shares its Tags with the item")
	}

	seed, err := ParseNinjs(read(t, filepath.Join(seedDir, "seed-article.ninjs.json")))
	if err != nil {
		t.Fatal(err)
	}
	sa := seed.Article()
	if sa.Status != news.StatusPublished || !sa.ReleaseAt.Equal(time.Date(2022, 9, 16, 9, 51, 59, 0, time.UTC)) ||
		sa.ReleaseAt.Location() != time.UTC || !sa.EmbargoUntil.IsZero() || sa.Source != "Xinhua" || sa.Editor != "Leon" {
		t.Errorf("seed Article() = %+v", sa)
	}
}

func TestNinjsStatus(t *testing.T) {
	for ps, want := range map[string]news.Status{
		"": news.StatusPublished, "usable": news.StatusPublished,
		"withheld": news.StatusWithheld, "canceled": news.StatusCanceled,
	} {
		if got := (NinjsItem{PubStatus: ps}).Status(); got != want {
			t.Errorf("Status() for pubstatus %q = %q, want %q", ps, got, want)
		}
	}
}

func TestNinjsReleaseAt(t *testing.T) {
	created := mustTime("2022-09-16T17:51:59+08:00")
	published := mustTime("2022-09-16T18:00:00+08:00")
	if got := (NinjsItem{FirstCreated: created}).ReleaseAt(); !got.Equal(created) {
		t.Errorf("ReleaseAt() = %v, want firstcreated %v", got, created)
	}
	if got := (NinjsItem{FirstCreated: created, FirstPublished: published}).ReleaseAt(); !got.Equal(published) {
		t.Errorf("ReleaseAt() = %v, want firstpublished %v", got, published)
	}
}

func TestParseNinjsInvalid(t *testing.T) {
	tests := []struct {
		file  string
		paths []string
		// message must appear in one of the errors' messages.
		message string
	}{
		{"bad-malformed.json", []string{""}, "invalid JSON at line 3, column 20"},
		{"bad-truncated.json", []string{""}, "invalid JSON at line 5"},
		{"bad-not-object.json", []string{""}, "must be a JSON object, got array"},
		{"bad-missing-uri.json", []string{"uri"}, "is required"},
		{"bad-language.json", []string{"language"}, `unknown language "fr-FR"`},
		{"bad-missing-language.json", []string{"language"}, "is required"},
		{"bad-date.json", []string{"versioncreated"}, `"16/09/2022 17:51" is not a date-time`},
		{"bad-date-no-offset.json", []string{"firstcreated"}, "UTC offset"},
		{"bad-no-release.json", []string{"firstcreated"}, "release time"},
		{"bad-missing-headline.json", []string{"headlines"}, "is required"},
		{"bad-empty-headline.json", []string{"headlines[1].value"}, "is empty"},
		{"bad-v1-empty-headline.json", []string{"headline"}, "is empty"},
		{"bad-headlines-string.json", []string{"headlines"}, "must be an array of objects, got string"},
		{"bad-headline-value-number.json", []string{"headlines[1].value", "headlines[2]"}, "must be a string, got number"},
		{"bad-no-body.json", []string{"bodies"}, "no body or description"},
		{"bad-v1-no-body.json", []string{"body_html"}, "no body or description"},
		{"bad-pubstatus.json", []string{"pubstatus"}, `unknown status "draft"`},
		{"bad-types.json", []string{"uri", "language", "type", "firstcreated", "bodies[0].contenttype", "infosources[0].name", "subjects"}, "must be a string, got number"},
		{"bad-several.json", []string{"uri", "language", "firstcreated", "headlines", "bodies"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			it, err := ParseNinjs(read(t, filepath.Join(fixtures, tt.file)))
			if err == nil {
				t.Fatalf("ParseNinjs accepted it: %+v", it)
			}
			var v *news.ValidationError
			if !errors.As(err, &v) {
				t.Fatalf("error %T %v is not a *news.ValidationError", err, err)
			}
			var paths []string
			for _, f := range v.Fields {
				paths = append(paths, f.Path)
			}
			if !slices.Equal(sorted(paths), sorted(tt.paths)) {
				t.Errorf("error paths = %q, want %q (error: %v)", paths, tt.paths, err)
			}
			if !slices.ContainsFunc(v.Fields, func(f news.FieldError) bool { return strings.Contains(f.Message, tt.message) }) {
				t.Errorf("no error message contains %q: %v", tt.message, err)
			}
			if !reflect.DeepEqual(it, NinjsItem{}) {
				t.Errorf("item returned with the error: %+v", it)
			}
		})
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestParseNinjsInline(t *testing.T) {
	const base = `"uri": "urn:x", "firstcreated": "2022-09-16T17:51:59+08:00", "headlines": [{"value": "H"}]`
	tests := []struct {
		name, doc string
		check     func(t *testing.T, it NinjsItem)
	}{
		{"byte order mark", "\ufeff{" + base + `, "language": "en", "bodies": [{"value": "B"}]}`, nil},
		{"language case and region", "{" + base + `, "language": "ZH-hant-TW", "bodies": [{"value": "B"}]}`, func(t *testing.T, it NinjsItem) {
			if it.Language != "zh" {
				t.Errorf("Language = %q", it.Language)
			}
		}},
		{"cancelled spelling", "{" + base + `, "language": "en", "pubstatus": "Cancelled", "bodies": [{"value": "B"}]}`, func(t *testing.T, it NinjsItem) {
			if it.Status() != news.StatusCanceled {
				t.Errorf("Status() = %q", it.Status())
			}
		}},
		{"html body without content type", "{" + base + `, "language": "en", "bodies": [{"value": "<p>B</p>"}]}`, func(t *testing.T, it NinjsItem) {
			if it.BodyHTML != "<p>B</p>" {
				t.Errorf("BodyHTML = %q", it.BodyHTML)
			}
		}},
		{"html headline made plain", `{"uri": "urn:x", "language": "en", "firstcreated": "2022-09-16T17:51:59Z", "headlines": [{"contenttype": "text/html", "value": "A <b>bold</b> &amp; true"}], "bodies": [{"value": "B"}]}`, func(t *testing.T, it NinjsItem) {
			if it.Headline != "A bold & true" {
				t.Errorf("Headline = %q", it.Headline)
			}
		}},
		{"null fields are absent", "{" + base + `, "language": "en", "bodies": [{"value": "B"}], "byline": null, "subjects": null, "embargoed": null}`, nil},
		{"main body preferred over first", "{" + base + `, "language": "en", "bodies": [{"contenttype": "text/html", "value": "<p>side</p>"}, {"role": "main", "contenttype": "text/html", "value": "<p>main</p>"}]}`, func(t *testing.T, it NinjsItem) {
			if it.BodyHTML != "<p>main</p>" {
				t.Errorf("BodyHTML = %q", it.BodyHTML)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it, err := ParseNinjs([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			if tt.check != nil {
				tt.check(t, it)
			}
		})
	}
}

func FuzzParseNinjs(f *testing.F) {
	for _, dir := range []string{fixtures, seedDir} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
		for _, file := range files {
			f.Add(read(f, file))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		it, err := ParseNinjs(data)
		if err != nil {
			var v *news.ValidationError
			if !errors.As(err, &v) || len(v.Fields) == 0 {
				t.Fatalf("error %T %v is not a non-empty *news.ValidationError", err, err)
			}
			return
		}
		a := it.Article()
		if !news.IsKnownLanguage(a.Language) {
			t.Errorf("unknown language %q", a.Language)
		}
		if strings.TrimSpace(a.URI) == "" {
			t.Error("empty URI")
		}
		if strings.TrimSpace(a.Headline) == "" {
			t.Error("empty headline")
		}
		if a.ReleaseAt.IsZero() {
			t.Error("no release time")
		}
		if a.BodyHTML == "" && a.Summary == "" {
			t.Error("neither body nor summary")
		}
		if !a.Status.Valid() {
			t.Errorf("invalid status %q", a.Status)
		}
	})
}
