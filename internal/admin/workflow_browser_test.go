package admin_test

// Issue 4 in headless Chromium: an editor writes an article in a channel
// that requires approval and submits it; a chief editor, in a browser of
// her own, approves it and schedules it a minute ahead. Readers get 404
// until the newsroom's clock passes that minute, then the page and the
// channel listing show it, with no scheduler running: visibility is by time
// in the query.

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"newsdesk/internal/news"
	"newsdesk/internal/store"
)

// wfButton is the XPath of the edit page's workflow button for transition.
func wfButton(transition string) string {
	return fmt.Sprintf(`//form[contains(@class, "transition")][input[@name="transition" and @value=%q]]//button[@type="submit"]`, transition)
}

// wfButtons is the text of every workflow button on the tab's page.
func wfButtons(c *chromeTab) string {
	c.t.Helper()
	return c.js(`Array.from(document.querySelectorAll('form.transition button')).map(b => b.textContent.trim()).join('|')`)
}

func TestWorkflowBrowser(t *testing.T) {
	root := startChromium(t)
	n := newNewsroom(t, browserDialect)
	ctx := context.Background()
	if err := n.store.InTx(ctx, func(tx *store.Tx) error {
		c, err := tx.ChannelByPath(ctx, "news/world")
		if err != nil {
			return err
		}
		c.RequiresApproval = true
		_, _, err = tx.UpsertChannel(ctx, c)
		return err
	}); err != nil {
		t.Fatalf("require approval in news/world: %v", err)
	}
	n.addUser(t, "ed@example.org", "Ed Editor", news.Grant{Role: news.RoleEditor, Channel: "news"})
	n.addUser(t, "dan@example.org", "Dan Chief", news.Grant{Role: news.RoleChiefEditor})

	// The editor writes in the plain form: the editor's script is blocked.
	ed := newTab(t, root, n.srv.URL)
	ed.do("block the editor's scripts", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: []*network.BlockPattern{
			{URLPattern: "*://*:*/admin/static/editor.*", Block: true}, {URLPattern: "*://*:*/admin/static/vendor/*", Block: true}}})
		return err
	}))
	if got := ed.signIn("ed@example.org", testPassword); got != "/admin/" {
		t.Fatalf("editor's sign-in ended at %s", got)
	}
	if st := ed.open("/admin/articles/new"); st != http.StatusOK {
		t.Fatalf("new article: %d\n%s", st, ed.text())
	}
	const headline = "Harbour bridge reopens to traffic"
	ed.do("write the article",
		chromedp.SendKeys(chromedp.ID("headline"), headline),
		chromedp.SetValue(chromedp.ID("channel"), "news/world"),
		chromedp.SetValue(chromedp.ID("language"), "en"),
		chromedp.SendKeys(chromedp.ID("body"), "<p>Engineers signed off on Sunday.</p>"))
	if st := ed.load("create", chromedp.Click(`#article-form button[type=submit]`)); st != http.StatusOK {
		t.Fatalf("create: %d\n%s", st, ed.text())
	}
	edit := ed.at()
	var id int64
	if _, err := fmt.Sscanf(edit, "/admin/articles/%d", &id); err != nil || edit != fmt.Sprintf("/admin/articles/%d", id) {
		t.Fatalf("after create at %s\n%s", edit, ed.text())
	}
	if a := arArticle(t, n, id); a.Status != news.StatusDraft || a.ChannelPath != "news/world" || a.Language != "en" || a.Headline != headline {
		t.Fatalf("created: %s in %s/%s %q", a.Status, a.ChannelPath, a.Language, a.Headline)
	}
	if b := wfButtons(ed); strings.Contains(b, "Approve") || strings.Contains(b, "Publish now") || !strings.Contains(b, "Submit for review") {
		t.Errorf("the editor's draft offers %q", b)
	}
	if st := ed.load("submit for review", chromedp.Click(wfButton("submit"))); st != http.StatusOK {
		t.Fatalf("submit: %d\n%s", st, ed.text())
	}
	ed.wantAt(edit)
	if a := arArticle(t, n, id); a.Status != news.StatusInReview {
		t.Fatalf("after submit: %s\n%s", a.Status, ed.text())
	}
	if b := wfButtons(ed); strings.Contains(b, "Approve") || ed.count(`form.transition input[name=transition][value=approve]`) != 0 {
		t.Errorf("the editor may approve his own article: %q", b)
	}

	// The chief editor, in a browser context of her own.
	dan := newTab(t, root, n.srv.URL)
	if got := dan.signIn("dan@example.org", testPassword); got != "/admin/" {
		t.Fatalf("chief's sign-in ended at %s", got)
	}
	if st := dan.open(edit); st != http.StatusOK {
		t.Fatalf("chief opens %s: %d", edit, st)
	}
	if st := dan.load("approve", chromedp.Click(wfButton("approve"))); st != http.StatusOK {
		t.Fatalf("approve: %d\n%s", st, dan.text())
	}
	dan.wantAt(edit)
	if a := arArticle(t, n, id); a.Status != news.StatusApproved {
		t.Fatalf("after approve: %s\n%s", a.Status, dan.text())
	}
	zone, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	release := n.clock.Now().Add(time.Minute).In(zone)
	dan.do("set the release time", chromedp.SetValue(chromedp.ID("tr-schedule-at"), release.Format("2006-01-02T15:04")))
	if st := dan.load("schedule", chromedp.Click(wfButton("schedule"))); st != http.StatusOK {
		t.Fatalf("schedule: %d\n%s", st, dan.text())
	}
	dan.wantAt(edit)
	a := arArticle(t, n, id)
	if a.Status != news.StatusScheduled || !a.VisibleFrom().Equal(release.Truncate(time.Minute)) {
		t.Fatalf("after schedule: %s visible from %v, want %v\n%s", a.Status, a.VisibleFrom(), release, dan.text())
	}

	public := fmt.Sprintf("/en/news/world/%s/%s/", release.Format("2006/01/02"), a.Slug)
	if href := dan.js(`(Array.from(document.querySelectorAll('main a')).find(a => a.textContent.trim() === 'Public page') || {pathname: ''}).pathname`); href != "" && href != public {
		t.Errorf("the edit page links the public page at %s, want %s", href, public)
	}
	reader := newTab(t, root, n.srv.URL)
	// The reader's tab keeps its HTTP cache: public pages are revalidated
	// on every use, so the release shows at once without disabling it.
	listed := func() bool {
		t.Helper()
		if st := reader.open("/en/news/world/"); st != http.StatusOK {
			t.Fatalf("channel listing: %d", st)
		}
		return reader.count(fmt.Sprintf(`a[href="%s"]`, public)) > 0 || strings.Contains(reader.text(), headline)
	}
	if st := reader.open(public); st != http.StatusNotFound {
		t.Errorf("before its time %s answers %d, want 404", public, st)
	}
	if listed() {
		t.Errorf("before its time /en/news/world/ lists it")
	}

	n.clock.Add(2 * time.Minute)
	if st := reader.open(public); st != http.StatusOK {
		t.Fatalf("after its time %s answers %d, want 200\n%s", public, st, reader.text())
	}
	if h := reader.h1(); !strings.Contains(h, headline) {
		t.Errorf("the public page's heading is %q", h)
	}
	if !listed() {
		t.Errorf("after its time /en/news/world/ does not list it:\n%s", reader.text())
	}
}
