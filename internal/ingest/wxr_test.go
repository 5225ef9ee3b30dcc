package ingest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newsdesk/internal/feed"
	"newsdesk/internal/ingest"
	"newsdesk/internal/media"
	"newsdesk/internal/news"
	"newsdesk/internal/store"
	"newsdesk/internal/store/storetest"
)

const wxrDir = "../../testdata/wordpress-wxr"

// refusedWXR are the files that must be refused whole, with the line.
var refusedWXR = map[string]string{
	"malformed.xml":           "line 90: malformed XML",
	"malformed-simple.xml":    "line 14: malformed XML",
	"crazy-cdata.xml":         "line 18: malformed XML",
	"missing-version-tag.xml": "has no wp:wxr_version",
	"invalid-version-tag.xml": `line 33: wp:wxr_version "abc"`,
}

func wxrFiles(t *testing.T) []string {
	t.Helper()
	a, _ := filepath.Glob(filepath.Join(wxrDir, "*", "*.xml"))
	b, _ := filepath.Glob(filepath.Join(wxrDir, "*", "*", "*.xml"))
	files := append(a, b...)
	if len(files) < 38 {
		t.Fatalf("found %d WXR files under %s", len(files), wxrDir)
	}
	return files
}

func importWXR(t *testing.T, im *ingest.Importer, path, channel string) ingest.WXRSummary {
	t.Helper()
	w, err := feed.ParseWXR(read(t, path))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	sum, err := im.WXR(ctx, w, ingest.WXROptions{File: filepath.Base(path), Channel: channel}, func(r ingest.ItemResult) {
		if r.Outcome == ingest.Failed {
			t.Errorf("%s: %v", r.Path, r.Err)
		}
	})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return sum
}

// TestEveryWXRFile: each shared WordPress export imports (or is refused
// whole with its line and reason, importing nothing), and importing it
// again changes nothing.
func TestEveryWXRFile(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		for _, path := range wxrFiles(t) {
			name := filepath.Base(path)
			if want, refused := refusedWXR[name]; refused {
				_, err := feed.ParseWXR(read(t, path))
				if err == nil || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "line ") {
					t.Errorf("%s: %v, want a refusal with %q", name, err, want)
				}
				continue
			}
			before, _ := s.CountArticles(ctx)
			first := importWXR(t, im, path, "news")
			after, _ := s.CountArticles(ctx)
			if after-before != first.Counts[ingest.Created]-first.PagesCreated {
				t.Errorf("%s: %d new articles, summary says %v", name, after-before, first)
			}
			again := importWXR(t, im, path, "news")
			if again.Counts[ingest.Created] != 0 || again.Counts[ingest.Updated] != 0 || again.ChannelsCreated != 0 || again.UsersCreated != 0 ||
				again.Pages != 0 || again.Redirects != 0 {
				t.Errorf("%s: second import changed something: %v", name, again)
			}
			if n, _ := s.CountArticles(ctx); n != after {
				t.Errorf("%s: second import made %d articles", name, n-after)
			}
		}
	})
}

func TestWXRSmallExport(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		sum := importWXR(t, im, filepath.Join(wxrDir, "wordpress-importer/phpunit-data/small-export.xml"), "news")
		// 5 posts published, 1 private; 4 published pages and a draft one.
		if sum.Counts[ingest.Created] != 10 || sum.Counts[ingest.Skipped] != 1 || sum.UsersCreated != 3 || sum.Pages != 4 {
			t.Errorf("summary %v", sum)
		}
		users, _ := s.Users(ctx)
		disabled := 0
		for _, u := range users {
			if u.Email == "editor@example.org" && (u.Status != news.UserDisabled || u.Name != "editor") {
				t.Errorf("author user %+v", u)
			}
			if u.Status == news.UserDisabled {
				disabled++
			}
		}
		if disabled != 3 {
			t.Errorf("%d disabled users, want 3", disabled)
		}
		// Nested categories became nested channels under --channel.
		tree, _ := s.Channels(ctx)
		var paths []string
		for _, c := range tree.All() {
			paths = append(paths, c.Path)
		}
		joined := strings.Join(paths, " ")
		for _, want := range []string{"news/alpha", "news/bar", "news/bar/foo-bar", "news/foo", "news/gamma"} {
			if !strings.Contains(" "+joined+" ", " "+want+" ") {
				t.Errorf("no channel %s in %s", want, joined)
			}
		}
	})
}

// wxrDoc is a small export with one item per WordPress status.
const wxrDoc = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old</title><link>https://old.example</link><language>en-US</language><wp:wxr_version>1.2</wp:wxr_version>
<wp:base_site_url>https://old.example</wp:base_site_url><wp:base_blog_url>https://old.example</wp:base_blog_url>
<wp:author><wp:author_login>ann</wp:author_login><wp:author_email>Ann@Old.example</wp:author_email><wp:author_display_name>Ann Lee</wp:author_display_name></wp:author>
<wp:author><wp:author_login>bob</wp:author_login><wp:author_email>not-an-email</wp:author_email><wp:author_display_name>Bob</wp:author_display_name></wp:author>
<wp:category><wp:category_nicename>economy</wp:category_nicename><wp:cat_name>Economy</wp:cat_name></wp:category>
<wp:category><wp:category_nicename>search</wp:category_nicename><wp:cat_name>Search</wp:cat_name></wp:category>
%s
</channel></rss>`

func wxrPost(id int, status, date, extra string) string {
	return fmt.Sprintf(`<item><title>Post %d</title><link>https://old.example/2020/05/0%d/post-%d/</link><dc:creator>ann</dc:creator>
<content:encoded><![CDATA[Body %d<script>alert(1)</script>]]></content:encoded><wp:post_id>%d</wp:post_id>
<wp:post_date_gmt>%s</wp:post_date_gmt><wp:post_name>post-%d</wp:post_name><wp:status>%s</wp:status><wp:post_type>post</wp:post_type>
<category domain="category" nicename="economy">Economy</category><category domain="post_tag" nicename="t">Trade</category>%s</item>`,
		id, id%10, id, id, id, date, id, status, extra)
}

func TestWXRStatusesAndRedirects(t *testing.T) {
	items := strings.Join([]string{
		wxrPost(1, "publish", "2020-05-01 08:00:00", `<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>50</wp:meta_value></wp:postmeta>`),
		wxrPost(2, "draft", "0000-00-00 00:00:00", ""),
		wxrPost(3, "pending", "2020-05-03 08:00:00", ""),
		wxrPost(4, "private", "2020-05-04 08:00:00", ""),
		wxrPost(5, "future", "2030-05-05 08:00:00", ""),
		wxrPost(6, "trash", "2020-05-06 08:00:00", ""),
		wxrPost(7, "publish", "2020-05-07 08:00:00", `<wp:post_password>secret</wp:post_password>`),
		`<item><title>Boat</title><wp:post_id>50</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:attachment_url>https://old.example/wp-content/uploads/boat.jpg</wp:attachment_url><excerpt:encoded>A boat</excerpt:encoded></item>`,
		`<item><title>Menu</title><wp:post_id>60</wp:post_id><wp:post_type>nav_menu_item</wp:post_type></item>`,
		`<item><title>About the paper</title><link>https://old.example/about/</link><wp:post_id>70</wp:post_id><wp:post_name>about-the-paper</wp:post_name>
<wp:post_type>page</wp:post_type><wp:status>publish</wp:status><content:encoded>We print news.</content:encoded></item>`,
	}, "\n")
	doc := fmt.Sprintf(wxrDoc, items)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		w, err := feed.ParseWXR([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		var skipped []string
		sum, err := im.WXR(ctx, w, ingest.WXROptions{File: "old.xml", Channel: "news"}, func(r ingest.ItemResult) {
			if r.Outcome == ingest.Skipped {
				skipped = append(skipped, r.Err.Error())
			}
		})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Counts[ingest.Created] != 7 || sum.Counts[ingest.Skipped] != 2 || sum.Attachments != 1 || sum.UsersCreated != 1 ||
			sum.ChannelsCreated != 2 || sum.Failed() != 0 {
			t.Errorf("summary %v", sum)
		}
		if strings.Join(skipped, "|") != `in the WordPress trash|post type "nav_menu_item" is not imported` {
			t.Errorf("skipped: %q", skipped)
		}
		site, _ := s.Site(ctx)
		loc := site.Location()
		want := map[int]news.Status{1: news.StatusPublished, 2: news.StatusDraft, 3: news.StatusInReview, 4: news.StatusDraft,
			5: news.StatusScheduled, 7: news.StatusDraft}
		for id, status := range want {
			a := byURI(t, s, fmt.Sprintf("https://old.example/?p=%d", id))
			if a.Status != status || a.ChannelPath != "news/economy" || a.Language != "en" || a.Slug != fmt.Sprintf("post-%d", id) ||
				strings.Contains(a.BodyHTML, "script") || a.Byline != "Ann Lee" || a.AuthorID == 0 || len(a.Tags) != 1 {
				t.Errorf("post %d: %+v", id, a)
			}
		}
		a1 := byURI(t, s, "https://old.example/?p=1")
		if !a1.ReleaseAt.Equal(time.Date(2020, 5, 1, 8, 0, 0, 0, time.UTC)) ||
			a1.BodyHTML != `<figure><img src="https://old.example/wp-content/uploads/boat.jpg" alt="Boat"><figcaption>A boat</figcaption></figure><p>Body 1</p>` {
			t.Errorf("post 1: release %v body %q", a1.ReleaseAt, a1.BodyHTML)
		}
		// Old permalinks redirect to the new URLs; drafts leave none.
		for from, to := range map[string]string{
			"/?p=1":               a1.Path(loc),
			"/2020/05/01/post-1/": a1.Path(loc),
			"/?p=70":              "/en/about-the-paper/",
			"/?page_id=70":        "/en/about-the-paper/",
			"/about/":             "/en/about-the-paper/",
			"/?p=5":               byURI(t, s, "https://old.example/?p=5").Path(loc),
		} {
			if got, err := s.Redirect(ctx, from); err != nil || got != to {
				t.Errorf("Redirect(%s) = %q, %v; want %s", from, got, err, to)
			}
		}
		if _, err := s.Redirect(ctx, "/?p=2"); err == nil {
			t.Error("a draft left a redirect to its private URL")
		}
		// The category named like a reserved word got another slug.
		if _, err := s.ChannelByPath(ctx, "news/search"); err != nil {
			t.Errorf("news/search (reserved only at the top level): %v", err)
		}
		p, err := s.PageBySlug(ctx, "about-the-paper")
		if err != nil || p.Title["en"] != "About the paper" || p.Body["en"] != "<p>We print news.</p>" {
			t.Errorf("page %+v, %v", p, err)
		}
		u, err := s.UserByEmail(ctx, "ann@old.example")
		if err != nil || u.Status != news.UserDisabled || u.Name != "Ann Lee" {
			t.Errorf("author %+v, %v", u, err)
		}
		// Again: nothing changes; a changed post is updated in place.
		again, _ := im.WXR(ctx, w, ingest.WXROptions{File: "old.xml", Channel: "news"}, nil)
		if again.Counts[ingest.Unchanged] != 7 || again.Redirects != 0 {
			t.Errorf("re-run %v", again)
		}
		w2, _ := feed.ParseWXR([]byte(strings.Replace(doc, "Body 1<script>", "Body 1 corrected<script>", 1)))
		third, _ := im.WXR(ctx, w2, ingest.WXROptions{File: "old.xml", Channel: "news"}, nil)
		if third.Counts[ingest.Updated] != 1 || byURI(t, s, "https://old.example/?p=1").ID != a1.ID {
			t.Errorf("changed post: %v", third)
		}
	})
}

func TestWXRWithoutChannel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		w, err := feed.ParseWXR([]byte(fmt.Sprintf(wxrDoc, `<item><title>Lonely</title><wp:post_id>9</wp:post_id><wp:status>publish</wp:status>
<wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt></item>`)))
		if err != nil {
			t.Fatal(err)
		}
		var errs []string
		sum, err := im.WXR(ctx, w, ingest.WXROptions{File: "x.xml"}, func(r ingest.ItemResult) {
			if r.Err != nil {
				errs = append(errs, r.Err.Error())
			}
		})
		if err != nil || sum.Failed() != 1 || !strings.Contains(strings.Join(errs, ""), "pass --channel PATH") {
			t.Errorf("uncategorised post without --channel: %v %v %q", sum, err, errs)
		}
		// Top-level categories: "search" is reserved there and takes another slug.
		if _, err := s.ChannelByPath(ctx, "economy"); err != nil {
			t.Errorf("top-level economy: %v", err)
		}
		if _, err := s.ChannelByPath(ctx, "search-2"); err != nil {
			t.Errorf("reserved search became: %v", err)
		}
		if _, err := im.WXR(ctx, w, ingest.WXROptions{File: "x.xml", Channel: "news/nope"}, nil); err == nil || !strings.Contains(err.Error(), "news/nope") {
			t.Errorf("unknown --channel: %v", err)
		}
		if _, err := im.WXR(ctx, w, ingest.WXROptions{File: "x.xml", Language: "fr"}, nil); err == nil || !strings.Contains(err.Error(), `"fr"`) {
			t.Errorf("unknown --language: %v", err)
		}
	})
}

// testPNG is a small PNG whose colour (and so hash) depends on seed.
func testPNG(t testing.TB, seed int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = byte(seed*37 + i%251)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestWXRLocalize: with a Localize hook (what --fetch-media installs, here
// storing into the real media library without the network), the featured
// image becomes the lead image and every body reference to an attachment,
// its resized copies included, points at the library's copy; each file is
// copied once; a file that cannot be copied keeps its remote URL and is
// noted.
func TestWXRLocalize(t *testing.T) {
	items := strings.Join([]string{
		wxrPost(1, "publish", "2020-05-01 08:00:00", `<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>50</wp:meta_value></wp:postmeta>`),
		strings.Replace(wxrPost(2, "publish", "2020-05-02 08:00:00", ""), "Body 2", `<img src="https://old.example/up/boat-300x200.jpg"> <a href="https://old.example/up/map.png">map</a> <img src="https://old.example/up/gone.jpg">`, 1),
		`<item><title>Boat</title><wp:post_id>50</wp:post_id><wp:post_type>attachment</wp:post_type><wp:attachment_url>https://old.example/up/boat.jpg</wp:attachment_url></item>`,
		`<item><title>Map</title><wp:post_id>51</wp:post_id><wp:post_type>attachment</wp:post_type><wp:attachment_url>https://old.example/up/map.png</wp:attachment_url></item>`,
		`<item><title>Gone</title><wp:post_id>52</wp:post_id><wp:post_type>attachment</wp:post_type><wp:attachment_url>https://old.example/up/gone.jpg</wp:attachment_url></item>`,
	}, "\n")
	w, err := feed.ParseWXR([]byte(fmt.Sprintf(wxrDoc, items)))
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		im := setup(t, s)
		lib := media.New(s, t.TempDir(), nil)
		importer := news.User{Email: "import", Status: news.UserActive, Grants: []news.Grant{{Role: news.RoleAdministrator}}}
		calls := map[string]int{}
		localize := func(ctx context.Context, f ingest.RemoteFile) (string, int64, error) {
			calls[f.URL]++
			if strings.HasSuffix(f.URL, "gone.jpg") {
				return "", 0, errors.New("server answered 404 Not Found")
			}
			m, _, err := lib.Add(ctx, importer, "", media.Upload{Filename: path.Base(f.URL), Body: bytes.NewReader(testPNG(t, len(calls))), Alt: f.Alt})
			return m.URL(), m.ID, err
		}
		var notes []string
		sum, err := im.WXR(ctx, w, ingest.WXROptions{File: "x.xml", Channel: "news", Localize: localize}, func(r ingest.ItemResult) {
			notes = append(notes, r.Notes...)
			if r.Err != nil {
				t.Errorf("%s: %v", r.Path, r.Err)
			}
		})
		if err != nil || sum.MediaFetched != 2 || sum.MediaFailed != 1 || sum.Counts[ingest.Created] != 2 {
			t.Fatalf("summary %v, %v", sum, err)
		}
		if calls["https://old.example/up/boat.jpg"] != 1 || len(calls) != 3 {
			t.Errorf("copies asked for: %v", calls)
		}
		boat, err := s.MediaByID(ctx, byURI(t, s, "https://old.example/?p=1").LeadMediaID)
		if err != nil || boat.Alt != "Boat" || boat.Filename == "" {
			t.Fatalf("lead image %+v, %v", boat, err)
		}
		if a1 := byURI(t, s, "https://old.example/?p=1"); strings.Contains(a1.BodyHTML, "<figure>") {
			t.Errorf("the lead image is also in the body: %s", a1.BodyHTML)
		}
		a2 := byURI(t, s, "https://old.example/?p=2")
		if !strings.Contains(a2.BodyHTML, `<img src="`+boat.URL()+`">`) || !strings.Contains(a2.BodyHTML, `href="/media/`) ||
			!strings.Contains(a2.BodyHTML, `src="https://old.example/up/gone.jpg"`) {
			t.Errorf("body: %s", a2.BodyHTML)
		}
		if len(notes) != 1 || !strings.Contains(notes[0], "gone.jpg into the media library (the remote URL stays): server answered 404") {
			t.Errorf("notes %q", notes)
		}
		if !strings.Contains(sum.String(), "2 files copied into the media library (1 could not be fetched)") {
			t.Errorf("summary line %q", sum)
		}
	})
}
