package feed

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const sharedWXR = "../../testdata/wordpress-wxr"

const wxrHead = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old blog</title><link>https://old.example/blog</link><language>zh-CN</language>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://old.example</wp:base_site_url><wp:base_blog_url>https://old.example/blog</wp:base_blog_url>
`

func TestParseWXR(t *testing.T) {
	data := wxrHead + `<wp:author><wp:author_id>1</wp:author_id><wp:author_login>ann</wp:author_login><wp:author_email>ann@old.example</wp:author_email><wp:author_display_name><![CDATA[Ann Lee]]></wp:author_display_name></wp:author>
<wp:category><wp:category_nicename>%e6%96%b0%e9%97%bb</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[新闻]]></wp:cat_name></wp:category>
<item><title>Hello &amp; welcome</title><link>https://old.example/blog/2013/01/11/hello/</link><dc:creator>ann</dc:creator>
<guid isPermaLink="false">https://old.example/blog/?p=7</guid>
<content:encoded><![CDATA[First line

Second]]></content:encoded><excerpt:encoded><![CDATA[Short]]></excerpt:encoded>
<wp:post_id>7</wp:post_id><wp:post_date>2013-01-11 10:00:00</wp:post_date><wp:post_date_gmt>2013-01-11 02:00:00</wp:post_date_gmt>
<wp:post_name>hello</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="%e6%96%b0%e9%97%bb"><![CDATA[新闻]]></category><category domain="post_tag" nicename="tag-a"><![CDATA[Tag A]]></category>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value><![CDATA[9]]></wp:meta_value></wp:postmeta></item>
<item xmlns:wp="http://evil.example/"><title>Hijacked</title><wp:post_id>8</wp:post_id></item>
<item><title>Draft</title><wp:post_id>10</wp:post_id><wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt><wp:status>draft</wp:status><wp:post_type>page</wp:post_type></item>
</channel></rss>`
	w, err := ParseWXR([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if w.Version != "1.2" || w.Language != "zh" || w.BaseBlogURL != "https://old.example/blog" || len(w.Authors) != 1 || w.Authors[0].DisplayName != "Ann Lee" ||
		len(w.Categories) != 1 || w.Categories[0].Name != "新闻" || len(w.Items) != 3 {
		t.Fatalf("export %+v", w)
	}
	it := w.Items[0]
	if it.PostID != 7 || it.Title != "Hello & welcome" || it.Creator != "ann" || it.Content != "First line\n\nSecond" || it.Excerpt != "Short" ||
		!it.DateGMT.Equal(time.Date(2013, 1, 11, 2, 0, 0, 0, time.UTC)) || it.PostName != "hello" || it.Status != "publish" ||
		len(it.Categories) != 1 || it.Tags[0].Name != "Tag A" || it.ThumbnailID() != 9 || it.Line != 8 {
		t.Errorf("item %+v", it)
	}
	if got := strings.Join(w.OldPaths(it), " "); got != "/blog/?p=7 /blog/2013/01/11/hello/" {
		t.Errorf("old paths %q", got)
	}
	if w.Items[1].Err == nil || !strings.Contains(w.Items[1].Err.Error(), "line 17: the item has no wp:post_id") {
		t.Errorf("hijacked item err = %v", w.Items[1].Err)
	}
	if d := w.Items[2]; d.Err != nil || !d.DateGMT.IsZero() || d.Status != "draft" || strings.Join(w.OldPaths(d), " ") != "/blog/?p=10 /blog/?page_id=10" {
		t.Errorf("draft page %+v %v", d, w.OldPaths(d))
	}
}

func TestParseWXRRefusals(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"empty", "", "line 1: not a WordPress export"},
		{"not xml", "hello", "not a WordPress export"},
		{"atom", `<feed xmlns="http://www.w3.org/2005/Atom"/>`, "line 1: not a WordPress export: the document is <feed>"},
		{"no channel", "<rss/>", "<rss> has no <channel>"},
		{"no version", "<rss>\n<channel><title>x</title></channel></rss>", "line 2: not a WordPress export: the channel has no wp:wxr_version"},
		{"bad version", wxrHead[:strings.Index(wxrHead, "<wp:wxr_version>")] + "<wp:wxr_version>9.0</wp:wxr_version></channel></rss>", `wp:wxr_version "9.0"`},
		{"unclosed", wxrHead + "<item><title>x</title>", "malformed XML: unexpected EOF"},
		{"bad date", wxrHead + "<item><wp:post_id>1</wp:post_id><wp:post_date_gmt>yesterday</wp:post_date_gmt></item></channel></rss>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := ParseWXR([]byte(tt.data))
			if tt.want == "" {
				if err != nil || len(w.Items) != 1 || w.Items[0].Err == nil || !strings.Contains(w.Items[0].Err.Error(), `"yesterday" is not a date`) {
					t.Errorf("bad date: %v, %+v", err, w.Items)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "line ") {
				t.Errorf("ParseWXR = %v, want an error with %q starting with its line", err, tt.want)
			}
		})
	}
}

func TestWXRContentHTML(t *testing.T) {
	media := map[int64]WXRAttachment{
		3: {ID: 3, URL: "https://old.example/a.jpg", Title: "A", Parent: 7},
		4: {ID: 4, URL: "https://old.example/b.jpg", Title: "B", Parent: 7},
	}
	tests := []struct {
		name, in, want string
		notes          []string
	}{
		{"paragraphs", "One\nline two\n\nThree", "<p>One<br>\nline two</p>\n<p>Three</p>", nil},
		{"headings start at h2", "<h3>A</h3>\n\n<h4 class=\"x\">B</h4><h6>C</h6>", "<h2>A</h2>\n<h3 class=\"x\">B</h3><h5>C</h5>", nil},
		{"h1 moves down", "<h1>A</h1><h2>B</h2>", "<h2>A</h2><h3>B</h3>", nil},
		{"block markup kept", "<!-- wp:paragraph -->\n<p>Hi</p>\n<!-- /wp:paragraph -->", "<!-- wp:paragraph -->\n<p>Hi</p>\n<!-- /wp:paragraph -->", nil},
		{"caption", `[caption id="attachment_3" align="alignnone" width="300"]<img src="https://old.example/a.jpg" alt="A"> A boat[/caption]`,
			`<figure><img src="https://old.example/a.jpg" alt="A"><figcaption>A boat</figcaption></figure>`, nil},
		{"caption attribute", `[caption caption="Lake"]<a href="x"><img src="y"></a>[/caption]`, `<figure><a href="x"><img src="y"></a><figcaption>Lake</figcaption></figure>`, nil},
		{"gallery ids", `[gallery ids="4,3,99"]`, `<figure class="gallery"><img src="https://old.example/b.jpg" alt="B"><img src="https://old.example/a.jpg" alt="A"></figure>`,
			[]string{"[gallery]: attachment 99 is not in the export"}},
		{"gallery of the post", `[gallery columns="2"]`, `<figure class="gallery"><img src="https://old.example/a.jpg" alt="A"><img src="https://old.example/b.jpg" alt="B"></figure>`, nil},
		{"embed", `[embed]https://video.example/v/1[/embed]`, `<p><a href="https://video.example/v/1">https://video.example/v/1</a></p>`, nil},
		{"bare url", "Look:\n\nhttps://video.example/v/2\n\nEnd", "<p>Look:</p>\n<p><a href=\"https://video.example/v/2\">https://video.example/v/2</a></p>\n<p>End</p>", nil},
		{"bad embed", `[embed]javascript:alert(1)[/embed]`, ``, []string{`[embed] of "javascript:alert(1)" is not a web address and was left out`}},
		{"unknown shortcode", `[contact-form-7 id="1"] and [sic]`, `<p>[contact-form-7 id="1"] and [sic]</p>`, []string{"shortcode [contact-form-7] is not supported and was left as text"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, notes := WXRContentHTML(tt.in, 7, media)
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			if strings.Join(notes, "|") != strings.Join(tt.notes, "|") {
				t.Errorf("notes %q, want %q", notes, tt.notes)
			}
		})
	}
}

// FuzzParseWXR: no input makes the WXR reader or the body conversion
// panic, and a refusal always names its line.
func FuzzParseWXR(f *testing.F) {
	for _, pattern := range []string{"*/*.xml", "*/*/*.xml"} {
		files, _ := filepath.Glob(filepath.Join(sharedWXR, pattern))
		for _, p := range files {
			if data, err := os.ReadFile(p); err == nil && len(data) < 64<<10 {
				f.Add(data)
			}
		}
	}
	f.Add([]byte(wxrHead + "<item><wp:post_id>1</wp:post_id><content:encoded>[caption]x[/caption][gallery ids=\"1\"][embed]http://x[/embed]</content:encoded></item></channel></rss>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := ParseWXR(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Errorf("refusal without a line: %v", err)
			}
			return
		}
		media := map[int64]WXRAttachment{}
		for _, it := range w.Items {
			media[it.PostID] = WXRAttachment{ID: it.PostID, URL: it.AttachmentURL, Parent: it.Parent}
		}
		for _, it := range w.Items {
			WXRContentHTML(it.Content, it.PostID, media)
			w.OldPaths(it)
		}
	})
}
