package site_test

import (
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"newsdesk/internal/feed"
	"newsdesk/internal/store/storetest"
)

// TestLeadImageSyndicated: an article's lead image goes out as the
// enclosure of every feed, in its JSON-LD and Open Graph tags (with a large
// Twitter card), and as a ninjs association with a rendition per size.
func TestLeadImageSyndicated(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			a, lead, _ := p.mediaArticle(t, p.newsroom(t), "en")
			img := p.srv.URL + lead.URL()
			for _, name := range feed.Names() {
				r := get(t, p, "/en/news/world/"+name)
				if problems := feed.Lint(name, []byte(r.body)); len(problems) > 0 {
					t.Errorf("%s: %s", name, strings.Join(problems, "\n"))
				}
				got, err := gofeed.NewParser().ParseString(r.body)
				if err != nil || len(got.Items) == 0 {
					t.Fatalf("%s: %v", name, err)
				}
				it := got.Items[0]
				if it.Title != a.Headline {
					t.Fatalf("%s: first item %q", name, it.Title)
				}
				if name == feed.JSONFeedName {
					if it.Image == nil || it.Image.URL != img {
						t.Errorf("%s: image %+v, want %s", name, it.Image, img)
					}
					continue
				}
				if len(it.Enclosures) != 1 || it.Enclosures[0].URL != img || it.Enclosures[0].Type != "image/jpeg" ||
					(name == feed.RSSName && it.Enclosures[0].Length != "345678") {
					t.Errorf("%s: enclosures %+v", name, it.Enclosures)
				}
			}

			page := get(t, p, articlePath(a))
			ld := jsonLD(t, page.body)
			images, _ := ld["image"].([]any)
			if len(images) != 1 || images[0].(map[string]any)["url"] != img || images[0].(map[string]any)["width"] != float64(1200) {
				t.Errorf("JSON-LD image = %v", ld["image"])
			}
			for _, tag := range []string{`<meta property="og:image" content="` + img + `">`, `<meta property="og:image:width" content="1200">`,
				`<meta property="og:image:alt" content="Delegates at the signing table">`, `<meta name="twitter:card" content="summary_large_image">`} {
				if !strings.Contains(page.body, tag) {
					t.Errorf("article page lacks %s", tag)
				}
			}

			r := p.apiGet(t, "/api/v1/articles/"+itoa(a.ID)+"?format=ninjs")
			for _, want := range []string{`"associations": [`, `"name": "lead"`, `"type": "picture"`, `"by": "Photo: Our Agency"`,
				`"href": "http://example.com` + lead.URL() + `"`, `"name": "w640"`, `"value": "Delegates at the signing table"`} {
				if !strings.Contains(r.body, want) {
					t.Errorf("ninjs lacks %s:\n%s", want, r.body)
				}
			}
		})
	}
}
