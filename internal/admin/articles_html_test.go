package admin_test

// The article pages checked as documents: valid HTML with unique ids (the
// Nu HTML Checker), and in Chromium without the editor's script: written
// and saved from the keyboard, the conflict page, and axe-core on each.

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"newsdesk/internal/editorial"
	"newsdesk/internal/news"
)

// arPage is one article page kept for checking.
type arPage struct{ name, what, body string }

// arPages renders every article page, as shown and as refused, with a
// chief editor (who is offered every workflow form).
func arPages(t *testing.T) []arPage {
	n := newNewsroom(t, "sqlite")
	n.addUser(t, "dan@example.org", "Dan", news.Grant{Role: news.RoleChiefEditor})
	n.addUser(t, "ed@example.org", "Ed", news.Grant{Role: news.RoleEditor, Channel: "news"})
	b, ed := n.browser(t), n.browser(t)
	b.signIn("dan@example.org")
	ed.signIn("ed@example.org")
	var out []arPage
	keep := func(name, what string, p page, status int) {
		t.Helper()
		if p.status != status {
			t.Fatalf("%s: status %d, want %d\n%s", what, p.status, status, p.body)
		}
		out = append(out, arPage{name, what, p.body})
	}
	id := arCreate(t, b, arForm("Wind farms", "news/world", "en", "<p>The quick brown fox.</p><h2>More</h2><p>Text</p>"))
	arSave(t, b, n, id, "body", "<p>The slow brown fox.</p>")
	zh := arCreate(t, b, arForm("国家能源局发布通知", "news/world", "zh", "<p>今年冬季供暖。</p>"))
	arSave(t, b, n, zh, "headline", "国家能源局公布通知")
	edit := fmt.Sprintf("/admin/articles/%d", id)
	// The media library, and an article with a lead image and a download.
	img := mdUploaded(t, b, "photo-gps.jpg", "photo.jpg", "caption", "A caption")
	docID := mdUploaded(t, b, "notice.pdf", "notice.pdf")
	withMedia := arForm("With media", "news/world", "en", "<p>Text.</p>", "media_fields", "1", "lead_media", fmt.Sprint(img), "lead_credit", "Agency")
	withMedia.Add("attachments", fmt.Sprint(docID))
	mediaArticle := arCreate(t, b, withMedia)
	revs, _ := n.store.Revisions(context.Background(), id)
	zrevs, _ := n.store.Revisions(context.Background(), zh)
	for _, lang := range []string{"en", "zh"} {
		b.get("/admin/lang/" + lang)
		for _, path := range []string{"/admin/", "/admin/articles", "/admin/articles/new", edit, "/admin/articles/1", edit + "/revisions",
			fmt.Sprintf("%s/revisions?a=%d&b=%d", edit, revs[1].ID, revs[0].ID),
			fmt.Sprintf("/admin/articles/%d/revisions?a=%d&b=%d", zh, zrevs[1].ID, zrevs[0].ID),
			"/admin/media", fmt.Sprintf("/admin/media/%d", img), fmt.Sprintf("/admin/media/%d", docID), "/admin/media?q=nothing",
			fmt.Sprintf("/admin/articles/%d", mediaArticle)} {
			keep(lang+strings.NewReplacer("/", "-", "?", "-", "&", "-", "=", "-").Replace(path), "GET "+path+" ("+lang+")", b.get(path), http.StatusOK)
		}
	}
	b.get("/admin/lang/en")
	keep("locked", "GET a live article as an editor", ed.get("/admin/articles/1"), http.StatusOK)
	keep("create-refused", "POST /admin/articles refused", mgSubmit(b, "/admin/articles/new", "/admin/articles",
		arForm("", "news/world", "en", "<p>x</p>", "embargo", "soon", "slug", "Not A Slug")), http.StatusUnprocessableEntity)
	keep("save-refused", "POST edit refused", mgSubmit(b, edit, edit, arFormOf(arArticle(t, n, id), "headline", "")), http.StatusUnprocessableEntity)
	keep("transition-refused", "POST transition refused", arTransition(b, id, "schedule", "at", "2020-01-01T00:00"), http.StatusUnprocessableEntity)
	keep("pins-refused", "POST pins refused", mgSubmit(b, edit, edit+"/pins", mgForm("home", "1", "home_position", "0")), http.StatusUnprocessableEntity)
	keep("conflict", "POST edit from an old version", mgSubmit(b, edit, edit, arFormOf(arArticle(t, n, id), "version", "1")), http.StatusConflict)
	keep("preview-501", "GET preview without the portal", b.get(edit+"/preview"), http.StatusNotImplemented)
	keep("upload-refused", "POST /admin/media refused", mdUpload(t, b, "page.jpg", "page.jpg", "alt", "x"), http.StatusUnprocessableEntity)
	keep("describe-refused", "POST /admin/media/{id} refused", mgSubmit(b, fmt.Sprintf("/admin/media/%d", img), fmt.Sprintf("/admin/media/%d", img),
		mgForm("alt", strings.Repeat("a", 1001), "caption", "", "credit", "")), http.StatusUnprocessableEntity)
	keep("publish-no-alt", "POST publish refused for alt text", arTransition(b, mediaArticle, "publish"), http.StatusUnprocessableEntity)
	keep("delete-refused", "POST /admin/media/{id}/delete refused", mgSubmit(b, fmt.Sprintf("/admin/media/%d", img), fmt.Sprintf("/admin/media/%d/delete", img), nil),
		http.StatusUnprocessableEntity)
	return out
}

func TestArticlePagesValidHTML(t *testing.T) {
	jar := os.Getenv("NEWSDESK_VNU_JAR")
	if jar == "" {
		msg := "NEWSDESK_VNU_JAR is not set (the Nu HTML Checker's vnu.jar; scripts/test installs it with npm)"
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s: CI=true, HTML validation must run", msg)
		}
		t.Skipf("!!! SKIPPING article HTML validation: %s. Run scripts/test, or set NEWSDESK_VNU_JAR=/path/to/vnu.jar.", msg)
	}
	if _, err := exec.LookPath("java"); err != nil {
		t.Fatalf("NEWSDESK_VNU_JAR is set but java is not on PATH: %v", err)
	}
	dir := t.TempDir()
	source := map[string]string{}
	var files []string
	dup := regexp.MustCompile(`\sid="([^"]+)"`)
	for _, p := range arPages(t) {
		file := filepath.Join(dir, p.name+".html")
		if err := os.WriteFile(file, []byte(p.body), 0o644); err != nil {
			t.Fatal(err)
		}
		source[p.name+".html"] = p.what
		files = append(files, file)
		seen := map[string]bool{}
		for _, m := range dup.FindAllStringSubmatch(p.body, -1) {
			if seen[m[1]] {
				t.Errorf("%s: duplicate id %q", p.what, m[1])
			}
			seen[m[1]] = true
		}
	}
	checkHTMLFiles(t, jar, files, source)
}

// TestArticleBrowser writes an article in Chromium from the keyboard,
// without the editor's script (the textarea is the editor), saves it, meets
// another editor's save on the conflict page, compares revisions, then lets
// the editor's script autosave through the real handler; axe-core checks
// every article page on the way.
func TestArticleBrowser(t *testing.T) {
	root := startChromium(t)
	axe := os.Getenv("NEWSDESK_AXE") != "" || os.Getenv("CI") == "true"
	var src string
	if axe {
		src = axeSource(t)
	} else {
		t.Log("!!! NEWSDESK_AXE is not set: the article pages are driven in Chromium but not checked with axe-core. Run scripts/test.")
	}
	n := newNewsroom(t, browserDialect)
	dan := n.addUser(t, "dan@example.org", "Dan Chief", news.Grant{Role: news.RoleChiefEditor})
	tab := newTab(t, root, n.srv.URL)
	// This tab runs no editor script: the plain form must do.
	tab.do("block the editor's scripts", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: []*network.BlockPattern{
			{URLPattern: "*://*:*/admin/static/editor.*", Block: true}, {URLPattern: "*://*:*/admin/static/vendor/*", Block: true}}})
		return err
	}))
	if got := tab.signIn("dan@example.org", testPassword); got != "/admin/" {
		t.Fatalf("sign-in ended at %s", got)
	}
	check := func(what string) {
		t.Helper()
		if axe {
			tab.checkAxe(src, what)
		}
	}
	check("dashboard with queues")
	if st := tab.open("/admin/articles/new"); st != http.StatusOK {
		t.Fatalf("new article: %d", st)
	}
	check("new article")

	// Typed into the fields and sent with Enter; the body is a plain
	// textarea without the script.
	tab.do("write the headline", chromedp.SendKeys(chromedp.ID("headline"), "Keyboard only"))
	tab.do("write the body", chromedp.SendKeys(chromedp.ID("body"), "<p>Typed without a mouse.</p>"))
	tab.do("write the tags", chromedp.SendKeys(chromedp.ID("tags"), "grid, wind"))
	tab.do("choose the channel", chromedp.SetValue(chromedp.ID("channel"), "news/world"))
	if st := tab.load("create with Enter", chromedp.SendKeys(chromedp.ID("tags"), kb.Enter)); st != http.StatusOK {
		t.Fatalf("create: %d\n%s", st, tab.text())
	}
	at := tab.at()
	if !strings.HasPrefix(at, "/admin/articles/") {
		t.Fatalf("after create at %s\n%s", at, tab.text())
	}
	check("edit page")
	if got := tab.js(`document.querySelector('#body').value`); got != "<p>Typed without a mouse.</p>" {
		t.Errorf("the body textarea holds %q", got)
	}
	var id int64
	fmt.Sscanf(at, "/admin/articles/%d", &id)

	// Someone else saves while the page is open; saving gives the
	// conflict page, with the typed text kept.
	a := arArticle(t, n, id)
	if _, err := n.editorial.Save(context.Background(), dan, "127.0.0.1", id, a.Version, editorial.Draft{Language: a.Language, Channel: a.ChannelPath,
		Headline: a.Headline, BodyHTML: "<p>Saved elsewhere.</p>"}, false); err != nil {
		t.Fatal(err)
	}
	tab.do("edit the body", chromedp.SetValue(chromedp.ID("body"), "<p>My words, not lost.</p>"))
	if st := tab.load("save", chromedp.Click(`#article-form button[type=submit]`)); st != http.StatusConflict {
		t.Fatalf("save over a newer version: %d\n%s", st, tab.text())
	}
	if got := tab.js(`document.querySelector('#mine-body').value`); !strings.Contains(got, "My words, not lost.") {
		t.Errorf("the conflict page's textarea holds %q", got)
	}
	if got := tab.text(); !strings.Contains(got, "Saved elsewhere.") {
		t.Errorf("the conflict page does not show the stored version:\n%s", got)
	}
	check("conflict page")
	if st := tab.load("load the stored version", chromedp.Click(`//button[contains(., "Open the stored version")]`)); st != http.StatusOK {
		t.Fatalf("load stored: %d", st)
	}
	if got := tab.js(`document.querySelector('#body').value`); got != "<p>Saved elsewhere.</p>" {
		t.Errorf("after loading the stored version the body is %q", got)
	}

	for _, path := range []string{"/admin/articles", fmt.Sprintf("/admin/articles/%d/revisions", id), "/admin/articles/1"} {
		if st := tab.open(path); st != http.StatusOK {
			t.Fatalf("%s: %d", path, st)
		}
		check(path)
	}
	tab.open(fmt.Sprintf("/admin/articles/%d/revisions", id))
	if st := tab.load("compare", chromedp.Click(`//button[.="Compare"]`)); st != http.StatusOK {
		t.Fatalf("compare: %d\n%s", st, tab.text())
	}
	if got := tab.count("main ins"); got == 0 {
		t.Errorf("the diff shows no insertion:\n%s", tab.text())
	}
	check("diff")

	// With the editor's script: it mounts on the real page and autosaves
	// through the real handler.
	live := newTab(t, root, n.srv.URL)
	if got := live.signIn("dan@example.org", testPassword); got != "/admin/" {
		t.Fatalf("sign-in ended at %s", got)
	}
	before := arArticle(t, n, id)
	live.open(fmt.Sprintf("/admin/articles/%d", id))
	edMounted(live)
	if axe {
		live.checkAxe(src, "edit page with the editor")
	}
	edType(live, " Autosaved words.")
	edSaved(live)
	after := arArticle(t, n, id)
	if after.Version != before.Version+1 || !strings.Contains(after.BodyHTML, "Autosaved words.") {
		t.Errorf("after the editor's autosave: version %d → %d, body %q", before.Version, after.Version, after.BodyHTML)
	}
	if revs, err := n.store.Revisions(context.Background(), id); err != nil || !revs[0].Autosave {
		t.Errorf("the newest revision is not an autosave: %v", err)
	}
}
