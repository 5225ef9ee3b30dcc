package site_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/editorial"
	"newsdesk/internal/news"
	"newsdesk/internal/store/storetest"
)

var ldScript = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

// jsonLD reads the one JSON-LD block of a page.
func jsonLD(t *testing.T, body string) map[string]any {
	t.Helper()
	m := ldScript.FindAllStringSubmatch(body, -1)
	if len(m) != 1 {
		t.Fatalf("%d JSON-LD blocks", len(m))
	}
	var ld map[string]any
	if err := json.Unmarshal([]byte(m[0][1]), &ld); err != nil {
		t.Fatalf("JSON-LD is not JSON: %v\n%s", err, m[0][1])
	}
	return ld
}

// TestStructuredData: an article page carries a NewsArticle with what
// search engines ask for, Open Graph and Twitter card tags, and a canonical
// link; corrections appear as CorrectionComment entries.
func TestStructuredData(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			p := newPortal(t, dialect)
			r := get(t, p, seedEN)
			if r.status != 200 {
				t.Fatalf("GET seed: %d", r.status)
			}
			ld := jsonLD(t, r.body)
			abs := p.srv.URL + seedEN
			want := map[string]any{
				"@context": "https://schema.org", "@type": "NewsArticle", "headline": seedTitle, "url": abs,
				"datePublished": "2022-09-16T17:51:59+08:00", "dateModified": "2022-09-16T17:51:59+08:00",
				"inLanguage": "en", "isAccessibleForFree": true, "articleSection": "Government Dynamic",
			}
			for k, v := range want {
				if ld[k] != v {
					t.Errorf("%s = %v, want %v", k, ld[k], v)
				}
			}
			if pub, _ := ld["publisher"].(map[string]any); pub["name"] != "National Energy Administration" ||
				!strings.HasPrefix(pub["logo"].(map[string]any)["url"].(string), p.srv.URL+"/static/logo.") {
				t.Errorf("publisher = %v", ld["publisher"])
			}
			if ed, _ := ld["editor"].(map[string]any); ed["name"] != "Leon" {
				t.Errorf("editor = %v", ld["editor"])
			}
			if au, _ := ld["author"].([]any); len(au) != 1 || au[0].(map[string]any)["name"] != "Xinhua" {
				t.Errorf("author = %v", ld["author"])
			}
			if logo := get(t, p, strings.TrimPrefix(ld["publisher"].(map[string]any)["logo"].(map[string]any)["url"].(string), p.srv.URL)); logo.status != 200 ||
				logo.header.Get("Content-Type") != "image/png" {
				t.Errorf("logo: %d %s", logo.status, logo.header.Get("Content-Type"))
			}
			for _, tag := range []string{
				`<meta property="og:type" content="article">`,
				`<meta property="og:title" content="` + seedTitle + `">`,
				`<meta property="og:url" content="` + abs + `">`,
				`<meta property="og:site_name" content="National Energy Administration">`,
				`<meta property="og:locale" content="en_US">`,
				`<meta property="article:published_time" content="2022-09-16T17:51:59&#43;08:00">`,
				`<meta name="twitter:card" content="summary">`,
				`<meta name="twitter:title" content="` + seedTitle + `">`,
				`<link rel="canonical" href="` + seedEN + `">`,
			} {
				if !strings.Contains(r.body, tag) {
					t.Errorf("page lacks %s", tag)
				}
			}

			// A correction and the site's logo setting show up.
			n := p.newsroom(t)
			a := n.publish(t, editorial.Draft{Language: "en", Channel: "news/world", Headline: "Wind farm output report",
				Summary: "Output rose.", BodyHTML: "<p>Output rose.</p>"})
			a = n.step(t, a, news.TransitionCorrect, "The output was 3 GW, not 30 GW.", time.Time{})
			if _, err := p.store.SetSetting(t.Context(), "logo_url", "https://cdn.example.org/logo.png"); err != nil {
				t.Fatal(err)
			}
			ld = jsonLD(t, get(t, p, articlePath(a)).body)
			corr, _ := ld["correction"].([]any)
			if len(corr) != 1 || corr[0].(map[string]any)["@type"] != "CorrectionComment" ||
				corr[0].(map[string]any)["text"] != "The output was 3 GW, not 30 GW." ||
				!strings.HasSuffix(corr[0].(map[string]any)["datePublished"].(string), "+08:00") {
				t.Errorf("correction = %v", ld["correction"])
			}
			if logo := ld["publisher"].(map[string]any)["logo"].(map[string]any)["url"]; logo != "https://cdn.example.org/logo.png" {
				t.Errorf("logo = %v", logo)
			}

			// Pages other than articles carry no NewsArticle.
			if strings.Contains(get(t, p, "/en/").body, "application/ld+json") {
				t.Error("the home page has a NewsArticle")
			}
		})
	}
}
