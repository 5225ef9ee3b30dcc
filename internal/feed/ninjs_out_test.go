package feed

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"newsdesk/internal/news"
)

// ninjsSchema compiles the IPTC ninjs 2.1 schema, checking formats.
func ninjsSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(read(t, schemaFile)))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("ninjs-2.1.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("ninjs-2.1.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestNinjsRoundTrip: each seed article read and written again is valid
// ninjs 2.1 and reads back the same.
func TestNinjsRoundTrip(t *testing.T) {
	schema := ninjsSchema(t)
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	seeds, _ := filepath.Glob(filepath.Join(seedDir, "*.ninjs.json"))
	for _, file := range seeds {
		t.Run(filepath.Base(file), func(t *testing.T) {
			in, err := ParseNinjs(read(t, file))
			if err != nil {
				t.Fatal(err)
			}
			a := in.Article()
			a.ID, a.Status = 7, news.StatusPublished
			out, err := MarshalNinjs(a, NinjsOut{Location: shanghai, URL: "https://news.example.org/x/"})
			if err != nil {
				t.Fatal(err)
			}
			inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(inst); err != nil {
				t.Errorf("not valid ninjs 2.1: %v\n%s", err, out)
			}
			back, err := ParseNinjs(out)
			if err != nil {
				t.Fatal(err)
			}
			if back.URI != in.URI || back.Headline != in.Headline || back.BodyHTML != in.BodyHTML || back.Language != in.Language ||
				back.Source != in.Source || back.Editor != in.Editor || back.PubStatus != "usable" {
				t.Errorf("round trip changed the story:\n in %+v\nout %+v", in, back)
			}
			if !back.ReleaseAt().Equal(in.ReleaseAt()) || !back.VersionCreated.Equal(in.VersionCreated) {
				t.Errorf("times: release %v -> %v, version %v -> %v", in.ReleaseAt(), back.ReleaseAt(), in.VersionCreated, back.VersionCreated)
			}
			if _, off := back.FirstCreated.Zone(); off != 8*3600 {
				t.Errorf("firstcreated %v is not in the site's offset", back.FirstCreated)
			}
		})
	}
}

// TestNinjsStatuses: pubstatus follows the article; articles written here
// take the given uri; notes travel in ednote.
func TestNinjsStatuses(t *testing.T) {
	schema := ninjsSchema(t)
	base := news.Article{ID: 3, Language: "zh", Headline: "标题", BodyHTML: "<p>正文</p>", Version: 4,
		ReleaseAt: time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)}
	for _, tc := range []struct {
		status news.Status
		want   string
	}{
		{news.StatusPublished, "usable"}, {news.StatusScheduled, "usable"}, {news.StatusDraft, "withheld"},
		{news.StatusUnpublished, "withheld"}, {news.StatusRetracted, "canceled"},
	} {
		a := base
		a.Status = tc.status
		if tc.status == news.StatusRetracted {
			a.RetractedAt, a.RetractionNote = a.ReleaseAt.Add(time.Hour), "Fabricated quotes."
		}
		out, err := MarshalNinjs(a, NinjsOut{URI: "tag:news.example.org,2026-11-29:article:3", Modified: a.ReleaseAt})
		if err != nil {
			t.Fatal(err)
		}
		inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(out))
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s: not valid ninjs 2.1: %v", tc.status, err)
		}
		back, err := ParseNinjs(out)
		if err != nil {
			t.Fatal(err)
		}
		if back.PubStatus != tc.want || back.URI != "tag:news.example.org,2026-11-29:article:3" || back.Version != "4" {
			t.Errorf("%s: pubstatus %q uri %q version %q", tc.status, back.PubStatus, back.URI, back.Version)
		}
		if tc.status == news.StatusRetracted && !bytes.Contains(out, []byte(`"ednote": "Retracted 2026-11-29T02:00:00Z: Fabricated quotes."`)) {
			t.Errorf("retraction note missing:\n%s", out)
		}
	}
}

// TestNinjsLeadPicture: a lead image is a valid ninjs 2.1 association.
func TestNinjsLeadPicture(t *testing.T) {
	schema := ninjsSchema(t)
	a := news.Article{ID: 5, Language: "en", Headline: "With a picture", BodyHTML: "<p>x</p>", Status: news.StatusPublished,
		ReleaseAt: time.Date(2026, 11, 29, 1, 0, 0, 0, time.UTC)}
	out, err := MarshalNinjs(a, NinjsOut{URI: "tag:news.example.org,2026-11-29:article:5", Lead: &NinjsPicture{
		URI: "tag:news.example.org,2026-11-29:media:9", Alt: "Delegates", Caption: "The signing", Credit: "Photo: Agency",
		Renditions: []NinjsRendition{
			{Name: "original", Href: "https://news.example.org/media/ab.jpg", ContentType: "image/jpeg", Width: 1200, Height: 800, Bytes: 345678},
			{Name: "w640", Href: "https://news.example.org/media/ab-640.jpg", ContentType: "image/jpeg", Width: 640, Height: 427},
		}}})
	if err != nil {
		t.Fatal(err)
	}
	inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(out))
	if err := schema.Validate(inst); err != nil {
		t.Errorf("not valid ninjs 2.1: %v\n%s", err, out)
	}
	for _, want := range []string{`"name": "lead"`, `"type": "picture"`, `"sizeinbytes": 345678`, `"by": "Photo: Agency"`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("lacks %s:\n%s", want, out)
		}
	}
}
