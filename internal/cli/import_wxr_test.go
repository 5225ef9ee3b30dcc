package cli_test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newsdesk/internal/news"
)

const sharedWXR = "../../testdata/wordpress-wxr"

func TestImportWXR(t *testing.T) {
	each(t, func(t *testing.T, db string) {
		ready(t, db)
		file := filepath.Join(sharedWXR, "wordpress-importer/phpunit-data/small-export.xml")
		r := run(t, nil, "import", "wxr", file, "--channel", "news", "--db", db)
		r.expect(t, 0, []string{"import wxr: 11 items: 10 imported, 0 updated, 0 unchanged, 1 skipped, 0 failed; 4 pages, 0 attachments kept as remote URLs; 29 channels, 3 users (disabled, to invite) and 13 redirects created"},
			[]string{"(post 13): note: private in WordPress: imported as a draft", "(post 9): skipped: page with status \"draft\"", "[1/11] "})
		s := open(t, db)
		if a, err := s.ArticleByURI(ctx, "http://localhost/?p=1"); err != nil || a.ChannelPath != "news/uncategorized" && a.ChannelPath != "news" {
			t.Errorf("hello world: %+v, %v", a, err)
		}
		// Again: nothing new.
		run(t, nil, "import", "wxr", "--db", db, "--channel", "news", file).
			expect(t, 0, []string{"0 imported, 0 updated, 10 unchanged, 1 skipped"}, nil)
	})
}

func TestImportWXRMalformed(t *testing.T) {
	each(t, func(t *testing.T, db string) {
		ready(t, db)
		file := filepath.Join(sharedWXR, "wordpress-importer/phpunit-data/malformed.xml")
		r := run(t, nil, "import", "wxr", file, "--channel", "news", "--db", db)
		r.expect(t, 1, nil, []string{file + ": line 90: malformed XML: element <notachanneltag> closed by </channel> (nothing was imported)"})
		if r.stdout != "" {
			t.Errorf("stdout = %q", r.stdout)
		}
		if n, _ := open(t, db).CountArticles(ctx); n != 0 {
			t.Errorf("%d articles after a refused file, want 0", n)
		}
	})
}

func TestImportWXRFetchMedia(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = byte(i % 253)
	}
	var pngData bytes.Buffer
	if err := png.Encode(&pngData, img); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/up/boat.jpg" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write(pngData.Bytes())
	}))
	defer srv.Close()
	doc := `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old</title><wp:wxr_version>1.2</wp:wxr_version><wp:base_blog_url>https://old.example</wp:base_blog_url>
<item><title>Boat trip</title><link>https://old.example/2020/05/01/boat-trip/</link><content:encoded><![CDATA[<img src="` + srv.URL + `/up/boat-300x200.jpg"> A trip. <img src="` + srv.URL + `/up/missing.jpg">]]></content:encoded>
<wp:post_id>1</wp:post_id><wp:post_date_gmt>2020-05-01 08:00:00</wp:post_date_gmt><wp:post_name>boat-trip</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>50</wp:meta_value></wp:postmeta></item>
<item><title>The boat</title><wp:post_id>50</wp:post_id><wp:post_type>attachment</wp:post_type><wp:attachment_url>` + srv.URL + `/up/boat.jpg</wp:attachment_url></item>
<item><title>Missing</title><wp:post_id>51</wp:post_id><wp:post_type>attachment</wp:post_type><wp:attachment_url>` + srv.URL + `/up/missing.jpg</wp:attachment_url></item>
</channel></rss>`
	file := filepath.Join(t.TempDir(), "old.xml")
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	each(t, func(t *testing.T, db string) {
		ready(t, db)
		dir := t.TempDir()
		s := open(t, db)
		// The test server is on 127.0.0.1: without the allow-list every
		// copy is refused, the remote URLs stay, and the import still runs.
		r := run(t, nil, "import", "wxr", file, "--channel", "news", "--fetch-media", "--media", dir, "--db", db)
		r.expect(t, 0, []string{"1 items: 1 imported", "0 files copied into the media library (2 could not be fetched)"}, []string{"address refused"})
		if _, err := s.SetFetchAllowList(ctx, []string{"127.0.0.1"}); err != nil {
			t.Fatal(err)
		}
		r = run(t, nil, "import", "wxr", file, "--channel", "news", "--fetch-media", "--media", dir, "--db", db)
		r.expect(t, 0, []string{"0 imported, 1 updated", "1 files copied into the media library (1 could not be fetched)"}, []string{"missing.jpg", "404"})
		a, err := s.ArticleByURI(ctx, "https://old.example/?p=1")
		if err != nil {
			t.Fatal(err)
		}
		m, err := s.MediaByID(ctx, a.LeadMediaID)
		if err != nil || m.Alt != "The boat" || m.Kind != news.MediaImage {
			t.Fatalf("lead image %+v, %v", m, err)
		}
		if !strings.Contains(a.BodyHTML, `<img src="`+m.URL()+`">`) || !strings.Contains(a.BodyHTML, srv.URL+"/up/missing.jpg") {
			t.Errorf("body %s", a.BodyHTML)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*", m.Hash+".*"))
		if len(files) != 1 {
			t.Errorf("stored files %v under %s", files, dir)
		}
	})
}
