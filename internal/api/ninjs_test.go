package api_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"newsdesk/internal/feed"
	"newsdesk/internal/ingest"
	"newsdesk/internal/markup"
	"newsdesk/internal/store/storetest"
)

// getNinjs fetches an article in ninjs, by ?format= or by Accept.
func getNinjs(t *testing.T, f *newsroomFixture, id int64, token string, byAccept bool) (int, http.Header, []byte) {
	t.Helper()
	path := f.srv.URL + "/api/v1/articles/" + strconv.FormatInt(id, 10)
	if !byAccept {
		path += "?format=ninjs"
	}
	req, _ := http.NewRequest("GET", path, nil)
	if byAccept {
		req.Header.Set("Accept", "application/ninjs+json, application/json;q=0.5")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, body
}

func ninjsSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(mustRead(t, "../../testdata/ninjs/ninjs-2.1.schema.json")))
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

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestNinjsOut: the seed ninjs imported and exported again keeps its
// headline, body, dates, language and infosources, and is valid ninjs 2.1;
// who may read which article in ninjs follows visibility and edit rights.
func TestNinjsOut(t *testing.T) {
	schema := ninjsSchema(t)
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			f := newNewsroomFixture(t, dialect)
			ctx := context.Background()
			seed := mustRead(t, "../../testdata/seed/seed-article.ninjs.json")
			im := &ingest.Importer{Store: f.ed.Store, Sanitizer: markup.NewSanitizer(), Now: f.ed.Now}
			res := im.Ninjs(ctx, "seed-article.ninjs.json", seed, "news/china/government-dynamic")
			if res.Err != nil {
				t.Fatal(res.Err)
			}
			for _, byAccept := range []bool{false, true} {
				status, h, body := getNinjs(t, f, res.Article.ID, "", byAccept)
				if status != 200 || h.Get("Content-Type") != feed.NinjsMediaType {
					t.Fatalf("GET seed as ninjs: %d %s %s", status, h.Get("Content-Type"), body)
				}
				inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if err := schema.Validate(inst); err != nil {
					t.Errorf("not valid ninjs 2.1: %v\n%s", err, body)
				}
				in, _ := feed.ParseNinjs(seed)
				out, err := feed.ParseNinjs(body)
				if err != nil {
					t.Fatalf("exported ninjs does not read back: %v", err)
				}
				// The sanitizer writes ' as &#39;: the same HTML.
				if html.UnescapeString(out.BodyHTML) != html.UnescapeString(in.BodyHTML) {
					t.Errorf("body changed:\n in %.200q\nout %.200q", in.BodyHTML, out.BodyHTML)
				}
				if out.URI != in.URI || out.Headline != in.Headline || out.Language != in.Language ||
					out.Source != in.Source || out.Editor != in.Editor || out.Source != "Xinhua" || out.Editor != "Leon" {
					t.Errorf("round trip: uri %q headline %q language %q source %q editor %q", out.URI, out.Headline, out.Language, out.Source, out.Editor)
				}
				if !out.FirstCreated.Equal(in.FirstCreated) || !out.VersionCreated.Equal(in.VersionCreated) ||
					!strings.Contains(string(body), `"firstcreated": "2022-09-16T17:51:59+08:00"`) {
					t.Errorf("dates changed: %v %v -> %v %v", in.FirstCreated, in.VersionCreated, out.FirstCreated, out.VersionCreated)
				}
			}

			// Who reads what: a draft only for those who may edit it; a
			// published story for anyone.
			for _, tc := range []struct {
				name, article, token string
				status               int
				pubstatus            string
			}{
				{"draft, no token", "grid", "", 404, ""},
				{"draft, its editor", "grid", f.tokens["editor"], 200, "withheld"},
				{"draft, a token that may not edit it", "grid", f.tokens["contrib"], 404, ""},
				{"published, no token", "world", "", 200, "usable"},
				{"published, a token that may not edit it", "world", f.tokens["editor"], 200, "usable"},
				{"bad token", "world", "nd_bogus_token", 401, ""},
			} {
				status, _, body := getNinjs(t, f, f.ids[tc.article], tc.token, false)
				if status != tc.status {
					t.Errorf("%s: %d, want %d: %s", tc.name, status, tc.status, body)
					continue
				}
				if tc.pubstatus != "" && !strings.Contains(string(body), `"pubstatus": "`+tc.pubstatus+`"`) {
					t.Errorf("%s: pubstatus is not %s:\n%s", tc.name, tc.pubstatus, body)
				}
			}

			// The JSON form keeps its rules: a token, and edit rights.
			if status, _, _ := f.call(t, "GET", "/api/v1/articles/"+strconv.FormatInt(f.ids["world"], 10), "", nil); status != 401 {
				t.Errorf("JSON without a token: %d", status)
			}
			if status, _, doc := f.call(t, "GET", "/api/v1/articles/"+strconv.FormatInt(f.ids["world"], 10)+"?format=xml", "", nil); status != 400 {
				t.Errorf("?format=xml: %d %v", status, doc)
			}
		})
	}
}
