package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"newsdesk/internal/news"
)

// TestWiresBrowser: an administrator adds a wire source served by a local
// test server, allows its host, polls it now, finds its items in the review
// queue with their credit, approves and publishes one, and readers see it
// in the channel.
func TestWiresBrowser(t *testing.T) {
	root := startChromium(t)
	ctx := context.Background()
	n := newNewsroom(t, browserDialect)
	n.addUser(t, "ada@example.org", "Ada Lovelace", news.Grant{Role: news.RoleAdministrator})
	feed := wireFeed(t)
	tab := newTab(t, root, n.srv.URL)
	if got := tab.signIn("ada@example.org", testPassword); got != "/admin/" {
		t.Fatalf("sign in at %s:\n%s", got, tab.text())
	}
	flash := func() string {
		return tab.js(`(document.querySelector('main .flash') || {textContent: ''}).textContent`)
	}
	tab.load("go to Wire sources", chromedp.Click(`nav.sections a[href="/admin/wires"]`))
	tab.wantAt("/admin/wires")
	if got := tab.h1(); got != "Wire sources" {
		t.Fatalf("h1 %q", got)
	}

	tab.do("fill in the source",
		chromedp.SendKeys(`#wire-name`, "Test Agency"),
		chromedp.SendKeys(`#wire-url`, feed.URL+"/rss"),
		chromedp.SetValue(`#wire-format`, "rss"),
		chromedp.SetValue(`#wire-channel`, "news/china/government-dynamic"),
		chromedp.SetValue(`#wire-language`, "en"),
		chromedp.SendKeys(`#wire-credit`, "Test Agency"))
	if st := tab.load("create", chromedp.Click(`section[aria-labelledby=wire-form-h] form button[type=submit]`)); st != http.StatusOK {
		t.Fatalf("create: %d\n%s", st, tab.text())
	}
	if f := flash(); !strings.Contains(f, "Test Agency added") {
		t.Fatalf("after create the flash says %q\n%s", f, tab.text())
	}
	// The test server listens on 127.0.0.1: allow it.
	tab.do("allow the test host", chromedp.SendKeys(`#allow`, "127.0.0.1"))
	tab.load("save the allow-list", chromedp.Click(`section[aria-labelledby=allow-h] form button[type=submit]`))
	if f := flash(); f != "Allow-list saved." {
		t.Fatalf("after the allow-list the flash says %q", f)
	}
	if os.Getenv("NEWSDESK_AXE") != "" {
		tab.checkAxe(axeSource(t), "/admin/wires")
	}

	tab.load("poll now", chromedp.Click(`table.wires form button[type=submit]`))
	if f := flash(); !strings.Contains(f, "2 items: 2 created") {
		t.Fatalf("after poll now the flash says %q\n%s", f, tab.text())
	}
	if got := tab.js(`document.querySelector('table.wires td.wire-items').textContent`); got != "2" {
		t.Errorf("items column %q, want 2", got)
	}
	if got := tab.js(`document.querySelector('table.wires td.wire-health').textContent`); got != "OK" {
		t.Errorf("health column %q, want OK", got)
	}

	// The review queue on the dashboard lists both stories.
	tab.open("/admin/")
	text := tab.text()
	for _, h := range []string{"Harbour reopens after storm", "Rail link approved"} {
		if !strings.Contains(text, h) {
			t.Errorf("the dashboard's review queue lacks %q:\n%s", h, text)
		}
	}
	a, err := n.store.ArticleByURI(ctx, "https://agency.example/#tw-1")
	if err != nil || a.Status != news.StatusInReview {
		t.Fatalf("landed %+v, %v", a, err)
	}
	edit := fmt.Sprintf("/admin/articles/%d", a.ID)
	if st := tab.open(edit); st != http.StatusOK {
		t.Fatalf("open %s: %d", edit, st)
	}
	if got := tab.js(`document.querySelector('input[name=source]').value`); got != "Test Agency" {
		t.Errorf("the article's source field holds %q", got)
	}
	if st := tab.load("approve", chromedp.Click(wfButton("approve"))); st != http.StatusOK {
		t.Fatalf("approve: %d\n%s", st, tab.text())
	}
	if st := tab.load("publish", chromedp.Click(wfButton("publish"))); st != http.StatusOK {
		t.Fatalf("publish: %d\n%s", st, tab.text())
	}
	if a := arArticle(t, n, a.ID); a.Status != news.StatusPublished {
		t.Fatalf("after publish: %s\n%s", a.Status, tab.text())
	}

	reader := newTab(t, root, n.srv.URL)
	if st := reader.open("/en/news/china/government-dynamic/"); st != http.StatusOK {
		t.Fatalf("channel page: %d", st)
	}
	text = reader.text()
	if !strings.Contains(text, "Harbour reopens after storm") || strings.Contains(text, "Rail link approved") {
		t.Errorf("the channel lists the wrong stories:\n%s", text)
	}
	reader.load("open the story", chromedp.Click(`//main//a[contains(., "Harbour reopens after storm")]`))
	if text := reader.text(); !strings.Contains(text, "Test Agency") || !strings.Contains(text, "The harbour reopened on Monday.") {
		t.Errorf("the public page lacks its credit or body:\n%s", text)
	}
}
